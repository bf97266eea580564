"""Stage-resolved scores of many products at once: one sparse product with the adjoint λ.

With λ (processes × indicators) from the engine's transposed solves, a product's score for
stage s is Σ_lines amount · λ[process]; for a whole chunk that is one sparse matrix
(products·stages × processes) times λ — O(nnz · k), no solve per product.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse

from lca.core.stages import STAGES
from lca.population.catalogue import Lines


def stage_scores(lines: Lines, lam: np.ndarray) -> np.ndarray:
    """Scores as (products × indicators × stages)."""
    n, n_stages, k = lines.n_products, len(STAGES), lam.shape[1]
    rows = lines.product * n_stages + lines.stage
    demand = sparse.csr_matrix((lines.amount, (rows, lines.process)), shape=(n * n_stages, lam.shape[0]))
    return np.ascontiguousarray((demand @ lam).reshape(n, n_stages, k).transpose(0, 2, 1))
