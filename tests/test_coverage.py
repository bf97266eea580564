"""Coverage of each indicator (issue 16) for a product built here, against a hand computation."""
import math

import numpy as np
import pytest

from lca import api

MANIFEST = """id: cov_test
name: coverage test product
category: test
functional_unit: one unit
reference_flow: {amount: 1, unit: piece}
lifetime: {amount: 1, unit: year}
bom: bom.csv
processes: processes.csv
"""
BOM = """component,link,amount,unit,stage,recycled_content,notes
body,steel_crude_worldsteel,2,kg,raw_materials,0,
cap,polypropylene_primary_desnz,1,kg,raw_materials,0,
"""
PROC = """id,stage,link,amount,unit,share,applies_to,notes
power,production,electricity_grid_cn,10,kWh,,,
gas,production,natural_gas_combustion,50,MJ,,,
"""


@pytest.fixture(scope="module")
def result(home, tmp_path_factory):
    d = tmp_path_factory.mktemp("cov")
    (d / "product.yaml").write_text(MANIFEST)
    (d / "bom.csv").write_text(BOM)
    (d / "processes.csv").write_text(PROC)
    ds, _ = api.evaluate([str(d / "product.yaml")], home=home)
    return ds.sel(product="cov_test")


def climate_weights(engine) -> dict[str, float]:
    """|climate score| of each row of the test product: 10 kWh grid, 50 MJ gas, 2 kg steel, 1 kg PP."""
    ids = [i.id for i in engine.indicators.indicators]
    lam = engine.unit_scores()[:, ids.index("gwp100")]
    at = engine.m.catalogue.process_index
    return {"electricity_grid_cn": 10 * lam[at["electricity_grid_cn"]],
            "natural_gas_combustion": 50 * lam[at["natural_gas_combustion"]],
            "steel_crude_worldsteel": 2 * lam[at["steel_crude_worldsteel"]],
            "polypropylene_primary_desnz": 1 * lam[at["polypropylene_primary_desnz"]]}


def test_coverage_by_climate_score_and_mass_equals_hand_computation(result, engine):
    w = climate_weights(engine)
    # Energy carriers carry fuels extracted and NOx (energy_other_flows.yaml); polypropylene is carbon-only; steel
    # carries the coal (and iron) extracted (materials_resources.yaml) but no pollutants.
    energy = (w["electricity_grid_cn"] + w["natural_gas_combustion"]) / sum(w.values())
    for ind in ("acidification", "photochemical_ozone"):
        q = result.sel(indicator=ind)
        assert float(q.coverage_score) == pytest.approx(energy, rel=1e-9)
        assert float(q.coverage_mass) == 0.0  # 0 of 3 kg BOM mass from covered processes
        assert list(q.uncovered_process.values[:2]) == sorted(
            ["steel_crude_worldsteel", "polypropylene_primary_desnz"], key=lambda c: -w[c])
    q = result.sel(indicator="ced_nonrenewable")
    assert float(q.coverage_score) == pytest.approx(energy + w["steel_crude_worldsteel"] / sum(w.values()), rel=1e-9)
    assert float(q.coverage_mass) == pytest.approx(2 / 3)  # the 2 kg steel line of 3 kg BOM mass
    assert list(q.uncovered_process.values[:1]) == ["polypropylene_primary_desnz"]
    # water: only electricity (coal plants' cooling water); natural gas combustion carries none
    q = result.sel(indicator="water_use")
    assert float(q.coverage_score) == pytest.approx(w["electricity_grid_cn"] / sum(w.values()), rel=1e-9)
    assert "natural_gas_combustion" in list(q.uncovered_process.values)
    g = result.sel(indicator="gwp100")
    assert float(g.coverage_score) == pytest.approx(1.0) and float(g.coverage_mass) == 1.0
    z = result.sel(indicator="ozone_depletion")
    assert float(z.coverage_score) == 0.0 and float(z.total) == 0.0


def test_coverage_in_json_and_table(home, runner, tmp_path):
    import json

    from lca.cli.main import app
    (tmp_path / "product.yaml").write_text(MANIFEST)
    (tmp_path / "bom.csv").write_text(BOM)
    (tmp_path / "processes.csv").write_text(PROC)
    r = runner.invoke(app, ["evaluate", str(tmp_path / "product.yaml"), "--json", "--home", str(home)])
    assert r.exit_code == 0, r.output
    cov = json.loads(r.output)["products"][0]["indicators"]["acidification"]["coverage"]  # no material covered
    assert 0 < cov["by_climate_score"] < 1 and cov["by_bom_mass"] == 0.0
    assert cov["largest_uncovered"][0] in ("steel_crude_worldsteel", "polypropylene_primary_desnz")
    t = runner.invoke(app, ["evaluate", str(tmp_path / "product.yaml"), "--home", str(home)])
    assert "coverage" in t.output and "partial coverage" in t.output and "steel_crude_worldsteel" in t.output
    assert not math.isnan(np.float64(cov["by_climate_score"]))
