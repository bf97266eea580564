"""Grade requirements through `evaluate`: band chosen at its edges, grade reached vs required, units, gaps.

Synthetic tables and products (illustrative figures, not a standard's): every expected threshold, value,
grade and margin below is worked out by hand from the tables written here.
"""
from __future__ import annotations

import pytest
import yaml
from specs_helpers import BOM, PROCESSES, write_product, write_spec

from lca.assess.evaluate import evaluate
from lca.assess.specs import load_spec

PROV = {"publisher": "tests", "document": "illustrative", "year": 2026, "clause": "-", "url": "-", "licence": "-",
        "read_in": "-", "quote": "illustrative", "status": "illustrative"}
# APF (W/W, a minimum) by capacity band in W; the 'large' band has no grade 1.
APF = {"id": "apf_grades", "title_en": "illustrative APF grades", "standard": "TEST 2", "indicator": "apf",
       "unit": "W/W", "direction": "higher", "grades": ["1", "2", "3"], "keys": {"capacity": "W"},
       "bands": [{"id": "s", "label": "CC ≤ 4500 W", "when": {"capacity": {"le": 4500}},
                  "limits": {"1": 5.0, "2": 4.5, "3": 4.0}},
                 {"id": "m", "label": "4500 W < CC ≤ 7100 W", "when": {"capacity": {"gt": 4500, "le": 7100}},
                  "limits": {"1": 4.5, "2": 4.0, "3": 3.5}},
                 {"id": "l", "label": "7100 W < CC ≤ 14000 W", "when": {"capacity": {"gt": 7100, "le": 14000}},
                  "limits": {"2": 3.5, "3": 3.2}}],
       "provenance": PROV}
# Annual energy (a maximum) in MJ, one band for every product; the product declares kWh, the requirement is in GJ.
ENERGY = {"id": "energy_grades", "title_en": "illustrative energy grades", "standard": "TEST 2",
          "indicator": "annual_energy", "unit": "MJ", "direction": "lower", "grades": ["A", "B"],
          "bands": [{"id": "all", "label": "every capacity", "limits": {"A": 360, "B": 720}}], "provenance": PROV}


def _declared(id_: str, unit: str, group: str) -> dict:
    return {"id": id_, "name_en": f"{id_} (en)", "name_zh": f"{id_}（中）", "unit": unit, "group": group, "kind": "declared",
            "source": "illustrative"}


def _graded(id_: str, indicator: str, op: str, table: str, grade: str, unit: str) -> dict:
    return {"id": id_, "indicator": indicator, "stage": "total", "operator": op, "grade_table": table,
            "grade": grade, "unit": unit, "group": "energy", "clause": "synthetic 1.1", "quote": "synthetic"}


# product -> declared values (capacity in kW, apf in W/W, annual energy in kWh); None: not declared
PRODUCTS = {
    "edge": {"capacity": 4.5, "apf": 4.5, "annual_energy": 150},     # 4500 W: still the '≤ 4500 W' band
    "above": {"capacity": 4.501, "apf": 4.2, "annual_energy": 250},  # 4501 W: the next band
    "large": {"capacity": 10, "apf": 3.3},                           # band without grade 1
    "outside": {"capacity": 20, "apf": 5.0},                         # 20000 W: in no band
    "no_key": {"apf": 5.0},                                          # band key not declared
    "no_value": {"capacity": 3.0},                                   # band known, value not declared
}
UNITS = {"capacity": "kW", "apf": "W/W", "annual_energy": "kWh"}


@pytest.fixture
def verdicts(home, tmp_path):
    """Evaluated afresh for each test (mutmut runs only the tests it saw call the code, and a shared
    fixture's calls are seen under the first test alone)."""
    root = tmp_path
    (root / "apf.yaml").write_text(yaml.safe_dump(APF, allow_unicode=True), encoding="utf-8")
    (root / "energy.yaml").write_text(yaml.safe_dump(ENERGY, allow_unicode=True), encoding="utf-8")
    spec = load_spec(write_spec(
        root, declared_indicators=[_declared("apf", "W/W", "energy"), _declared("capacity", "kW", "product"),
                                   _declared("annual_energy", "kWh", "energy")],
        indicators=[_graded("apf_g2", "apf", ">=", "apf.yaml", "2", "W/W"),
                    _graded("apf_g1", "apf", ">=", "apf.yaml", "1", "W/W"),
                    _graded("energy_b", "annual_energy", "<=", "energy.yaml", "B", "GJ"),
                    {"id": "apf_floor", "indicator": "apf", "stage": "total", "operator": ">=", "threshold": 3.0,
                     "unit": "W/W", "group": "energy", "clause": "synthetic 1.2", "quote": "synthetic"}]))
    paths = [write_product(root / name, BOM, PROCESSES,
                           declared={k: {"value": v, "unit": UNITS[k], "document": "illustrative"}
                                     for k, v in decl.items()})
             for name, decl in PRODUCTS.items()]
    return {name: ev for name, ev in zip(PRODUCTS, evaluate(paths, spec, home))}


def _ind(ev, rid):
    return next(i for i in ev.indicators if i.id == rid)


def test_every_requirement_is_reported_in_order(verdicts):
    for ev in verdicts.values():
        assert [i.id for i in ev.indicators] == ["apf_g2", "apf_g1", "energy_b", "apf_floor"]
        assert {i.grade_table for i in ev.indicators} == {"apf_grades", "energy_grades", None}
        for i in ev.indicators[:2]:  # whatever the outcome, the verdict names what was asked
            assert (i.indicator, i.name_en, i.name_zh, i.stage, i.operator, i.unit, i.clause) == \
                ("apf", "apf (en)", "apf（中）", "total", ">=", "W/W", "synthetic 1.1")
    assert _ind(verdicts["edge"], "apf_floor").value == 4.5 and _ind(verdicts["edge"], "apf_floor").grade_table is None


def test_band_edge_value_stays_in_the_lower_band(verdicts):
    g2, g1 = _ind(verdicts["edge"], "apf_g2"), _ind(verdicts["edge"], "apf_g1")
    # 4.5 kW = 4500 W, band '≤ 4500 W'; APF 4.5 meets grade 2's 4.5 exactly, not grade 1's 5.0
    assert (g2.band, g2.threshold, g2.value, g2.grade_reached, g2.grade_required, g2.status) == \
        ("CC ≤ 4500 W", 4.5, 4.5, "2", "2", "pass")
    assert g2.margin_pct == 0.0
    assert g2.reason == "band 'CC ≤ 4500 W': grade reached 2, grade required 2 (>= 4.5 W/W; apf_grades)"
    assert g2.advice == [] and g2.advice_zh == []
    assert (g1.threshold, g1.grade_reached, g1.grade_required, g1.status) == (5.0, "2", "1", "fail")
    assert g1.margin_pct == pytest.approx((4.5 - 5.0) / 5.0 * 100)
    assert g1.advice == ["raise the value by 0.5 W/W (from 4.5 to 5)"]
    assert g1.advice_zh == ["需提高 0.5 W/W（由 4.5 至 5）"]


def test_just_above_the_edge_takes_the_next_band(verdicts):
    g2, g1 = _ind(verdicts["above"], "apf_g2"), _ind(verdicts["above"], "apf_g1")
    # 4501 W: band '4500 W < CC ≤ 7100 W' (grade 1: 4.5, grade 2: 4.0); APF 4.2 reaches grade 2
    assert (g2.band, g2.threshold, g2.grade_reached, g2.status) == ("4500 W < CC ≤ 7100 W", 4.0, "2", "pass")
    assert g2.margin_pct == pytest.approx((4.2 - 4.0) / 4.0 * 100)
    assert (g1.threshold, g1.grade_reached, g1.status) == (4.5, "2", "fail")
    assert g1.advice == ["raise the value by 0.3 W/W (from 4.2 to 4.5)"]


def test_units_of_product_table_and_requirement_are_each_converted(verdicts):
    ok, bad = _ind(verdicts["edge"], "energy_b"), _ind(verdicts["above"], "energy_b")
    # limit B 720 MJ = 0.72 GJ; 150 kWh = 540 MJ = 0.54 GJ reaches B (≤ 720), not A (≤ 360)
    assert ok.threshold == pytest.approx(720 / 1000)
    assert ok.value == pytest.approx(150 * 3.6 / 1000)
    assert (ok.grade_reached, ok.status, ok.operator) == ("B", "pass", "<=")
    assert ok.margin_pct == pytest.approx((0.72 - 0.54) / 0.72 * 100)
    # 250 kWh = 900 MJ = 0.9 GJ: above every limit, so no grade
    assert bad.value == pytest.approx(0.9) and (bad.grade_reached, bad.status) == (None, "fail")
    assert bad.reason == "band 'every capacity': grade reached none (below B), grade required B (<= 0.72 GJ; " \
                         "energy_grades)"
    assert bad.advice == ["lower the value by 0.18 GJ (from 0.9 to 0.72)"]


def test_band_without_the_required_grade_is_not_computable(verdicts):
    ev = verdicts["large"]
    g2, g1 = _ind(ev, "apf_g2"), _ind(ev, "apf_g1")
    assert (g2.band, g2.threshold, g2.grade_reached, g2.status) == ("7100 W < CC ≤ 14000 W", 3.5, "3", "fail")
    assert (g1.status, g1.threshold, g1.value, g1.band, g1.margin_pct) == ("not computable", None, None, None, None)
    assert g1.reason == "band '7100 W < CC ≤ 14000 W' of grade table 'apf_grades' sets no limit for grade '1'"
    assert ev.verdict == "fail"


def test_key_outside_every_band_is_not_computable(verdicts):
    ev = verdicts["outside"]
    for rid in ("apf_g2", "apf_g1"):
        i = _ind(ev, rid)
        assert (i.status, i.threshold, i.value, i.band, i.grade_reached) == ("not computable", None, None, None, None)
        assert i.reason == "capacity = 20000 W is outside every band of grade table 'apf_grades'"
    assert _ind(ev, "apf_floor").status == "pass"
    assert ev.verdict == "incomplete"  # nothing fails, two requirements cannot be assessed: never a pass


def test_missing_band_key_or_value_is_missing_evidence(verdicts):
    key = verdicts["no_key"]
    for rid, grade in (("apf_g2", "2"), ("apf_g1", "1")):
        i = _ind(key, rid)
        assert (i.status, i.threshold, i.value, i.band, i.grade_table, i.grade_required) == \
            ("missing evidence", None, None, None, "apf_grades", grade)
        assert i.reason == "missing evidence: no declared value of 'capacity', which selects the band of grade " \
                           "table 'apf_grades'"
    assert _ind(key, "energy_b").status == "missing evidence"  # no key needed, but no value declared
    value = _ind(verdicts["no_value"], "apf_g2")
    # 3 kW: the band is known and its limit set, the value is not declared
    assert (value.status, value.band, value.threshold, value.value) == ("missing evidence", "CC ≤ 4500 W", 4.5, None)
    assert value.reason == "missing evidence: no declared value in the manifest"
    assert {ev.verdict for ev in (key, verdicts["no_value"])} == {"incomplete"}


# A carbon-footprint grade table (kgCO2e, a maximum): the graded value is the whole life cycle's score.
GWP = {"id": "gwp_grades", "title_en": "illustrative carbon grades", "standard": "TEST 2", "indicator": "gwp100",
       "unit": "kgCO2e", "direction": "lower", "grades": ["A", "B"],
       "bands": [{"id": "all", "label": "every product", "limits": {"A": 1.0, "B": 1e6}}], "provenance": PROV}


def test_lcia_indicator_graded_on_its_whole_life_cycle_score(home, tmp_path):
    (tmp_path / "gwp.yaml").write_text(yaml.safe_dump(GWP), encoding="utf-8")
    spec = load_spec(write_spec(tmp_path, indicators=[
        _graded("gwp_b", "gwp100", "<=", "gwp.yaml", "B", "t"),
        {"id": "gwp_total", "indicator": "gwp100", "stage": "total", "operator": "<=", "threshold": 1e6,
         "unit": "kgCO2e", "group": "environment", "clause": "synthetic 1.3", "quote": "synthetic"}]))
    ev = evaluate([write_product(tmp_path / "p", BOM, PROCESSES)], spec, home)[0]
    graded, total = ev.indicators
    assert total.value > 1.0  # 10 kg of materials and 210 kWh: well above grade A's 1 kg
    # limit B 1e6 kgCO2e = 1000 t; the graded value is the plain requirement's total in tonnes
    assert graded.threshold == pytest.approx(1000.0)
    assert graded.value == pytest.approx(total.value / 1000, rel=1e-12)
    assert (graded.grade_reached, graded.status) == ("B", "pass")


def test_two_band_keys_outside_every_band_are_both_named(home, tmp_path):
    table = {**APF, "id": "apf2", "keys": {"capacity": "W", "volume": "L"},
             "bands": [{"id": "s", "label": "small", "when": {"capacity": {"le": 4500}, "volume": {"le": 50}},
                        "limits": {"1": 5.0}}]}
    (tmp_path / "apf2.yaml").write_text(yaml.safe_dump(table), encoding="utf-8")
    spec = load_spec(write_spec(tmp_path, declared_indicators=[
        _declared("apf", "W/W", "energy"), _declared("capacity", "kW", "product"), _declared("volume", "m3", "product")],
        indicators=[_graded("g1", "apf", ">=", "apf2.yaml", "1", "W/W")]))
    decl = {"capacity": {"value": 3, "unit": "kW", "document": "-"}, "volume": {"value": 0.06, "unit": "m3", "document": "-"},
            "apf": {"value": 5, "unit": "W/W", "document": "-"}}
    (g1,) = evaluate([write_product(tmp_path / "p", BOM, PROCESSES, declared=decl)], spec, home)[0].indicators
    # 3 kW is in the band, 0.06 m3 = 60 L is not
    assert g1.reason == "capacity = 3000 W, volume = 60 L is outside every band of grade table 'apf2'"


def test_lower_direction_limit_is_met_when_equal(tmp_path):
    from lca.assess.grades import load_table

    (tmp_path / "e.yaml").write_bytes(b"\xef\xbb\xbf" + yaml.safe_dump(ENERGY).encode())  # with a BOM, as Excel saves
    t = load_table(str(tmp_path / "e.yaml"))[1]
    band = t.band({})
    assert [t.reached(band, v) for v in (360.0, 360.01, 720.0, 720.01)] == ["A", "B", "B", None]


def test_bad_grade_tables_are_named(tmp_path):
    from lca.assess.grades import load_table, shipped_tables
    from lca.core.errors import InputError

    with pytest.raises(InputError) as exc:
        load_table("no_such_table", tmp_path)
    assert (exc.value.message, exc.value.hint) == (
        "grade table 'no_such_table' not found", "give a YAML file or the id of a table in product_specs/grade_tables/")
    (tmp_path / "bad.yaml").write_text("id: [", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_table("bad.yaml", tmp_path)
    assert exc.value.message.startswith("is not valid YAML: ") and exc.value.file == str(tmp_path / "bad.yaml")
    extra = {**APF, "bands": [{**APF["bands"][0], "colour": "red"}]}
    (tmp_path / "extra.yaml").write_text(yaml.safe_dump(extra, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_table(str(tmp_path / "extra.yaml"))
    e = exc.value
    assert (e.message, e.column, e.file) == ("field 'bands.0.colour': Extra inputs are not permitted", "bands.0.colour",
                                             str(tmp_path / "extra.yaml"))
    assert len(shipped_tables()) == 4  # product_specs/grade_tables/*.yaml
