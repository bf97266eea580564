"""Coverage of each indicator over a screened catalogue (issue 16): hand computation, parts, CLI."""
from __future__ import annotations

import json

import pytest

from lca.cli import app
from lca.population.screen import screen

CATALOGUE = """product,link,amount,unit,stage
a,electricity_grid_cn,10,kWh,production
a,steel_crude_worldsteel,2,kg,raw_materials
b,natural_gas_combustion,50,MJ,production
b,polypropylene_primary_desnz,1,kg,raw_materials
b,electricity_grid_cn,5,kWh,use
"""


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    path = tmp_path_factory.mktemp("covcat") / "catalogue.csv"
    path.write_text(CATALOGUE)
    return path


def _hand(engine) -> tuple[dict, float]:
    """|climate score| per process over the catalogue, written out line by line."""
    ids = [i.id for i in engine.indicators.indicators]
    lam = engine.unit_scores()[:, ids.index("gwp100")]
    at = engine.m.catalogue.process_index
    w = {"electricity_grid_cn": abs(10 * lam[at["electricity_grid_cn"]]) + abs(5 * lam[at["electricity_grid_cn"]]),
         "steel_crude_worldsteel": abs(2 * lam[at["steel_crude_worldsteel"]]),
         "natural_gas_combustion": abs(50 * lam[at["natural_gas_combustion"]]),
         "polypropylene_primary_desnz": abs(1 * lam[at["polypropylene_primary_desnz"]])}
    return w, sum(w.values())


@pytest.mark.parametrize("out_name,chunk", [("r.parquet", 1), ("r.csv", 100)])
def test_catalogue_coverage_equals_hand_computation(cat, home, engine, tmp_path, out_name, chunk):
    s = screen(cat, tmp_path / out_name, home=home, chunk_size=chunk)
    w, total = _hand(engine)
    # Energy carriers carry fuels extracted and NOx (energy_other_flows.yaml); steel carries the coal and iron
    # extracted (materials_resources.yaml), no pollutants; polypropylene is carbon-only.
    energy = (w["electricity_grid_cn"] + w["natural_gas_combustion"]) / total
    assert s.coverage["acidification"]["by_climate_score"] == pytest.approx(energy, rel=1e-9)
    assert s.coverage["acidification"]["largest_uncovered"] == sorted(
        ["steel_crude_worldsteel", "polypropylene_primary_desnz"], key=lambda c: -w[c])
    for ind in ("ced_nonrenewable", "adp_fossil"):
        assert s.coverage[ind]["by_climate_score"] == pytest.approx(
            energy + w["steel_crude_worldsteel"] / total, rel=1e-9)
        assert s.coverage[ind]["largest_uncovered"] == ["polypropylene_primary_desnz"]
    # water: the grid's cooling water only; natural gas combustion carries none
    assert s.coverage["water_use"]["by_climate_score"] == pytest.approx(w["electricity_grid_cn"] / total, rel=1e-9)
    assert s.coverage["water_use"]["largest_uncovered"][0] == max(
        ("steel_crude_worldsteel", "polypropylene_primary_desnz", "natural_gas_combustion"), key=w.get)
    assert s.coverage["gwp100"] == {"by_climate_score": pytest.approx(1.0), "largest_uncovered": []}
    assert s.coverage["ozone_depletion"]["by_climate_score"] == 0.0


def test_screen_prints_and_dumps_coverage(cat, home, runner, tmp_path):
    r = runner.invoke(app, ["screen", str(cat), "--out", str(tmp_path / "r.parquet"), "--home", str(home)])
    assert r.exit_code == 0, r.output
    assert "coverage" in r.output and "partial coverage over the catalogue" in r.output
    assert "steel_crude_worldsteel" in r.output.split("partial coverage")[1]
    j = runner.invoke(app, ["screen", str(cat), "--out", str(tmp_path / "j.parquet"), "--json", "--home", str(home)])
    assert j.exit_code == 0, j.output
    cov = json.loads(j.output)["coverage"]
    assert 0 < cov["ced_nonrenewable"]["by_climate_score"] < 1
