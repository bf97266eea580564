"""Non-climate indicators of energy carriers (issue 16) against hand computations from the shipped figures.

Every expected value is rebuilt here from the 'figures' block of inventories/background/energy_other_flows.yaml,
the link amount in seed_energy.yaml and the characterisation factors read straight from bw2io's LCIA zip.
"""
from pathlib import Path

import pytest
import yaml
from conftest import unit_score

BG = Path(__file__).parents[1] / "inventories" / "background"


def _procs(name):
    return {p["code"]: p for p in yaml.safe_load((BG / name).read_text(encoding="utf-8"))["processes"]}


def _grid_share():
    link = [e for e in _procs("seed_energy.yaml")["electricity_grid_cn"]["exchanges"]
            if e.get("process") == "power_cn_fossil_fuels_and_emissions"]
    assert len(link) == 1
    assert link[0]["amount"] == pytest.approx(0.5366 / 0.8325, rel=1e-5)  # MEE/NBS 2022 grid / fossil factor
    return link[0]["amount"]


def _power_figures():
    return _procs("energy_other_flows.yaml")["power_cn_fossil_fuels_and_emissions"]["provenance"]["figures"]


STACK = ("air", "non-urban air or from high stacks")
RES = ("natural resource", "in ground")


def test_grid_kwh_ced_from_coal_rate_mix_and_reference_coefficients(engine, cf):
    f = _power_figures()
    fossil = f["gen_coal_twh"] + f["gen_gas_twh"] + f["gen_oil_twh"]
    kgce = f["coal_rate_gce_per_kwh"] / 1000  # 301.9 gce per kWh of fossil power
    coal = kgce * f["gen_coal_twh"] / fossil / f["raw_coal_kgce_per_kg"]
    gas = kgce * f["gen_gas_twh"] / fossil / f["gas_kgce_per_m3"]
    oil = kgce * f["gen_oil_twh"] / fossil / f["crude_kgce_per_kg"]
    ced = ("Cumulative Energy Demand (CED)", "energy resources: non-renewable", "energy content (HHV)")
    per_fossil_kwh = (coal * cf[(*ced, "Coal, hard, unspecified", RES)] + gas * cf[(*ced, "Gas, natural", RES)]
                      + oil * cf[(*ced, "Oil, crude", RES)])
    expected = _grid_share() * per_fossil_kwh
    assert 4.0 < expected < 7.0  # MJ per kWh: a plausible magnitude, not zero
    assert unit_score(engine, "electricity_grid_cn", "ced_nonrenewable") == pytest.approx(expected, rel=1e-5)


def test_grid_kwh_acidification_from_so2_and_nox_totals(engine, cf):
    f = _power_figures()
    kwh_2021 = (f["gen_coal_2021_twh"] + f["gen_gas_2021_twh"] + f["gen_oil_2021_twh"]) * 1e9
    so2, nox = f["so2_2021_t"] * 1000 / kwh_2021, f["nox_2021_t"] * 1000 / kwh_2021  # kg per kWh
    assert so2 == pytest.approx(547000e3 / 5677.96e9)
    ac = ("EF v3.1", "acidification", "accumulated exceedance (AE)")
    expected = _grid_share() * (so2 * cf[(*ac, "Sulfur dioxide", STACK)] + nox * cf[(*ac, "Nitrogen oxides", STACK)])
    assert unit_score(engine, "electricity_grid_cn", "acidification") == pytest.approx(expected, rel=1e-5)


def test_grid_kwh_water_from_coal_plant_intensity(engine, cf):
    f = _power_figures()
    coal_share = f["gen_coal_twh"] / (f["gen_coal_twh"] + f["gen_gas_twh"] + f["gen_oil_twh"])
    m3 = f["coal_water_l_per_kwh"] / 1000 * coal_share
    expected = _grid_share() * m3 * cf[("EF v3.1", "water use", "user deprivation potential (deprivation-weighted water consumption)", "Water", STACK)]
    assert unit_score(engine, "electricity_grid_cn", "water_use") == pytest.approx(expected, rel=1e-5)


def test_diesel_nox_and_sox_from_emep_tier1(engine, cf):
    p = _procs("energy_other_flows.yaml")["diesel_combustion_other_flows"]
    g = p["provenance"]["figures"]["emep_g_per_gj"]
    assert (g["NOx"], g["SOx"]) == (513, 47)  # EMEP/EEA 2019 1.A.2 Table 3-4 'Other Liquid Fuels', g/GJ
    gj = 43.0e-3  # IPCC 2006 default NCV of gas/diesel oil, GJ per kg (diesel_combustion)
    nox = [e for e in p["exchanges"] if e.get("name") == "Nitrogen oxides"][0]["amount"]
    assert nox == pytest.approx(513 * gj / 1000, rel=1e-5)
    ac = ("EF v3.1", "acidification", "accumulated exceedance (AE)")
    expected = (513 * gj / 1000 * cf[(*ac, "Nitrogen oxides", ("air",))]
                + 47 * gj / 1000 * cf[(*ac, "Sulfur dioxide", ("air",))])
    assert unit_score(engine, "diesel_combustion", "acidification") == pytest.approx(expected, rel=1e-5)


def test_grid_kwh_climate_adds_only_ch4_and_n2o_to_the_co2_factor(engine, cf):
    """The MEE/NBS factor is CO2 only; the supplement adds CH4 and N2O, never CO2 again."""
    f = _power_figures()
    gj = f["coal_rate_gce_per_kwh"] / 1000 * f["kgce_mj"] / 1000
    ch4, n2o = f["ipcc_t22_coal_kg_per_tj"]["CH4"] * gj / 1000, f["ipcc_t22_coal_kg_per_tj"]["N2O"] * gj / 1000
    gw = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
    expected = 0.5366 + _grid_share() * (ch4 * cf[(*gw, "Methane, fossil", STACK)]
                                         + n2o * cf[(*gw, "Dinitrogen monoxide", STACK)])
    assert unit_score(engine, "electricity_grid_cn", "gwp100") == pytest.approx(expected, rel=1e-5)
