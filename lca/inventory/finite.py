"""Scores that would overflow float64 are traced to the input row that makes them, before any is shown.

A score is Σ amount · (score of one unit of the linked process or flow); its magnitude is at most
Σ |amount| · max_indicators |unit score|. When that bound is finite every score is finite, so one
vectorised check per product (or per catalogue) proves it; when it is not, the line with the
largest term names the row to fix. Results are never shown or written as inf or nan.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import sparse

from lca.core.errors import InputError

HINT = "the scores overflow (not a finite number): check the amount and its unit"


def unit_bound(unit_scores: np.ndarray) -> np.ndarray:
    """Largest |score| of one unit of each process or flow (rows) over all indicators (columns)."""
    if unit_scores.shape[1] == 0:
        return np.zeros(unit_scores.shape[0])
    if sparse.issparse(unit_scores):
        return abs(unit_scores).max(axis=1).toarray().ravel()
    return np.abs(unit_scores).max(axis=1)


def line_terms(amount: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """|amount| · bound per line: what each line can add to any score's magnitude (inf on overflow)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.abs(amount) * bound


def overflowing(terms: np.ndarray, group: np.ndarray, n_groups: int, mass_kg: np.ndarray) -> int | None:
    """The first group (product) whose score bound or mass is not finite, or None when all are."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.bincount(group, weights=terms, minlength=n_groups)
    bad = ~np.isfinite(total) | ~np.isfinite(mass_kg)
    return int(np.flatnonzero(bad)[0]) if bad.any() else None


def worst_line(terms: np.ndarray, amount: np.ndarray) -> int:
    """Index of the line to blame: an overflowing term of a finite amount first (an amount that itself
    overflowed, like t·km from an overflowing mass, may come from another row), then any overflowing
    term, then the largest term, then the largest amount."""
    with np.errstate(invalid="ignore"):
        size = np.nan_to_num(np.abs(amount), nan=np.inf)
        over = ~np.isfinite(terms)
        return int(np.lexsort((size, np.nan_to_num(terms, nan=np.inf), over, over & np.isfinite(amount)))[-1])


def check_inventory(inv, process_scores: np.ndarray, flow_scores: np.ndarray) -> None:
    """InputError naming the file, row and column whose amount makes `inv`'s scores overflow.

    `process_scores` is (processes × indicators) per unit of output (the engine's λ),
    `flow_scores` (flows × indicators) per unit of a direct flow (Cᵀ); a declared-results line's
    per-unit bound is the largest |result| its declaration gives (its index is an entry of
    `inv.results`, not a process).
    """
    if not inv.lines:
        return
    amount = np.array([ln.amount for ln in inv.lines])
    kind = np.array([ln.kind for ln in inv.lines])
    index = np.array([ln.index for ln in inv.lines])
    bound = np.zeros(len(inv.lines))
    for name, scores in (("process", process_scores), ("flow", flow_scores)):
        bound[kind == name] = unit_bound(scores)[index[kind == name]]
    declared = np.array([max(map(abs, r.values()), default=0.0) for r in inv.results])
    bound[kind == "result"] = declared[index[kind == "result"]] if declared.size else 0.0
    terms = line_terms(amount, bound)
    if overflowing(terms, np.zeros(len(terms), dtype=np.int64), 1, np.array([inv.mass_kg])) is None:
        return
    ln = inv.lines[worst_line(terms, amount)]
    file, row, column = ln.source or (None, None, None)
    raise InputError(f"'{ln.label}' of product '{inv.product_id}' is too large", file=file, row=row,
                     column=column, hint=HINT)


def check_declared(amount: float, unit: str, values: list[float], declaration: Path, where: tuple, label: str,
                   origin: str) -> None:
    """InputError when `amount` `unit` of a part times one of its declared per-unit results overflow, naming the
    larger factor: the declaration's `results[i].value`, or the amount at `where` (file, row, column)."""
    with np.errstate(over="ignore", invalid="ignore"):
        bad = np.flatnonzero(~np.isfinite(amount * np.asarray(values, dtype=float)))
    if not bad.size:
        return
    i = int(bad[np.argmax(np.abs(np.asarray(values))[bad])])
    if abs(values[i]) >= abs(amount):
        raise InputError(f"declared result {values[i]:g} per {unit} times {amount:g} {unit} of '{label}' ({origin}) "
                         "is too large", file=declaration, column=f"results[{i}].value", hint=HINT)
    file, row, column = where
    raise InputError(f"'{label}': {amount:g} {unit} times the declared result {values[i]:g} per {unit} "
                     f"({declaration.name} results[{i}]) is too large", file=file, row=row, column=column, hint=HINT)
