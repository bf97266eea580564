"""Supplier declarations of per-unit indicator results (issue 20, item 1): the declared results enter the
product's scores by stage as primary data; indicators without a declared result are 'not covered' for that
part (coverage, uncovered list, a warning), never a silent 0; an unknown method or unit is exit 2."""
from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from test_suppliers import KETTLE, NMVOC, PP_LINES

from lca import api
from lca.cli import app
from lca.core.stages import STAGES

GWP = ["IPCC 2021", "climate change", "global warming potential (GWP100)"]
CED = ["Cumulative Energy Demand (CED)", "energy resources: non-renewable", "energy content (HHV)"]
DECLARED = {"gwp100": 3.1, "ced_nonrenewable": 85.0}  # per kg of mouldings (illustrative figures)
LID = 0.25  # kg of lid and handle in bom.csv


def results_kettle(folder, results=None):
    """The kettle with its moulder's declaration replaced by one of indicator results per kg."""
    decl = folder / "suppliers" / "minghe_plastics_handle.yaml"
    doc = yaml.safe_load(decl.read_text(encoding="utf-8"))
    del doc["inventory"]
    doc["results"] = results if results is not None else [
        {"method": GWP, "value": DECLARED["gwp100"], "unit": "kg CO2-Eq"},
        {"method": CED, "value": DECLARED["ced_nonrenewable"], "unit": "MJ-Eq"}]
    decl.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return folder / "product.yaml"


def test_declared_results_enter_scores_and_leave_the_rest_not_covered(example_copy, home, runner):
    product = results_kettle(example_copy("kettle_supply_chain"))
    (base, (kinv,)), (ds, (inv,)) = api.evaluate([KETTLE], home=home), api.evaluate([product], home=home)
    eng = api.engine(home)
    cat = eng.m.catalogue
    nmvoc = cat.flow_by_name("NMVOC, non-methane volatile organic compounds", "air")[0]
    raw = STAGES.index("raw_materials")
    for k, ind in enumerate(eng.indicators.indicators):
        # the moulder's inventory lines (PP granulate, electricity, NMVOC) leave; its declared result comes in
        moulder = sum(a * eng.lam[cat.process_index[c], k] for c, a in PP_LINES) + NMVOC * eng.C[k, nmvoc]
        expected = base.score.sel(product=kinv.product_id, indicator=ind.id).values.copy()
        expected[raw] += -moulder + LID * DECLARED.get(ind.id, 0.0)
        got = ds.score.sel(product=inv.product_id, indicator=ind.id).values
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12, err_msg=ind.id)
        p, old = ds.sel(product=inv.product_id, indicator=ind.id), base.sel(product=kinv.product_id, indicator=ind.id)
        primary = old.primary_score.values.copy()
        primary[raw] += -moulder + LID * DECLARED.get(ind.id, 0.0)
        np.testing.assert_allclose(p.primary_score.values, primary, rtol=1e-9, atol=1e-12, err_msg=ind.id)
        named = "supplier:minghe_plastics/handle_moulding" in list(p.uncovered_process.values)
        assert named == (ind.id not in DECLARED), ind.id
    # gwp100 by hand: 0.25 kg × 3.1 kg CO2-Eq/kg = 0.775 kg CO2-Eq in raw materials, all primary
    g = ds.sel(product=inv.product_id, indicator="gwp100")
    assert g.primary_score.values[raw] - base.sel(product=kinv.product_id, indicator="gwp100").primary_score.values[
        raw] == pytest.approx(0.775 - sum(a * eng.lam[cat.process_index[c], 0] for c, a in PP_LINES)
                              - NMVOC * eng.C[0, nmvoc], rel=1e-9)
    # coverage by mass: of the BOM's 0.45 + 0.25 + 0.08 + 0.3 kg the moulded 0.25 kg is covered only for
    # the two declared methods (the body's declaration is an inventory: left out, as before)
    for ind in ("gwp100", "ced_nonrenewable", "acidification"):
        before = base.coverage_mass.sel(product=kinv.product_id, indicator=ind).item()
        now = ds.coverage_mass.sel(product=inv.product_id, indicator=ind).item()
        covered_before = before * (0.08 + 0.3)
        want = (covered_before + (LID if ind in DECLARED else 0.0)) / (0.08 + 0.3 + LID)
        assert now == pytest.approx(want, rel=1e-12), ind
    warn = [w for w in inv.warnings if "gives results for 2 LCIA method(s) only" in w]
    assert len(warn) == 1 and "not covered" in warn[0]
    r = runner.invoke(app, ["evaluate", str(product), "--home", str(home)])
    text = " ".join(r.output.split())
    assert r.exit_code == 0 and "gives results for 2 LCIA method(s) only" in text, text


@pytest.mark.parametrize("results, column, words", [
    ([{"method": ["IPCC 2013", "climate change", "GWP 100a"], "value": 1, "unit": "kg CO2-Eq"}],
     "results[0].method", "is unknown to the engine"),
    ([{"method": GWP, "value": 1, "unit": "kg CO2e"}], "results[0].unit", "is not the unit 'kg CO2-Eq'"),
    ([{"method": GWP, "value": 1, "unit": "kg CO2-Eq"}, {"method": GWP, "value": 2, "unit": "kg CO2-Eq"}],
     "declaration", "has two results"),
    ([{"method": GWP, "value": float("nan"), "unit": "kg CO2-Eq"}], "results.0.value", "finite"),
])
def test_bad_declared_results_exit_2_naming_file_and_field(results, column, words, example_copy, runner, home):
    product = results_kettle(example_copy("kettle_supply_chain"), results)
    r = runner.invoke(app, ["evaluate", str(product), "--home", str(home)])
    assert r.exit_code == 2, r.output
    text = " ".join(r.output.split())
    assert "minghe_plastics_handle.yaml" in text and column in text and words in text, text


def _spec(tmp_path, name, requirements):
    from lca.assess.specs import find

    doc = yaml.safe_load(find("tcagp_0001_2016")[0].read_text(encoding="utf-8"))
    doc.update(id=name, indicator_requirements=requirements, basic_requirements=[])
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _req(rid, indicator, threshold, stage="total"):
    return {"id": rid, "indicator": indicator, "stage": stage, "operator": ">=", "threshold": float(threshold),
            "unit": "%", "group": "product", "clause": "test", "quote": "illustrative minimum (test)"}


def test_spec_minimum_primary_data_and_green_supplier_shares(tmp_path, home):
    """The kettle: the green steel body is 0.45 of 0.45 + 0.25 + 0.08 + 0.3 = 1.08 kg bought (41.67 %); the primary
    and green gwp100 shares come from the declarations' lines by hand (test_suppliers)."""
    from test_suppliers import BODY, SECONDARY, STEEL_LINES

    from lca.assess.evaluate import evaluate
    from lca.assess.specs import load_spec

    eng = api.engine(home)
    lam = {c: eng.lam[eng.m.catalogue.process_index[c], 0] for c, _ in [*STEEL_LINES, *PP_LINES,
                                                                         *sum(SECONDARY.values(), [])]}
    nmvoc = eng.C[0, eng.m.catalogue.flow_by_name("NMVOC, non-methane volatile organic compounds", "air")[0]]
    steel = sum(a * lam[c] for c, a in STEEL_LINES)
    pp = sum(a * lam[c] for c, a in PP_LINES) + NMVOC * nmvoc
    raw = steel + pp + 0.08 * lam["copper_tube_sheet_primary_ice"]
    total = raw + sum(a * lam[c] for s, rows in SECONDARY.items() if s != "raw_materials" for c, a in rows)
    want = {"primary": (steel + pp) / total * 100, "green_raw": steel / raw * 100, "mass": BODY / 1.08 * 100}
    reqs = [("primary", "primary_data_share_gwp100", "total"), ("green_raw", "green_supplier_share_gwp100",
                                                                  "raw_materials"),
            ("mass", "green_supplier_mass_share", "total")]
    exact = evaluate([KETTLE], load_spec(_spec(tmp_path, "probe", [_req(r, i, 0, s) for r, i, s in reqs])), home)[0]
    got = {v.id: v.value for v in exact.indicators}
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-9), k
    for shift, status in ((-1e-6, "pass"), (0.0, "pass"), (1e-6, "fail")):  # below, at and above the minimum
        spec = load_spec(_spec(tmp_path, f"min{shift}", [_req(r, i, got[r] + shift, s) for r, i, s in reqs]))
        [ev] = evaluate([KETTLE], spec, home)
        assert [v.status for v in ev.indicators] == [status] * 3, (shift, ev.indicators)
        assert ev.verdict == ("fail" if status == "fail" else "incomplete")  # the tcagp spec is partial


def test_a_share_with_nothing_to_share_is_not_computable(tmp_path, home):
    """A product without BOM mass and a zero score has no share: 'not computable', never a pass."""
    from lca.assess.evaluate import evaluate
    from lca.assess.specs import load_spec

    from conftest import REPO
    adhesive = REPO / "inventories" / "examples" / "hot_melt_adhesive" / "product.yaml"
    spec = load_spec(_spec(tmp_path, "share", [_req("primary", "primary_data_share_gwp100", 0, "use")]))
    [ev] = evaluate([adhesive], spec, home)
    assert ev.indicators[0].status == "not computable" and "is 0: it has no share" in ev.indicators[0].reason
    assert ev.verdict == "incomplete"


def test_monte_carlo_carries_the_declared_results(example_copy, home, tmp_path):
    """With nothing uncertain every iteration equals the deterministic scores, declared results included (a
    sampler that dropped the result lines would miss 0.25 kg × 3.1 kg CO2-Eq/kg), each product with its own
    declaration's results when two products in one run declare different ones (5.0 kg CO2-Eq/kg in the second)."""
    import shutil

    from lca.uncertainty.sampling import sample_scores

    eng = api.engine(home)
    first = example_copy("kettle_supply_chain")
    second = tmp_path / "second"
    shutil.copytree(first, second)
    (second / "product.yaml").write_text((first / "product.yaml").read_text(encoding="utf-8").replace(
        "id: kettle_supply_chain", "id: kettle_second"), encoding="utf-8")
    results_kettle(second, [{"method": GWP, "value": 5.0, "unit": "kg CO2-Eq"}])
    _, invs = api.evaluate([results_kettle(first), second / "product.yaml"], home=home)
    draws, _ = sample_scores(eng, invs, 2, seed=1)
    for j, inv in enumerate(invs):
        det = eng.evaluate(inv).scores
        assert det[0, STAGES.index("raw_materials")] > LID * (DECLARED["gwp100"], 5.0)[j]
        np.testing.assert_allclose(draws[:, j], [det, det], rtol=1e-12)  # the shipped background has no spread


def test_monte_carlo_declared_results_follow_their_rows_draw(example_copy, home):
    """A declared-results part whose BOM row has a spread: every iteration's score is the deterministic one plus,
    per uncertain row, the row's own contribution times (draw / amount − 1) — the declared result
    (0.25 kg × 3.1 kg CO2-Eq/kg in raw materials) varies with its row like the cable's background line."""
    from lca.uncertainty.sampling import sample_scores

    folder = example_copy("kettle_supply_chain")
    product = results_kettle(folder)
    rows = (folder / "bom.csv").read_text(encoding="utf-8").splitlines()
    spread = {"lid_and_handle": "normal,,0.05,,,synthetic test spread",
              "cable": "lognormal,1.2,,,,synthetic test spread"}
    body = [rows[0] + ",uncertainty,gsd2,sd,minimum,maximum,uncertainty_source"]
    body += [r + "," + spread.get(r.split(",")[0], ",,,,,") for r in rows[1:]]
    (folder / "bom.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    eng = api.engine(home)
    (inv,) = api.read_inventories([product], eng)
    assert [u.origin for u in inv.uncertain] == ["bom.csv row 3 'lid_and_handle'", "bom.csv row 4 'cable'"]
    det = eng.evaluate(inv).scores
    samples, x = sample_scores(eng, [inv], 200, seed=5)
    rel = x / np.array([u.center for u in inv.uncertain])[:, None] - 1  # rows × iterations
    contrib = np.zeros((len(inv.uncertain), *det.shape))
    declared = np.array([DECLARED.get(i.id, 0.0) for i in eng.indicators.indicators])  # per kg of mouldings
    for ln in inv.lines:
        if ln.uncertain is not None:
            per_unit = declared if ln.kind == "result" else eng.lam[ln.index] if ln.kind == "process" \
                else eng.C[:, ln.index]
            contrib[ln.uncertain, :, STAGES.index(ln.stage)] += per_unit * ln.amount
    assert contrib[0, 0, STAGES.index("raw_materials")] == pytest.approx(LID * DECLARED["gwp100"], rel=1e-12)
    expected = det[None] + np.einsum("ri,rks->iks", rel, contrib)
    np.testing.assert_allclose(samples[:, 0], expected, rtol=1e-9, atol=1e-12 * np.abs(det).max())
    k = [i.id for i in eng.indicators.indicators].index("gwp100")
    assert np.abs(rel[0]).max() > 0.01 and samples[:, 0, k].std(axis=0).max() > 0


def test_shipped_declared_results_example_by_hand(home, runner):
    """inventories/examples/kettle_declared_results (illustrative): the kettle whose moulder declares 3.1 kg CO2-Eq
    and 85 MJ-Eq per kg of mouldings. Every stage score of every indicator is the lines written out by hand from
    bom.csv, processes.csv and the two declarations; the shares are the declarations' scores over the total."""
    from conftest import REPO
    from test_suppliers import SECONDARY, STEEL_LINES

    product = REPO / "inventories" / "examples" / "kettle_declared_results" / "product.yaml"
    ds, (inv,) = api.evaluate([product], home=home)
    eng = api.engine(home)
    assert eng.m.catalogue.methods[tuple(GWP)] == "kg CO2-Eq" and eng.m.catalogue.methods[tuple(CED)] == "MJ-Eq"
    for k, ind in enumerate(eng.indicators.indicators):
        def lam(code):
            return eng.lam[eng.m.catalogue.process_index[code], k]

        steel = sum(a * lam(c) for c, a in STEEL_LINES)
        lid = LID * DECLARED.get(ind.id, 0.0)  # 0.25 kg × the declared result per kg (none: not covered)
        stage = {s: sum(a * lam(c) for c, a in SECONDARY.get(s, [])) for s in STAGES}
        stage["raw_materials"] += steel + lid
        p = ds.sel(product=inv.product_id, indicator=ind.id)
        np.testing.assert_allclose(p.score.values, [stage[s] for s in STAGES], rtol=1e-12, atol=1e-300,
                                   err_msg=ind.id)
        total = sum(stage.values())
        if total:
            assert p.primary_share_total.item() == pytest.approx((steel + lid) / total, rel=1e-12), ind.id
            assert p.green_share_total.item() == pytest.approx(steel / total, rel=1e-12), ind.id
    gwp = ds.sel(product=inv.product_id, indicator="gwp100").score.sel(stage="raw_materials").item()
    assert LID * DECLARED["gwp100"] / gwp > 0.2  # the declared result is a large part of raw materials
    r = runner.invoke(app, ["evaluate", str(product), "--home", str(home), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)["products"][0]
    decl = {d["key"]: d for d in out["supply_chain"]["declarations"]}
    assert decl["minghe_plastics/handle_moulding"]["file"] == "minghe_plastics_handle_results.yaml"
    assert all(d["illustrative"] for d in decl.values())
    assert any("gives results for 2 LCIA method(s) only" in w for w in out["warnings"])
