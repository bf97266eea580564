"""Uncertainty on a product's own BOM and process rows (uncertainty columns), sampled by Monte Carlo.

The shipped background has no distributions, so every variation comes from the product rows and
is linear: each iteration's score must equal the deterministic score plus, per uncertain row, the
row's own contribution times (draw / amount − 1), with the draws the run reports. Synthetic
products and spreads, for tests only.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import snapshot
from specs_helpers import write_product

from lca import api
from lca.cli import app
from lca.core.stages import STAGES
from lca.uncertainty import sampling

HEAD = "component,link,amount,unit,stage,recycled_content,uncertainty,gsd2,sd,minimum,maximum,uncertainty_source\n"
BOM = HEAD + ("frame,hdpe_primary_desnz,6,kg,raw_materials,0.5,lognormal,1.3,,,,synthetic test spread\n"
              "shell,polypropylene_primary_desnz,4,kg,raw_materials,0,,,,,,\n"
              "carton,corrugated_board_fefco,1,kg,distribution,,triangular,,,0.8,1.5,synthetic test spread\n")
PROCS = ("id,stage,link,flow,compartment,amount,unit,share,applies_to,分布,标准差,最小值,最大值,uncertainty_source\n"
         "power,use,electricity_grid_cn,,,40,kWh/year,,,normal,4,,,synthetic test spread\n"
         "leak,use,,\"Methane, fossil\",air,0.01,kg,,,正态,0.002,,,synthetic test spread\n"
         "landfill,end_of_life,landfill_paper_board_desnz,,,,,0.5,carton,uniform,,0.4,0.6,synthetic test spread\n")


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    return write_product(tmp_path_factory.mktemp("fg") / "fg_uncertain", BOM, PROCS)


def test_rows_carry_their_distribution(product, engine):
    (inv,) = api.read_inventories([product], engine)
    assert [u.origin for u in inv.uncertain] == [
        "bom.csv row 2 'frame'", "bom.csv row 4 'carton'", "processes.csv row 2 'power'",
        "processes.csv row 3 'leak'", "processes.csv row 4 'landfill'"]
    assert [u.distribution.type for u in inv.uncertain] == ["lognormal", "triangular", "normal", "normal", "uniform"]
    assert [u.center for u in inv.uncertain] == [6, 1, 40, 0.01, 0.5]
    # every line made from an uncertain row points at it; the frame's recycled twin follows the frame
    frame = [ln for ln in inv.lines if ln.origin == "bom.csv row 2"]
    assert [ln.label for ln in frame] == ["frame", "frame (recycled)"] and {ln.uncertain for ln in frame} == {0}
    assert all(ln.uncertain is None for ln in inv.lines if ln.label == "shell")


def test_each_iteration_is_the_linear_response_to_the_drawn_rows(product, engine):
    (inv,) = api.read_inventories([product], engine)
    det = engine.evaluate(inv).scores  # indicators × stages
    samples, x = sampling.sample_scores(engine, [inv], 300, seed=7)
    assert x.shape == (len(inv.uncertain), 300)
    rel = x / np.array([u.center for u in inv.uncertain])[:, None] - 1  # rows × iterations
    # each uncertain row's deterministic contribution per indicator and stage, by plain algebra
    contrib = np.zeros((len(inv.uncertain), *det.shape))
    for ln in inv.lines:
        if ln.uncertain is None:
            continue
        per_unit = engine.lam[ln.index] if ln.kind == "process" else engine.C[:, ln.index]
        contrib[ln.uncertain, :, STAGES.index(ln.stage)] += per_unit * ln.amount
    expected = det[None] + np.einsum("ri,rks->iks", rel, contrib)
    np.testing.assert_allclose(samples[:, 0], expected, rtol=1e-9, atol=1e-12 * np.abs(det).max())
    k = [i.id for i in engine.indicators.indicators].index("gwp100")
    assert samples[:, 0, k].sum(axis=1).std() > 0.01 * abs(det[k].sum())
    # triangular and uniform draws stay inside their bounds; the normal one is centred on 40
    assert 0.8 <= x[1].min() and x[1].max() <= 1.5
    assert abs(x[2].mean() - 40) < 4 * 4 / np.sqrt(300)


def test_same_seed_same_samples(product, engine):
    (inv,) = api.read_inventories([product], engine)
    a, _ = sampling.sample_scores(engine, [inv], 50, seed=3)
    b, _ = sampling.sample_scores(engine, [inv], 50, seed=3)
    c, _ = sampling.sample_scores(engine, [inv], 50, seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_cli_names_the_driving_row(product, home, runner):
    args = ["evaluate", str(product), "--iterations", "200", "--seed", "1", "--home", str(home)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "5 uncertain inputs" in " ".join(res.output.split())
    mc = json.loads(runner.invoke(app, [*args, "--json"]).output)["uncertainty"][0]
    assert mc["uncertain_inputs"] == 5
    top, rho = mc["sensitivity"]["gwp100"][0]
    assert top == "processes.csv row 2 'power'" and rho > 0.9
    # drivers are the product's own rows (the shipped background carries no distributions)
    origins = {"bom.csv row 2 'frame'", "bom.csv row 4 'carton'", "processes.csv row 2 'power'",
               "processes.csv row 3 'leak'", "processes.csv row 4 'landfill'"}
    assert {n for drivers in mc["sensitivity"].values() for n, _ in drivers} <= origins

BAD = {
    "unknown distribution": ("frame,steel_crude_worldsteel,6,kg,raw_materials,0,gamma,1.3,,,,s\n", "uncertainty",
                             "lognormal"),
    "gsd2 not above 1": ("frame,steel_crude_worldsteel,6,kg,raw_materials,0,lognormal,0.9,,,,s\n", "gsd2",
                         "greater than 1"),
    "no source": ("frame,steel_crude_worldsteel,6,kg,raw_materials,0,lognormal,1.3,,,,\n", "uncertainty_source",
                  "missing"),
    "amount below minimum": ("frame,steel_crude_worldsteel,6,kg,raw_materials,0,uniform,,,7,9,s\n", "minimum",
                             "outside its uncertainty range"),
    "parameter without distribution": ("frame,steel_crude_worldsteel,6,kg,raw_materials,0,,1.3,,,,s\n",
                                       "uncertainty", "without a distribution"),
    "wrong parameter": ("frame,steel_crude_worldsteel,6,kg,raw_materials,0,lognormal,,0.5,,,s\n", "uncertainty",
                        "exactly gsd2"),
    "zero amount": ("frame,steel_crude_worldsteel,0,kg,raw_materials,0,normal,,0.5,,,s\n", "uncertainty",
                    "non-zero amount"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_uncertainty_columns(case, home, runner, tmp_path):
    row, column, words = BAD[case]
    manifest = write_product(tmp_path / "bad", HEAD + row, "id,stage,link,amount,unit\n")
    out = tmp_path / "out.csv"
    before = snapshot(home)
    res = runner.invoke(app, ["evaluate", str(manifest), "--out", str(out), "--home", str(home)])
    text = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "bom.csv, row 2" in text and f"column '{column}'" in text and words in text, text
    assert not out.exists() and snapshot(home) == before


def test_export_carries_the_rows_distributions(product, import_home, runner, tmp_path):
    """`lca export` writes each uncertain line with its row's distribution, scaled to the line; bw2io's
    Excel format keeps it through `lca import`."""
    import math

    from conftest import brightway_of

    out = tmp_path / "fg.xlsx"
    res = runner.invoke(app, ["export", str(product), "--out", str(out), "--home", str(import_home)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["import", str(out), "--name", "fg-back", "--home", str(import_home)])
    assert res.exit_code == 0, res.output
    acts = {a["name"]: a for a in brightway_of(import_home).Database("fg-back")}
    use = {e.input["name"]: e for e in acts["synthetic fg_uncertain — use"].exchanges() if e["type"] != "production"}
    power = next(e for n, e in use.items() if "electricity" in n.lower() or "grid" in n.lower())
    # 40 kWh/year × 2 years: normal, sd 4 kWh/year → 8 kWh
    assert power["amount"] == pytest.approx(80) and power["uncertainty type"] == 3
    assert power["scale"] == pytest.approx(8)
    raw = [e for e in acts["synthetic fg_uncertain — raw materials"].exchanges() if e["type"] == "technosphere"]
    hdpe = [e for e in raw if e.get("uncertainty type") == 2]
    assert len(hdpe) == 2  # virgin and recycled halves of the frame, each lognormal around its own amount
    assert all(e["scale"] == pytest.approx(math.log(1.3) / 2) and e["loc"] == pytest.approx(math.log(3))
               for e in hdpe)
