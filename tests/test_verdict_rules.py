"""Verdict rules of lca.evaluate, each expected value worked out by hand.

Half of the tests feed _verdict hand-made measures (contributions with chosen values) so the
rules are visible in the numbers: margins per operator, which rows are named as drivers and in
which order, the driving stage, the advice wording. The other half evaluate one synthetic
product whose figures come from inventories/background/*.yaml:
- raw materials: 2 kg polypropylene_primary_desnz × 2.57757 kg CO2/kg (seed_materials.yaml);
- production: 20 kg corrugated_board_fefco × 0.491 kg CO2/kg (seed_materials.yaml), and 0.01 kg
  sulfur dioxide emitted to air directly (no GWP; acidification by the EF 3.1 factor);
- use: 50 kg/year × 2 years of steel_cans_primary_desnz × 2.8639 kg CO2/kg (seed_materials.yaml).
These processes carry CO2 alone (no upstream links), so GWP100 is the CO2 figure × 1 and
acidification comes from the direct SO2 row only.
"""
from __future__ import annotations

import math
from dataclasses import asdict

import pytest
import yaml
from conftest import brightway_of
from specs_helpers import requirement, write_product, write_spec

from lca import __version__
from lca.assess.evaluate import _verdict, evaluate, margin_pct
from lca.assess.specs import IndicatorRequirement, load_spec
from lca.core import resources
from lca.engine import project
from lca.engine.indicators import Contribution, Measure
from lca.engine.methods import registry

# ---- margins -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, threshold, op, expected", [
    (8, 10, "<", 20.0), (8, 10, "<=", 20.0), (12, 10, "<", -20.0),
    (12, 10, ">", 20.0), (12, 10, ">=", 20.0), (8, 10, ">", -20.0),
    (12, 10, "==", -20.0), (8, 10, "==", -20.0),  # '==' has no headroom: any distance is a shortfall
    (-12, -10, "==", -20.0), (-8, -10, "<=", -20.0),  # in % of |threshold|
])
def test_margin_in_percent_of_the_threshold(value, threshold, op, expected):
    assert margin_pct(value, threshold, op) == pytest.approx(expected, rel=1e-12)


def test_margin_of_an_exact_match_and_of_a_zero_threshold():
    exact = margin_pct(10, 10, "==")
    assert exact == 0.0 and math.copysign(1, exact) == 1.0  # printed '+0.0 %', not '-0.0 %'
    assert margin_pct(3, 0, "<=") is None


# ---- _verdict on hand-made measures --------------------------------------------------------------

def _req(op: str, threshold: float, unit: str = "kgCO2e", stage: str = "total") -> IndicatorRequirement:
    return IndicatorRequirement(id="r1", indicator="gwp100", stage=stage, operator=op, threshold=threshold,
                                unit=unit, group="environment", clause="5.2", quote="synthetic")


def _m(value: float | None, *contribs: tuple[str, str, float]) -> Measure:
    """A measure with contributions (label, stage, value); origin is 'o' + label."""
    return Measure(value, [Contribution(lbl, f"o{lbl}", st, v) for lbl, st, v in contribs])


GWP = registry()["gwp100"]


def test_passing_verdict_carries_the_requirement_and_indicator():
    v = _verdict(_req("<=", 10, stage="use"), GWP, _m(4.0, ("a", "use", 4.0)), 1.0)
    got = asdict(v)
    assert {k: got[k] for k in (
        "id", "indicator", "name_en", "name_zh", "stage", "operator", "threshold", "unit", "clause", "value",
        "margin_pct", "status", "reason", "driving_stage", "drivers", "advice", "advice_zh")} == {
        "id": "r1", "indicator": "gwp100", "name_en": GWP.name_en, "name_zh": GWP.name_zh, "stage": "use",
        "operator": "<=", "threshold": 10.0, "unit": "kgCO2e", "clause": "5.2", "value": 4.0,
        "margin_pct": pytest.approx(60.0), "status": "pass", "reason": None, "driving_stage": None,
        "drivers": [], "advice": [], "advice_zh": []}


def test_not_computable_keeps_the_reason():
    v = _verdict(_req("<=", 10), GWP, Measure(None, [], "no calorific value"), 1.0)
    assert (v.status, v.value, v.margin_pct, v.reason) == ("not computable", None, None, "no calorific value")
    assert (v.unit, v.clause, v.stage, v.operator) == ("kgCO2e", "5.2", "total", "<=")


def test_strict_upper_limit_names_the_largest_positive_rows_first():
    # value 15 against < 5: excess 10. Rows: A 10 (100 % of the excess: removing more than all of it
    # meets '<'), B 4 (250 %: too small alone), C 1, D 0.5 (fourth: only three drivers are named)
    v = _verdict(_req("<", 5), GWP, _m(15.0, ("D", "raw_materials", 0.5), ("B", "use", 4.0),
                                        ("A", "production", 10.0), ("C", "use", 1.0)), 1.0)
    assert v.status == "fail"
    assert [d["label"] for d in v.drivers] == ["A", "B", "C"]
    assert v.driving_stage == "production"  # production 10 > use 4 + 1 > raw materials 0.5
    assert v.advice == [
        "reduce 'A' (oA; production) by more than 100.0 %",
        "'B' (oB; use) adds 4 kgCO2e, less than the excess 10 kgCO2e: removing it alone would not meet the threshold",
        "'C' (oC; use) adds 1 kgCO2e, less than the excess 10 kgCO2e: removing it alone would not meet the threshold",
    ]
    assert v.advice_zh == [
        "将“A”（oA；产品生产）减少超过 100.0 %",
        "“B”（oB；产品使用）仅贡献 4 kgCO2e，小于超出量 10 kgCO2e：单独去除也无法达到基准值",
        "“C”（oC；产品使用）仅贡献 1 kgCO2e，小于超出量 10 kgCO2e：单独去除也无法达到基准值",
    ]


def test_rows_that_add_nothing_or_less_are_not_drivers():
    v = _verdict(_req("<=", 5), GWP, _m(12.0, ("zero", "use", 0.0), ("credit", "end_of_life", -3.0),
                                        ("A", "production", 15.0)), 1.0)
    assert [d["label"] for d in v.drivers] == ["A"]
    assert v.advice == ["reduce 'A' (oA; production) by 46.7 %"]  # (12 - 5) / 15


def test_unit_factor_applies_to_value_and_drivers():
    # the measure is in kg CO2e, the requirement in t: factor 0.001
    v = _verdict(_req("<=", 0.01, unit="t"), GWP, _m(30.0, ("A", "use", 20.0), ("B", "production", 10.0)), 1e-3)
    assert v.value == pytest.approx(0.03) and v.status == "fail"
    assert [d["value"] for d in v.drivers] == pytest.approx([0.02, 0.01])
    assert v.advice[0] == "reduce 'A' (oA; use) by 100.0 %"  # excess 0.02 t of A's 0.02 t


def test_lower_limit_names_the_smallest_positive_rows_and_asks_to_raise():
    v = _verdict(_req(">=", 10), GWP, _m(6.0, ("p", "production", 3.0), ("r", "raw_materials", 1.0),
                                         ("u", "use", 2.0)), 1.0)
    assert v.status == "fail" and v.margin_pct == pytest.approx(-40.0)
    assert [d["label"] for d in v.drivers] == ["r", "u", "p"]
    assert v.advice == ["raise the value by 4 kgCO2e (from 6 to 10)"]
    assert v.advice_zh == ["需提高 4 kgCO2e（由 6 至 10）"]


def test_equality_missed_from_above_asks_to_lower():
    v = _verdict(_req("==", 10), GWP, _m(10.5, ("a", "use", 10.5)), 1.0)
    assert v.status == "fail" and v.margin_pct == pytest.approx(-5.0)
    assert v.advice == ["lower the value by 0.5 kgCO2e (from 10.5 to 10)"]


def test_missed_exactly_at_the_threshold_points_the_right_way():
    # '>' at 10 with 10: must rise (the gap is 0, so its sign cannot say); '<' at 10 with 10 and no
    # rows to name: must fall
    up = _verdict(_req(">", 10), GWP, _m(10.0, ("a", "use", 10.0)), 1.0)
    assert up.status == "fail" and up.advice == ["raise the value by 0 kgCO2e (from 10 to 10)"]
    assert up.advice_zh == ["需提高 0 kgCO2e（由 10 至 10）"]
    down = _verdict(_req("<", 10), GWP, _m(10.0), 1.0)
    assert down.status == "fail" and down.advice == ["lower the value by 0 kgCO2e (from 10 to 10)"]


def test_a_row_just_smaller_than_the_excess_cannot_meet_it_alone():
    # excess 10, row 9.95: removing it all (100.5 %) is not enough
    v = _verdict(_req("<=", 5), GWP, _m(15.0, ("A", "use", 9.95), ("B", "use", 5.05)), 1.0)
    assert v.advice[0] == ("'A' (oA; use) adds 9.95 kgCO2e, less than the excess 10 kgCO2e: "
                           "removing it alone would not meet the threshold")


def test_upper_limit_without_rows_asks_to_lower_and_names_no_stage():
    v = _verdict(_req("<=", 10), GWP, _m(12.0), 1.0)
    assert v.status == "fail" and v.drivers == [] and v.driving_stage is None
    assert v.advice == ["lower the value by 2 kgCO2e (from 12 to 10)"]


def test_driving_stage_is_the_largest_stage_sum_in_absolute_value():
    # production -4 - 6 = -10 (a credit), use 9.6: |-10| > 9.6
    v = _verdict(_req("<=", -1), GWP, _m(-0.4, ("c1", "production", -4.0), ("c2", "production", -6.0),
                                         ("u", "use", 9.6)), 1.0)
    assert v.status == "fail" and v.driving_stage == "production"


# ---- one product evaluated -----------------------------------------------------------------------

BOM = "component,link,amount,unit,stage\nshell,polypropylene_primary_desnz,2,kg,raw_materials\n"
PROCESSES = """id,stage,link,flow,compartment,amount,unit,share,applies_to
assembly_board,production,corrugated_board_fefco,,,20,kg,,
so2_stack,production,,Sulfur dioxide,air,0.01,kg,,
use_refills,use,steel_cans_primary_desnz,,,50,kg/year,,
"""
BASIC = [{"id": "emissions", "text_zh": "排放达标", "text_en": "emissions within limits", "clause": "4.1.1",
          "evidence": "monitoring report"},
         {"id": "management", "text_zh": "管理体系", "text_en": "management system", "clause": "4.1.2",
          "evidence": "certificate"}]


def _process(file: str, code: str) -> dict:
    doc = yaml.safe_load((resources.background_dir() / file).read_text(encoding="utf-8"))
    return next(p for p in doc["processes"] if p["code"] == code)


def _co2(file: str, code: str) -> float:
    return sum(e["amount"] for e in _process(file, code)["exchanges"] if e.get("name") == "Carbon dioxide, fossil")


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    return write_product(tmp_path_factory.mktemp("verdict") / "gadget", BOM, PROCESSES,
                         evidence={"emissions": {"value": True, "document": "monitoring report 2025"}},
                         declared={"voc_content_per_volume": {"value": 0.045, "unit": "g/mL",
                                                              "document": "test report 17"}})


def _evaluate(product, home, tmp_path, reqs, **spec):
    return evaluate([product], load_spec(write_spec(tmp_path, indicators=reqs, **spec)), home)[0]


def test_lcia_total_in_tonnes_with_drivers_and_advice(product, home, tmp_path):
    board = _co2("seed_materials.yaml", "corrugated_board_fefco")
    cans = _co2("seed_materials.yaml", "steel_cans_primary_desnz")
    pp = _co2("seed_materials.yaml", "polypropylene_primary_desnz")
    use, prod, raw = 100 * cans / 1000, 20 * board / 1000, 2 * pp / 1000  # t CO2e
    total = use + prod + raw
    ev = _evaluate(product, home, tmp_path, [requirement("gwp", "gwp100", "<=", 0.1, "t", group="environment")])
    v = ev.indicators[0]
    assert v.value == pytest.approx(total, rel=1e-6) and v.status == "fail"
    assert v.driving_stage == "use"
    board_name = _process("seed_materials.yaml", "corrugated_board_fefco")["name"]
    cans_name = _process("seed_materials.yaml", "steel_cans_primary_desnz")["name"]
    pp_name = _process("seed_materials.yaml", "polypropylene_primary_desnz")["name"]
    assert [(d["label"], d["origin"], d["stage"]) for d in v.drivers] == [
        ("use_refills", f"processes.csv row 4, {cans_name}", "use"),
        ("assembly_board", f"processes.csv row 2, {board_name}", "production"),
        ("shell", f"bom.csv row 2, {pp_name}", "raw_materials")]
    assert [d["value"] for d in v.drivers] == pytest.approx([use, prod, raw], rel=1e-6)
    gap = total - 0.1
    assert v.advice[0] == f"reduce 'use_refills' (processes.csv row 4, {cans_name}; use) by {gap / use * 100:.1f} %"
    assert v.advice[1] == (f"'assembly_board' (processes.csv row 2, {board_name}; production) adds {prod:.4g} t, "
                           f"less than the excess {gap:.4g} t: removing it alone would not meet the threshold")
    assert v.advice_zh[0] == f"将“use_refills”（processes.csv row 4, {cans_name}；产品使用）减少 {gap / use * 100:.1f} %"


def test_lcia_of_a_unit_pint_cannot_read_and_a_direct_emission(product, home, engine, tmp_path):
    """acidification (mol H+-Eq) is compared verbatim; only the direct SO2 row contributes."""
    cat = engine.m.catalogue
    so2 = next(code for code, j in cat.flow_index.items()
               if cat.flow_name[j] == "Sulfur dioxide" and cat.flow_categories[j] == ("air",))
    bd = brightway_of(home)
    cf = {(bd.get_node(id=k)["code"] if isinstance(k, int) else k[1]): f
          for k, f in bd.Method(registry()["acidification"].method).load()}[so2]
    assert cf > 0
    ev = _evaluate(product, home, tmp_path, [
        requirement("acid_prod", "acidification", "<=", 1e-6, "mol H+-Eq", stage="production", group="environment"),
        requirement("acid_use", "acidification", "<=", 1e-6, "mol H+-Eq", stage="use", group="environment")])
    prod, use = ev.indicators
    assert prod.value == pytest.approx(0.01 * cf, rel=1e-6) and prod.status == "fail"
    assert [(d["label"], d["stage"]) for d in prod.drivers] == [("so2_stack", "production")]
    assert prod.drivers[0]["origin"] == "processes.csv row 3"  # a flow row: no process name
    assert use.value == 0.0 and use.status == "pass"


def test_declared_value_fails_with_its_document_as_driver(product, home, tmp_path):
    ev = _evaluate(product, home, tmp_path, [
        requirement("voc", "voc_content_per_volume", "<=", 40, "g/L", group="product"),
        requirement("mit", "mit_content", "<=", 15, "mg/kg", group="product")])
    voc, mit = ev.indicators
    assert voc.value == pytest.approx(45.0) and voc.status == "fail"  # 0.045 g/mL = 45 g/L
    assert voc.drivers == [{"label": "voc_content_per_volume", "origin": "test report 17", "stage": "total",
                            "value": pytest.approx(45.0)}]
    assert voc.advice == ["reduce 'voc_content_per_volume' (test report 17; total) by 11.1 %"]  # 5 / 45
    assert voc.advice_zh == ["将“voc_content_per_volume”（test report 17；全生命周期）减少 11.1 %"]
    assert mit.status == "missing evidence" and mit.value is None
    assert mit.reason == "missing evidence: no declared value in the manifest"


def test_evaluation_record_and_basic_requirements(product, home, tmp_path):
    ev = _evaluate(product, home, tmp_path, [requirement("m", "product_mass", "<=", 3, "kg")],
                   basic=BASIC, complete=False, version="7b")
    assert (ev.product_id, ev.product_name) == ("gadget", "synthetic gadget")
    assert (ev.spec_id, ev.spec_version, ev.standard, ev.spec_complete) == ("synthetic", "7b", "TEST 0001-2024 (2024)",
                                                                           False)
    assert ev.background_data_version == project.read_state(home).data_version
    assert ev.software == f"lca-ecodesign {__version__}"
    assert ev.indicators[0].value == pytest.approx(2.0) and ev.indicators[0].status == "pass"
    assert [asdict(b) for b in ev.basic] == [
        {"id": "emissions", "text_zh": "排放达标", "text_en": "emissions within limits", "clause": "4.1.1",
         "evidence_required": "monitoring report", "status": "pass", "document": "monitoring report 2025"},
        {"id": "management", "text_zh": "管理体系", "text_en": "management system", "clause": "4.1.2",
         "evidence_required": "certificate", "status": "missing evidence", "document": None}]
    assert ev.verdict == "incomplete"


def test_evaluate_uses_the_home_it_is_given(product, home, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-home"
    blocker.write_text("a file where LCA_HOME points: building a project there fails")
    monkeypatch.setenv("LCA_HOME", str(blocker))
    ev = _evaluate(product, home, tmp_path, [requirement("m", "product_mass", "<=", 3, "kg")])
    assert ev.indicators[0].value == pytest.approx(2.0)
