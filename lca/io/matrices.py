"""The engine's matrices for an imported database, built by bw2calc like the background's.

`database_matrices(name)` returns an `lca.engine.Matrices` whose processes are every activity of
the database (plus any upstream database it links to) and whose flows are biosphere3 followed by
the import's own unlinked flows, so `lca.engine.Engine` scores imported processes with the same
adjoint solve it uses for the shipped background.
"""
from __future__ import annotations

from lca.bw_matrices import extract
from lca.engine import Matrices
from lca.project import BIOSPHERE_DB


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
