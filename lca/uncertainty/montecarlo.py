"""Monte Carlo over exchange uncertainty, re-using the engine's matrices, seeded and reproducible.

Background exchanges may carry a stats_arrays distribution (`uncertainty:` in the background
YAML, lca.inventory.background.Uncertainty); lca.engine.build writes the same parameters to Brightway.
All draws come from stats_arrays' MCRandomNumberGenerator (the generator bw2calc uses), for every
iteration at once. Each iteration puts the drawn values into the cached A and B; when A is
uncertain it is refactorised (same upstream-first order and permuted structure, lca.core.ordering), otherwise the engine's LU
is reused. A product's stage scores are then C·B_i·A_i⁻¹ f_s + C·e_s, exactly like the
deterministic engine. A product's BOM and process rows may carry a distribution too (uncertainty
columns, lca.inventory.product): each line made from such a row is scaled by draw / amount in
every iteration, drawn with the background's exchanges from the same seeded generator. Only
exchanges and rows with a distribution vary: the shipped background carries none yet (its
sources publish point factors), and no pedigree-matrix defaults are applied.

Global sensitivity is Spearman's rank correlation between each sampled exchange and each
indicator's total over the iterations.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lca.assess.evaluate import COMPARE, Evaluation
from lca.assess.specs import Spec
from lca.assess.specs import indicators as spec_indicators
from lca.core import units
from lca.core.errors import InputError
from lca.core.stages import STAGES
from lca.engine import session
from lca.engine.methods import Indicator, get_set, registry
from lca.engine.solver import Engine
from lca.inventory.resolve import Inventory
from lca.uncertainty.plots import plot_product
from lca.uncertainty.sampling import background_entries, rank_correlation, sample_scores
from lca.uncertainty.summary import Distribution, ProductUncertainty

TOP_INPUTS = 5


def _summaries(eng: Engine, samples: np.ndarray, deterministic: np.ndarray) -> list[Distribution]:
    """samples: iterations × indicators × stages; deterministic: indicators × stages."""
    out = []
    full = np.concatenate([samples, samples.sum(axis=2, keepdims=True)], axis=2)
    det = np.concatenate([deterministic, deterministic.sum(axis=1, keepdims=True)], axis=1)
    for k, ind in enumerate(eng.indicators.indicators):
        for s, stage in enumerate((*STAGES, "total")):
            v = full[:, k, s]
            q = np.percentile(v, [2.5, 50, 97.5])
            out.append(Distribution(ind.id, stage, ind.unit, float(det[k, s]), float(v.mean()),
                                    float(v.std(ddof=1)) if len(v) > 1 else 0.0, *map(float, q)))
    return out


def _factor(ind: Indicator, unit: str) -> float:
    """Multiplier from the indicator's unit to a requirement's threshold unit."""
    return units.factor(ind.check_unit, unit) if ind.check_unit else 1.0


def _plot(eng: Engine, res: ProductUncertainty, samples: np.ndarray, verdict: Evaluation | None, out: Path) -> None:
    """Distribution (with the total-scope thresholds of the spec) and sensitivity plots of one product."""
    inds = eng.indicators.indicators
    marks: dict[str, list[tuple[str, str, float]]] = {}
    for v in verdict.indicators if verdict else ():
        ind = next((i for i in inds if i.id == v.indicator), None)
        if ind is not None and v.stage == "total":
            marks.setdefault(ind.id, []).append((v.id, v.operator, v.threshold / _factor(ind, v.unit)))
    res.files = [str(f) for f in plot_product(res, samples.sum(axis=2), [i.unit for i in inds],
                                              [i.id for i in inds], marks, out)]


def _probabilities(eng: Engine, samples: np.ndarray, verdict: Evaluation, res: ProductUncertainty) -> None:
    """P(meets) per indicator requirement and for all of them at once (non-LCIA ones are certain)."""
    ids = [i.id for i in eng.indicators.indicators]
    known = registry()
    joint = np.ones(len(samples), dtype=bool)
    unknown = False
    for v in verdict.indicators:
        ind = known.get(v.indicator)  # None: a declared value the spec itself defines
        if ind is None or ind.id not in ids:
            p = {"pass": 1.0, "fail": 0.0}.get(v.status)
            res.probability[v.id] = p
            joint &= p == 1.0
            unknown |= p is None
            continue
        k = ids.index(ind.id)
        value = samples[:, k].sum(axis=1) if v.stage == "total" else samples[:, k, STAGES.index(v.stage)]
        ok = COMPARE[v.operator](value * _factor(ind, v.unit), v.threshold)
        res.probability[v.id] = float(ok.mean())
        joint &= ok
    res.spec_probability = None if unknown else float(joint.mean())


def run(eng: Engine, invs: list[Inventory], deterministic: list[np.ndarray], iterations: int, seed: int,
        verdicts: list[Evaluation] | None = None, plots: Path | None = None) -> list[ProductUncertainty]:
    """Monte Carlo for every product; deterministic holds each product's engine scores (indicators × stages);
    `plots` is a folder for the distribution and sensitivity plots (PNG, SVG)."""
    entries = background_entries(eng)
    samples, x = sample_scores(eng, invs, iterations, seed, entries)
    out, offset = [], entries.size
    for j, inv in enumerate(invs):
        # this product's inputs: the background's uncertain exchanges and its own uncertain rows
        own = np.r_[np.arange(entries.size), offset:offset + len(inv.uncertain)]
        labels = entries.labels + [u.origin for u in inv.uncertain]
        offset += len(inv.uncertain)
        res = ProductUncertainty(inv.product_id, iterations, seed, len(labels),
                                 _summaries(eng, samples[:, j], deterministic[j]))
        if verdicts:
            _probabilities(eng, samples[:, j], verdicts[j], res)
        if labels and iterations > 2:
            rho = rank_correlation(x[own], samples[:, j].sum(axis=2).T)  # inputs × indicators
            for k, ind in enumerate(eng.indicators.indicators):
                col = np.nan_to_num(rho[:, k])
                top = np.argsort(-np.abs(col))[:TOP_INPUTS]
                res.sensitivity[ind.id] = [(labels[t], float(col[t])) for t in top if col[t] != 0]
        if plots is not None:
            _plot(eng, res, samples[:, j], verdicts[j] if verdicts else None, Path(plots))
        out.append(res)
    return out


def evaluate(paths: list[str | Path], indicator_set: str, spec: Spec | None, verdicts: list[Evaluation],
             iterations: int, seed: int = 0, home: str | Path | None = None,
             plots: str | Path | None = None) -> list[ProductUncertainty]:
    """`lca evaluate --iterations`: Monte Carlo of the set's LCIA indicators and those the spec checks."""
    if iterations < 1:
        raise InputError("--iterations must be at least 1")
    known = spec_indicators(spec) if spec else registry()
    wanted = [*get_set(indicator_set).lcia_only().indicators,
              *[known[r.indicator] for r in (spec.indicator_requirements if spec else ())
                if known[r.indicator].kind == "lcia"]]
    eng = session.lcia_engine(wanted, home)
    invs = session.read_inventories(paths, eng)
    return run(eng, invs, [eng.evaluate(inv).scores for inv in invs], iterations, seed, verdicts,
               None if plots is None else Path(plots))
