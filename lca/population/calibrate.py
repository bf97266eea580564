"""Threshold calibration: the benchmark value (基准值) that lets a chosen share of a population pass.

The population is a catalogue scored with the batch engine (λ of the engine, one sparse product
per chunk, lca.population.batch) or the Parquet results of `lca screen`. For each indicator the stage scope
and operator come from the specification's requirement on it, else the whole life cycle and "<=".

Quantile convention (inverted empirical CDF, Hyndman–Fan type 1): with N products and pass share
p, k = ⌈p·N⌉ products must pass. For "<=" the threshold is the k-th smallest value, for ">=" the
k-th largest; for the strict "<" / ">" it is the next value beyond it (the (k+1)-th), so that the
k best pass. Without ties exactly k products pass; with ties at the threshold more may pass, and
the realised share is reported. Confidence bands come from a bootstrap over the population
(resampling products with replacement), which is the honest band when exchanges carry no
uncertainty: it says how much the threshold depends on which products happen to be in the sample.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from lca import __version__
from lca.assess.evaluate import COMPARE
from lca.assess.specs import IndicatorRequirement, Spec
from lca.core import units
from lca.core.errors import InputError
from lca.core.stages import STAGES
from lca.engine import session
from lca.engine.methods import Indicator, registry
from lca.engine.solver import Engine
from lca.population.batch import stage_scores
from lca.population.catalogue import Lines, first_bad, read_catalogue
from lca.population.overflow import check_lines

LOWER_PASSES = ("<=", "<")
CURVE_POINTS = 201
CHUNK = 200_000  # products scored at once


@dataclass(frozen=True)
class Target:
    """What is calibrated: an indicator over a stage scope with an operator (and the spec's requirement)."""

    indicator: Indicator
    stage: str
    operator: str
    factor: float  # indicator unit -> threshold unit
    unit: str
    requirement: IndicatorRequirement | None

    @property
    def column(self) -> str:
        return f"{self.indicator.id}.{self.stage}"


@dataclass
class Population:
    """Values of every target for N products (N × targets, in the threshold units)."""

    values: np.ndarray
    source: str
    data_version: str


@dataclass
class IndicatorCalibration:
    """The calibrated threshold of one indicator and how the pass share varies around it."""

    requirement: str
    indicator: str
    stage: str
    operator: str
    unit: str
    threshold: float
    realised_share: float
    band: tuple[float, float]  # bootstrap confidence band of the threshold
    share_band: tuple[float, float]  # pass share in the population at the band's ends
    curve_thresholds: list[float]
    curve_pass_share: list[float]
    exchange_band: tuple[float, float] | None = None  # band of the threshold over exchange-uncertainty draws


@dataclass
class Calibration:
    """A calibration run: per-indicator thresholds, the joint pass share and the draft specification."""

    population: str
    products: int
    pass_share: float
    confidence: float
    bootstrap: int
    seed: int
    data_version: str
    indicators: list[IndicatorCalibration]
    joint_pass_share: float
    joint_band: tuple[float, float]
    draft_spec: dict
    exchange_iterations: int = 0
    files: list[str] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)  # spec requirements no calibrated threshold covers

    def as_dict(self) -> dict:
        return asdict(self)


def targets(spec: Spec, indicator_ids: list[str]) -> list[Target]:
    """Scope, operator and unit per indicator: from the spec's requirement when it has one."""
    known = registry()
    out = []
    for ind_id in dict.fromkeys(indicator_ids):
        ind = known.get(ind_id)
        if ind is None:
            raise InputError(f"unknown indicator '{ind_id}'", hint="see `lca methods` for the indicator ids")
        if ind.kind != "lcia":
            raise InputError(f"indicator '{ind_id}' is of kind {ind.kind}; only LCIA indicators are computed "
                             "for a whole catalogue", hint="choose an LCIA indicator (`lca methods`)")
        req = next((r for r in spec.indicator_requirements if r.indicator == ind_id), None)
        if req is not None and req.operator == "==":
            raise InputError(f"requirement '{req.id}' uses '==', which no pass share can calibrate")
        if req is None:
            out.append(Target(ind, "total", "<=", 1.0, ind.check_unit or ind.unit, None))
        else:
            factor = units.factor(ind.check_unit, req.unit) if ind.check_unit else 1.0
            out.append(Target(ind, req.stage, req.operator, factor, req.unit, req))
    return out


def _is_results(path: Path, tgts: list[Target]) -> bool:
    """A Parquet file of screening results (scores per product) rather than BOM lines."""
    if path.suffix.lower() != ".parquet" or not path.is_file():
        return False
    names = set(pq.read_schema(path).names)
    if "link" in names:
        return False
    missing = [t.column for t in tgts if t.column not in names]
    if missing:
        raise InputError(f"screening results have no column '{missing[0]}'", file=path,
                         hint="screen with the indicator set that holds it (`lca screen --set`)")
    return True


def _scope(scores: np.ndarray, stage: str) -> np.ndarray:
    """(products × stages) scores of one indicator reduced to a stage scope."""
    return scores.sum(axis=1) if stage == "total" else scores[:, STAGES.index(stage)]


def population(path: str | Path, tgts: list[Target], home=None, category: str | None = None) -> Population:
    """Scores of every product for every target, from a catalogue (batch engine) or screening results."""
    path = Path(path)
    if _is_results(path, tgts):
        table = pq.read_table(path, columns=["product", "category", *[t.column for t in tgts]])
        rows = np.ones(table.num_rows, dtype=bool)
        if category is not None:
            rows = table["category"].to_numpy(zero_copy_only=False).astype(str) == category
        for t in tgts:
            col = table[t.column].to_numpy(zero_copy_only=False).astype(float)
            first_bad(path, rows & ~np.isfinite(col), t.column, "not a finite number",
                      "screen the catalogue again")
        values = np.column_stack([table[t.column].to_numpy()[rows] * t.factor for t in tgts])
        return Population(values, f"screening results {path.name}", "as screened (not recorded in the results file)")
    eng, lines, keep = _catalogue(path, tgts, home, category)
    return Population(_values(lines, keep, _lam_columns(eng, eng.lam, tgts), tgts), f"catalogue {path.name}",
                      eng.m.version)


def _catalogue(path: Path, tgts: list[Target], home, category: str | None) -> tuple[Engine, Lines, np.ndarray]:
    """The engine over the targets' indicators, the validated catalogue lines and the products kept."""
    eng = session.lcia_engine([t.indicator for t in tgts], home)
    lines = read_catalogue(path, eng.m.catalogue)
    check_lines(lines, eng.lam, path)
    keep = np.ones(lines.n_products, dtype=bool) if category is None else lines.categories == category
    return eng, lines, keep


def _lam_columns(eng: Engine, lam: np.ndarray, tgts: list[Target]) -> np.ndarray:
    ids = [i.id for i in eng.indicators.indicators]
    return lam[:, [ids.index(t.indicator.id) for t in tgts]]


def _values(lines: Lines, keep: np.ndarray, lam: np.ndarray, tgts: list[Target]) -> np.ndarray:
    """Batch scores of the kept products, reduced to each target's scope (products × targets), in chunks."""
    parts = []
    for a in range(0, lines.n_products, CHUNK):
        b = min(a + CHUNK, lines.n_products)
        scores = stage_scores(lines.take_products(a, b), lam)[keep[a:b]]  # n × targets × stages
        parts.append(np.column_stack([_scope(scores[:, j], t.stage) * t.factor for j, t in enumerate(tgts)]))
    return np.concatenate(parts)


def exchange_thresholds(path: str | Path, tgts: list[Target], share: float, iterations: int, seed: int = 0,
                        home=None, category: str | None = None) -> np.ndarray:
    """Thresholds recalibrated on the catalogue re-scored in each Monte Carlo draw of the background's
    exchange distributions (iterations × targets): how much the benchmark moves with the data's uncertainty."""
    from lca.uncertainty.sampling import sampled_lambdas

    path = Path(path)
    if _is_results(path, tgts):
        raise InputError("exchange uncertainty needs the catalogue's BOM lines, not screening results", file=path)
    eng, lines, keep = _catalogue(path, tgts, home, category)
    return np.array([[threshold(v[:, j], share, t.operator) for j, t in enumerate(tgts)]
                     for v in (_values(lines, keep, _lam_columns(eng, lam, tgts), tgts)
                               for lam in sampled_lambdas(eng, iterations, seed))])


def threshold(values: np.ndarray, share: float, operator: str) -> float:
    """The threshold that lets ⌈share·N⌉ products pass (see the module docstring for the convention)."""
    n = len(values)
    k = max(1, math.ceil(share * n - 1e-9))
    rank = k if operator in ("<=", ">=") else min(k + 1, n)
    if operator in LOWER_PASSES:
        return float(np.partition(values, rank - 1)[rank - 1])
    return float(np.partition(values, n - rank)[n - rank])


def pass_share(sorted_values: np.ndarray, thresholds: np.ndarray, operator: str) -> np.ndarray:
    """Share of products meeting each threshold, from the values sorted ascending."""
    side = {"<=": "right", "<": "left", ">=": "left", ">": "right"}[operator]
    below = np.searchsorted(sorted_values, thresholds, side=side)
    n = len(sorted_values)
    return (below if operator in LOWER_PASSES else n - below) / n


def _bootstrap(values: np.ndarray, share: float, ops: list[str], rounds: int, seed: int) -> np.ndarray:
    """Thresholds recalibrated on `rounds` resamples of the products (rounds × targets)."""
    rng = np.random.default_rng(seed)
    out = np.empty((rounds, values.shape[1]))
    for b in range(rounds):
        sample = values[rng.integers(0, len(values), len(values))]
        out[b] = [threshold(sample[:, j], share, op) for j, op in enumerate(ops)]
    return out


def joint_share(values: np.ndarray, thresholds: np.ndarray, ops: list[str]) -> float:
    """Share of products meeting every threshold at once."""
    ok = np.ones(len(values), dtype=bool)
    for j, op in enumerate(ops):
        ok &= COMPARE[op](values[:, j], thresholds[j])
    return float(ok.mean())


def draft_spec(spec: Spec, tgts: list[Target], cals: list[IndicatorCalibration], note: str) -> Spec:
    """The specification with calibrated thresholds (added requirements for indicators it lacks)."""
    reqs = list(spec.indicator_requirements)
    for t, c in zip(tgts, cals):
        quote = f"draft threshold, calibrated (not quoted from the standard): {note}"
        fields = dict(threshold=c.threshold, clause="calibrated (draft)", quote=quote, url=None)
        if t.requirement is not None:
            reqs[reqs.index(t.requirement)] = t.requirement.model_copy(update=fields)
        else:
            reqs.append(IndicatorRequirement(id=c.requirement, indicator=t.indicator.id, stage=t.stage,
                                             operator=t.operator, unit=t.unit, group=t.indicator.group, **fields))
    return Spec.model_validate({**spec.model_dump(), "id": f"{spec.id}_calibrated",
                                "version": f"{spec.version}-draft", "complete": False,
                                "indicator_requirements": [r.model_dump() for r in reqs],
                                "notes": [*spec.notes, f"derivation: {note}"]})


def calibrate(pop: Population, spec: Spec, tgts: list[Target], share: float, bootstrap: int = 200,
              confidence: float = 0.95, seed: int = 0, exchange: np.ndarray | None = None) -> Calibration:
    """Thresholds for `share` of the population, pass-share curves, joint share and bootstrap bands;
    `exchange` (iterations × targets, from exchange_thresholds) adds the exchange-uncertainty bands."""
    if not 0 < share < 1:
        raise InputError(f"pass share {share} must be between 0 and 1 (e.g. 0.2 for 20 %)")
    n = len(pop.values)
    if n == 0:
        raise InputError("the population has no products (check --category)")
    ops = [t.operator for t in tgts]
    thr = np.array([threshold(pop.values[:, j], share, op) for j, op in enumerate(ops)])
    boot = _bootstrap(pop.values, share, ops, bootstrap, seed) if bootstrap else thr[None, :]
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(boot, [alpha, 1 - alpha], axis=0)
    cals = []
    for j, t in enumerate(tgts):
        v = np.sort(pop.values[:, j])
        grid = np.unique(np.quantile(v, np.linspace(0, 1, CURVE_POINTS)))
        cals.append(IndicatorCalibration(
            t.requirement.id if t.requirement else t.indicator.id, t.indicator.id, t.stage, t.operator, t.unit,
            float(thr[j]), float(pass_share(v, thr[j:j + 1], t.operator)[0]), (float(lo[j]), float(hi[j])),
            tuple(float(x) for x in sorted(pass_share(v, np.array([lo[j], hi[j]]), t.operator))),
            grid.tolist(), pass_share(v, grid, t.operator).tolist(),
            None if exchange is None else tuple(float(q) for q in np.quantile(exchange[:, j], [alpha, 1 - alpha]))))
    joint_boot = [joint_share(pop.values, b, ops) for b in boot]
    note = (f"{share:.4g} pass share of {n} products ({pop.source}); thresholds are inverted-CDF "
            f"(type 1) empirical quantiles; {confidence:.0%} bootstrap band over {bootstrap} resamples "
            f"(seed {seed})" + ("" if exchange is None else f"; exchange-uncertainty band over {len(exchange)} "
                                                   "Monte Carlo draws of the background")
            + f"; background data version {pop.data_version}; lca-ecodesign {__version__}")
    draft = draft_spec(spec, tgts, cals, note)
    covered = {t.requirement.id for t in tgts if t.requirement is not None}
    return Calibration(pop.source, n, share, confidence, bootstrap, seed, pop.data_version, cals,
                       joint_share(pop.values, thr, ops),
                       (float(np.quantile(joint_boot, alpha)), float(np.quantile(joint_boot, 1 - alpha))),
                       draft.model_dump(mode="json", exclude_none=True), 0 if exchange is None else len(exchange),
                       not_assessed=[r.id for r in (*spec.basic_requirements, *spec.indicator_requirements)
                                     if r.id not in covered])
