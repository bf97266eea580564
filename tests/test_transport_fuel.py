"""Crude oil behind diesel road freight (issue 16) against hand computations from the published figures.

Expected values are rebuilt from the DESNZ CO2 part of each lorry factor (the lorry's own provenance), the IPCC
carbon content and NCV of diesel and the kgce reference coefficients, with characterisation factors read straight
from bw2io's LCIA zip, not from the exchange amounts in inventories/background/transport_fuel.yaml.
"""
import re
from pathlib import Path

import pytest
import yaml
from conftest import unit_score

from lca import api

BG = Path(__file__).parents[1] / "inventories" / "background"
EXAMPLES = Path(__file__).parents[1] / "inventories" / "examples"
RES = ("natural resource", "in ground")
CED = ("Cumulative Energy Demand (CED)", "energy resources: non-renewable", "energy content (HHV)")
GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
CO2_PER_KG_DIESEL = 74100 * 43.0e-6  # IPCC 2006 'Gas/Diesel Oil': 74 100 kg CO2/TJ x 43.0 TJ/Gg
CRUDE_PER_KG_DIESEL = 1.4571 / 1.4286  # kgce of 柴油 / kgce of 原油


def _lorries():
    """code -> (CO2 part of the DESNZ factor, total CO2e) read from the lorry processes' own provenance text."""
    out = {}
    for name in ("seed_transport_eol.yaml", "transport.yaml"):
        for p in yaml.safe_load((BG / name).read_text(encoding="utf-8"))["processes"]:
            table = " ".join(p["provenance"]["table"].split())
            if p["unit"] == "t*km" and "(all diesel)" in table:
                co2 = float(re.search(r"of which kg CO2e of CO2 ([0-9.e-]+)", table).group(1))
                total = next(e["amount"] for e in p["exchanges"] if e.get("name") == "Carbon dioxide, fossil")
                out[p["code"]] = (co2, total)
    return out


def test_every_diesel_lorry_draws_its_fuel():
    lorries = _lorries()
    assert len(lorries) == 9  # HGV average + 7 size classes + refrigerated
    shipped = yaml.safe_load((BG / "transport_fuel.yaml").read_text(encoding="utf-8"))["processes"]
    supplements = {p["code"] for p in shipped}
    assert supplements == {f"{c}_fuel_extracted" for c in lorries}


def test_lorry_ced_is_crude_behind_the_fossil_diesel_and_climate_is_unchanged(engine, cf):
    for code, (co2, total) in _lorries().items():
        crude = co2 / CO2_PER_KG_DIESEL * CRUDE_PER_KG_DIESEL
        ced = crude * cf[(*CED, "Oil, crude", RES)]
        assert unit_score(engine, code, "ced_nonrenewable") == pytest.approx(ced, rel=1e-5)
        gwp = total * cf[(*GWP, "Carbon dioxide, fossil", ("air",))]
        assert unit_score(engine, code, "gwp100") == pytest.approx(gwp, rel=1e-6)
    co2, _ = _lorries()["truck_transport_hgv_desnz"]
    assert co2 / CO2_PER_KG_DIESEL == pytest.approx(0.031422, rel=1e-4)  # kg fossil diesel per t*km, HGV average


def test_distribution_stage_ced_of_the_adhesive_is_its_tonne_km_times_the_lorry_figure(home, cf):
    ds, _ = api.evaluate([str(EXAMPLES / "hot_melt_adhesive" / "product.yaml")], home=home)
    tkm = (1000 + 18) / 1000 * 600  # bom.csv: 1000 kg polyolefin + 18 kg cartons; processes.csv: 600 km by HGV
    co2, _ = _lorries()["truck_transport_hgv_desnz"]
    expected = tkm * co2 / CO2_PER_KG_DIESEL * CRUDE_PER_KG_DIESEL * cf[(*CED, "Oil, crude", RES)]
    got = float(ds["score"].sel(indicator="ced_nonrenewable", stage="distribution").sum())
    assert got == pytest.approx(expected, rel=1e-6)
