"""Re-checking a stored evaluation: re-run it from its stored input files and specification, and compare
with what was stored — exactly equal when every version matches; otherwise which version changed and
which numbers moved."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from lca.registry import store
from lca.registry.db import retrying, transaction
from lca.registry.models import Evaluation
from lca.registry.store import Clock, Submission, utc_now
from lca.registry.submission import evaluate

VERSIONS = ("input_hash", "spec_version", "background_data_version", "indicator_set_version", "software_version")


@dataclass
class Change:
    what: str  # e.g. "requirement energy_per_tonne value", "gwp100 total"
    stored: object
    now: object


@dataclass
class Check:
    """The outcome of a re-run: changed versions, changed numbers, and whether it reproduced exactly."""

    evaluation_id: int
    versions: list[Change] = field(default_factory=list)
    numbers: list[Change] = field(default_factory=list)

    @property
    def reproduced(self) -> bool:
        return not self.versions and not self.numbers


def rerun(sessions: sessionmaker[Session], evaluation_id: int, home: str | Path | None = None) -> Submission:
    """Evaluate a stored evaluation again from its stored inputs, unpacked into a temporary folder."""
    ev = store.load(sessions, evaluation_id)
    with tempfile.TemporaryDirectory(prefix=f"lca-registry-{evaluation_id}-") as tmp:
        manifest, spec = store.unpack(sessions, evaluation_id, Path(tmp))
        return evaluate(manifest, spec, ev.manufacturer, ev.evaluator, home, ev.indicator_set)


def compare(ev: Evaluation, fresh: Submission) -> Check:
    """Every version and every stored number against the re-run (numbers compared exactly)."""
    check = Check(ev.id)
    check.versions = [Change(k, getattr(ev, k), fresh.fields[k]) for k in VERSIONS if getattr(ev, k) != fresh.fields[k]]
    if ev.verdict != fresh.fields["verdict"]:
        check.numbers.append(Change("verdict", ev.verdict, fresh.fields["verdict"]))
    now = {r["requirement"]: r for r in fresh.requirements}
    for r in ev.requirements:
        new = now.pop(r.requirement, None)
        for key in ("status", "value", "threshold", "margin_pct"):
            old = getattr(r, key)
            if new is None or new.get(key) != old:
                check.numbers.append(Change(f"requirement {r.requirement} {key}", old, new and new.get(key)))
    check.numbers += [Change(f"requirement {k} status", None, r["status"]) for k, r in now.items()]
    results = {(r["indicator"], r["stage"]): r["value"] for r in fresh.results}
    for r in ev.results:
        new = results.pop((r.indicator, r.stage), None)
        if new != r.value:
            check.numbers.append(Change(f"{r.indicator} {r.stage} ({r.unit})", r.value, new))
    check.numbers += [Change(f"{i} {s}", None, v) for (i, s), v in results.items()]
    return check


def verify(sessions: sessionmaker[Session], evaluation_id: int, actor: str, home: str | Path | None = None,
           clock: Clock = utc_now) -> Check:
    """Re-run and compare; audited, and a submitted evaluation that reproduces exactly becomes verified."""
    check = compare(store.load(sessions, evaluation_id), rerun(sessions, evaluation_id, home))
    detail = {"reproduced": check.reproduced, "versions": [c.what for c in check.versions],
              "numbers_changed": len(check.numbers)}

    def write() -> None:
        with transaction(sessions) as s:
            ev = store.get(s, evaluation_id)
            promote = check.reproduced and ev.status == "submitted"
            store.log(s, ev, actor, "verify", clock(), to_status="verified" if promote else None, detail=detail,
                      reason="re-run from the stored inputs reproduced every stored number" if check.reproduced
                      else "re-run from the stored inputs differs")
    retrying(write)
    return check
