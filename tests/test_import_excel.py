"""Excel round trip: a USLCI product system (root + its supply chain) exported with bw2io's
`write_lci_excel` and imported back with `lca import --format excel` scores the same."""
from __future__ import annotations

import numpy as np
import pytest

from lca.cli import app
from lca.methods import get_set

ROOT = "Electricity, at eGrid, SRVC, 2010"


def _product_system(bd, name: str) -> None:
    """Copy ROOT and everything it reaches in 'uslci' into database `name`."""
    src = {a.key: a for a in bd.Database("uslci")}
    root = next(a for a in src.values() if a["name"] == ROOT)
    todo, seen = [root.key], set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        todo.extend(e.input.key for e in src[key].technosphere())
    data = {}
    for key in seen:
        a = src[key]
        excs = []
        for e in a.exchanges():
            inp = e.input.key
            excs.append({"input": (name, inp[1]) if inp[0] == "uslci" else inp, "amount": e["amount"],
                         "type": e["type"]})
        data[(name, key[1])] = {k: a.get(k) for k in ("name", "unit", "location", "reference product")} | {
            "exchanges": excs, "type": "process"}
    bd.Database(name).write(data)


def test_excel_round_trip(import_home, runner, tmp_path):
    import bw2calc as bc
    from bw2io.export.excel import write_lci_excel

    from lca import project

    bd = project.brightway(import_home, project.read_state(import_home).project)
    _product_system(bd, "ps-src")
    path = write_lci_excel("ps-src", dirpath=str(tmp_path))
    result = runner.invoke(app, ["import", str(path), "--format", "excel", "--name", "ps-back",
                                 "--home", str(import_home)])
    assert result.exit_code == 0, result.output
    a = next(x for x in bd.Database("ps-src") if x["name"] == ROOT)
    b = next(x for x in bd.Database("ps-back") if x["name"] == ROOT)
    assert len(bd.Database("ps-back")) == len(bd.Database("ps-src"))
    for ind in [i for i in get_set().indicators if i.id in ("gwp100", "ced_nonrenewable")]:
        scores = []
        for act in (a, b):
            lca = bc.LCA({act: 1}, method=ind.method)
            lca.lci()
            lca.lcia()
            scores.append(lca.score)
        assert np.isclose(scores[0], scores[1], rtol=1e-9, atol=0), (ind.id, scores)
    assert scores[0] != 0 or ind.id == "ced_nonrenewable"
