"""What the service shows of the registry: who may see which evaluation, a filtered and paginated search,
and records as plain dicts (the JSON API's bodies and the pages' rows)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from lca.registry.models import Evaluation, InspectionItem, StageResult
from lca.service.auth import Caller

PUBLIC_STATUSES = ("listed",)


def visible(caller: Caller | None):
    """The SQL condition for the evaluations a caller may see: listed ones; a manufacturer also its own;
    evaluators and authorities all."""
    if caller is not None and caller.role in ("evaluator", "authority"):
        return True
    listed = Evaluation.status.in_(PUBLIC_STATUSES)
    return or_(listed, Evaluation.manufacturer == caller.name) if caller is not None else listed


def may_see(caller: Caller | None, ev: Evaluation) -> bool:
    return ev.status in PUBLIC_STATUSES or (caller is not None and (
        caller.role in ("evaluator", "authority") or ev.manufacturer == caller.name))


@dataclass(frozen=True)
class Query:
    """Filters and page of a search; `indicator` with `minimum`/`maximum` bounds its result in `stage`."""

    category: str | None = None
    verdict: str | None = None
    status: str | None = None
    manufacturer: str | None = None
    indicator: str | None = None
    stage: str = "total"
    minimum: float | None = None
    maximum: float | None = None
    page: int = 1
    per_page: int = 50


def search(sessions: sessionmaker[Session], q: Query, caller: Caller | None) -> tuple[list[Evaluation], int]:
    """One page of the evaluations the caller may see that match `q` (newest first), and how many match."""
    where = [visible(caller)]
    where += [c == v for c, v in ((Evaluation.category, q.category), (Evaluation.verdict, q.verdict),
                                  (Evaluation.status, q.status), (Evaluation.manufacturer, q.manufacturer))
              if v is not None]
    if q.indicator is not None:
        bounds = [StageResult.evaluation_id == Evaluation.id, StageResult.indicator == q.indicator,
                  StageResult.stage == q.stage, StageResult.value.is_not(None)]
        bounds += [StageResult.value >= q.minimum] if q.minimum is not None else []
        bounds += [StageResult.value <= q.maximum] if q.maximum is not None else []
        where.append(exists().where(and_(*bounds)))
    with sessions() as s:
        total = s.scalar(select(func.count()).select_from(Evaluation).where(*where))
        rows = list(s.scalars(select(Evaluation).where(*where).order_by(Evaluation.id.desc())
                              .offset((q.page - 1) * q.per_page).limit(q.per_page)
                              .options(selectinload(Evaluation.requirements), selectinload(Evaluation.results))))
    return rows, total


def last_inspections(sessions: sessionmaker[Session], ids: list[int]) -> dict[int, InspectionItem]:
    """The latest inspected item of each evaluation in `ids`."""
    with sessions() as s:
        items = s.scalars(select(InspectionItem).where(InspectionItem.evaluation_id.in_(ids),
                                                       InspectionItem.inspected_at.is_not(None))
                          .order_by(InspectionItem.inspected_at))
        return {i.evaluation_id: i for i in items}


def columns(obj) -> dict:
    """A model row as a dict of its columns."""
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def summary(ev: Evaluation) -> dict:
    """An evaluation without its files and results: the listing's row."""
    return {k: v for k, v in columns(ev).items() if k not in ("identity",)}


def detail(ev: Evaluation) -> dict:
    """An evaluation with its requirement outcomes, stage results, declared values and input files."""
    return {**summary(ev), "requirements": [columns(r) for r in ev.requirements],
            "results": [columns(r) for r in ev.results], "declared": [columns(d) for d in ev.declared],
            "files": [columns(f) for f in ev.files]}


def key_indicators(ev: Evaluation) -> list[tuple[str, float | None, str]]:
    """What the listing shows of an evaluation's numbers: its indicator requirements' values, else its
    first three indicators' totals."""
    picked = [(r.requirement, r.value, r.unit or "") for r in ev.requirements if r.kind == "indicator"]
    return picked or [(r.indicator, r.value, r.unit) for r in ev.results if r.stage == "total"][:3]
