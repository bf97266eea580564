"""Upstream-first ordering: a valid permutation that makes A block triangular; solves are exact."""
import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve

from lca.core.ordering import Factorised, upstream_order


def _technosphere(n=400, seed=0):
    rng = np.random.default_rng(seed)
    cols = np.repeat(np.arange(n), 6)
    rows = (cols * rng.random(len(cols))).astype(int)  # suppliers upstream
    loops = rng.random(len(cols)) < 0.05
    rows[loops] = rng.integers(0, n, loops.sum())  # and some loops
    T = sparse.csc_matrix((rng.random(len(cols)) * 0.1, (rows, cols)), shape=(n, n))
    T.setdiag(0)
    A = sparse.identity(n, format="csc") - T
    perm = rng.permutation(n)  # ids in no particular order, as in a database
    return A[perm][:, perm].tocsc()


def test_order_is_block_triangular():
    A = _technosphere()
    p = upstream_order(A)
    assert sorted(p) == list(range(A.shape[0]))
    from scipy.sparse.csgraph import connected_components

    _, label = connected_components(A, directed=True, connection="strong")
    coo = sparse.coo_matrix(A[p][:, p])
    lab = label[p]
    below = coo.row > coo.col  # a consumer listed before its supplier ...
    assert np.all(lab[coo.row[below]] == lab[coo.col[below]])  # ... only inside a loop


def test_solves_match_scipy():
    A = _technosphere()
    rng = np.random.default_rng(1)
    b = rng.random((A.shape[0], 3))
    f = Factorised(A)
    np.testing.assert_allclose(f.solve(b), np.column_stack([spsolve(A, b[:, i]) for i in range(3)]), rtol=1e-10)
    np.testing.assert_allclose(f.solve(b, trans="T"),
                               np.column_stack([spsolve(A.T.tocsc(), b[:, i]) for i in range(3)]), rtol=1e-10)
