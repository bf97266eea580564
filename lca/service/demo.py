"""The example products as registry records for a first look at the service: each example submitted against
every shipped specification of its category, verified, and listed unless it fails (illustrative data)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from lca.assess.specs import shipped
from lca.core import resources
from lca.core.errors import InputError
from lca.inventory.product import load_manifest
from lca.registry import store, submission, verify

DEMO_MANUFACTURER = "Example Co (illustrative)"
ACTOR = "demo"


def pairs() -> list[tuple[Path, str]]:
    """(example manifest, spec id) for every example and shipped specification of the same category."""
    specs = shipped()
    return [(m, spec.id) for m in sorted(resources.examples_dir().glob("*/product.yaml"))
            for _, spec in specs if spec.category == load_manifest(m).category]


def seed(sessions: sessionmaker[Session], home: str | Path | None = None) -> tuple[list[int], list[str]]:
    """Submit, verify and (unless failing) list the examples; idempotent. The evaluation ids, and why the
    examples the registry cannot hold were left out (e.g. files shared from another example's folder)."""
    ids, skipped = [], []
    for manifest, spec in pairs():
        try:
            ev_id, _ = submission.submit(sessions, manifest, spec, DEMO_MANUFACTURER, ACTOR, home)
        except InputError as exc:
            skipped.append(f"{manifest.parent.name} / {spec}: {exc.message}")
            continue
        ev = store.load(sessions, ev_id)
        if ev.status == "submitted":
            verify.verify(sessions, ev_id, ACTOR, home)
            ev = store.load(sessions, ev_id)
        if ev.status == "verified" and ev.verdict != "fail":
            store.transition(sessions, ev_id, "listed", ACTOR, "demonstration listing of an illustrative example")
        ids.append(ev_id)
    return ids, skipped
