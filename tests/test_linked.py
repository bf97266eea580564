"""Products linking to an imported database (USLCI) score like bw2calc on the joined system."""
from __future__ import annotations

import numpy as np
import pytest

from lca import api
from lca.cli import app
from lca.core.stages import STAGES
from lca.engine import project


def _product(folder, rows: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "product.yaml").write_text(
        "id: linked_test\nname: test product linking USLCI (synthetic)\ncategory: test\n"
        "functional_unit: one unit\nreference_flow: {amount: 1, unit: piece}\n"
        "lifetime: {amount: 1, unit: year}\nbom: bom.csv\n", encoding="utf-8")
    (folder / "bom.csv").write_text("component,link,amount,unit,stage\n" + rows, encoding="utf-8")
    return folder / "product.yaml"


@pytest.fixture(scope="module")
def uslci_process(import_home):
    """A USLCI process with a clearly non-zero GWP100, and its unit."""
    eng = api.engine(import_home, databases=("uslci",))
    k = [i.id for i in eng.indicators.indicators].index("gwp100")
    procs = eng.m.meta["processes"]
    scores = eng.unit_scores()[:, k]
    j = max((i for i, p in enumerate(procs) if p["code"].startswith("uslci:") and not p.get("cutoff")),
            key=lambda i: scores[i])
    return procs[j]["code"], procs[j]["unit"]


def test_product_linking_uslci_equals_bw2calc(import_home, uslci_process, tmp_path):
    import bw2calc as bc

    code, unit = uslci_process
    manifest = _product(tmp_path / "p", f"steel,steel_crude_worldsteel,2,kg,raw_materials\n"
                                        f"part,{code},0.5,{unit},raw_materials\n"
                                        f"power,electricity_grid_cn,8,kWh,production\n")
    ds, _ = api.evaluate([manifest], home=import_home)
    state = project.read_state(import_home)
    bd = project.brightway(import_home, state.project)
    if "linked-check" in bd.projects:
        bd.projects.delete_project("linked-check", delete_dir=True)
    bd.projects.copy_project("linked-check", switch=True)
    try:
        db, uslci_code = code.split(":", 1)
        bd.Database("fg").write({
            ("fg", "raw"): {"name": "raw", "unit": "unit", "exchanges": [
                {"input": ("fg", "raw"), "amount": 1.0, "type": "production"},
                {"input": (project.BACKGROUND_DB, "steel_crude_worldsteel"), "amount": 2.0, "type": "technosphere"},
                {"input": (db, uslci_code), "amount": 0.5, "type": "technosphere"}]},
            ("fg", "prod"): {"name": "prod", "unit": "unit", "exchanges": [
                {"input": ("fg", "prod"), "amount": 1.0, "type": "production"},
                {"input": (project.BACKGROUND_DB, "electricity_grid_cn"), "amount": 8.0, "type": "technosphere"}]},
        })
        gwp = next(i.method for i in api.engine(import_home).indicators.indicators if i.id == "gwp100")
        for stage, act in (("raw_materials", "raw"), ("production", "prod")):
            lca = bc.LCA({bd.get_node(database="fg", code=act): 1}, method=gwp)
            lca.lci()
            lca.lcia()
            got = float(ds["score"].sel(product="linked_test", indicator="gwp100", stage=stage))
            np.testing.assert_allclose(got, lca.score, rtol=1e-9)
        raw = float(ds["score"].sel(product="linked_test", indicator="gwp100", stage="raw_materials"))
        assert raw > 2 * 1.91 * (1 - 1e-6)  # the USLCI part adds to the steel's 3.82 kg CO2-Eq
    finally:
        bd.projects.set_current(state.project)
        bd.projects.delete_project("linked-check", delete_dir=True)
    assert set(ds["stage"].values) == set(STAGES)


def test_unknown_database_is_bad_input(home, runner, tmp_path):
    manifest = _product(tmp_path / "p", "part,nodb:abc,1,kg,raw_materials\n")
    res = runner.invoke(app, ["evaluate", str(manifest), "--home", str(home)])
    assert res.exit_code == 2 and "database 'nodb' is not imported" in res.output


def test_processes_lists_an_imported_database(import_home, runner, uslci_process):
    res = runner.invoke(app, ["processes", "--database", "uslci", "--home", str(import_home)])
    assert res.exit_code == 0, res.output
    assert "uslci processes (766)" in res.output and uslci_process[0].split(":")[1][:8] in res.output


def test_export_of_a_product_linking_uslci(import_home, uslci_process, runner, tmp_path):
    """The exported system carries the USLCI supply chain (and its own unlinked flows) and scores
    like `lca evaluate` once imported back."""
    import bw2calc as bc
    from conftest import brightway_of

    code, unit = uslci_process
    manifest = _product(tmp_path / "p", f"part,{code},0.5,{unit},raw_materials\n"
                                        f"power,electricity_grid_cn,8,kWh,production\n")
    out = tmp_path / "linked.xlsx"
    res = runner.invoke(app, ["export", str(manifest), "--out", str(out), "--home", str(import_home)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["import", str(out), "--name", "linked-back", "--home", str(import_home)])
    assert res.exit_code == 0, res.output
    bd = brightway_of(import_home)
    root = next(a for a in bd.Database("linked-back") if a["name"] == "test product linking USLCI (synthetic)")
    ds, _ = api.evaluate([manifest], home=import_home)
    gwp = next(i.method for i in api.engine(import_home).indicators.indicators if i.id == "gwp100")
    lca = bc.LCA({root: 1}, method=gwp)
    lca.lci()
    lca.lcia()
    want = float(ds["score"].sel(product="linked_test", indicator="gwp100").sum("stage"))
    assert want > 0 and lca.score == pytest.approx(want, rel=1e-6)
    db, uslci_code = code.split(":", 1)
    uslci_name = bd.get_node(database=db, code=uslci_code)["name"]
    assert uslci_name in {a["name"] for a in bd.Database("linked-back")}  # the USLCI process came along
