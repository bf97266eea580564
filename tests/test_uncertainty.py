"""Monte Carlo: schema, Brightway round trip, convergence to the deterministic score, exact iterations, seeds."""
from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from pydantic import ValidationError
from specs_helpers import BOM, requirement, write_product, write_spec

from lca import api
from lca.cli import app
from lca.core import resources
from lca.core.stages import STAGES
from lca.engine import project
from lca.inventory.background import Exchange, Uncertainty
from lca.population.synthetic import uncertain_data_root
from lca.uncertainty import montecarlo as uncertainty
from lca.uncertainty import sampling

GRID, DIESEL, GAS = "electricity_grid_cn", "diesel_supplied_and_burned", "natural_gas_combustion"
SPREADS = {GRID: {"type": "normal", "sd": 0.05},
           DIESEL: lambda a: {"type": "uniform", "minimum": 0.8 * a, "maximum": 1.2 * a},
           GAS: {"type": "lognormal", "gsd2": 1.5}}
LINEAR = "id,stage,link,amount,unit,share,applies_to\npower,production,electricity_grid_cn,40,kWh,,\n" \
         "fuel,production,diesel_supplied_and_burned,5,kg,,\n"
DIESEL_ONLY = "id,stage,link,amount,unit,share,applies_to\nfuel,production,diesel_supplied_and_burned,5,kg,,\n"


@pytest.fixture(scope="module")
def uhome(tmp_path_factory):
    """A project built from a copy of the shipped data with synthetic spreads on three processes."""
    root = uncertain_data_root(tmp_path_factory.mktemp("udata"), SPREADS)
    home = tmp_path_factory.mktemp("uhome")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LCA_DATA_DIR", str(root))
        project.setup(home)
        yield home, api.engine(home)


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    folder = tmp_path_factory.mktemp("products")
    return (write_product(folder / "linear", BOM, LINEAR), write_product(folder / "diesel", BOM, DIESEL_ONLY))


def _spread_exchanges() -> int:
    """Exchanges of the processes given a synthetic spread, counted in the shipped YAML."""
    return sum(len(proc["exchanges"]) for path in resources.background_dir().glob("*.yaml")
               for proc in yaml.safe_load(path.read_text(encoding="utf-8"))["processes"] if proc["code"] in SPREADS)


def _run(eng, manifest, iterations, seed):
    invs = api.read_inventories([manifest], eng)
    return sampling.sample_scores(eng, invs, iterations, seed), invs


@pytest.mark.parametrize("raw, message", [({"type": "lognormal", "sd": 0.1}, "exactly gsd2"),
                                          ({"type": "uniform", "minimum": 2, "maximum": 1}, "below maximum"),
                                          ({"type": "normal", "sd": 0.1, "gsd2": 2}, "exactly sd")])
def test_schema_rejects_bad_distributions(raw, message):
    with pytest.raises(ValidationError, match=message):
        Uncertainty.model_validate({**raw, "source": "test"})


def test_schema_checks_the_amount_and_converts_units():
    with pytest.raises(ValidationError, match="outside its uncertainty range"):
        Exchange.model_validate({"process": "x", "amount": 3, "unit": "kg",
                                 "uncertainty": {"type": "uniform", "minimum": 1, "maximum": 2, "source": "t"}})
    u = Uncertainty(type="triangular", minimum=1, maximum=3, source="t")
    assert u.brightway(2000.0, 1000.0) == {"uncertainty type": 5, "loc": 2000.0, "minimum": 1000.0, "maximum": 3000.0}
    ln = Uncertainty(type="lognormal", gsd2=np.e ** 2, source="t").brightway(-2.0, 1.0)
    assert ln["scale"] == pytest.approx(1.0) and ln["negative"] and ln["loc"] == pytest.approx(np.log(2))


def test_build_writes_distributions_to_brightway(uhome):
    home, _ = uhome
    bd = project.brightway(home, project.read_state(home).project)
    act = bd.get_node(database=project.BACKGROUND_DB, code=DIESEL)
    kinds = {exc["uncertainty type"] for exc in act.technosphere()}
    assert kinds == {4}


def test_export_keeps_background_distributions(uhome, products):
    """`lca export` copies the used background processes with their exchanges' distributions."""
    from lca.io.export import product_system

    home, _ = uhome
    records, _, _ = product_system(products[1], "x", home)
    diesel = records[("x", DIESEL)]
    assert {e.get("uncertainty type") for e in diesel["exchanges"] if e["type"] == "technosphere"} == {4}


def test_mean_converges_to_the_deterministic_score(uhome, products):
    _, eng = uhome
    (samples, x), invs = _run(eng, products[0], 4000, seed=11)
    det = eng.evaluate(invs[0]).scores[0]  # gwp100 per stage
    prod = samples[:, 0, 0, STAGES.index("production")]
    # one sampled entry per exchange of the three processes given a spread
    assert x.shape[0] == _spread_exchanges() and prod.std() > 0.01 * abs(det[1])
    assert abs(prod.mean() - det[1]) < 4 * prod.std() / np.sqrt(len(prod))
    np.testing.assert_allclose(samples[:, 0, 0, 0], det[0], rtol=1e-12)  # raw materials carry no spread


def test_each_iteration_is_exact_with_a_sampled_technosphere(uhome, products):
    _, eng = uhome
    entries = sampling.uncertain_entries(eng)
    (samples, x), _ = _run(eng, products[1], 50, seed=2)
    gwp = eng.lam[:, 0]
    expected = np.zeros(50)
    for row, label in enumerate(entries.labels):
        if label.startswith(DIESEL):
            supplier = label.split(" ← ")[1]
            expected += 5 * x[row] * gwp[eng.m.catalogue.process_index[supplier]]
    np.testing.assert_allclose(samples[:, 0, 0, STAGES.index("production")], expected, rtol=1e-9)


def test_fixed_seeds_reproduce(uhome, products):
    _, eng = uhome
    (a, _), _ = _run(eng, products[0], 20, seed=5)
    (b, _), _ = _run(eng, products[0], 20, seed=5)
    (c, _), _ = _run(eng, products[0], 20, seed=6)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_cli_probabilities_and_sensitivity(uhome, products, runner, tmp_path):
    home, eng = uhome
    invs = api.read_inventories([products[0]], eng)
    total = float(eng.evaluate(invs[0]).scores[0].sum())
    spec = write_spec(tmp_path, indicators=[
        requirement("gwp_median", "gwp100", "<=", total, "kgCO2e", group="environment"),
        requirement("gwp_loose", "gwp100", "<=", 2 * total, "kgCO2e", group="environment")])
    args = ["evaluate", str(products[0]), "--spec", str(spec), "--iterations", "400", "--seed", "1",
            "--home", str(home), "--json", "--plots", str(tmp_path / "plots")]
    r = runner.invoke(app, args)  # LCA_DATA_DIR still names the uncertain copy (module fixture)
    assert r.exit_code in (0, 1), r.output
    mc = json.loads(r.output)["uncertainty"][0]
    p = mc["probability"]
    assert 0.35 < p["gwp_median"] < 0.65 and p["gwp_loose"] == 1.0
    assert mc["spec_probability"] == pytest.approx(p["gwp_median"])
    top = mc["sensitivity"]["gwp100"][0]
    assert top[0] in (f"{GRID} ← Carbon dioxide, fossil", f"{DIESEL} ← diesel_combustion") and top[1] > 0.3
    svg = (tmp_path / "plots" / "linear.gwp100.distribution.svg").read_text()
    assert "gwp_median" in svg and "P(met)" in svg
    assert (tmp_path / "plots" / "linear.gwp100.sensitivity.png").stat().st_size > 1000
    assert {f.rsplit("/", 1)[1] for f in mc["files"]} >= {f"linear.gwp100.{k}.{x}" for k in ("distribution", "sensitivity")
                                                          for x in ("png", "svg")}
    # indicators that do not vary (here: those the product does not reach at all) are not plotted
    flat = [d["indicator"] for d in mc["distributions"] if d["stage"] == "total" and d["deterministic"] == 0
            and d["sd"] == 0]
    assert flat and not [f for f in mc["files"] if any(f".{i}." in f for i in flat)]


def test_shipped_background_has_no_spread(engine, home, monkeypatch):
    from lca.core.resources import examples_dir

    monkeypatch.delenv("LCA_DATA_DIR", raising=False)
    manifest = examples_dir() / "office_chair" / "product.yaml"
    res = uncertainty.evaluate([manifest], "carbon_footprint", None, [], 30, home=home)[0]
    assert res.uncertain_inputs == 0
    assert all(d.sd == 0 or d.sd < 1e-12 * abs(d.mean) for d in res.distributions)


def test_calibration_band_over_exchange_uncertainty(uhome, tmp_path):
    """Product i uses i kWh of the uncertain grid: in every draw the 20 % threshold is 200 × that draw's kWh score."""
    import pandas as pd

    from lca.assess.specs import load_spec
    from lca.engine.methods import registry
    from lca.population import calibrate as cal
    from lca.population import calibration_output

    home, eng = uhome
    n = 1000
    pd.DataFrame({"product": [f"P{i:04d}" for i in range(1, n + 1)], "link": GRID, "amount": np.arange(1, n + 1),
                  "unit": "kWh", "stage": "production"}).to_csv(tmp_path / "c.csv", index=False)
    tgts = [cal.Target(registry()["gwp100"], "production", "<=", 1.0, "kgCO2e", None)]
    thresholds = cal.exchange_thresholds(tmp_path / "c.csv", tgts, 0.2, 40, seed=9, home=home)
    one_kwh = write_product(tmp_path / "kwh", BOM, "id,stage,link,amount,unit,share,applies_to\n"
                                                   "power,production,electricity_grid_cn,1,kWh,,\n")
    (samples, _), _ = _run(api.lcia_engine([tgts[0].indicator], home), one_kwh, 40, seed=9)
    np.testing.assert_allclose(thresholds[:, 0], 200 * samples[:, 0, 0, STAGES.index("production")], rtol=1e-9)
    pop = cal.population(tmp_path / "c.csv", tgts, home=home)
    spec = load_spec(write_spec(tmp_path, indicators=[]))
    run = cal.calibrate(pop, spec, tgts, 0.2, bootstrap=0, exchange=thresholds)
    lo, hi = run.indicators[0].exchange_band
    assert lo < run.indicators[0].threshold < hi and run.exchange_iterations == 40
    calibration_output.write(run, pop.values, tmp_path / "out", formats=("svg",))
    assert "exchange-uncertainty band" in (tmp_path / "out" / "gwp100.production.distribution.svg").read_text()
