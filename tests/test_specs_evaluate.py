"""Verdicts against synthetic specifications, every value checked by hand calculation.

Hand values come from the product below (tests/specs_helpers.py) and the background YAML:
- product mass 6 + 4 = 10 kg (the 1 kg carton is packaging: distribution stage);
- recycled content 6 × 0.5 / 10 = 30 %; recycling rate 6 × 0.9 / 10 = 54 %; packaging 1 / 10 = 10 %;
- production energy (10 kWh × 3.6 + 50 MJ) / 29.3076 = 2.93439 kgce; use 2 × 100 kWh × 3.6 / 29.3076 kgce;
- use-stage GWP 200 kWh × 0.5366 kg CO2/kWh (seed_energy.yaml, electricity_grid_cn).
"""
from __future__ import annotations

import json

import pytest
import yaml
from specs_helpers import BOM, PROCESSES, requirement, write_product, write_spec

from lca.assess.evaluate import evaluate, margin_pct
from lca.assess.specs import load_spec
from lca.cli import app
from lca.core import resources
from lca.core.errors import InputError

KGCE_MJ = 29.3076
PROD_KGCE = (10 * 3.6 + 50) / KGCE_MJ
USE_KGCE = 200 * 3.6 / KGCE_MJ


def _grid_factor() -> float:
    doc = yaml.safe_load((resources.background_dir() / "seed_energy.yaml").read_text(encoding="utf-8"))
    proc = next(p for p in doc["processes"] if p["code"] == "electricity_grid_cn")
    co2 = sum(e["amount"] for e in proc["exchanges"] if e.get("name") == "Carbon dioxide, fossil")
    share = sum(e["amount"] for e in proc["exchanges"] if e.get("process") == "power_cn_fossil_fuels_and_emissions")
    # plus the fossil share of the supplement's CH4 and N2O: 1 and 1.5 kg/TJ × 301.9 gce/kWh × 29.3076 MJ/kgce
    return co2 + share * 0.3019 * 29.3076e-6 * (1 * 29.8 + 1.5 * 273)


EVIDENCE = {"emissions": {"value": True, "document": "monitoring report 2024"},
            "accidents": {"value": False, "document": "incident log"}}
BASIC = [{"id": i, "text_zh": "合成", "text_en": "synthetic", "clause": f"4.1.{k}", "evidence": "a document"}
         for k, i in enumerate(("emissions", "accidents", "management"), 1)]


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    folder = tmp_path_factory.mktemp("p") / "widget"
    return write_product(folder, BOM, PROCESSES, evidence=EVIDENCE,
                         declared={"voc_content_per_volume": {"value": 0.045, "unit": "g/mL",
                                                              "document": "test report 17"}})


def _one(product, home, tmp_path, *reqs, basic=(), complete=True):
    spec = load_spec(write_spec(tmp_path, indicators=list(reqs), basic=list(basic), complete=complete))
    return evaluate([product], spec, home)[0]


@pytest.mark.parametrize("indicator, unit, expected", [
    ("product_mass", "kg", 10.0), ("product_mass", "g", 10_000.0), ("recycled_content", "%", 30.0),
    ("recycling_rate", "%", 54.0), ("recovery_rate", "%", 54.0), ("packaging_ratio", "%", 10.0),
])
def test_bom_indicators_by_hand(product, home, tmp_path, indicator, unit, expected):
    ev = _one(product, home, tmp_path, requirement("r", indicator, "<=", 1e9, unit))
    assert ev.indicators[0].value == pytest.approx(expected, rel=1e-12)
    assert ev.indicators[0].status == "pass"


def test_energy_per_stage_and_per_tonne_by_hand(product, home, tmp_path):
    ev = _one(product, home, tmp_path,
              requirement("prod", "energy_kgce", "<=", 1e9, "kgce", stage="production"),
              requirement("use", "energy_kgce", "<=", 1e9, "MJ", stage="use"),
              requirement("all", "energy_kgce", "<=", 1e9, "kgce"),
              requirement("pt", "energy_kgce_per_mass", "<=", 1e9, "kgce/t", stage="production"))
    got = {v.id: v.value for v in ev.indicators}
    assert got["prod"] == pytest.approx(PROD_KGCE, rel=1e-12)
    assert got["use"] == pytest.approx(720.0, rel=1e-12)  # 200 kWh in MJ
    assert got["all"] == pytest.approx(PROD_KGCE + USE_KGCE, rel=1e-12)
    assert got["pt"] == pytest.approx(PROD_KGCE / 10 * 1000, rel=1e-12)


def test_energy_of_a_fuel_in_mass_units_is_not_computable(tmp_path, home):
    path = write_product(tmp_path / "diesel", BOM, PROCESSES + "genset,production,diesel_combustion,2,kg,,\n")
    spec = load_spec(write_spec(tmp_path, indicators=[
        requirement("prod", "energy_kgce", "<=", 100, "kgce", stage="production"),
        requirement("use", "energy_kgce", "<=", 100, "kgce", stage="use")]))
    prod, use = evaluate([path], spec, home)[0].indicators
    assert prod.status == "not computable" and "diesel_combustion" in prod.reason and "calorific" in prod.reason
    assert use.status == "pass" and use.value == pytest.approx(USE_KGCE, rel=1e-12)


def test_failing_lcia_indicator_names_stage_row_and_the_cut_that_meets_it(product, home, tmp_path):
    use_gwp = 200 * _grid_factor()
    threshold = 0.88 * use_gwp
    ev = _one(product, home, tmp_path, requirement("gwp_use", "gwp100", "<=", threshold, "kgCO2e",
                                                   stage="use", group="environment"))
    v = ev.indicators[0]
    assert v.value == pytest.approx(use_gwp, rel=1e-6)  # float32 storage of exchange amounts
    assert v.status == "fail" and ev.verdict == "fail"
    assert v.margin_pct == pytest.approx((threshold - use_gwp) / threshold * 100, rel=1e-6)
    assert v.driving_stage == "use" and v.drivers[0]["label"] == "use_power"
    assert "reduce 'use_power'" in v.advice[0] and "by 12.0 %" in v.advice[0]


def test_failing_energy_and_bom_indicators(product, home, tmp_path):
    ev = _one(product, home, tmp_path,
              requirement("e", "energy_kgce", "<=", 2.0, "kgce", stage="production", group="energy"),
              requirement("rc", "recycled_content", ">=", 40, "%"))
    e, rc = ev.indicators
    assert e.status == "fail" and e.driving_stage == "production"
    # the gas row adds 50 / 29.3076 kgce; the excess is PROD_KGCE - 2
    gas_cut = (PROD_KGCE - 2.0) / (50 / KGCE_MJ) * 100
    assert e.advice[0] == f"reduce 'oven_gas' (processes.csv row 3, natural_gas_combustion; production) by {gas_cut:.1f} %"
    assert rc.status == "fail" and rc.margin_pct == pytest.approx(-25.0)
    assert rc.advice == ["raise the value by 10 % (from 30 to 40)"]


def test_declared_values_convert_and_missing_ones_are_reported(product, home, tmp_path):
    ev = _one(product, home, tmp_path,
              requirement("voc", "voc_content_per_volume", "<=", 50, "g/L", group="product"),
              requirement("mit", "mit_content", "<=", 15, "mg/kg", group="product"))
    voc, mit = ev.indicators
    assert voc.value == pytest.approx(45.0) and voc.status == "pass"  # 0.045 g/mL = 45 g/L
    assert voc.margin_pct == pytest.approx(10.0)
    assert mit.status == "missing evidence" and ev.verdict == "incomplete"


def test_declared_value_in_a_wrong_unit_is_an_input_error(tmp_path, home):
    path = write_product(tmp_path / "bad", BOM, PROCESSES,
                         declared={"voc_content_per_volume": {"value": 3, "unit": "kg", "document": "x"}})
    spec = load_spec(write_spec(tmp_path, indicators=[
        requirement("voc", "voc_content_per_volume", "<=", 50, "g/L", group="product")]))
    with pytest.raises(InputError) as err:
        evaluate([path], spec, home)
    assert err.value.column == "declared.voc_content_per_volume.unit" and err.value.file.endswith("product.yaml")


def test_basic_requirements_pass_fail_and_missing_evidence(product, home, tmp_path):
    ev = _one(product, home, tmp_path, basic=BASIC)
    assert [(b.id, b.status, b.document) for b in ev.basic] == [
        ("emissions", "pass", "monitoring report 2024"), ("accidents", "fail", "incident log"),
        ("management", "missing evidence", None)]
    assert ev.verdict == "fail"
    assert _one(product, home, tmp_path, basic=BASIC[2:]).verdict == "incomplete"
    assert _one(product, home, tmp_path, basic=BASIC[:1]).verdict == "pass"
    assert _one(product, home, tmp_path, basic=BASIC[:1], complete=False).verdict == "incomplete"


def test_margin_sign_convention():
    assert margin_pct(90, 100, "<=") == pytest.approx(10.0)
    assert margin_pct(110, 100, "<") == pytest.approx(-10.0)
    assert margin_pct(99, 98, ">=") == pytest.approx(100 / 98)
    assert margin_pct(5, 0, "<=") is None


def test_cli_exit_codes_and_json_verdict(product, home, tmp_path, runner):
    passing = write_spec(tmp_path, name="pass.yaml", basic=BASIC[:1],
                         indicators=[requirement("m", "product_mass", "<=", 12, "kg")])
    res = runner.invoke(app, ["evaluate", str(product), "--spec", str(passing), "--home", str(home), "--json"])
    assert res.exit_code == 0, res.output
    verdict = json.loads(res.stdout)["verdict"][0]
    assert verdict["verdict"] == "pass" and verdict["spec_id"] == "synthetic"
    assert verdict["indicators"][0]["value"] == pytest.approx(10.0) and len(verdict["input_hash"]) == 64
    failing = write_spec(tmp_path, name="fail.yaml", indicators=[requirement("m", "product_mass", "<=", 8, "kg")])
    res = runner.invoke(app, ["evaluate", str(product), "--spec", str(failing), "--home", str(home)])
    assert res.exit_code == 1, res.output
    assert "fail" in res.output and "reduce 'frame'" in res.output
    bad = write_spec(tmp_path, name="bad.yaml", indicators=[requirement("m", "nope", "<=", 8, "kg")])
    res = runner.invoke(app, ["evaluate", str(product), "--spec", str(bad), "--home", str(home)])
    assert res.exit_code == 2 and "unknown indicator 'nope'" in res.output


def test_example_adhesive_against_its_shipped_spec(home):
    """The README's evaluation: production energy (120 kWh × 3.6 + 4300 MJ) / 29.3076 per tonne."""
    from lca.assess.specs import find

    _, spec = find("tcpcif_0086_2021_bulk")
    ev = evaluate([resources.examples_dir() / "hot_melt_adhesive" / "product.yaml"], spec, home)[0]
    energy = next(v for v in ev.indicators if v.id == "energy_per_tonne")
    assert energy.value == pytest.approx((120 * 3.6 + 4300) / KGCE_MJ, rel=1e-12)  # per 1000 kg of product
    assert energy.status == "fail" and ev.verdict == "fail"
    assert [b.status for b in ev.basic] == ["pass"] * 5
