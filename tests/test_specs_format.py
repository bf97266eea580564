"""Specification files: the shipped ones load and cite their sources; bad ones are rejected clearly."""
from __future__ import annotations

import pytest
from specs_helpers import requirement, write_spec

from lca.assess.specs import load_spec, shipped
from lca.cli import app
from lca.core.errors import InputError


def test_shipped_specs_cover_at_least_five_categories_and_cite_every_threshold():
    specs = shipped()
    assert len({s.category for _, s in specs}) >= 5
    for path, s in specs:
        assert s.standard.url.startswith("http"), path
        assert s.coverage and (s.complete or s.notes), path  # partial specs say what is missing
        for r in s.indicator_requirements:
            assert r.clause and r.quote, (path, r.id)
            if r.grade_table is None:  # a grade table's limits are checked against its own quote (test_spec_grades)
                assert f"{r.threshold:g}" in r.quote, (path, r.id, "threshold not in its quote")


def test_energy_thresholds_of_the_adhesive_specs_are_per_tonne():
    by_id = {s.id: s for _, s in shipped()}
    got = {sid: next(r.threshold for r in by_id[sid].indicator_requirements if r.id == "energy_per_tonne")
           for sid in ("tcpcif_0086_2021_water_based", "tcpcif_0086_2021_bulk", "tcpcif_0086_2021_solvent_based",
                       "tcpcif_0156_2021_water_based", "tcpcif_0156_2021_bulk")}
    assert got == {"tcpcif_0086_2021_water_based": 18, "tcpcif_0086_2021_bulk": 140,
                   "tcpcif_0086_2021_solvent_based": 18, "tcpcif_0156_2021_water_based": 18,
                   "tcpcif_0156_2021_bulk": 140}


@pytest.mark.parametrize("req, column, words", [
    (requirement("x", "no_such_indicator", "<=", 1, "kg"), "indicator_requirements[0].indicator",
     "unknown indicator 'no_such_indicator'"),
    (requirement("x", "product_mass", "<=", 1, "kWh"), "indicator_requirements[0].unit", "cannot be converted"),
    (requirement("x", "energy_kgce_per_mass", "<=", 18, "kgce"), "indicator_requirements[0].unit",
     "cannot be converted"),
    (requirement("x", "acidification", "<=", 1, "mol H+"), "indicator_requirements[0].unit", "verbatim"),
    (requirement("x", "recycling_rate", ">=", 50, "%", stage="end_of_life"), "indicator_requirements[0].stage",
     "must be 'total'"),
    ({k: v for k, v in requirement("x", "product_mass", "<=", 1, "kg").items() if k != "clause"},
     "indicator_requirements[0].clause", "missing"),
    (requirement("x", "product_mass", "<=", 1, "kg", clause=""), "indicator_requirements[0].clause", "at least 1"),
    (requirement("x", "product_mass", "=<", 1, "kg"), "indicator_requirements[0].operator", "'<='"),
])
def test_bad_indicator_requirements_are_rejected_naming_file_and_field(tmp_path, req, column, words):
    path = write_spec(tmp_path, indicators=[req])
    with pytest.raises(InputError) as err:
        load_spec(path)
    assert err.value.file == str(path) and err.value.column == column
    assert words in err.value.render()


def test_basic_requirement_without_clause_and_duplicate_ids_are_rejected(tmp_path):
    path = write_spec(tmp_path, basic=[{"id": "b", "text_zh": "甲", "text_en": "a", "evidence": "doc"}])
    with pytest.raises(InputError, match=r"basic_requirements\[0\]\.clause.*missing"):
        load_spec(path)
    b = {"id": "same", "text_zh": "甲", "text_en": "a", "clause": "1", "evidence": "doc"}
    path = write_spec(tmp_path, basic=[b], indicators=[requirement("same", "product_mass", "<=", 1, "kg")])
    with pytest.raises(InputError, match="'same' is used twice"):
        load_spec(path)


def test_threshold_units_convert_with_pint(tmp_path):
    spec = load_spec(write_spec(tmp_path, indicators=[
        requirement("a", "energy_kgce_per_mass", "<=", 18, "kgce/t", stage="production"),
        requirement("b", "gwp100", "<=", 2, "kgCO2e"),
        requirement("c", "acidification", "<=", 1, "mol H+-Eq"),
    ]))
    assert [r.unit for r in spec.indicator_requirements] == ["kgce/t", "kgCO2e", "mol H+-Eq"]


def test_specs_command_lists_specs_with_sources(runner):
    res = runner.invoke(app, ["specs"])
    assert res.exit_code == 0, res.output
    for text in ("T/CPCIF 0086-2021", "T/CPCIF 0156-2021", "T/CSTE 0057—2021", "bzchaxun.com"):
        assert text in res.output
