"""Calibration: on a catalogue built so the answer is known, the thresholds, shares and draft spec are it."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from specs_helpers import requirement, write_spec

from lca.assess.specs import load_spec
from lca.cli import app
from lca.core.errors import InputError
from lca.population import calibrate as cal
from lca.population.screen import screen

N = 1000
STEEL, POWER = "steel_crude_worldsteel", "electricity_grid_cn"


@pytest.fixture(scope="module")
def known(engine, tmp_path_factory):
    """Product i (1..N) uses i kg steel and (N + 1 - i) kWh of grid power in production, in shuffled order.

    Its raw-materials GWP is i·λ_steel and its production GWP (N + 1 - i)·λ_power, so every quantile is known.
    """
    folder = tmp_path_factory.mktemp("known")
    rng = np.random.default_rng(5)
    i = rng.permutation(np.arange(1, N + 1))
    df = pd.DataFrame({"product": np.repeat([f"P{k:04d}" for k in i], 2), "category": "test",
                       "link": [STEEL, POWER] * N, "amount": np.ravel(np.column_stack([i, N + 1 - i])),
                       "unit": ["kg", "kWh"] * N, "stage": ["raw_materials", "production"] * N})
    path = folder / "catalogue.csv"
    df.to_csv(path, index=False)
    ids = [x.id for x in engine.indicators.indicators]
    lam = {code: engine.lam[engine.m.catalogue.process_index[code], ids.index("gwp100")] for code in (STEEL, POWER)}
    spec = write_spec(folder, indicators=[
        requirement("gwp_materials", "gwp100", "<=", 1.0, "kgCO2e", stage="raw_materials", group="environment"),
        requirement("gwp_production", "gwp100_fossil", ">", 1.0, "kgCO2e", stage="production",
                    group="environment")])
    return path, load_spec(spec), lam


def test_known_thresholds(known, home):
    path, spec, lam = known
    tgts = cal.targets(spec, ["gwp100"])
    assert (tgts[0].stage, tgts[0].operator) == ("raw_materials", "<=")
    run = cal.calibrate(cal.population(path, tgts, home=home), spec, tgts, 0.2, bootstrap=50)
    c = run.indicators[0]
    assert c.threshold == pytest.approx(200 * lam[STEEL], rel=1e-9)  # the 200th smallest of i·λ
    assert c.realised_share == 0.2 and run.products == N
    assert c.band[0] <= c.threshold <= c.band[1]
    assert run.joint_pass_share == 0.2


@pytest.mark.parametrize("op, share, rank", [("<=", 0.05, 50), ("<", 0.05, 51), (">=", 0.1, 901), (">", 0.1, 900),
                                             ("<=", 0.2004, 201)])
def test_quantile_convention(op, share, rank):
    values = np.random.default_rng(1).permutation(np.arange(1.0, N + 1))
    t = cal.threshold(values, share, op)
    assert t == rank
    passing = cal.pass_share(np.sort(values), np.array([t]), op)[0]
    assert passing == np.ceil(share * N) / N


def test_joint_share_and_total_scope(known, home):
    """Steel rises with i and power falls with i: 20 % lowest of each never overlap, totals are known."""
    path, spec, _ = known
    tgts = cal.targets(spec, ["gwp100", "gwp100_fossil"])
    tgts = [tgts[0], cal.Target(tgts[1].indicator, "production", "<=", 1.0, "kgCO2e", None)]
    run = cal.calibrate(cal.population(path, tgts, home=home), spec, tgts, 0.2, bootstrap=0)
    assert run.joint_pass_share == 0.0
    bare = spec.model_copy(update={"indicator_requirements": []})  # no requirement: total and '<='
    total = cal.targets(bare, ["gwp100"])[0]
    assert (total.stage, total.operator, total.unit) == ("total", "<=", "kgCO2e")


def test_screen_results_give_the_same_thresholds(known, home, tmp_path):
    path, spec, _ = known
    screen(path, tmp_path / "r.parquet", home=home)
    tgts = cal.targets(spec, ["gwp100"])
    a = cal.calibrate(cal.population(path, tgts, home=home), spec, tgts, 0.3, bootstrap=20)
    b = cal.calibrate(cal.population(tmp_path / "r.parquet", tgts, home=home), spec, tgts, 0.3, bootstrap=20)
    assert [c.threshold for c in a.indicators] == pytest.approx([c.threshold for c in b.indicators], rel=1e-12)
    assert a.joint_band == b.joint_band
    with pytest.raises(InputError, match="no column 'gwp100_fossil.production'"):
        cal.population(tmp_path / "r.parquet", cal.targets(spec, ["gwp100_fossil"]), home=home)


def test_draft_spec_loads_and_plots_are_written(known, home, tmp_path, runner):
    path, spec, lam = known
    spec_file = write_spec(tmp_path, indicators=[])
    out = tmp_path / "cal"
    r = runner.invoke(app, ["calibrate", str(path), "--spec", str(spec_file), "--indicator", "gwp100",
                            "--pass-share", "0.1", "--out", str(out), "--home", str(home), "--bootstrap", "20"])
    assert r.exit_code == 0, r.output
    draft = load_spec(out / "synthetic_calibrated.yaml")
    req = draft.indicator_requirements[0]
    total = np.arange(1, N + 1) * lam[STEEL] + (N + 1 - np.arange(1, N + 1)) * lam[POWER]
    assert (req.indicator, req.stage, req.operator) == ("gwp100", "total", "<=")
    assert req.threshold == pytest.approx(np.sort(total)[99], rel=1e-9)
    assert any(n.startswith("derivation: 0.1 pass share of 1000 products") for n in draft.notes)
    for kind in ("distribution", "pass_rate"):
        for fmt in ("png", "svg"):
            assert (out / f"gwp100.total.{kind}.{fmt}").stat().st_size > 1000
    doc = json.loads((out / "calibration.json").read_text())
    assert doc["indicators"][0]["realised_share"] == 0.1 and len(doc["files"]) == 6


def test_seeded_bootstrap_reproduces(known, home):
    path, spec, _ = known
    tgts = cal.targets(spec, ["gwp100"])
    pop = cal.population(path, tgts, home=home)
    a, b = (cal.calibrate(pop, spec, tgts, 0.2, bootstrap=30, seed=4) for _ in range(2))
    assert a.indicators[0].band == b.indicators[0].band


@pytest.mark.parametrize("ids, share, message", [(["nope"], 0.2, "unknown indicator"),
                                                 (["product_mass"], 0.2, "only LCIA"),
                                                 (["gwp100"], 1.5, "between 0 and 1")])
def test_bad_calibration_input(known, home, ids, share, message):
    path, spec, _ = known
    with pytest.raises(InputError, match=message):
        tgts = cal.targets(spec, ids)
        cal.calibrate(cal.population(path, tgts, home=home), spec, tgts, share)


def test_category_filter(known, home):
    path, spec, _ = known
    tgts = cal.targets(spec, ["gwp100"])
    assert len(cal.population(path, tgts, home=home, category="test").values) == N
    with pytest.raises(InputError, match="no products"):
        cal.calibrate(cal.population(path, tgts, home=home, category="other"), spec, tgts, 0.2)
