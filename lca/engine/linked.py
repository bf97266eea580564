"""Products that link to imported databases (`lca import`), e.g. `uslci:<process code>`.

A BOM or process row may name `DB:code` instead of a shipped background code. The engine then
runs on one system: the background and each named database side by side (block-diagonal
technosphere), their biosphere rows merged on biosphere3 and extended by each import's own
unlinked flows, characterised with the same methods.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from lca.core.errors import InputError
from lca.engine import project
from lca.engine.solver import Matrices
from lca.inventory import suppliers
from lca.inventory.product import load_product

SEPARATOR = ":"


def databases_in(paths: list[str | Path]) -> tuple[str, ...]:
    """Names of the imported databases the products' rows link to (the part before ':')."""
    found: set[str] = set()
    for p in paths:
        product = load_product(p)
        links = [link for row in (*product.bom, *product.processes) if (link := getattr(row, "link", None))]
        found |= {link.split(SEPARATOR, 1)[0] for link in links
                  if SEPARATOR in link and not link.startswith(suppliers.PREFIX)}
        found |= suppliers.databases(links, product.suppliers_path)
    return tuple(sorted(found))


def with_databases(bg: Matrices, home: Path, names: tuple[str, ...]) -> Matrices:
    """The background and the imported databases `names` as one set of matrices."""
    from lca.engine.bw_matrices import database_matrices

    state = project.read_state(home)
    bd = project.brightway(home, state.project)
    missing = [n for n in names if n not in bd.databases or n in (project.BACKGROUND_DB, project.BIOSPHERE_DB)]
    if missing:
        raise InputError(f"database '{missing[0]}' is not imported in this project",
                         hint="import it first with `lca import PATH --format ... --name NAME`")
    methods = [tuple(m) for m in bg.meta["methods"]]
    A, B, C = [bg.A], [bg.B], [bg.C]
    procs, flows = list(bg.meta["processes"]), list(bg.meta["flows"])
    row_of_bio3 = {f["code"]: i for i, f in enumerate(bg.meta["flows"])}
    for name in names:
        m = database_matrices(name, methods)
        rows = np.empty(m.B.shape[0], dtype=np.int64)
        new = []
        for i, f in enumerate(m.meta["flows"]):
            if f.get("database", project.BIOSPHERE_DB) == project.BIOSPHERE_DB:
                rows[i] = row_of_bio3[f["code"]]
            else:
                rows[i] = len(flows) + len(new)
                new.append(f)
        flows += new
        coo = m.B.tocoo()
        B.append(sparse.csr_matrix((coo.data, (rows[coo.row], coo.col)), shape=(len(flows), m.B.shape[1])))
        C.append(m.C[:, [i for i, f in enumerate(m.meta["flows"])
                         if f.get("database", project.BIOSPHERE_DB) != project.BIOSPHERE_DB]])
        A.append(m.A)
        procs += [{**p, "code": f"{p.get('database', name)}{SEPARATOR}{p['code']}"} for p in m.meta["processes"]]
    n_flows = len(flows)
    B = sparse.hstack([sparse.vstack([b, sparse.csr_matrix((n_flows - b.shape[0], b.shape[1]))]) for b in B]).tocsr()
    meta = {**bg.meta, "processes": procs, "flows": flows}
    version = bg.version + "+" + json.dumps(names)
    return Matrices(sparse.block_diag(A, format="csc"), B, np.hstack(C), meta, version)
