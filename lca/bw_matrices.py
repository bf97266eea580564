"""A Brightway database as matrices, built by bw2calc: technosphere A, biosphere B over a given
flow list, and characterisation C over the same flows (float32-rounded, as bw_processing stores
factors, so scores computed from them equal bw2calc's)."""
from __future__ import annotations

import numpy as np
from scipy import sparse


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
