"""Sampling inspection (抽查): draw listed, non-exempt products at random (seeded, recorded), re-evaluate each
from its stored inputs and newly measured values, and judge it against its declared values and its
specification. A non-conforming listing is delisted; the third consecutive conforming inspection starts a
five-year exemption from sampling, dated from that inspection."""
from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from lca.core import units
from lca.core.errors import Conflict, InputError, NotFound
from lca.inventory.tables import read_table
from lca.registry import store
from lca.registry.db import retrying, transaction
from lca.registry.models import Blob, Evaluation, InspectionBatch, InspectionItem
from lca.registry.store import Clock, utc_now
from lca.registry.verify import rerun

EXEMPTION_YEARS = 5
STREAK_FOR_EXEMPTION = 3


@dataclass
class Measured:
    value: float
    unit: str
    document: str | None
    row: int


def years_later(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def draw(sessions: sessionmaker[Session], share: float, seed: int, actor: str, category: str | None = None,
         clock: Clock = utc_now) -> InspectionBatch:
    """Draw ⌈share·N⌉ of the N listed, non-exempt evaluations (of a category) with a seeded generator; recorded."""
    if not 0 < share <= 1:
        raise InputError(f"share {share} is not in (0, 1]", column="--share")

    def write() -> InspectionBatch:
        with transaction(sessions) as s:
            at = clock()
            where = [Evaluation.status == "listed",
                     or_(Evaluation.exempt_until.is_(None), Evaluation.exempt_until <= at.date())]
            if category is not None:
                where.append(Evaluation.category == category)
            ids = list(s.scalars(select(Evaluation.id).where(*where).order_by(Evaluation.id)))
            if not ids:
                raise Conflict("no listed, non-exempt products to draw from" +
                               (f" in category '{category}'" if category else ""))
            n = math.ceil(share * len(ids))
            chosen = sorted(np.random.default_rng(seed).choice(ids, size=n, replace=False).tolist())
            batch = InspectionBatch(drawn_at=at, actor=actor, share=share, category=category, seed=seed,
                                    population=len(ids), items=[InspectionItem(evaluation_id=i) for i in chosen])
            s.add(batch)
            return batch
    return retrying(write)


def batch(sessions: sessionmaker[Session], batch_id: int) -> InspectionBatch:
    with sessions() as s:
        b = s.get(InspectionBatch, batch_id, options=[selectinload(InspectionBatch.items)])
    if b is None:
        raise NotFound(f"no inspection batch {batch_id}", hint="draw one with `lca inspect draw`")
    return b


def read_measured(path: Path, drawn: set[int]) -> dict[tuple[int, str], Measured]:
    """Measured values by (evaluation id, indicator) from a table: evaluation, indicator, value, unit[, document]."""
    table = read_table(path, None)
    table.require("evaluation", "indicator", "value", "unit")
    out = {}
    for row in table.rows:
        c = row.cells
        try:
            ev, value = int(c["evaluation"]), float(c["value"])
        except ValueError:
            col = "evaluation" if not c["evaluation"].strip().isdigit() else "value"
            raise InputError(f"'{c[col]}' is not a number", file=path, row=row.number, column=col) from None
        if not math.isfinite(value):
            raise InputError(f"'{c['value']}' is not a finite number", file=path, row=row.number, column="value")
        if ev not in drawn:
            raise InputError(f"evaluation {ev} is not drawn in this batch", file=path, row=row.number,
                             column="evaluation")
        try:
            units.parse_unit(c["unit"])
        except InputError as exc:
            raise exc.located(file=path, row=row.number, column="unit") from None
        if (ev, c["indicator"]) in out:
            raise InputError(f"a second value for {c['indicator']} of evaluation {ev}", file=path, row=row.number,
                             column="indicator")
        out[ev, c["indicator"]] = Measured(value, c["unit"], c.get("document") or None, row.number)
    return out


def _worse_by(measured: float, reference: float, op: str) -> float:
    """How far the measured value is on the failing side of the reference (≤ 0: not worse)."""
    if op in ("<=", "<"):
        return measured - reference
    if op in (">=", ">"):
        return reference - measured
    return abs(measured - reference)


def stated_tolerances(sessions: sessionmaker[Session], evaluation_id: int) -> dict[str, float]:
    """The inspection tolerance (%) per requirement that the evaluation's stored specification states."""
    from lca.assess.specs import inspection_tolerances, load_spec

    with sessions() as s:
        content = s.get(Blob, store.get(s, evaluation_id).spec_sha256).content
    with tempfile.TemporaryDirectory(prefix=f"lca-inspect-{evaluation_id}-") as tmp:
        (Path(tmp) / "spec.yaml").write_bytes(content)
        return inspection_tolerances(load_spec(Path(tmp) / "spec.yaml"))


def judge(requirements: list[dict], measured: dict[str, Measured], tolerance_pct: float | None,
          path: Path | None = None, stated: dict[str, float] | None = None) -> list[dict]:
    """Per requirement: ok, fail (with the reason) or not assessed, using measured values where given; the
    tolerance is the option's, else the one the specification states for the requirement (`stated`)."""
    from lca.assess.evaluate import COMPARE

    checked = {r.get("indicator") for r in requirements}
    for ind, m in measured.items():
        if ind not in checked:
            raise InputError(f"indicator '{ind}' is not checked by the specification", file=path, row=m.row,
                             column="indicator")
    reasons = []
    for r in requirements:
        name, m = r["requirement"], measured.get(r.get("indicator") or "")
        if r["kind"] == "basic" or m is None:
            status = {"pass": "ok", "fail": "fail"}.get(r["status"], "not assessed")
            text = r["status"] if r["kind"] == "basic" else (
                f"{r['status']}: {r['value']:.6g} {r['operator']} {r['threshold']:.6g} {r['unit']}"
                if r["value"] is not None else r["status"])
            reasons.append({"requirement": name, "status": status, "reason": text})
            continue
        tolerance = tolerance_pct if tolerance_pct is not None else (stated or {}).get(name)
        if tolerance is None:
            raise InputError(f"measured values need a tolerance: the specification states none for '{name}'",
                             file=path, row=m.row, column="indicator",
                             hint="give --tolerance PCT, or inspection_tolerance_pct in the specification")
        try:
            value = units.convert(m.value, m.unit, r["unit"])
        except InputError as exc:
            raise exc.located(file=path, row=m.row, column="unit") from None
        problems = []
        if not COMPARE[r["operator"]](value, r["threshold"]):
            problems.append(f"measured {value:.6g} {r['unit']} misses {r['operator']} {r['threshold']:.6g}")
        ref = r["value"]
        if ref is not None and _worse_by(value, ref, r["operator"]) > tolerance / 100 * abs(ref):
            problems.append(f"measured {value:.6g} {r['unit']} is {abs(value - ref) / abs(ref) * 100:.1f} % off the "
                            f"declared {ref:.6g}, beyond the {tolerance:g} % tolerance")
        reasons.append({"requirement": name, "status": "fail" if problems else "ok", "measured": value,
                        "reason": "; ".join(problems) or f"measured {value:.6g} {r['unit']} within "
                        f"{tolerance:g} % of the declared {ref if ref is None else format(ref, '.6g')}"})
    return reasons


def run(sessions: sessionmaker[Session], batch_id: int, actor: str, measured_path: Path | None = None,
        tolerance_pct: float | None = None, home: str | Path | None = None,
        clock: Clock = utc_now) -> list[InspectionItem]:
    """Inspect every not yet inspected item of a batch; delist the non-conforming, exempt the third conforming."""
    b = batch(sessions, batch_id)
    pending = [i.evaluation_id for i in b.items if i.outcome is None]
    measured = read_measured(measured_path, {i.evaluation_id for i in b.items}) if measured_path else {}
    verdicts = {}
    for ev_id in pending:
        fresh = rerun(sessions, ev_id, home)
        mine = {ind: m for (e, ind), m in measured.items() if e == ev_id}
        stated = stated_tolerances(sessions, ev_id) if mine and tolerance_pct is None else {}
        verdicts[ev_id] = judge(fresh.requirements, mine, tolerance_pct, measured_path, stated)

    def write() -> None:
        with transaction(sessions) as s:
            at = clock()
            for ev_id, reasons in verdicts.items():
                item = s.get(InspectionItem, (batch_id, ev_id))
                ev = store.get(s, ev_id)
                conforming = all(r["status"] != "fail" for r in reasons)
                assessed = any(r["status"] in ("ok", "fail") for r in reasons)
                item.outcome, item.inspected_at, item.reasons = (
                    "not assessed" if not assessed else "conforming" if conforming else "non-conforming", at, reasons)
                if not assessed:  # nothing to judge by: neither a conforming inspection nor a delisting
                    store.log(s, ev, actor, "inspection", at, reason=f"batch {batch_id}: not assessed (no requirement "
                              "of its specification could be checked)", detail={"batch": batch_id})
                    continue
                failed = "; ".join(f"{r['requirement']}: {r['reason']}" for r in reasons if r["status"] == "fail")
                if not conforming:
                    store.log(s, ev, actor, "inspection", at, to_status="delisted" if ev.status == "listed" else None,
                              reason=f"batch {batch_id}: non-conforming ({failed})", detail={"batch": batch_id})
                    ev.conforming_streak = 0
                    continue
                ev.conforming_streak += 1
                exempt = ev.conforming_streak >= STREAK_FOR_EXEMPTION
                store.log(s, ev, actor, "inspection", at, reason=f"batch {batch_id}: conforming",
                          detail={"batch": batch_id, "streak": ev.conforming_streak})
                if exempt:
                    ev.exempt_from, ev.exempt_until = at.date(), years_later(at.date(), EXEMPTION_YEARS)
                    ev.conforming_streak = 0
                    store.log(s, ev, actor, "exempt", at, reason=f"{STREAK_FOR_EXEMPTION} consecutive conforming "
                              f"inspections: exempt from sampling until {ev.exempt_until.isoformat()}")
    retrying(write)
    return batch(sessions, batch_id).items
