"""`lca import --flow-map`: the unlinked-flow list an import writes, filled in and passed back.

Uses the illustrative SimaPro fixture (tests/data/simapro/small.csv), whose invented tracer
compound links to nothing. Mapped onto fossil methane at half its mass, the top process's GWP100
must rise by exactly tracer emitted × 0.5 × methane's factor, worked out here from the fixture.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import brightway_of, copy_of, snapshot
from typer.testing import CliRunner

from lca.cli import app
from lca.engine.methods import get_set

SIMAPRO = Path(__file__).resolve().parent / "data" / "simapro" / "small.csv"
TRACER = "Illustrative tracer compound X"
TOP = "Bracket, steel, illustrative"
# Electricity per bracket (the fixture): 0.9 kWh direct + 1.1 kg steel × 1.2 kWh/kg; the grid
# emits 0.0005 kg tracer per kWh.
TRACER_PER_BRACKET = (0.9 + 1.1 * 1.2) * 0.0005


@pytest.fixture(scope="module")
def map_home(home, tmp_path_factory) -> Path:
    return copy_of(home, tmp_path_factory, "flowmap")


def _import(h: Path, name: str, *extra: str):
    return CliRunner().invoke(app, ["import", str(SIMAPRO), "--format", "simapro-csv", "--name", name,
                                    "--home", str(h), *extra])


def _methane_air(bd) -> str:
    return next(f["code"] for f in bd.Database("biosphere3")
                if f["name"] == "Methane, fossil" and tuple(f["categories"]) == ("air",))


def _gwp(bd, db: str) -> float:
    import bw2calc as bc

    act = next(a for a in bd.Database(db) if a["name"] == TOP)
    lca = bc.LCA({act: 1}, method=get_set().indicators[0].method)
    lca.lci()
    lca.lcia()
    return lca.score


@pytest.fixture(scope="module")
def filled_map(map_home, tmp_path_factory) -> Path:
    """Import once, then fill in the unlinked-flow list the import wrote."""
    result = _import(map_home, "sp-plain")
    assert result.exit_code == 0, result.output
    listed = map_home / "imports" / "sp-plain.unlinked.csv"
    assert listed.exists() and "--flow-map" in result.output
    rows = list(csv.DictReader(listed.open(encoding="utf-8")))
    assert [r["name"] for r in rows] == [TRACER] and rows[0]["exchanges"] == "1"
    rows[0].update(biosphere3_code=_methane_air(brightway_of(map_home)), factor="0.5",
                   source="illustrative: test mapping")
    out = tmp_path_factory.mktemp("maps") / "map.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


def test_mapped_flow_links_and_scores(map_home, filled_map):
    result = _import(map_home, "sp-mapped", "--flow-map", str(filled_map))
    assert result.exit_code == 0, result.output
    report = json.loads((map_home / "imports" / "sp-mapped.json").read_text(encoding="utf-8"))
    assert report["elementary_flows"]["user"] == 1 and report["elementary_flows"]["unlinked"] == 0
    assert report["biosphere_database"] is None
    bd = brightway_of(map_home)
    assert "sp-mapped biosphere" not in bd.databases
    cf = {k[1] if isinstance(k, (tuple, list)) else bd.get_node(id=k)["code"]: v
          for k, v in bd.Method(get_set().indicators[0].method).load()}[_methane_air(bd)]
    delta = _gwp(bd, "sp-mapped") - _gwp(bd, "sp-plain")
    assert delta == pytest.approx(TRACER_PER_BRACKET * 0.5 * cf, rel=1e-6)
    # Nothing left to map: the new list has a header only.
    assert (map_home / "imports" / "sp-mapped.unlinked.csv").read_text(encoding="utf-8").count("\n") == 1


def _edit(src: Path, tmp: Path, **cells) -> Path:
    rows = list(csv.DictReader(src.open(encoding="utf-8")))
    rows[0].update(cells)
    out = tmp / "bad_map.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


BAD = {
    "unknown code": (dict(biosphere3_code="not-a-flow"), "biosphere3_code", "not a biosphere3 flow code"),
    "factor not a number": (dict(factor="half"), "factor", "is not a number"),
    "negative factor": (dict(factor="-1"), "factor", "must be a positive number"),
    "factor without source": (dict(source=""), "source", "needs its source"),
    "unit mismatch without factor": (dict(factor="", source="", unit="MJ"), "factor", "no factor converts it"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_flow_map_changes_nothing(case, map_home, filled_map, tmp_path):
    cells, column, words = BAD[case]
    bad = _edit(filled_map, tmp_path, **cells)
    before = snapshot(map_home)
    result = _import(map_home, "sp-bad", "--flow-map", str(bad))
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert words in text and "row 2" in text and f"column '{column}'" in text and "bad_map.csv" in text, text
    assert snapshot(map_home) == before
