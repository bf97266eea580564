"""Supplier declarations (issue 20): the kettle example against a hand computation and bw2calc, the
primary-data and green-supplier shares, and bad declarations as input errors naming file and field."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
from conftest import REPO

from lca import api
from lca.cli import app
from lca.core.stages import STAGES
from lca.engine import project
from lca.inventory.product import load_product
from lca.inventory.resolve import resolve

KETTLE = REPO / "inventories" / "examples" / "kettle_supply_chain" / "product.yaml"
BODY, LID = 0.45, 0.25  # kg of the two supplied parts (bom.csv)
# Per stage, (background process, amount) written out from bom.csv, processes.csv and the declarations.
STEEL_LINES = [("steel_cold_rolled_cn_gbt51366", BODY * 1.08), ("electricity_grid_cn_east", BODY * 0.9),
               ("natural_gas_combustion", BODY * 2.0)]
PP_LINES = [("polypropylene_primary_desnz", LID * 1.02), ("electricity_grid_cn_south", LID * 1.6)]
SECONDARY = {"raw_materials": [("copper_tube_sheet_primary_ice", 0.08)],
             "production": [("electricity_grid_cn_east", 0.6)],
             # shipped mass is the BOM mass, 1.08 kg = 0.00108 t, over 1000 km
             "distribution": [("corrugated_board_fefco", 0.3), ("truck_transport_hgv_desnz", 0.00108 * 1000)],
             "end_of_life": [("recycling_metal_desnz", BODY * 0.8), ("recycling_paper_board_desnz", 0.3 * 0.8)]}
NMVOC = LID * 0.5e-3  # kg of NMVOC to air from the moulder's declaration


@pytest.fixture(scope="module")
def kettle(home):
    ds, invs = api.evaluate([KETTLE], home=home)
    return ds, invs[0], api.engine(home)


def _unit(eng, code, k):
    return eng.lam[eng.m.catalogue.process_index[code], k]


def test_kettle_scores_and_shares_by_hand(kettle):
    ds, inv, eng = kettle
    cat = eng.m.catalogue
    hits = cat.flow_by_name("NMVOC, non-methane volatile organic compounds", "air")
    assert len(hits) == 1
    for k, ind in enumerate(eng.indicators.indicators):
        steel = sum(a * _unit(eng, c, k) for c, a in STEEL_LINES)
        pp = sum(a * _unit(eng, c, k) for c, a in PP_LINES) + NMVOC * eng.C[k, hits[0]]
        stage = {s: sum(a * _unit(eng, c, k) for c, a in SECONDARY.get(s, [])) for s in STAGES}
        stage["raw_materials"] += steel + pp
        got = ds.score.sel(product=inv.product_id, indicator=ind.id).values
        np.testing.assert_allclose(got, [stage[s] for s in STAGES], rtol=1e-12, atol=1e-300, err_msg=ind.id)
        total = sum(stage.values())
        if total == 0:
            assert np.isnan(ds.primary_share_total.sel(product=inv.product_id, indicator=ind.id).item())
            continue
        p = ds.sel(product=inv.product_id, indicator=ind.id)
        assert p.primary_share_total.item() == pytest.approx((steel + pp) / total, rel=1e-12)
        assert p.green_share_total.item() == pytest.approx(steel / total, rel=1e-12)  # only huadong is green
        assert p.primary_share.sel(stage="production").item() == 0.0
    gwp = ds.sel(product=inv.product_id, indicator="gwp100")
    assert 0.5 < gwp.primary_share_total.item() < 0.95  # both parts matter, and so does the rest
    assert ds.green_mass_share.sel(product=inv.product_id).item() == pytest.approx(BODY / (BODY + LID + 0.08 + 0.3))


def test_supplier_processes_equal_bw2calc(kettle, home):
    """The declarations written as their own Brightway activities (product → supplier process →
    background) and solved by bw2calc.LCA give the engine's scores."""
    import bw2calc as bc

    ds, inv, eng = kettle
    bd = project.brightway(home, project.read_state(home).project)
    name = "suppliers-check"
    if name in bd.projects:
        bd.projects.delete_project(name, delete_dir=True)
    state = project.read_state(home)
    bd.projects.copy_project(name, switch=True)
    try:
        bg, bio, db = project.BACKGROUND_DB, project.BIOSPHERE_DB, "kettle-fg"
        flow = eng.m.meta["flows"][eng.m.catalogue.flow_by_name("NMVOC, non-methane volatile organic compounds",
                                                                 "air")[0]]["code"]

        def act(code, techno, biosphere=()):
            exc = [{"input": (db, code), "amount": 1.0, "type": "production"}]
            exc += [{"input": target if isinstance(target, tuple) else (bg, target), "amount": a,
                     "type": "technosphere"} for target, a in techno]
            exc += [{"input": (bio, f), "amount": a, "type": "biosphere"} for f, a in biosphere]
            return {"name": code, "unit": "unit", "exchanges": exc}

        data = {(db, "body"): act("body", [(c, a / BODY) for c, a in STEEL_LINES]),
                (db, "lid"): act("lid", [(c, a / LID) for c, a in PP_LINES], [(flow, NMVOC / LID)])}
        for s in STAGES:
            techno = list(SECONDARY.get(s, []))
            if s == "raw_materials":
                techno += [((db, "body"), BODY), ((db, "lid"), LID)]
            data[(db, s)] = act(s, techno)
        bd.Database(db).write(data)
        for k, ind in enumerate(eng.indicators.indicators):
            for j, s in enumerate(STAGES):
                lca = bc.LCA({bd.get_node(database=db, code=s): 1}, method=ind.method)
                lca.lci()
                lca.lcia()
                got = ds.score.sel(product=inv.product_id, indicator=ind.id, stage=s).item()
                # Brightway stores amounts as float32: ~7 significant digits of the inputs
                assert got == pytest.approx(lca.score, rel=2e-6, abs=1e-300), (ind.id, s)
    finally:
        bd.projects.set_current(state.project)
        bd.projects.delete_project(name, delete_dir=True)


def test_cli_shows_shares_declarations_and_warning(runner, home):
    res = runner.invoke(app, ["evaluate", str(KETTLE), "--home", str(home)])
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "primary data" in out and "green suppliers" in out
    assert "huadong_steel/kettle_body" in out and "ILLUSTRATIVE-SD-0002" in out
    assert re.search(r"warning: supplier declaration minghe_plastics_handle.yaml .* self-declared", out)
    doc = json.loads(runner.invoke(app, ["evaluate", str(KETTLE), "--home", str(home), "--json"]).output)
    sc = doc["products"][0]["supply_chain"]
    assert [d["key"] for d in sc["declarations"]] == ["huadong_steel/kettle_body", "minghe_plastics/handle_moulding"]
    assert [d["green"] for d in sc["declarations"]] == [True, False]
    assert sc["indicators"]["adp_elements"]["primary_share"] is None  # no score, no share (not 0, not NaN)


def test_expired_declaration_warns(example_copy, engine):
    folder = example_copy("kettle_supply_chain")
    f = folder / "suppliers" / "huadong_steel_kettle_body.yaml"
    f.write_text(f.read_text().replace("valid_until: 2099-12-31", "valid_until: 2024-12-31"))
    inv = resolve(load_product(folder / "product.yaml"), engine.m.catalogue)
    assert any("expired on 2024-12-31" in w and "huadong_steel_kettle_body.yaml" in w for w in inv.warnings)


def _edit(folder, name, old, new):
    f = folder / name
    text = f.read_text(encoding="utf-8")
    assert old in text, (name, old)
    f.write_text(text.replace(old, new), encoding="utf-8")


BAD = {
    "unit mismatch": ("bom.csv", "0.45,kg", "0.45,piece", "bom.csv", "unit"),
    "dates": ("suppliers/huadong_steel_kettle_body.yaml", "valid_until: 2099-12-31", "valid_until: 2023-12-31",
              "huadong_steel_kettle_body.yaml", "provenance"),
    "missing provenance": ("suppliers/minghe_plastics_handle.yaml", "  declaration: ILLUSTRATIVE-SD-0002\n", "",
                           "minghe_plastics_handle.yaml", "provenance.declaration"),
    "verified without verifier": ("suppliers/huadong_steel_kettle_body.yaml",
                                  "  verifier: Example verification body (illustrative)\n", "",
                                  "huadong_steel_kettle_body.yaml", "declaration"),
    "inventory unit": ("suppliers/minghe_plastics_handle.yaml", "amount: 1.6, unit: kWh", "amount: 1.6, unit: kg",
                       "minghe_plastics_handle.yaml", "inventory[1].unit"),
    "unknown process": ("suppliers/minghe_plastics_handle.yaml", "link: polypropylene_primary_desnz",
                        "link: polypropylen_primary_desnz", "minghe_plastics_handle.yaml", "inventory[0].link"),
    "unknown declaration": ("bom.csv", "supplier:huadong_steel/kettle_body", "supplier:huadong_steel/kettle_lid",
                            "bom.csv", "link"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_declaration_exit_2_names_file_and_field(case, example_copy, runner, home):
    name, old, new, file, field = BAD[case]
    folder = example_copy("kettle_supply_chain")
    _edit(folder, name, old, new)
    res = runner.invoke(app, ["evaluate", str(folder / "product.yaml"), "--home", str(home)])
    assert res.exit_code == 2, res.output
    out = " ".join(res.output.split())
    assert file in out and f"'{field}" in out, out


def test_cycle_between_declarations_is_an_input_error(example_copy, runner, home):
    folder = example_copy("kettle_supply_chain")
    # the moulder's part draws on the steel body, and the body on the moulding: a loop
    _edit(folder, "suppliers/minghe_plastics_handle.yaml", "link: polypropylene_primary_desnz",
          "link: supplier:huadong_steel/kettle_body")
    _edit(folder, "suppliers/huadong_steel_kettle_body.yaml", "link: natural_gas_combustion, amount: 2.0, unit: MJ",
          "link: supplier:minghe_plastics/handle_moulding, amount: 0.01, unit: kg")
    res = runner.invoke(app, ["evaluate", str(folder / "product.yaml"), "--home", str(home)])
    assert res.exit_code == 2, res.output
    out = " ".join(res.output.split())
    assert "cycle" in out and "inventory[" in out and ".link" in out
    assert "huadong_steel/kettle_body -> minghe_plastics/handle_moulding -> huadong_steel/kettle_body" in out


def test_nested_declaration_counts_as_primary_but_green_only_first_tier(example_copy, engine):
    """A declaration drawing on another: the sub-supplier's lines are primary data of the part that
    links to it; green status is the first-tier supplier's."""
    folder = example_copy("kettle_supply_chain")
    _edit(folder, "suppliers/minghe_plastics_handle.yaml", "link: polypropylene_primary_desnz, amount: 1.02",
          "link: supplier:huadong_steel/kettle_body, amount: 1.02")
    inv = resolve(load_product(folder / "product.yaml"), engine.m.catalogue)
    steel = engine.m.catalogue.process_index["steel_cold_rolled_cn_gbt51366"]
    via = [ln for ln in inv.lines if ln.index == steel and ln.kind == "process"]
    assert sorted(ln.amount for ln in via) == pytest.approx(sorted([BODY * 1.08, LID * 1.02 * 1.08]))
    assert all(ln.primary for ln in via)
    assert {ln.supplier for ln in via} == {"huadong_steel/kettle_body", "minghe_plastics/handle_moulding"}
    uses = {u.key: u.tier1 for u in inv.declarations}
    assert uses == {"huadong_steel/kettle_body": True, "minghe_plastics/handle_moulding": True}


def test_supplier_variants_equal_their_own_products(home, runner, tmp_path, example_copy):
    """`<component>.supplier` in `lca screen --variations`: each variant equals the product written out
    with that supplier (and amount) and run through `lca evaluate`."""
    import pandas as pd

    options = KETTLE.parent / "supplier_options.csv"
    out = tmp_path / "options.parquet"
    res = runner.invoke(app, ["screen", str(KETTLE), "--variations", str(options), "--out", str(out),
                              "--home", str(home)])
    assert res.exit_code == 0, res.output
    got = pd.read_parquet(out).set_index("product")
    written = {"base": ("supplier:minghe_plastics/handle_moulding", "0.45"),
               "yangtze_lid": ("supplier:yangtze_moulding/handle_moulding", "0.45"),
               "yangtze_lid_thin_body": ("supplier:yangtze_moulding/handle_moulding", "0.4")}
    manifests = []
    for vid, (link, body) in written.items():
        folder = example_copy("kettle_supply_chain").rename(tmp_path / vid)
        _edit(folder, "bom.csv", "supplier:minghe_plastics/handle_moulding", link)
        _edit(folder, "bom.csv", "body,supplier:huadong_steel/kettle_body,0.45", f"body,supplier:huadong_steel/kettle_body,{body}")
        _edit(folder, "product.yaml", "id: kettle_supply_chain", f"id: {vid}")
        manifests.append(folder / "product.yaml")
    ds, _ = api.evaluate(manifests, home=home)
    for vid in written:
        for ind in ds.indicator.values:
            for s in STAGES:
                want = ds.score.sel(product=vid, indicator=ind, stage=s).item()
                assert got.loc[vid, f"{ind}.{s}"] == pytest.approx(want, rel=1e-9, abs=1e-300), (vid, ind, s)
    gwp = got["gwp100.total"]
    assert gwp["yangtze_lid"] != gwp["base"]  # the supplier choice changes the score


def test_unknown_supplier_in_variations_names_the_row(home, runner, tmp_path):
    table = tmp_path / "v.csv"
    table.write_text("product,lid_and_handle.supplier\nbase,\nnobody,no_such_moulder\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(KETTLE), "--variations", str(table), "--out",
                              str(tmp_path / "o.parquet"), "--home", str(home)])
    assert res.exit_code == 2, res.output
    out = " ".join(res.output.split())
    assert "v.csv" in out and "row 3" in out and "lid_and_handle.supplier" in out and "no_such_moulder" in out
    assert not (tmp_path / "o.parquet").exists()


def test_report_has_the_supply_chain_section(home, tmp_path, runner):
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", str(KETTLE), "--out", str(out), "--lang", "en", "--home", str(home)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert 'id="supply-chain"' in html
    assert re.findall(r'<tr data-key="([^"]+)"', html) == ["huadong_steel/kettle_body", "minghe_plastics/handle_moulding"]
    ds, (inv,) = api.evaluate([KETTLE], home=home)
    table = html[html.index('id="supply-table"'):]
    row = table[table.index('data-indicator="gwp100"'):]
    value = float(re.search(r'data-value="([^"]+)"', row).group(1))
    assert value == ds.primary_share_total.sel(product=inv.product_id, indicator="gwp100").item()
    assert "self-declared, not third-party verified" in html


def test_measured_direct_emission_rows_are_primary(example_copy, home):
    """A product's own direct-emission row is measured data: its score counts as primary."""
    folder = example_copy("kettle_supply_chain")
    lines = (folder / "processes.csv").read_text(encoding="utf-8").splitlines()
    # the same table with flow and compartment columns, plus a measured CO2 row
    body = ["id,stage,flow,compartment," + lines[0].split(",", 2)[2]]
    body += [",".join(ln.split(",", 2)[:2]) + ",,," + ln.split(",", 2)[2] for ln in lines[1:]]
    body.append('curing_co2,production,"Carbon dioxide, fossil",air,,0.1,kg,,,measured')
    (folder / "processes.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    ds, (inv,) = api.evaluate([folder / "product.yaml"], home=home)
    base, (binv,) = api.evaluate([KETTLE], home=home)
    p = ds.sel(product=inv.product_id, indicator="gwp100")
    b = base.sel(product=binv.product_id, indicator="gwp100")
    assert p.total.item() == pytest.approx(b.total.item() + 0.1, rel=1e-9)  # GWP100 of fossil CO2 is 1
    assert p.primary_score.sum().item() == pytest.approx(b.primary_score.sum().item() + 0.1, rel=1e-9)
    assert p.primary_share.sel(stage="production").item() == pytest.approx(0.1 / p.score.sel(stage="production").item())


MEASURED_BOM = ("component,link,amount,unit,stage\n"
                "housing,steel_crude_worldsteel,2,kg,raw_materials\n"  # generic background: secondary
                "lid,supplier:test_moulder/lid,0.4,kg,raw_materials\n")  # supplier declaration: primary
MEASURED_PROCS = ("id,stage,link,flow,compartment,amount,unit\n"
                  "assembly_power,production,electricity_grid_cn,,,3,kWh\n"  # generic background: secondary
                  'curing_co2,production,,"Carbon dioxide, fossil",air,0.2,kg\n')  # measured: primary, no supplier
MOULDER = """supplier: {id: test_moulder, name: Test moulder (synthetic)}
part: {id: lid, name: lid, unit: kg}
status: self_declared
provenance: {declaration: TEST-1, valid_from: 2024-01-01, valid_until: 2099-12-31}
inventory:
  - {link: polypropylene_primary_desnz, amount: 1.05, unit: kg}
  - {link: electricity_grid_cn, amount: 1.5, unit: kWh}
"""


def test_primary_share_follows_the_primary_flag_not_the_supplier(tmp_path, home, runner):
    """A synthetic product where primary lines and supplier lines differ: the measured CO2 row is primary without
    a supplier, the steel and assembly-power rows are secondary. The primary share (Dataset, --json and a spec's
    primary_data_share requirement) is the declaration's and the CO2 row's score over the whole, by hand."""
    from specs_helpers import write_product
    from test_suppliers_results import _req, _spec

    from lca.assess.evaluate import evaluate
    from lca.assess.specs import load_spec

    product = write_product(tmp_path / "measured", MEASURED_BOM, MEASURED_PROCS, suppliers="suppliers")
    (tmp_path / "measured" / "suppliers").mkdir()
    (tmp_path / "measured" / "suppliers" / "lid.yaml").write_text(MOULDER, encoding="utf-8")
    eng = api.engine(home)
    k = [i.id for i in eng.indicators.indicators].index("gwp100")
    lam = {c: _unit(eng, c, k) for c in ("steel_crude_worldsteel", "polypropylene_primary_desnz",
                                         "electricity_grid_cn")}
    co2 = eng.C[k, eng.m.catalogue.flow_by_name("Carbon dioxide, fossil", "air")[0]]
    assert co2 == pytest.approx(1.0)  # GWP100 of fossil CO2
    lid = 0.4 * (1.05 * lam["polypropylene_primary_desnz"] + 1.5 * lam["electricity_grid_cn"])
    raw, production = 2 * lam["steel_crude_worldsteel"] + lid, 3 * lam["electricity_grid_cn"] + 0.2 * co2
    ds, (inv,) = api.evaluate([product], home=home)
    p = ds.sel(product=inv.product_id, indicator="gwp100")
    assert p.primary_share.sel(stage="raw_materials").item() == pytest.approx(lid / raw, rel=1e-9)
    assert p.primary_share.sel(stage="production").item() == pytest.approx(0.2 * co2 / production, rel=1e-9)
    want = (lid + 0.2 * co2) / (raw + production)
    assert p.primary_share_total.item() == pytest.approx(want, rel=1e-9)
    assert 0.05 < want < 0.95  # both kinds of line matter
    r = runner.invoke(app, ["evaluate", str(product), "--home", str(home), "--json"])
    assert r.exit_code == 0, r.output
    sc = json.loads(r.output)["products"][0]["supply_chain"]["indicators"]["gwp100"]
    assert sc["primary_share"] == pytest.approx(want, rel=1e-9)
    spec = load_spec(_spec(tmp_path, "probe", [_req("p", "primary_data_share_gwp100", 0, "total"),
                                               _req("q", "primary_data_share_gwp100", 0, "production")]))
    [ev] = evaluate([product], spec, home)
    assert [v.value for v in ev.indicators] == pytest.approx([want * 100, 0.2 * co2 / production * 100], rel=1e-9)
