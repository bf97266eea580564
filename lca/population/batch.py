"""Stage-resolved scores of many products at once: one sparse product with the adjoint λ.

With λ (processes × indicators) from the engine's transposed solves, a product's score for
stage s is Σ_lines amount · λ[process]; for a whole chunk that is one sparse matrix
(stages·products × processes) times λ — O(nnz · k), no solve per product.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse

from lca.core.stages import STAGES
from lca.population.catalogue import Lines


def demand_matrix(lines: Lines, n_columns: int) -> sparse.csr_matrix:
    """Demand per (stage, product) row, stage-major. Lines are sorted by product, so a stable sort by
    the int8 stage (a radix sort, O(n)) orders the rows and the CSR arrays are built without a general
    sort; repeated (row, process) entries stay as they are and add up in the product."""
    n, n_stages = lines.n_products, len(STAGES)
    order = np.argsort(lines.stage, kind="stable")
    rows = lines.stage[order].astype(np.int64) * n + lines.product[order]
    indptr = np.zeros(n * n_stages + 1, dtype=np.int32 if len(rows) < 2**31 else np.int64)  # as the indices
    np.cumsum(np.bincount(rows, minlength=n * n_stages), out=indptr[1:])
    return sparse.csr_matrix((lines.amount[order], lines.process[order].astype(indptr.dtype, copy=False), indptr),
                             shape=(n * n_stages, n_columns))


def stage_major(lines: Lines, lam: np.ndarray) -> np.ndarray:
    """Scores as (stages × products × indicators), the layout the sparse product gives."""
    return (demand_matrix(lines, lam.shape[0]) @ lam).reshape(len(STAGES), lines.n_products, lam.shape[1])


def stage_scores(lines: Lines, lam: np.ndarray) -> np.ndarray:
    """Scores as (products × indicators × stages)."""
    return stage_major(lines, lam).transpose(1, 2, 0)
