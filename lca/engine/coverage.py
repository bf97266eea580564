"""Coverage of each indicator: how much of a product's inventory comes from processes with flows for it.

A background process *carries flows for* an indicator when one unit of it, with its whole upstream
chain, scores non-zero: λ_m[p] != 0 (λ_m = A⁻ᵀ (c_m B)ᵀ, the engine's unit scores). So a 0/1 matrix
(processes × indicators) says which indicator each process can report at all. A product's coverage of
indicator m is then the share of its process rows, weighted two ways, drawn from such processes:
- by climate score: |climate score of the row| (the 'gwp100' indicator, else the set's first one);
- by mass: the BOM components' masses, by the process each links to.
Direct foreground flows are left out (they are the product's own declared emissions, not background
data). A supplier declaration of indicator results covers exactly the methods it gives a result for:
its line weighs by its declared climate score, its component by mass, and it is named (`supplier:<id>/<part>`)
among the uncovered for every other indicator. A share is NaN where the weights sum to zero (no process
row, or no BOM mass).
Over a screened catalogue the same share is taken of the catalogue's summed |climate score|, from the
demand per process summed over all its lines (`catalogue_coverage`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lca.engine.solver import Engine
from lca.inventory.resolve import Inventory

CLIMATE = "gwp100"
LOW = 0.8  # below this share of the climate score a result is flagged as partial


@dataclass(frozen=True)
class Coverage:
    """Per indicator: share covered by climate score and by BOM mass, and the largest uncovered processes."""

    by_score: np.ndarray  # k
    by_mass: np.ndarray  # k
    uncovered: list[list[str]]  # k lists of process codes, largest climate score first


def carries(engine: Engine) -> np.ndarray:
    """0/1 (processes × indicators): does one unit of the process, with its upstream, score non-zero?"""
    return engine.unit_scores() != 0


def _climate(engine: Engine) -> int:
    k_ids = [i.id for i in engine.indicators.indicators]
    return k_ids.index(CLIMATE) if CLIMATE in k_ids else 0


def _uncovered(per_proc: np.ndarray, K: np.ndarray, codes: list[str], top_n: int) -> list[list[str]]:
    """Per indicator the processes with weight that do not cover it, largest weight first."""
    out = []
    for m in range(K.shape[1]):
        miss = np.where(~K[:, m] & (per_proc > 0))[0]
        out.append([codes[j] for j in miss[np.argsort(-per_proc[miss], kind="stable")][:top_n]])
    return out


def _share(weights: np.ndarray, covered: np.ndarray) -> np.ndarray:
    total = weights.sum()
    if total <= 0:
        return np.full(covered.shape[1], np.nan)
    return weights @ covered / total


def coverage(engine: Engine, inv: Inventory, top_n: int = 3) -> Coverage:
    """Coverage of one product's indicators (vectorised over its rows and the indicators)."""
    climate = _climate(engine)
    lines = [ln for ln in inv.lines if ln.kind == "process"]
    idx = np.array([ln.index for ln in lines], dtype=int)
    amount = np.array([ln.amount for ln in lines], dtype=float)
    K = carries(engine)
    w = np.abs(engine.unit_scores()[idx, climate] * amount) if len(idx) else np.zeros(0)
    # Aggregate per process, so the uncovered list names each process once.
    per_proc = np.bincount(idx, weights=w, minlength=K.shape[0]) if len(idx) else np.zeros(K.shape[0])
    uncovered = _uncovered(per_proc, K, [p["code"] for p in engine.m.meta["processes"]], top_n)
    where = engine.m.catalogue.process_index
    comps = [c for c in inv.components if c.link in where and c.mass_kg > 0]
    cidx = np.array([where[c.link] for c in comps], dtype=int)
    mass = np.array([c.mass_kg for c in comps], dtype=float)
    res = [j for j, ln in enumerate(inv.lines) if ln.kind == "result"]
    if not res:
        by_mass = _share(mass, K[cidx].astype(float)) if len(comps) else np.full(K.shape[1], np.nan)
        return Coverage(_share(per_proc, K.astype(float)), by_mass, uncovered)
    covers = inv.result_covers(engine.methods)[:, res].T  # result lines × indicators
    rw = np.abs(inv.result_scores(engine.methods)[climate, res])
    names = [f"supplier:{inv.lines[j].supplier}" for j in res]
    for m in range(K.shape[1]):
        uncovered[m] = list(dict.fromkeys([n for n, c in zip(names, covers[:, m]) if not c] + uncovered[m]))[:top_n]
    own = {u.key for u in inv.declarations if u.declaration.results}  # components bought with results
    line_of = {(inv.lines[j].supplier, inv.lines[j].label): k for k, j in enumerate(res) if inv.lines[j].supplier in own}
    rcomps = [(c, line_of[c.link.removeprefix("supplier:"), c.name]) for c in inv.components
              if (c.link.removeprefix("supplier:"), c.name) in line_of and c.mass_kg > 0]
    mass = np.concatenate([mass, [c.mass_kg for c, _ in rcomps]])
    cov_mass = np.vstack([K[cidx].astype(float), covers[[k for _, k in rcomps]].astype(float)])
    by_mass = _share(mass, cov_mass) if len(mass) else np.full(K.shape[1], np.nan)
    by_score = _share(np.concatenate([per_proc, rw]), np.vstack([K.astype(float), covers.astype(float)]))
    return Coverage(by_score, by_mass, uncovered)


def catalogue_coverage(engine: Engine, demand: np.ndarray, top_n: int = 3) -> dict[str, dict]:
    """Per indicator, over a catalogue: share of its summed |climate score| from covering processes, and
    the largest uncovered processes. `demand` is Σ |amount| per column of the screening λ (processes,
    then direct flows, which are left out as above)."""
    K = carries(engine)
    per_proc = demand[:K.shape[0]] * np.abs(engine.unit_scores()[:, _climate(engine)])
    shares = _share(per_proc, K.astype(float))
    uncovered = _uncovered(per_proc, K, [p["code"] for p in engine.m.meta["processes"]], top_n)
    return {ind.id: {"by_climate_score": None if np.isnan(x) else float(x), "largest_uncovered": u}
            for ind, x, u in zip(engine.indicators.indicators, shares, uncovered)}
