"""Reading and writing registry records: storing a submission (idempotently, input files once by sha256),
finding and listing evaluations, status changes with their audit entries, and the stored input files."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from lca.core.errors import Conflict, NotFound
from lca.registry.db import retrying, transaction
from lca.registry.models import Audit, Blob, Declared, Evaluation, InputFile, Requirement, StageResult

Clock = Callable[[], datetime]
# status → the statuses it may be reached from
TRANSITIONS = {"verified": ("submitted",), "listed": ("verified",), "delisted": ("listed",)}


def utc_now() -> datetime:
    """Now in UTC, naive (how both backends store it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class Submission:
    """An evaluation ready to store: the record's fields, its input files and its outcomes."""

    fields: dict  # Evaluation columns (product_id, ..., evaluator)
    files: dict[str, bytes]  # path relative to the manifest's folder → bytes (the manifest included)
    spec: bytes  # the specification file evaluated against
    requirements: list[dict] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)
    declared: list[dict] = field(default_factory=list)


def identity(fields: dict) -> str:
    """What makes two submissions the same: inputs, specification, manufacturer and every version."""
    keys = ("input_hash", "spec_sha256", "spec_id", "spec_version", "manufacturer", "background_data_version",
            "indicator_set", "indicator_set_version", "software_version")
    return sha256("\0".join(str(fields[k]) for k in keys).encode())


def _put_blobs(s: Session, contents: list[bytes]) -> None:
    """Insert the blobs not stored yet (a blob already there, even from a concurrent writer, is kept)."""
    rows = {sha256(c): {"sha256": sha256(c), "size": len(c), "content": c} for c in contents}
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(insert(Blob).values(list(rows.values())).on_conflict_do_nothing(index_elements=["sha256"]))


def log(s: Session, ev: Evaluation, actor: str, action: str, at: datetime, *, to_status: str | None = None,
        reason: str | None = None, detail: dict | None = None) -> None:
    """Append an audit entry (and move the evaluation to `to_status` when given)."""
    s.add(Audit(evaluation_id=ev.id, at=at, actor=actor, action=action, from_status=ev.status,
                to_status=to_status, reason=reason, detail=detail))
    if to_status:
        ev.status, ev.updated_at = to_status, at


def find(sessions: sessionmaker[Session], ident: str) -> int | None:
    """The id of the evaluation with this identity, if stored."""
    with sessions() as s:
        return s.scalar(select(Evaluation.id).where(Evaluation.identity == ident))


def record(sessions: sessionmaker[Session], sub: Submission, clock: Clock = utc_now) -> tuple[int, bool]:
    """Store a submission: (id, True) when new, (existing id, False) when the same one is already stored."""
    ident = identity(sub.fields)

    def write() -> tuple[int, bool]:
        with transaction(sessions) as s:
            existing = s.scalar(select(Evaluation.id).where(Evaluation.identity == ident))
            if existing is not None:
                return existing, False
            _put_blobs(s, [*sub.files.values(), sub.spec])
            at = clock()
            ev = Evaluation(**sub.fields, identity=ident, status="submitted", created_at=at, updated_at=at,
                            files=[InputFile(path=p, sha256=sha256(c)) for p, c in sorted(sub.files.items())],
                            requirements=[Requirement(position=k, **r) for k, r in enumerate(sub.requirements)],
                            results=[StageResult(position=k, **r) for k, r in enumerate(sub.results)],
                            declared=[Declared(**d) for d in sub.declared])
            s.add(ev)
            s.flush()
            s.add(Audit(evaluation_id=ev.id, at=at, actor=ev.evaluator, action="submit", to_status="submitted",
                        detail={"identity": ident, "verdict": ev.verdict}))
            return ev.id, True

    try:
        return retrying(write)
    except IntegrityError:  # a concurrent writer stored the same submission first (PostgreSQL)
        existing = find(sessions, ident)
        if existing is None:
            raise
        return existing, False


def get(s: Session, evaluation_id: int) -> Evaluation:
    """One evaluation with its files, outcomes and results; NotFound if there is none."""
    ev = s.get(Evaluation, evaluation_id, options=[selectinload(Evaluation.files), selectinload(
        Evaluation.requirements), selectinload(Evaluation.results), selectinload(Evaluation.declared)])
    if ev is None:
        raise NotFound(f"no evaluation {evaluation_id} in the registry", hint="see `lca registry list`")
    return ev


def load(sessions: sessionmaker[Session], evaluation_id: int) -> Evaluation:
    with sessions() as s:
        return get(s, evaluation_id)


def audit_log(sessions: sessionmaker[Session], evaluation_id: int) -> list[Audit]:
    with sessions() as s:
        return list(s.scalars(select(Audit).where(Audit.evaluation_id == evaluation_id).order_by(Audit.id)))


def listing(sessions: sessionmaker[Session], *, category: str | None = None, status: str | None = None,
            verdict: str | None = None, limit: int | None = 50) -> tuple[list[Evaluation], int]:
    """The newest evaluations matching the filters (at most `limit`), and how many match in all."""
    where = [c == v for c, v in ((Evaluation.category, category), (Evaluation.status, status),
                                 (Evaluation.verdict, verdict)) if v is not None]
    with sessions() as s:
        total = s.scalar(select(func.count()).select_from(Evaluation).where(*where))
        rows = list(s.scalars(select(Evaluation).where(*where).order_by(Evaluation.id.desc()).limit(limit)))
    return rows, total


def transition(sessions: sessionmaker[Session], evaluation_id: int, to_status: str, actor: str,
               reason: str | None = None, clock: Clock = utc_now) -> Evaluation:
    """Move an evaluation along submitted → verified → listed → delisted, with an audit entry."""
    def write() -> Evaluation:
        with transaction(sessions) as s:
            ev = get(s, evaluation_id)
            if ev.status not in TRANSITIONS[to_status]:
                raise Conflict(f"evaluation {evaluation_id} is {ev.status}; only a "
                               f"{' or '.join(TRANSITIONS[to_status])} one can become {to_status}")
            if to_status == "listed" and ev.verdict == "fail":
                raise Conflict(f"evaluation {evaluation_id} fails its specification and cannot be listed")
            log(s, ev, actor, to_status, clock(), to_status=to_status, reason=reason)
            return ev
    return retrying(write)


def files(s: Session, ev: Evaluation) -> dict[str, bytes]:
    """The evaluation's stored input files by path."""
    blobs = {b.sha256: b.content for b in s.scalars(select(Blob).where(
        Blob.sha256.in_([f.sha256 for f in ev.files])))}
    return {f.path: blobs[f.sha256] for f in ev.files}


def unpack(sessions: sessionmaker[Session], evaluation_id: int, folder: Path) -> tuple[Path, Path]:
    """Write an evaluation's stored inputs into `folder` (product/ and spec.yaml): (manifest, specification)."""
    with sessions() as s:
        ev = get(s, evaluation_id)
        stored = files(s, ev)
        spec = s.get(Blob, ev.spec_sha256).content
    product = folder / "product"
    for rel, content in stored.items():
        (product / rel).parent.mkdir(parents=True, exist_ok=True)
        (product / rel).write_bytes(content)
    (folder / "spec.yaml").write_bytes(spec)
    return product / ev.manifest, folder / "spec.yaml"
