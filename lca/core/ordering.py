"""Upstream-first process ordering, so the technosphere LU has little fill-in.

Supply chains are mostly acyclic: ordering processes so that suppliers come before their
consumers (a topological order of the strongly connected components) makes A nearly block
triangular, and LU in that order fills in only inside the loops.
"""
from __future__ import annotations

from collections import deque

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components


def upstream_order(A: sparse.spmatrix) -> np.ndarray:
    """A permutation p such that A[p][:, p] is block upper triangular (suppliers first)."""
    n = A.shape[0]
    coo = sparse.coo_matrix(A)
    off = coo.row != coo.col
    src, dst = coo.row[off], coo.col[off]  # an entry A[i, j] means i is an input of j
    graph = sparse.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    n_comp, label = connected_components(graph, directed=True, connection="strong")
    cs, cd = label[src], label[dst]
    keep = cs != cd
    dag = sparse.csr_matrix((np.ones(int(keep.sum())), (cs[keep], cd[keep])), shape=(n_comp, n_comp))
    dag.sum_duplicates()
    indeg = np.diff(dag.tocsc().indptr)
    queue = deque(np.flatnonzero(indeg == 0).tolist())
    rank = np.empty(n_comp, dtype=np.int64)
    indptr, indices = dag.indptr, dag.indices
    pos = 0
    while queue:
        c = queue.popleft()
        rank[c] = pos
        pos += 1
        for d in indices[indptr[c]:indptr[c + 1]]:
            indeg[d] -= 1
            if indeg[d] == 0:
                queue.append(d)
    return np.lexsort((np.arange(n), rank[label]))


def _splu(Ap: sparse.csc_matrix):
    from scipy.sparse.linalg import splu

    return splu(Ap, permc_spec="NATURAL")


class Factorised:
    """LU of A in upstream-first order (SuperLU, no further column permutation); solves A x = b
    and Aᵀ x = b in the caller's original process order. `order` re-uses the permutation of a
    matrix with the same structure (e.g. the same A with other values, in Monte Carlo)."""

    def __init__(self, A: sparse.spmatrix, order: np.ndarray | None = None):
        self.p = upstream_order(A) if order is None else order
        self.lu = _splu(sparse.csc_matrix(A)[self.p][:, self.p].tocsc())

    @classmethod
    def of_permuted(cls, Ap: sparse.csc_matrix, order: np.ndarray) -> "Factorised":
        """The factorisation of A given A[order][:, order] already permuted (see Refactoriser)."""
        self = cls.__new__(cls)
        self.p, self.lu = order, _splu(Ap)
        return self

    def solve(self, b: np.ndarray, trans: str = "N") -> np.ndarray:
        """x with A x = b (trans="N") or Aᵀ x = b (trans="T"); b may hold several columns."""
        y = self.lu.solve(np.ascontiguousarray(b[self.p]), trans=trans)
        x = np.empty_like(y)
        x[self.p] = y
        return x


class Refactoriser:
    """Factorises matrices with A's sparsity structure and new values (Monte Carlo draws): the
    upstream-first order and the permuted structure are computed once, only the LU is redone."""

    def __init__(self, A: sparse.spmatrix, order: np.ndarray):
        A = sparse.csc_matrix(A)
        tagged = sparse.csc_matrix((np.arange(1, A.nnz + 1, dtype=float), A.indices, A.indptr), shape=A.shape)
        Ap = tagged[order][:, order].tocsc()
        Ap.sort_indices()  # SuperLU sorts in place; sorted now, the shared index arrays never change
        self.source = Ap.data.astype(np.int64) - 1  # position in A.data of each entry of the permuted matrix
        self.indices, self.indptr, self.shape, self.order = Ap.indices, Ap.indptr, A.shape, order

    def __call__(self, data: np.ndarray) -> Factorised:
        """The factorisation of A with `data` as its values (A.data order)."""
        Ap = sparse.csc_matrix((data[self.source], self.indices, self.indptr), shape=self.shape)
        return Factorised.of_permuted(Ap, self.order)
