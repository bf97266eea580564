"""Stage-resolved scores: factorise A once per background version, reuse it for every product.

score_m = c_m · B · A⁻¹ f. With λ_m solving Aᵀ λ_m = (c_m B)ᵀ once per indicator, a product's
stage score is λ_mᵀ f_s + c_m · e_s (e_s = direct foreground flows), so stage scores add up to
the total by linearity. Contributions need the supply vector A⁻¹ f, solved with the same LU.
"""
from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse

from lca.core.errors import DataError
from lca.core.ordering import Factorised
from lca.core.stages import STAGES
from lca.engine.methods import IndicatorSet, registry
from lca.inventory.resolve import Catalogue, Inventory

FOREGROUND = "(foreground direct emissions)"
DECLARED = "(supplier-declared results)"


@dataclass(frozen=True)
class Matrices:
    """Background matrices built by bw2calc (see lca.engine.build), with their labels."""

    A: sparse.csc_matrix  # technosphere, processes × processes
    B: sparse.csr_matrix  # biosphere, all biosphere3 flows × processes
    C: np.ndarray  # characterisation, methods × flows
    meta: dict
    version: str

    @classmethod
    def load(cls, path: Path, version: str) -> "Matrices":
        try:
            with np.load(path, allow_pickle=False) as z:
                A = sparse.csc_matrix((z["A_data"], z["A_indices"], z["A_indptr"]), shape=tuple(z["A_shape"]))
                B = sparse.csr_matrix((z["B_data"], z["B_indices"], z["B_indptr"]), shape=tuple(z["B_shape"]))
                return cls(A, B, z["C"], json.loads(str(z["meta"])), version)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            # a truncated or garbled file fails in the zip reader, a member or the JSON labels
            raise DataError(f"matrix cache {path} unreadable ({type(exc).__name__}: {exc}); "
                            "run `lca setup --force`") from exc

    @cached_property
    def catalogue(self) -> Catalogue:
        procs, flows = self.meta["processes"], self.meta["flows"]
        return Catalogue(
            process_index={p["code"]: i for i, p in enumerate(procs)},
            process_unit=[p["unit"] for p in procs],
            process_name=[p["name"] for p in procs],
            recycled_variant=[p.get("recycled_variant") for p in procs],
            flow_index={f["code"]: i for i, f in enumerate(flows)},
            flow_unit=[f["unit"] for f in flows],
            flow_name=[f["name"] for f in flows],
            flow_categories=[tuple(f["categories"]) for f in flows],
            methods={ind.method: ind.unit for ind in registry().values()
                     if ind.kind == "lcia" and list(ind.method) in self.meta["methods"]},
        )

    def method_rows(self, indicators: IndicatorSet) -> np.ndarray:
        where = {tuple(m): k for k, m in enumerate(self.meta["methods"])}
        missing = [i.id for i in indicators.indicators if i.method not in where]
        if missing:
            raise DataError(f"indicators {missing} have no method in the cache; run `lca setup --force`")
        return np.array([where[i.method] for i in indicators.indicators], dtype=int)


@dataclass(frozen=True)
class StageResult:
    """One product's results: scores (indicators × stages) and the top contributing processes (codes)."""

    scores: np.ndarray
    top_labels: list[list[str]]
    top_values: np.ndarray  # indicators × top_n


class Engine:
    """Scores products against one background with one indicator set; factorises A once."""

    def __init__(self, matrices: Matrices, indicators: IndicatorSet, lu: Factorised | None = None):
        self.m = matrices
        self.indicators = indicators
        self.C = matrices.C[matrices.method_rows(indicators)]  # k × flows
        try:
            self.lu = lu or Factorised(matrices.A)
        except RuntimeError as exc:
            raise DataError(f"the background technosphere matrix is singular: {exc}") from exc
        self.CB = sparse.csr_matrix(self.C) @ matrices.B  # k × processes: direct impact per unit output
        self.CB = np.asarray(self.CB.todense())
        # Adjoint solve, once per indicator: λ = A⁻ᵀ (C B)ᵀ, processes × k.
        self.lam = self.lu.solve(np.ascontiguousarray(self.CB.T), trans="T")

    def for_indicators(self, indicators: IndicatorSet) -> "Engine":
        """An engine over other indicators of the same background, re-using this factorisation."""
        return Engine(self.m, indicators, self.lu)

    @property
    def n_processes(self) -> int:
        return self.m.A.shape[0]

    def unit_scores(self) -> np.ndarray:
        """Score of one unit of every background process (processes × indicators)."""
        return self.lam

    def evaluate(self, inv: Inventory, top_n: int = 5) -> StageResult:
        F = inv.stage_matrix("process", self.n_processes, STAGES)
        E = inv.stage_matrix("flow", self.C.shape[1], STAGES)
        R = inv.result_stage_scores(self.methods, STAGES)  # k × stages: supplier-declared results
        scores = self.lam.T @ F + self.C @ E + R  # k × stages
        supply = self.lu.solve(F).sum(axis=1)  # total supply per background process
        contrib = self.CB * supply  # k × processes
        labels = [p["code"] for p in self.m.meta["processes"]]
        fg = (self.C @ E).sum(axis=1, keepdims=True)
        if np.any(fg):
            contrib = np.hstack([contrib, fg])
            labels.append(FOREGROUND)
        if np.any(R):
            contrib = np.hstack([contrib, R.sum(axis=1, keepdims=True)])
            labels.append(DECLARED)
        order = np.argsort(-np.abs(contrib), axis=1)[:, :top_n]
        top_values = np.take_along_axis(contrib, order, axis=1)
        top_labels = [[labels[j] for j in row] for row in order]
        return StageResult(scores, top_labels, top_values)

    def line_scores(self, inv: Inventory) -> np.ndarray:
        """Score of each foreground line (indicators × lines): what each BOM or process row adds.

        By linearity the lines of a stage sum to that stage's score; a verdict uses them to say
        which row drives a failing indicator and by how much it would have to shrink.
        """
        out = inv.result_scores(self.methods)
        for j, ln in enumerate(inv.lines):
            if ln.kind != "result":
                out[:, j] = (self.lam[ln.index] if ln.kind == "process" else self.C[:, ln.index]) * ln.amount
        return out

    @property
    def methods(self) -> list[tuple[str, ...]]:
        """The LCIA method of each indicator, in row order."""
        return [i.method for i in self.indicators.indicators]
