"""The JSON API: submit, search, read, report, verify, list, delist, inspect; writes need a bearer token of
the right role (lca.service.auth)."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from lca.registry import inspection, store, submission, verify
from lca.service import views
from lca.service.auth import Caller, optional_caller, require
from lca.service.uploads import unpack

router = APIRouter(prefix="/api")
Maker = Annotated[Caller, Depends(require("manufacturer"))]
Evaluator = Annotated[Caller, Depends(require("evaluator"))]
Authority = Annotated[Caller, Depends(require("authority"))]
Anyone = Annotated[Caller | None, Depends(optional_caller)]


async def read_uploads(request: Request, files: list[UploadFile]) -> list[tuple[str, bytes]]:
    """The uploaded files' names and bytes, reading no more than the size limit allows."""
    limit, out, total = request.app.state.limits.max_bytes, [], 0
    for f in files:
        content = await f.read(limit - total + 1)
        total += len(content)
        if total > limit:
            raise HTTPException(413, f"the upload is more than {limit} bytes; at most {limit} are accepted")
        out.append((f.filename or "", content))
    return out


def store_upload(request: Request, uploads: list[tuple[str, bytes]], spec: str, caller: Caller) -> tuple[int, bool]:
    """Unpack an upload into a private folder, evaluate it and store it for the caller's manufacturer."""
    state = request.app.state
    if spec not in state.spec_ids:  # a shipped specification only: never a path on the server
        raise HTTPException(400, f"unknown specification '{spec}'; one of {', '.join(sorted(state.spec_ids))}")
    with tempfile.TemporaryDirectory(prefix="lca-upload-") as tmp:
        manifest = unpack(uploads, Path(tmp), state.limits)
        with state.engine_lock:
            return submission.submit(state.sessions, manifest, spec, manufacturer=caller.name,
                                     evaluator=f"{caller.role}:{caller.name}", home=state.home)


@router.post("/evaluations", status_code=201)
async def submit(request: Request, response: Response, caller: Maker,
                 files: Annotated[list[UploadFile], File(description="The manifest and its tables, or one .zip")],
                 spec: Annotated[str, Form(description="Specification id (see /api/specs) or file name")]) -> dict:
    """Evaluate an uploaded product against a specification and store it (the same upload returns the same id)."""
    uploads = await read_uploads(request, files)
    ev_id, created = await run_in_threadpool(store_upload, request, uploads, spec, caller)
    if not created:
        response.status_code = 200
    ev = store.load(request.app.state.sessions, ev_id)
    return {"id": ev_id, "created": created, "status": ev.status, "verdict": ev.verdict}


@router.get("/evaluations")
def search(request: Request, caller: Anyone, category: str | None = None, verdict: str | None = None,
           status: str | None = None, manufacturer: str | None = None,
           indicator: Annotated[str | None, Query(description="Bound this indicator's result by min/max")] = None,
           stage: str = "total", min: float | None = None, max: float | None = None,
           page: Annotated[int, Query(ge=1)] = 1, per_page: Annotated[int, Query(ge=1, le=500)] = 50) -> dict:
    """Evaluations the caller may see, filtered and paginated (newest first)."""
    q = views.Query(category, verdict, status, manufacturer, indicator, stage, min, max, page, per_page)
    rows, total = views.search(request.app.state.sessions, q, caller)
    return {"total": total, "page": page, "per_page": per_page, "items": [views.summary(ev) for ev in rows]}


def visible_evaluation(request: Request, evaluation_id: int, caller: Caller | None):
    """The evaluation if the caller may see it; 404 if there is none, 401/403 if it is not theirs to see."""
    ev = store.load(request.app.state.sessions, evaluation_id)
    if not views.may_see(caller, ev):
        if caller is None:
            raise HTTPException(401, f"evaluation {evaluation_id} is not listed; a bearer token is needed to see it",
                                headers={"WWW-Authenticate": "Bearer"})
        raise HTTPException(403, f"evaluation {evaluation_id} is another manufacturer's draft")
    return ev


@router.get("/evaluations/{evaluation_id}")
def evaluation(request: Request, evaluation_id: int, caller: Anyone) -> dict:
    """One evaluation with its requirement outcomes, stage results and verdict, and its audit log."""
    ev = visible_evaluation(request, evaluation_id, caller)
    log = store.audit_log(request.app.state.sessions, evaluation_id)
    return {**views.detail(ev), "audit": [views.columns(a) for a in log]}


def render_report(request: Request, evaluation_id: int, lang: str, pdf: bool) -> bytes:
    """The product report of a stored evaluation, rebuilt from its stored inputs (lca.report)."""
    from lca.assess.specs import load_spec
    from lca.report import model, render

    state = request.app.state
    with tempfile.TemporaryDirectory(prefix="lca-report-") as tmp:
        manifest, spec = store.unpack(state.sessions, evaluation_id, Path(tmp))
        with state.engine_lock:
            r = model.build(manifest, load_spec(spec), store.load(state.sessions, evaluation_id).indicator_set,
                            state.home)
        html = render.render_product(r, lang)
        if not pdf:
            return html.encode()
        return render.write_pdf(html, Path(tmp) / "report.pdf").read_bytes()


@router.get("/evaluations/{evaluation_id}/report")
async def report(request: Request, evaluation_id: int, caller: Anyone, lang: Literal["zh", "en"] = "zh",
                 format: Literal["html", "pdf"] = "html") -> Response:
    """The evaluation's report as HTML or PDF, in Chinese or English."""
    visible_evaluation(request, evaluation_id, caller)
    body = await run_in_threadpool(render_report, request, evaluation_id, lang, format == "pdf")
    return Response(body, media_type="application/pdf" if format == "pdf" else "text/html; charset=utf-8")


def _verify(request: Request, evaluation_id: int, caller: Caller) -> dict:
    state = request.app.state
    with state.engine_lock:
        check = verify.verify(state.sessions, evaluation_id, f"{caller.role}:{caller.name}", state.home)
    return {"id": evaluation_id, "reproduced": check.reproduced, "status": store.load(state.sessions, evaluation_id).status,
            "versions_changed": [vars(c) for c in check.versions], "numbers_changed": [vars(c) for c in check.numbers]}


@router.post("/evaluations/{evaluation_id}/verify")
async def verify_evaluation(request: Request, evaluation_id: int, caller: Evaluator) -> dict:
    """Re-run from the stored inputs; reproduced exactly, a submitted evaluation becomes verified."""
    store.load(request.app.state.sessions, evaluation_id)
    return await run_in_threadpool(_verify, request, evaluation_id, caller)


def _move(request: Request, evaluation_id: int, to: str, caller: Caller, reason: str | None) -> dict:
    ev = store.transition(request.app.state.sessions, evaluation_id, to, f"{caller.role}:{caller.name}", reason)
    return {"id": evaluation_id, "status": ev.status}


@router.post("/evaluations/{evaluation_id}/list")
def list_product(request: Request, evaluation_id: int, caller: Evaluator,
                 reason: Annotated[str | None, Form()] = None) -> dict:
    """List a verified evaluation's product publicly."""
    return _move(request, evaluation_id, "listed", caller, reason)


@router.post("/evaluations/{evaluation_id}/delist")
def delist(request: Request, evaluation_id: int, caller: Authority, reason: Annotated[str, Form()]) -> dict:
    """Remove a listed product from the listing, with the reason in the audit log."""
    return _move(request, evaluation_id, "delisted", caller, reason)


def batch_dict(b) -> dict:
    return {**views.columns(b), "items": [views.columns(i) for i in b.items]}


@router.post("/inspections", status_code=201)
def draw(request: Request, caller: Authority, share: Annotated[float, Form()], seed: Annotated[int, Form()],
         category: Annotated[str | None, Form()] = None) -> dict:
    """Draw listed, non-exempt products for sampling inspection (seeded, recorded)."""
    b = inspection.draw(request.app.state.sessions, share, seed, f"{caller.role}:{caller.name}", category)
    return batch_dict(inspection.batch(request.app.state.sessions, b.id))


def _inspect(request: Request, batch_id: int, caller: Caller, measured: tuple[str, bytes] | None,
             tolerance: float | None) -> dict:
    state = request.app.state
    with tempfile.TemporaryDirectory(prefix="lca-measured-") as tmp:
        path = None
        if measured is not None:
            path = Path(tmp) / Path(measured[0]).name
            path.write_bytes(measured[1])
        with state.engine_lock:
            inspection.run(state.sessions, batch_id, f"{caller.role}:{caller.name}", path, tolerance, state.home)
    return batch_dict(inspection.batch(state.sessions, batch_id))


@router.post("/inspections/{batch_id}/run")
async def run_inspection(request: Request, batch_id: int, caller: Authority,
                         measured: Annotated[UploadFile | None, File(description="CSV/XLSX: evaluation, indicator, "
                                                                     "value, unit[, document]")] = None,
                         tolerance: Annotated[float | None, Form()] = None) -> dict:
    """Inspect a batch: re-evaluate each drawn product; the non-conforming are delisted."""
    inspection.batch(request.app.state.sessions, batch_id)
    upload = (await read_uploads(request, [measured]))[0] if measured is not None else None
    return await run_in_threadpool(_inspect, request, batch_id, caller, upload, tolerance)


@router.get("/inspections/{batch_id}")
def inspection_results(request: Request, batch_id: int) -> dict:
    """A batch: its draw (share, seed, population) and each drawn product's outcome with reasons."""
    return batch_dict(inspection.batch(request.app.state.sessions, batch_id))
