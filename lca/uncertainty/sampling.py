"""Sampling the background's exchange uncertainty on the engine's matrices, seeded and reproducible.

All draws come from stats_arrays' MCRandomNumberGenerator (the generator bw2calc uses), for every
iteration at once. Each iteration puts the drawn values into the cached A and B; when A is uncertain
it is refactorised (same upstream-first order and permuted structure, lca.core.ordering), otherwise the
engine's LU is reused. A product's rows with a distribution scale every line made from them by
draw / amount, drawn with the background's exchanges from the same generator; a part bought with
declared indicator results follows its BOM row's draw like any other line of that row.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import numpy as np
from scipy import sparse
from scipy.stats import rankdata

from lca.core import resources, units
from lca.core.ordering import Factorised, Refactoriser
from lca.core.stages import STAGES
from lca.engine.solver import Engine
from lca.inventory.background import load_background
from lca.inventory.resolve import Inventory


@dataclass(frozen=True)
class UncertainEntries:
    """Exchanges with a distribution, located in the data arrays of A (csc) and B (csr)."""

    params: np.ndarray | None  # stats_arrays parameter array, one row per exchange (None: no exchange)
    in_a: np.ndarray  # bool: the exchange is an entry of A (else of B)
    position: np.ndarray  # index into A.data or B.data
    amount: np.ndarray  # the exchange's deterministic amount (in the matrix's units, sign as given)
    labels: list[str]

    @property
    def size(self) -> int:
        return len(self.labels)


def _positions(m: sparse.spmatrix, major: np.ndarray, minor: np.ndarray) -> np.ndarray:
    """Index into m.data of entries (major, minor): column/row for csc, row/column for csr."""
    out = np.empty(len(major), dtype=np.int64)
    for k, (a, b) in enumerate(zip(major, minor)):
        lo, hi = m.indptr[a], m.indptr[a + 1]
        out[k] = lo + int(np.flatnonzero(m.indices[lo:hi] == b)[0])
    return out


def uncertain_entries(eng: Engine, folder: Path | None = None) -> UncertainEntries:
    """Every background exchange with an `uncertainty`, with its stats_arrays parameters."""
    import stats_arrays as sa

    cat = eng.m.catalogue
    procs = load_background(folder or resources.background_dir())
    rows, in_a, major, minor, amount, labels = [], [], [], [], [], []
    for p in procs.values():
        if p.code not in cat.process_index:
            continue
        col = cat.process_index[p.code]
        for e in p.exchanges:
            if e.uncertainty is None:
                continue
            if e.process is not None:
                factor = units.factor(e.unit, procs[e.process].unit)
                major.append(col)
                minor.append(cat.process_index[e.process])
            else:
                factor = units.factor(e.unit, cat.flow_unit[cat.flow_index[e.flow]])
                major.append(cat.flow_index[e.flow])
                minor.append(col)
            in_a.append(e.process is not None)
            fields = e.uncertainty.brightway(e.amount * factor, factor)
            rows.append({k.replace(" ", "_"): v for k, v in fields.items()})
            amount.append(e.amount * factor)
            labels.append(f"{p.code} ← {e.process or e.name}")
    in_a = np.array(in_a, dtype=bool)
    major, minor = np.array(major, dtype=np.int64), np.array(minor, dtype=np.int64)
    position = np.empty(len(labels), dtype=np.int64)
    position[in_a] = _positions(eng.m.A, major[in_a], minor[in_a])
    position[~in_a] = _positions(eng.m.B, major[~in_a], minor[~in_a])
    params = sa.UncertaintyBase.from_dicts(*rows) if rows else None
    return UncertainEntries(params, in_a, position, np.array(amount), labels)


@lru_cache(maxsize=2)
def _cached_entries(eng: Engine, folder: str) -> UncertainEntries:
    return uncertain_entries(eng, Path(folder))


def draws(entries: UncertainEntries, iterations: int, seed: int, extra: list[dict] = ()) -> np.ndarray:
    """Sampled amounts (exchanges, then `extra` stats_arrays rows × iterations), reproducible for a seed."""
    import stats_arrays as sa

    parts = [entries.params] if entries.size else []
    if extra:
        parts.append(sa.UncertaintyBase.from_dicts(*[{k.replace(" ", "_"): v for k, v in r.items()} for r in extra]))
    if not parts:
        return np.zeros((0, iterations))
    params = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return sa.MCRandomNumberGenerator(params, seed=seed).generate(iterations).reshape(len(params), iterations)


def sampled_systems(eng: Engine, x: np.ndarray, entries: UncertainEntries) -> Iterator[tuple[Factorised, sparse.csr_matrix]]:
    """Per iteration (column of the draws x): the factorised A and the B holding the drawn values.

    The same two matrices are updated in place; use each pair before asking for the next.
    """
    A, B = eng.m.A.copy(), eng.m.B.copy()
    a, b = entries.in_a, ~entries.in_a
    # A holds -amount for inputs (bw2calc's sign); a drawn input replaces its own share of the entry.
    a_base, b_base = A.data[entries.position[a]].copy(), B.data[entries.position[b]].copy()
    refactor = Refactoriser(A, eng.lu.p) if a.any() else None
    for i in range(x.shape[1]):
        lu = eng.lu
        if refactor is not None:
            A.data[entries.position[a]] = a_base - (x[a, i] - entries.amount[a])
            lu = refactor(A.data)
        B.data[entries.position[b]] = b_base + (x[b, i] - entries.amount[b])
        yield lu, B


def background_entries(eng: Engine) -> UncertainEntries:
    """The uncertain exchanges of the current background (read once per engine)."""
    return _cached_entries(eng, str(resources.background_dir()))


@dataclass(frozen=True)
class _Lines:
    """Every product's lines of one kind as arrays: row in the matrix (for declared results, the entry of
    the products' results in order), product × stage column, amount, and the uncertain product row they
    follow (-1: none; numbered across products)."""

    index: np.ndarray
    column: np.ndarray
    amount: np.ndarray
    row: np.ndarray

    @classmethod
    def of(cls, invs: list[Inventory], kind: str) -> "_Lines":
        idx, col, amt, row, offset, entries = [], [], [], [], 0, 0
        for j, inv in enumerate(invs):
            for ln in inv.lines:
                if ln.kind == kind:
                    idx.append(entries + ln.index)
                    col.append(j * len(STAGES) + STAGES.index(ln.stage))
                    amt.append(ln.amount)
                    row.append(-1 if ln.uncertain is None else offset + ln.uncertain)
            offset += len(inv.uncertain)
            entries += len(inv.results) if kind == "result" else 0
        return cls(np.array(idx, dtype=np.int64), np.array(col, dtype=np.int64), np.array(amt, dtype=float),
                   np.array(row, dtype=np.int64))

    def matrix(self, n_rows: int, n_cols: int, scale: np.ndarray | None) -> np.ndarray:
        """Dense amounts (rows × product-stage columns), each uncertain line times its row's draw / center."""
        w = self.amount if scale is None else self.amount * np.where(self.row >= 0, scale[self.row], 1.0)
        out = np.zeros((n_rows, n_cols))
        np.add.at(out, (self.index, self.column), w)
        return out


def sample_scores(eng: Engine, invs: list[Inventory], iterations: int, seed: int,
                  entries: UncertainEntries | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Stage scores per iteration (iterations × products × indicators × stages) and the draws
    (background exchanges, then every product's uncertain rows in order × iterations)."""
    entries = entries or background_entries(eng)
    rows = [u for inv in invs for u in inv.uncertain]
    x = draws(entries, iterations, seed, [u.parameters() for u in rows])
    scale = x[entries.size:] / np.array([u.center for u in rows])[:, None] if rows else None
    procs, flows, results = (_Lines.of(invs, kind) for kind in ("process", "flow", "result"))
    n_cols, k = len(invs) * len(STAGES), eng.C.shape[0]
    # declared score per unit of each result entry (indicators × entries; 0 where a method is not covered)
    per_unit = np.array([[r.get(m, 0.0) for m in eng.methods] for inv in invs for r in inv.results]).reshape(-1, k).T

    def direct_scores(row_scale: np.ndarray | None) -> np.ndarray:
        """Scores of the direct flows and declared results (indicators × product-stage columns)."""
        return (eng.C @ flows.matrix(eng.C.shape[1], n_cols, row_scale)
                + per_unit @ results.matrix(per_unit.shape[1], n_cols, row_scale))

    F, direct = procs.matrix(eng.n_processes, n_cols, None), direct_scores(None)
    out = np.empty((iterations, len(invs), k, len(STAGES)))
    for i, (lu, B) in enumerate(sampled_systems(eng, x[:entries.size], entries)):
        if scale is not None:
            F, direct = procs.matrix(eng.n_processes, n_cols, scale[:, i]), direct_scores(scale[:, i])
        out[i] = (eng.C @ (B @ lu.solve(F)) + direct).reshape(k, len(invs), len(STAGES)).transpose(1, 0, 2)
    return out, x


def sampled_lambdas(eng: Engine, iterations: int, seed: int) -> Iterator[np.ndarray]:
    """The adjoint λ (processes × indicators) of every iteration, for batch scores under uncertainty."""
    entries = background_entries(eng)
    for lu, B in sampled_systems(eng, draws(entries, iterations, seed), entries):
        yield lu.solve(np.ascontiguousarray((sparse.csr_matrix(eng.C) @ B).toarray().T), trans="T")


def rank_correlation(inputs: np.ndarray, outputs: np.ndarray) -> np.ndarray:
    """Spearman's ρ of every input (rows, × iterations) with every output (rows); NaN for constant ones."""
    ri = rankdata(inputs, axis=1)
    ro = rankdata(outputs, axis=1)
    ri = ri - ri.mean(axis=1, keepdims=True)
    ro = ro - ro.mean(axis=1, keepdims=True)
    norm = np.outer(np.linalg.norm(ri, axis=1), np.linalg.norm(ro, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > 0, (ri @ ro.T) / np.where(norm > 0, norm, 1), np.nan)
