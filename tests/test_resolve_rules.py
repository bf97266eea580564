"""Resolver rules (lca.inventory.resolve) that the scoring tests do not reach: the hints of its errors.

A misspelt link, parent or flow is an input error located at its row and column whose hint names
the closest spellings the resolver knows (at most three, closest first) or, with nothing close,
says where to look. Expected codes are read from inventories/background/*.yaml.
"""
from __future__ import annotations

import re

import pytest
import yaml

from specs_helpers import write_product
from lca.core import resources
from lca.core.errors import InputError
from lca.inventory.product import load_product
from lca.inventory.resolve import resolve

PROCESSES = "id,stage,link,flow,compartment,amount,unit,share,applies_to\n"
FRAME = "frame,,steel_crude_worldsteel,2,kg,raw_materials\n"


def _codes(file: str) -> list[str]:
    doc = yaml.safe_load((resources.background_dir() / file).read_text(encoding="utf-8"))
    return [p["code"] for p in doc["processes"]]


def _error(engine, tmp_path, bom: str, processes: str = PROCESSES) -> InputError:
    path = write_product(tmp_path / "p", "component,parent,link,amount,unit,stage\n" + bom, processes)
    with pytest.raises(InputError) as info:
        resolve(load_product(path), engine.m.catalogue)
    return info.value


def _suggested(hint: str) -> list[str]:
    m = re.fullmatch(r"did you mean (.+)\?", hint)
    assert m, hint
    return m.group(1).split(", ")


def test_misspelt_bom_link_suggests_the_code(engine, tmp_path):
    assert "steel_crude_worldsteel" in _codes("seed_materials.yaml")
    err = _error(engine, tmp_path, "frame,,steel_crude_worldstel,2,kg,raw_materials\n")
    assert (err.row, err.column) == (2, "link") and "steel_crude_worldstel" in err.message
    assert _suggested(err.hint)[0] == "steel_crude_worldsteel"


def test_at_most_three_suggestions(engine, tmp_path):
    # seed_energy.yaml has electricity_grid_cn_north, _northeast and _northwest, and
    # electricity_cn_2023.yaml the same with _2023: more than three codes close to the typo
    near = [c for c in _codes("seed_energy.yaml") + _codes("electricity_cn_2023.yaml")
            if c.startswith("electricity_grid_cn_north")]
    assert len(near) >= 4
    err = _error(engine, tmp_path, FRAME, PROCESSES + "p,production,electricity_grid_cn_nrth,,,1,kWh,,\n")
    got = _suggested(err.hint)
    assert len(got) == 3 and set(got) <= set(near) and got[0] == "electricity_grid_cn_north"
    assert (err.row, err.column) == (2, "link") and err.file.endswith("processes.csv")


def test_nothing_close_says_where_to_look(engine, tmp_path):
    err = _error(engine, tmp_path, "frame,,qqqqxxxxzzzz,2,kg,raw_materials\n")
    assert err.hint == "run `lca processes` for the list"
    err = _error(engine, tmp_path, "frame,nowhere_at_all,steel_crude_worldsteel,2,kg,raw_materials\n")
    assert err.hint == "parent must be a component id of this BOM"


def test_misspelt_parent_and_flow(engine, tmp_path):
    err = _error(engine, tmp_path, "frame,,steel_crude_worldsteel,2,kg,raw_materials\n"
                                   "bolt,frme,steel_crude_worldsteel,1,kg,raw_materials\n")
    assert (err.row, err.column, err.hint) == (3, "parent", "did you mean frame?")
    err = _error(engine, tmp_path, FRAME, PROCESSES + "leak,use,,\"Carbon dioxide, fosil\",air,1,kg,,\n")
    # flow names hold commas themselves, so the closest one is read off the start of the list
    assert err.column == "flow" and err.hint.startswith("did you mean Carbon dioxide, fossil")
