"""Catalogue screening as a background job: upload a catalogue, follow its progress, download the results
(lca.population.screen, run in a thread of the service; jobs live as long as the process)."""
from __future__ import annotations

import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse

from lca.core.errors import InputError
from lca.service.api import read_uploads
from lca.service.auth import ROLES, Caller, require
from lca.service.uploads import TABLE_TYPES, UploadError, safe_name

router = APIRouter(prefix="/api/screenings")
CATALOGUE_TYPES = (".csv", ".xlsx", ".parquet")


@dataclass
class Job:
    """One screening: its owner, state (queued, running, done, failed), progress and result file."""

    id: str
    owner: Caller
    folder: Path
    state: str = "queued"
    done: int = 0
    total: int | None = None
    error: str | None = None
    products: int | None = None
    result: Path | None = None


@dataclass
class Jobs:
    """The process's screening jobs, each with a private folder."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lca-screenings-")))
    by_id: dict[str, Job] = field(default_factory=dict)

    def start(self, owner: Caller, name: str, content: bytes, spec, home, lock: threading.Lock) -> Job:
        job = Job(uuid.uuid4().hex, owner, self.root / uuid.uuid4().hex)
        job.folder.mkdir()
        catalogue = job.folder / name
        catalogue.write_bytes(content)
        self.by_id[job.id] = job
        threading.Thread(target=run, args=(job, catalogue, spec, home, lock), daemon=True).start()
        return job


def run(job: Job, catalogue: Path, spec, home, lock: threading.Lock) -> None:
    """Screen the catalogue into the job's folder, counting progress; an input error fails the job with its message."""
    from lca.population import screen

    def progress(done: int, total: int | None) -> None:
        job.done, job.total = done, total
    job.state = "running"
    try:
        with lock:
            summary = screen.screen(catalogue, job.folder / "results.parquet", home=home, progress=progress, spec=spec)
    except InputError as exc:
        job.state, job.error = "failed", exc.render()
        return
    job.products, job.result, job.state = summary.products, job.folder / "results.parquet", "done"


def status(job: Job) -> dict:
    return {"id": job.id, "state": job.state, "done": job.done, "total": job.total, "products": job.products,
            "error": job.error, "result": f"/api/screenings/{job.id}/result" if job.state == "done" else None}


def owned(request: Request, job_id: str, caller: Caller) -> Job:
    job = request.app.state.jobs.by_id.get(job_id)
    if job is None or job.owner != caller:
        raise HTTPException(404, f"no screening job {job_id} of yours")
    return job


Member = Annotated[Caller, Depends(require(*ROLES))]


@router.post("", status_code=202)
async def start(request: Request, caller: Member, catalogue: Annotated[UploadFile, File()],
                spec: Annotated[str | None, Form()] = None) -> dict:
    """Start screening an uploaded catalogue (CSV, XLSX or Parquet), optionally against a shipped specification."""
    from lca.assess.specs import find

    name = safe_name(Path(catalogue.filename or "").name or "catalogue").name
    if Path(name).suffix.lower() not in CATALOGUE_TYPES:
        raise UploadError(400, f"'{name}' is not a catalogue (accepted: {', '.join(CATALOGUE_TYPES)})")
    if spec is not None and spec not in request.app.state.spec_ids:
        raise HTTPException(400, f"unknown specification '{spec}'")
    (_, content), = await read_uploads(request, [catalogue])
    if Path(name).suffix.lower() in TABLE_TYPES and Path(name).suffix.lower() != ".xlsx":
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadError(400, f"'{name}' is not UTF-8 text; save the table as UTF-8") from None
    job = request.app.state.jobs.start(caller, name, content, find(spec)[1] if spec else None, request.app.state.home,
                                     request.app.state.engine_lock)
    return status(job)


@router.get("/{job_id}")
def progress(request: Request, job_id: str, caller: Member) -> dict:
    """A job's state and progress (products done of total), and where to download its result."""
    return status(owned(request, job_id, caller))


@router.get("/{job_id}/result")
def result(request: Request, job_id: str, caller: Member) -> FileResponse:
    """The screening results (Parquet) of a finished job."""
    job = owned(request, job_id, caller)
    if job.state != "done":
        raise HTTPException(409, f"screening job {job_id} is {job.state}" + (f": {job.error}" if job.error else ""))
    return FileResponse(job.result, media_type="application/vnd.apache.parquet", filename="screening.parquet")
