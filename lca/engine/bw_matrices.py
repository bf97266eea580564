"""A Brightway database as matrices, built by bw2calc: technosphere A, biosphere B over a given
flow list, and characterisation C over the same flows (float32-rounded, as bw_processing stores
factors, so scores computed from them equal bw2calc's); and an imported database's matrices in the
engine's form: processes = every activity of the database (plus any upstream database it links to),
flows = biosphere3 then the import's own unlinked flows, so imported processes are scored with the same
adjoint solve as the shipped background."""
from __future__ import annotations

import numpy as np
from scipy import sparse

from lca.engine.names import BIOSPHERE_DB
from lca.engine.solver import Matrices


def extract(db_name: str, flows: list, methods: list[tuple[str, ...]]):
    """(A csc, B csr flows × processes, C methods × flows, activity id of each column)."""
    import bw2calc as bc
    import bw2data as bd

    acts = sorted(bd.Database(db_name), key=lambda a: a.id)
    if not acts:
        raise ValueError(f"database '{db_name}' is empty")
    flow_row = {f.id: i for i, f in enumerate(flows)}
    lca = bc.LCA({acts[0]: 1}, method=methods[0])
    lca.lci()
    tech = lca.technosphere_matrix.tocsc()
    col_ids = np.empty(tech.shape[1], dtype=np.int64)
    for act_id, col in lca.dicts.activity.items():
        col_ids[col] = act_id
    bio = lca.biosphere_matrix.tocoo()
    row_of = np.empty(bio.shape[0], dtype=np.int64)
    for flow_id, row in lca.dicts.biosphere.items():
        row_of[row] = flow_row[flow_id]
    bio_full = sparse.csr_matrix((bio.data, (row_of[bio.row], bio.col)), shape=(len(flows), tech.shape[1]))
    code_row = {(f["database"], f["code"]): i for i, f in enumerate(flows)}
    char = np.zeros((len(methods), len(flows)))
    for k, m in enumerate(methods):
        for key, cf in bd.Method(m).load():
            row = flow_row.get(key) if isinstance(key, int) else code_row.get(tuple(key))
            if row is not None:
                char[k, row] += np.float32(cf)  # as bw_processing stores it
    return tech, bio_full, char, col_ids

def database_matrices(name: str, methods: list[tuple[str, ...]]) -> Matrices:
    import bw2data as bd

    flow_dbs = [BIOSPHERE_DB] + [d for d in bd.databases if d.endswith(" biosphere")
                                 and d in bd.Database(name).find_graph_dependents()]
    flows = [f for d in flow_dbs for f in sorted(bd.Database(d), key=lambda f: f.id)]
    tech, bio_full, char, col_ids = extract(name, flows, methods)
    acts = list(bd.Database(name))
    nodes = {a.id: a for a in acts}
    meta = {
        "methods": [list(m) for m in methods],
        "processes": [_meta(nodes.get(i) or bd.get_node(id=int(i))) for i in col_ids],
        "flows": [{"code": f["code"], "database": f["database"], "name": f["name"],
                   "categories": list(f.get("categories") or ()), "unit": f.get("unit", "")} for f in flows],
    }
    return Matrices(tech, bio_full, char, meta, f"import:{name}")


def _meta(node) -> dict:
    return {"code": node["code"], "database": node["database"], "name": node["name"],
            "unit": node.get("unit", ""), "location": node.get("location", ""),
            "cutoff": bool(node.get("cutoff"))}
