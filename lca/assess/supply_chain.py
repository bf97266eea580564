"""Primary-data and green-supplier shares of a product's scores, from the scores of its foreground lines.

Primary data are the lines that come from supplier-specific or measured data: every line a supplier
declaration contributes (its inputs and flows, in the supplier's own amounts) and the product's own
direct-emission rows; every other line (a BOM or process row linked to a generic background or
imported process) is secondary. The primary-data share of an indicator in a stage is the score of its
primary lines over the stage's score. The green-supplier share is the score (and the purchased BOM
mass) from parts whose first-tier supplier is a green factory, or which are listed as green products,
in the suppliers table. A share is NaN where the score is 0 (nothing to share).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from lca.core.stages import STAGES
from lca.engine.solver import Engine
from lca.inventory.resolve import Inventory
from lca.inventory.suppliers import PREFIX

if TYPE_CHECKING:  # xarray only where a Dataset is built: importing it costs ~0.5 s of `lca evaluate`
    import xarray as xr


def _by_stage(line_scores: np.ndarray, inv: Inventory, mask: np.ndarray) -> np.ndarray:
    """Sum of the masked lines' scores per stage (indicators × stages)."""
    onehot = np.zeros((len(inv.lines), len(STAGES)))
    onehot[np.arange(len(inv.lines)), [STAGES.index(ln.stage) for ln in inv.lines]] = 1.0
    return (line_scores * mask) @ onehot


def green_keys(inv: Inventory) -> set[str]:
    """Declarations (`<supplier>/<part>`) of the product's green first-tier supplies."""
    return {u.key for u in inv.declarations if u.tier1 and u.is_green}


def green_mass_share(inv: Inventory) -> float:
    """Share of the purchased BOM mass bought from green suppliers (NaN without BOM mass)."""
    total = sum(c.mass_kg for c in inv.components)
    green = green_keys(inv)
    part = sum(c.mass_kg for c in inv.components if c.link.removeprefix(PREFIX) in green and c.link.startswith(PREFIX))
    return part / total if total > 0 else float("nan")


def scores(eng: Engine, inv: Inventory) -> tuple[np.ndarray, np.ndarray]:
    """(primary, green) scores, each indicators × stages, of one product."""
    if not inv.lines:
        empty = np.zeros((len(eng.indicators.indicators), len(STAGES)))
        return empty, empty
    ls = eng.line_scores(inv)
    green = green_keys(inv)
    primary = np.array([ln.primary for ln in inv.lines], dtype=float)
    is_green = np.array([ln.supplier in green for ln in inv.lines], dtype=float)
    return _by_stage(ls, inv, primary), _by_stage(ls, inv, is_green)


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(whole != 0, part / np.where(whole != 0, whole, 1.0), np.nan)


def share_arrays(eng: Engine, invs: list[Inventory], score: np.ndarray) -> dict[str, np.ndarray]:
    """By Dataset variable name: primary_score / primary_share (product × indicator × stage), their totals,
    green_score, green_share (per stage and total) and green_mass_share (per product)."""
    pairs = [scores(eng, inv) for inv in invs]
    primary = np.stack([p for p, _ in pairs]) if pairs else np.zeros(score.shape)
    green = np.stack([g for _, g in pairs]) if pairs else np.zeros(score.shape)
    total = score.sum(axis=2)
    return {"primary_score": primary, "primary_share": _share(primary, score),
            "primary_share_total": _share(primary.sum(axis=2), total),
            "green_score": green, "green_share": _share(green, score),
            "green_share_total": _share(green.sum(axis=2), total),
            "green_mass_share": np.array([green_mass_share(inv) for inv in invs], dtype=float)}


DESCRIPTIONS = {"primary_share": "share of the score from supplier declarations and measured direct emissions "
                                 "(primary data); NaN where the score is 0",
                "green_share": "share of the score from parts of green suppliers or green products"}


def _num(x: float) -> float | None:
    return None if x != x else float(x)


def summary(ds: xr.Dataset, inv: Inventory) -> dict:
    """One product's supply-chain facts from a results Dataset (see `product_summary`)."""
    p = ds.sel(product=inv.product_id)
    return product_summary({k: p[k].values for k in ("primary_share", "primary_share_total", "green_share_total",
                                                     "green_mass_share")},
                           [str(i) for i in ds.indicator.values], inv)


def product_summary(p: Mapping[str, np.ndarray], indicator_ids: list[str], inv: Inventory) -> dict:
    """One product's supply-chain facts (JSON-ready, NaN as None) from its share arrays: shares per indicator
    and stage, the green mass share and the declarations used with their provenance."""
    inds = {i: {"primary_share": _num(p["primary_share_total"][j]),
                "primary_share_stages": {s: _num(v) for s, v in zip(STAGES, p["primary_share"][j])},
                "green_share": _num(p["green_share_total"][j])}
            for j, i in enumerate(indicator_ids)}
    decls = []
    for u in inv.declarations:
        d, pv = u.declaration, u.declaration.provenance
        decls.append({"key": u.key, "file": u.file.name, "supplier": d.supplier.name, "part": d.part.name,
                      "unit": d.part.unit, "status": d.status, "declaration": pv.declaration,
                      "programme_operator": pv.programme_operator, "verifier": pv.verifier,
                      "valid_from": str(pv.valid_from), "valid_until": str(pv.valid_until),
                      "first_tier": u.tier1, "green": u.is_green,
                      "green_source": u.green.source if u.green else None, "illustrative": d.illustrative})
    return {"green_mass_share": _num(float(p["green_mass_share"])), "indicators": inds, "declarations": decls}
