"""Round trips through other tools' formats: a USLCI product system (root + its supply chain)
exported with bw2io's `write_lci_excel`, and a shipped product exported with `lca export` to
bw2io Excel and EcoSpold 1, imported back with `lca import` score the same."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import REPO, brightway_of

from lca.cli import app
from lca.engine.methods import get_set

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


@pytest.fixture(scope="module")
def excel_round_trip(import_home, tmp_path_factory):
    """USLCI's ROOT system copied to 'ps-src', written with bw2io's `write_lci_excel` and imported back
    as 'ps-back' with `lca import` (once per module, so each test below runs alone too)."""
    from bw2io.export.excel import write_lci_excel
    from typer.testing import CliRunner

    bd = brightway_of(import_home)
    _product_system(bd, "ps-src")
    path = write_lci_excel("ps-src", dirpath=str(tmp_path_factory.mktemp("excel")))
    result = CliRunner().invoke(app, ["import", str(path), "--format", "excel", "--name", "ps-back",
                                      "--home", str(import_home)])
    assert result.exit_code == 0, result.output
    return bd


def test_excel_round_trip(excel_round_trip):
    import bw2calc as bc

    bd = excel_round_trip
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
        assert scores[0] != 0, ind.id  # both are nonzero for this system (gwp100 0.16, ced 1.57): not 0 == 0


def test_import_keeps_links_inside_the_new_database(excel_round_trip):
    """The file's own database name is replaced: nothing links back to the exported database."""

    bd = excel_round_trip
    acts = list(bd.Database("ps-back"))
    assert len(acts) == len(bd.Database("ps-src")) > 1
    linked = [e.input["database"] for act in acts for e in act.technosphere()]
    assert linked and set(linked) == {"ps-back"}


RAC = REPO / "inventories" / "examples" / "room_air_conditioner" / "product.yaml"


@pytest.mark.parametrize("fmt,suffix", [("excel", ".xlsx"), ("ecospold1", ".xml")])
def test_export_product_system_round_trip(import_home, runner, tmp_path, fmt, suffix):
    """`lca export` → `lca import`: the same exchanges (to 1e-15) and the same stage scores as
    `lca evaluate` (to float32 storage, 1e-6), with no database left behind."""
    import bw2calc as bc

    from lca import api
    from lca.core.stages import STAGES
    from lca.io.export import STAGE_NAMES, product_system

    bd = brightway_of(import_home)
    before = set(bd.databases)
    out = tmp_path / f"rac{suffix}"
    result = runner.invoke(app, ["export", str(RAC), "--out", str(out), "--format", fmt, "--home", str(import_home)])
    assert result.exit_code == 0, result.output
    assert set(bd.databases) == before, "the temporary export database was left in the project"
    name = f"rac-{fmt}"
    result = runner.invoke(app, ["import", str(out), "--format", fmt, "--name", name, "--home", str(import_home)])
    assert result.exit_code == 0, result.output

    records, root_code, n_bg = product_system(RAC, "x", import_home)
    back = {a["name"]: a for a in bd.Database(name)}
    assert len(back) == len(records) and n_bg == len(records) - 1 - sum(" | " in c for _, c in records)
    for rec in records.values():
        act = back[rec["name"]]
        assert {e.input["database"] for e in act.technosphere()} <= {name}
        # bw2io's Excel writer rounds like repr (3.3000000000000003 → 3.3)
        assert sorted(e["amount"] for e in act.exchanges()) == pytest.approx(
            sorted(e["amount"] for e in rec["exchanges"]), rel=1e-15)

    ds, (inv,) = api.evaluate([RAC], home=import_home)
    root = back[inv.name]
    for ind in [i for i in get_set().indicators if i.id in ("gwp100", "photochemical_ozone")]:
        want = ds["score"].sel(product=inv.product_id, indicator=ind.id)
        assert float(want.sum("stage")) > 0
        lca = bc.LCA({root: 1}, method=ind.method)
        lca.lci()
        lca.lcia()
        assert lca.score == pytest.approx(float(want.sum("stage")), rel=1e-6), ind.id
        for stage in STAGES:
            stage_name = f"{inv.name} — {STAGE_NAMES[stage]}"
            if stage_name in back:
                lca.lcia({back[stage_name].id: 1})
                assert lca.score == pytest.approx(float(want.sel(stage=stage)), rel=1e-6, abs=1e-9), (ind.id, stage)
            else:
                assert float(want.sel(stage=stage)) == 0.0


def test_export_bad_input_writes_nothing(import_home, runner, tmp_path):
    """A wrong suffix or format is refused before anything is written; the project keeps its databases."""

    bd = brightway_of(import_home)
    before = set(bd.databases)
    for fmt, out, words in (("excel", "rac.xml", "written to a .xlsx file"),
                            ("simapro", "rac.csv", "unknown export format")):
        result = runner.invoke(app, ["export", str(RAC), "--out", str(tmp_path / out), "--format", fmt,
                                     "--home", str(import_home)])
        assert result.exit_code == 2, result.output
        assert words in " ".join(result.output.split())
    assert list(tmp_path.iterdir()) == [] and set(bd.databases) == before
