"""What a product report shows, gathered from the engine, the product and its verdict.

Numbers come straight from `lca.assess.results.score` (stage scores, top processes) and `lca.assess.evaluate`
(the verdict); this module only selects and arranges them, plus the background processes the
product draws on (non-zero supply) with their provenance and the largest elementary flows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from lca.assess.evaluate import Evaluation
from lca.assess.evaluate import evaluate as check
from lca.assess.results import score
from lca.assess.specs import Spec
from lca.assess.supply_chain import summary as supply_summary
from lca.core.stages import STAGES
from lca.engine import linked, session
from lca.engine.coverage import LOW
from lca.engine.methods import DEFAULT_SET
from lca.inventory.product import Manifest, load_manifest
from lca.inventory.resolve import Inventory, Line

TOP_FLOWS = 10
TOP_LINES = 3  # hot-spot rows per indicator in the improvement options
LIBRARIES = ("bw2calc", "bw2data", "numpy", "scipy")


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator: its score per stage (in STAGES order), the total and the top processes."""

    id: str
    name_en: str
    name_zh: str
    unit: str
    stages: list[float]
    total: float
    top: list[tuple[str, float]]  # (process code, value), non-zero only
    coverage: float = float("nan")  # share of the climate score from processes carrying flows for it (NaN: none)
    coverage_mass: float = float("nan")  # the same by BOM mass
    uncovered: tuple[str, ...] = ()  # largest uncovered processes

    @property
    def covered(self) -> bool:
        return any(self.stages)

    @property
    def partial(self) -> bool:
        """Coverage below the warning threshold (lca.engine.coverage.LOW)."""
        return self.coverage < LOW


@dataclass(frozen=True)
class Source:
    """A background process the product uses (directly or upstream), with its provenance."""

    code: str
    name: str
    unit: str
    location: str
    supply: float
    provenance: dict


@dataclass(frozen=True)
class Hotspot:
    """A foreground row and its share of an indicator's total, for the improvement options."""

    indicator: IndicatorResult
    label: str
    origin: str
    stage: str
    share: float


class PassProbabilities(Protocol):
    """What an uncertainty run (Monte Carlo, lca.uncertainty) gives the report: P(meets) per requirement."""

    iterations: int
    seed: int
    probability: dict[str, float | None]  # requirement id -> probability of meeting it
    spec_probability: float | None  # of meeting every indicator requirement together


@dataclass
class ProductReport:
    """Everything a product report renders."""

    manifest: Manifest
    inventory: Inventory
    line_links: list[tuple[str, str]]  # per foreground line: process code or flow name, and its unit
    indicator_set: str
    results: list[IndicatorResult]
    sources: list[Source]
    flows: list[tuple[str, str, float, str]]  # name, compartment, amount, unit
    hotspots: list[Hotspot]
    evaluation: Evaluation | None
    spec: Spec | None
    versions: dict[str, str] = field(default_factory=dict)
    uncertainty: PassProbabilities | None = None  # the report's pass-probability section, when run
    supply_chain: dict | None = None  # shares and declarations (lca.assess.supply_chain.summary), if any

def _results(ds) -> list[IndicatorResult]:
    p = ds.isel(product=0)
    out = []
    for ind in ds.indicator.values:
        q = p.sel(indicator=ind)
        top = [(str(n), float(v)) for n, v in zip(q.top_process.values, q.top_value.values) if v != 0]
        out.append(IndicatorResult(str(ind), str(q.name_en.item()), str(q.name_zh.item()), str(q.unit.item()),
                                   [float(v) for v in q.score.values], float(q.total.item()), top,
                                   float(q.coverage_score.item()), float(q.coverage_mass.item()),
                                   tuple(str(u) for u in q.uncovered_process.values if u)))
    return out


def _hotspots(eng, inv: Inventory, results: list[IndicatorResult]) -> list[Hotspot]:
    scores = eng.line_scores(inv)
    out = []
    for row, res in zip(scores, results):
        if not res.total:
            continue
        for j in np.argsort(-row, kind="stable")[:TOP_LINES]:
            if row[j] > 0:
                ln = inv.lines[j]
                out.append(Hotspot(res, ln.label, ln.origin, ln.stage, float(row[j] / res.total)))
    return out


def _link(meta: dict, ln: Line) -> tuple[str, str]:
    """What a foreground line links to (process code or flow name) and the unit of its amount."""
    if ln.kind == "process":
        p = meta["processes"][ln.index]
        return p["code"], p["unit"]
    if ln.kind == "result":
        return f"supplier:{ln.supplier} (declared results)", "per unit of part"
    f = meta["flows"][ln.index]
    return f["name"], f["unit"]


def build(product: str | Path, spec: Spec | None = None, indicator_set: str = DEFAULT_SET,
          home: str | Path | None = None, progress=None, iterations: int = 0, seed: int = 0) -> ProductReport:
    """Evaluate one product (and its verdict against `spec`) and gather what its report shows;
    with `iterations` (and a spec), a Monte Carlo run (lca.uncertainty) gives the pass probabilities."""
    ds, (inv,) = score([product], indicator_set, home, progress)
    eng = session.engine(home, indicator_set, databases=linked.databases_in([product]))
    meta = eng.m.meta
    F = inv.stage_matrix("process", eng.n_processes, STAGES).sum(axis=1)
    E = inv.stage_matrix("flow", len(meta["flows"]), STAGES).sum(axis=1)
    supply = eng.lu.solve(F)
    sources = [Source(p["code"], p["name"], p["unit"], p["location"], float(supply[i]), p.get("provenance", {}))
               for i, p in enumerate(meta["processes"]) if supply[i] != 0]
    g = eng.m.B @ supply + E
    flows = [(meta["flows"][i]["name"], "/".join(meta["flows"][i]["categories"]), float(g[i]),
              meta["flows"][i]["unit"]) for i in np.argsort(-np.abs(g), kind="stable")[:TOP_FLOWS] if g[i] != 0]
    results = _results(ds)
    evaluation = check([product], spec, home)[0] if spec is not None else None
    uncertainty = None
    if iterations and evaluation is not None:
        from lca.uncertainty.montecarlo import evaluate as monte_carlo

        uncertainty = monte_carlo([product], indicator_set, spec, [evaluation], iterations, seed, home)[0]
    line_links = [_link(meta, ln) for ln in inv.lines]
    versions = {"software": ds.attrs["software"],
                "libraries": ", ".join(f"{lib} {metadata.version(lib)}" for lib in LIBRARIES),
                "data": ds.attrs["background_data_version"], "set": indicator_set, "hash": inv.input_hash}
    if spec is not None:
        versions["spec"] = f"{spec.id} v{spec.version} ({spec.standard.number})"
    return ProductReport(load_manifest(Path(product)), inv, line_links, indicator_set, results, sources, flows,
                         _hotspots(eng, inv, results), evaluation, spec, versions, uncertainty,
                         supply_summary(ds, inv) if inv.declarations else None)
