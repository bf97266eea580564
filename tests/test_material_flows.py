"""Resource flows of primary metals (issue 16 item 4) against hand computations from the shipped figures.

Expected values are rebuilt from the 'figures' block of inventories/background/materials_resources.yaml and the
characterisation factors read straight from bw2io's ecoinvent 3.9 LCIA zip, not from the exchange amounts.
"""
from pathlib import Path

import pytest
import yaml
from conftest import unit_score

from lca import api

BG = Path(__file__).parents[1] / "inventories" / "background"
EXAMPLES = Path(__file__).parents[1] / "inventories" / "examples"
RES = ("natural resource", "in ground")
ADP_EL = ("EF v3.1", "material resources: metals/minerals", "abiotic depletion potential (ADP): elements (ultimate reserves)")
CED = ("Cumulative Energy Demand (CED)", "energy resources: non-renewable", "energy content (HHV)")
GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
LCIA = ["gwp100", "ced_nonrenewable", "adp_fossil", "adp_elements", "water_use", "acidification",
        "eutrophication_freshwater", "photochemical_ozone", "particulate_matter", "ozone_depletion"]


def _figures(code):
    procs = yaml.safe_load((BG / "materials_resources.yaml").read_text(encoding="utf-8"))["processes"]
    return next(p for p in procs if p["code"] == code)["provenance"]["figures"]


def _steel_iron_and_coal():
    f = _figures("steel_crude_resources_worldsteel")
    ore = f["iron_ore_gt"] / f["crude_steel_gt"]  # 2.0 / 1.6 = 1.25 kg ore per kg crude steel
    fe = ore * (f["ore_fe_content_low"] + f["ore_fe_content_high"]) / 2  # x 0.625 Fe in ore
    return fe, f["met_coal_gt"] / f["crude_steel_gt"]  # 1.0 / 1.6 kg coal


def _aluminium_extracted():
    f = _figures("aluminium_primary_resources_iai")
    return f["alumina_t_per_t_al"] * 2 * f["al_atomic_weight"] / f["al2o3_molar_mass"]  # Al in 2 kg of Al2O3


def test_steel_adp_elements_and_ced_from_worldsteel_totals(engine, cf):
    fe, coal = _steel_iron_and_coal()
    assert fe == pytest.approx(0.78125)
    assert unit_score(engine, "steel_crude_worldsteel", "adp_elements") == pytest.approx(
        fe * cf[(*ADP_EL, "Iron", RES)], rel=1e-6)
    assert unit_score(engine, "steel_crude_worldsteel", "ced_nonrenewable") == pytest.approx(
        coal * cf[(*CED, "Coal, hard, unspecified", RES)], rel=1e-6)


def test_aluminium_adp_elements_from_alumina_input_and_composition(engine, cf):
    al = _aluminium_extracted()
    assert al == pytest.approx(2 * 2 * 26.9815385 / 101.96)
    assert unit_score(engine, "aluminium_primary_iai", "adp_elements") == pytest.approx(
        al * cf[(*ADP_EL, "Aluminium", RES)], rel=1e-6)


def test_supplements_leave_the_carbon_figures_unchanged(engine, cf):
    co2 = cf[(*GWP, "Carbon dioxide, fossil", ("air",))]
    assert unit_score(engine, "steel_crude_worldsteel", "gwp100") == pytest.approx(1.91 * co2, rel=1e-6)
    assert unit_score(engine, "aluminium_primary_iai", "gwp100") == pytest.approx(15.1 * co2, rel=1e-6)


def test_air_conditioner_raw_material_adp_elements_is_bom_mass_times_unit_figures(home, cf):
    ds, _ = api.evaluate([str(EXAMPLES / "room_air_conditioner" / "product.yaml")], home=home)
    got = float(ds["score"].sel(product="room_ac_35kw", indicator="adp_elements", stage="raw_materials"))
    steel_kg, alu_kg = 9.5 + 8.0 + 1.4, 2.2 + 1.1  # bom.csv lines linked to steel_crude_worldsteel / aluminium_primary_iai
    fe, _ = _steel_iron_and_coal()
    expected = (steel_kg * fe * cf[(*ADP_EL, "Iron", RES)]
                + alu_kg * _aluminium_extracted() * cf[(*ADP_EL, "Aluminium", RES)])
    assert got == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("example", ["room_air_conditioner", "office_chair"])
def test_metal_examples_show_at_least_8_of_10_default_indicators(home, example):
    ds, _ = api.evaluate([str(EXAMPLES / example / "product.yaml")], home=home)
    totals = {i: float(ds["total"].sel(indicator=i).item()) for i in LCIA}
    nonzero = [i for i, v in totals.items() if v > 0]
    assert "adp_elements" in nonzero
    assert len(nonzero) >= 8, totals
