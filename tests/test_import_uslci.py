"""USLCI (openLCA JSON-LD, olca-schema 1.x) through `lca import`: figures, solvability, equality.

The import runs once per session (CLI, into a copy of the session's built project). Figures in
the linking report are asserted exactly; they are stated in inventories/uslci/README.md.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import brightway_of

from lca.engine.methods import IndicatorSet, get_set

CHECKED = ("gwp100", "ced_nonrenewable")


@pytest.fixture(scope="session")
def uslci_bd(import_home):
    return brightway_of(import_home)


@pytest.fixture(scope="session")
def report(import_home) -> dict:
    return json.loads((import_home / "imports" / "uslci.json").read_text(encoding="utf-8"))


def test_report_figures(report, uslci_bd):
    bd = uslci_bd
    assert report["format"] == "openLCA JSON-LD (olca-schema 1.x)"
    assert report["processes"] == 766 and report["cutoff_nodes"] == 778
    assert report["exchanges"] == 33048
    t = report["technosphere"]
    assert (t["inputs"], t["resolved"], t["cut_off"], t["by_chosen_producer"]) == (6554, 3725, 2755, 135)
    assert t["waste_cut_off"] == 74 and t["unallocated_coproducts"] == 256
    flows = report["elementary_flows"]
    assert sum(flows.values()) == 2918  # every elementary flow the processes use
    # 7 flows (natural gas in kg, coal and gas in MJ; 34 exchanges) link through the default flow map
    assert flows == {"user": 0, "map": 7, "uuid": 34, "name": 1728, "name-top": 72, "cas": 0, "unlinked": 1077}
    assert report["elementary_exchanges"]["map"] == 34
    assert round(report["exchange_link_rate"], 3) == 0.720
    reach = {r["indicator"]: r for r in report["indicators"]}
    assert (reach["gwp100"]["linked_characterised"], reach["gwp100"]["lost"]) == (82, 0)
    # CED and ADP-fossil: every characterised flow reachable (57 % and 54 % without the default map: 6 lost each)
    assert (reach["ced_nonrenewable"]["linked_characterised"], reach["ced_nonrenewable"]["lost"]) == (8, 0)
    assert (reach["adp_fossil"]["linked_characterised"], reach["adp_fossil"]["lost"]) == (7, 0)
    assert reach["ced_nonrenewable"]["share"] == 1.0 and reach["adp_fossil"]["share"] == 1.0
    assert {r["indicator"] for r in report["indicators"] if r["lost"]} == {"water_use", "photochemical_ozone"}
    # The database holds what the report says.
    assert len(bd.Database("uslci")) == 766 + 778
    assert len(bd.Database("uslci biosphere")) == 1077
    assert sum(len(a.exchanges()) for a in bd.Database("uslci")) == report["exchanges"]


def test_default_flow_map_factors_are_energy_over_the_ced_heating_value(uslci_bd):
    """Each factor = the energy of one source unit / the CED method's MJ per unit of the target flow,
    whose value the map states: checked against the installed method, and by hand for natural gas."""
    import yaml

    from lca.io.flownames import user_key
    from lca.io.linking import DEFAULT_MAP, default_map

    bd = uslci_bd
    method = next(i.method for i in get_set().indicators if i.id == "ced_nonrenewable")
    ced = {bd.get_node(id=k)["code"]: cf for k, cf in bd.Method(tuple(method)).load()}
    links = default_map()
    rows = yaml.safe_load(DEFAULT_MAP.read_text(encoding="utf-8"))["flows"]
    assert len(rows) == len(links) == 7
    for r in rows:
        assert r["target_MJ_per_unit"] == ced[r["biosphere3_code"]], r["name"]
        assert r["source"]
    gas = links[user_key("Gas, natural, 46.8 MJ per kg, in ground", ["resource", "in ground"], "kg")]
    assert gas.factor == pytest.approx(46.8 / 40.0) and gas.tier == "map"  # kg → Sm³ at 40 MJ/Sm³ (HHV)
    lignite = links[user_key("Coal, lignite, in ground", ["resource", "unspecified"], "MJ")]
    assert lignite.factor == pytest.approx(1 / 9.9)  # MJ → kg of brown coal at 9.9 MJ/kg


def _indicators() -> IndicatorSet:
    inds = [i for i in get_set().indicators if i.id in CHECKED]
    return IndicatorSet(id="import-check", title_en="check", title_zh="check", provenance={}, indicators=inds)


def test_every_process_solves_and_equals_bw2calc(uslci_bd):
    """Engine (adjoint solve) vs plain bw2calc.LCA for every USLCI process, GWP100 and CED.

    Both read the same float32-stored amounts and float32 factors. Tolerance 1e-9 relative to
    max(|score|, gross) where gross = |c|·|B|·|supply|: a score that cancels to ~0 is compared
    against the size of what cancelled, not against its own round-off. An absolute floor of
    1e-12 × the indicator's largest score absorbs the solver round-off on processes with nothing
    characterised upstream (bw2calc gives 0, the adjoint solve ~1e-17).
    """
    import bw2calc as bc

    from lca.engine.bw_matrices import database_matrices
    from lca.engine.solver import Engine

    bd = uslci_bd
    inds = _indicators()
    m = database_matrices("uslci", [i.method for i in inds.indicators])
    eng = Engine(m, inds)
    scores = eng.unit_scores()
    assert np.isfinite(scores).all()
    nodes = {a["code"]: a.id for a in bd.Database("uslci")}
    procs = [(j, p) for j, p in enumerate(m.meta["processes"]) if p["database"] == "uslci" and not p["cutoff"]]
    assert len(procs) == 766
    worst, nonzero, zero = 0.0, 0, 0
    for k, ind in enumerate(inds.indicators):
        lca = bc.LCA({nodes[procs[0][1]["code"]]: 1}, method=ind.method)
        lca.lci()
        lca.lcia()
        smax = float(np.abs(scores[:, k]).max())
        cdiag, absB = np.abs(lca.characterization_matrix.diagonal()), abs(lca.biosphere_matrix)
        for j, p in procs:
            lca.lcia(demand={nodes[p["code"]]: 1})
            assert np.isfinite(lca.supply_array).all(), p["name"]
            a, b = lca.score, scores[j, k]
            gross = float(cdiag @ (absB @ np.abs(lca.supply_array)))
            scale = max(abs(a), gross)
            # round-off floor of the adjoint solve: 1e-12 of the indicator's largest score
            assert abs(a - b) <= 1e-9 * scale + 1e-12 * smax, (p["name"], ind.id, a, b, gross)
            if scale > 1e-9 * smax:
                worst = max(worst, abs(a - b) / scale)
                nonzero += 1
            else:
                zero += 1
    print(f"\nengine vs bw2calc: worst relative difference {worst:.2e}, {nonzero} scores compared relatively, "
          f"{zero} ~0 (nothing, or ~1e-9 of the largest score, characterised upstream)")
    assert worst <= 1e-9
    assert nonzero > 700


def test_gwp_of_a_known_process_is_plausible(uslci_bd):
    """A sanity anchor: the eGRID SRVC 2010 grid mix, stored per MJ (its flow's reference unit), scores
    below 2 kg CO2-eq per kWh (the US grid is ~0.4-0.8; cut-off fuel inputs make it lower)."""
    import bw2calc as bc

    bd = uslci_bd
    act = next(a for a in bd.Database("uslci") if a["name"] == "Electricity, at eGrid, SRVC, 2010")
    lca = bc.LCA({act: 1}, method=get_set().indicators[0].method)
    lca.lci()
    lca.lcia()
    assert act["unit"] == "megajoule"
    assert 0.0 < lca.score * 3.6 < 2.0
