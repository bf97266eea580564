"""Elementary-flow linking rules on a hand-made biosphere list (no project needed).

Each case states what the source flow looks like, which biosphere3-style flow it must reach, by
which tier, and with which unit factor; flows that must not link are checked too.
"""
from __future__ import annotations

import pytest

from lca.io.flownames import norm_categories
from lca.io.linking import BiosphereLinker

BIOSPHERE = [
    {"code": "co2", "name": "Carbon dioxide, fossil", "categories": ("air",), "unit": "kilogram"},
    {"code": "co2-urban", "name": "Carbon dioxide, fossil", "categories": ("air", "urban air close to ground"),
     "unit": "kilogram"},
    {"code": "co2-in-air", "name": "Carbon dioxide, in air", "categories": ("natural resource", "in air"),
     "unit": "kilogram"},
    {"code": "ch4-bio", "name": "Methane, biogenic", "categories": ("air",), "unit": "kilogram"},
    {"code": "ch4-bio-urban", "name": "Methane, biogenic", "categories": ("air", "urban air close to ground"),
     "unit": "kilogram"},
    {"code": "nh3-air", "name": "Ammonia", "categories": ("air",), "unit": "kilogram"},
    {"code": "nh3-water", "name": "Ammonia", "categories": ("water",), "unit": "kilogram"},
    {"code": "coal", "name": "Coal, hard, unspecified", "categories": ("natural resource", "in ground"),
     "unit": "kilogram"},
    {"code": "lignite", "name": "Coal, brown", "categories": ("natural resource", "in ground"), "unit": "kilogram"},
    {"code": "gas", "name": "Gas, natural", "categories": ("natural resource", "in ground"),
     "unit": "standard cubic meter"},
    {"code": "peat", "name": "Peat", "categories": ("natural resource", "biotic"), "unit": "kilogram"},
    {"code": "water-ground", "name": "Water, unspecified natural origin",
     "categories": ("natural resource", "in ground"), "unit": "cubic meter"},
    {"code": "water-water", "name": "Water, unspecified natural origin",
     "categories": ("natural resource", "in water"), "unit": "cubic meter"},
    {"code": "water-air", "name": "Water", "categories": ("air",), "unit": "cubic meter"},
    {"code": "water-river", "name": "Water", "categories": ("water", "surface water"), "unit": "cubic meter"},
]

CASES = {
    # name, categories, unit → code, tier, factor
    "uuid wins": (("co2-urban", "whatever", ["air"], "kg"), ("co2-urban", "uuid", 1.0)),
    "name and sub-compartment": ((None, "Carbon dioxide, fossil", ["Emission to air", "urban air close to ground"],
                                  "kg"), ("co2-urban", "name", 1.0)),
    "grams": ((None, "carbon dioxide,  FOSSIL", ["air", "unspecified"], "g"), ("co2", "name", 1e-3)),
    "unknown sub-compartment → top": ((None, "Carbon dioxide, fossil", ["air", "indoor"], "kg"),
                                      ("co2", "name-top", 1.0)),
    "unqualified CO2 emission is fossil": ((None, "Carbon dioxide", ["air"], "kg"), ("co2", "name", 1.0)),
    "CO2 taken from air is the resource": ((None, "Carbon dioxide", ["resource", "in air"], "kg"),
                                           ("co2-in-air", "name", 1.0)),
    "heating value and rank in the name": ((None, "Coal, bituminous, 24.8 MJ per kg, in ground",
                                            ["resource", "in ground"], "kg"), ("coal", "name", 1.0)),
    "lignite, no sub-compartment": ((None, "Coal, lignite, in ground", ["resource", "unspecified"], "kg"),
                                    ("lignite", "name", 1.0)),
    "gas volume taken as standard": ((None, "Gas, natural, in ground", ["resource", "in ground"], "m3"),
                                     ("gas", "name", 1.0)),
    "water by mass": ((None, "Water", ["resource", "unspecified"], "kg"), ("water-ground", "name-top", 1e-3)),
    "water with a unit suffix": ((None, "Water, unspecified natural origin/kg", ["resource", "in water"], "kg"),
                                 ("water-water", "name", 1e-3)),
    "peat is only biotic": ((None, "Peat, in ground", ["resource", "in ground"], "kg"), ("peat", "name-top", 1.0)),
    "no compartment, one top": ((None, "Methane, biogenic", ["Elementary Flows"], "kg"),
                                ("ch4-bio", "name-top", 1.0)),
}

UNLINKED = {
    "no compartment, two tops": (None, "Ammonia", ["Elementary Flows"], "kg"),
    "gas by mass needs a density": (None, "Gas, natural, 46.8 MJ per kg, in ground", ["resource", "in ground"],
                                    "kg"),
    "coal by energy needs a heating value": (None, "Coal, lignite, in ground", ["resource", "unspecified"], "MJ"),
    "mass of a non-water substance is not a volume": (None, "Ammonia", ["air"], "m3"),
    "heating value stripped only from resources": (None, "Coal, 26.4 MJ per kg", ["air"], "kg"),
}


@pytest.fixture(scope="module")
def linker() -> BiosphereLinker:
    return BiosphereLinker([dict(f) for f in BIOSPHERE])


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_links(linker, case):
    (code, name, cats, unit), (want, tier, factor) = CASES[case]
    link = linker.link(code, name, cats, unit)
    assert (link.code, link.tier) == (want, tier)
    assert link.factor == pytest.approx(factor, rel=1e-15)


@pytest.mark.parametrize("case", UNLINKED, ids=list(UNLINKED))
def test_does_not_link(linker, case):
    assert linker.link(*UNLINKED[case]).code is None


def test_context_paths():
    assert norm_categories(["Elementary flows", "Emission to water", "ground water"]) == ("water", "ground-")
    assert norm_categories(["Elementary Flows", "NETL Coal Elementary Flows", "resource", "in ground"]) == (
        "natural resource", "in ground")
    assert norm_categories(["Elementary Flows"]) == ()


def test_rescaling_keeps_uncertainty_around_the_amount():
    """Unit factors and sign flips move the distribution with the amount (bw2data warns otherwise,
    and Monte Carlo would sample around the old value)."""
    import math

    from lca.io.linking import _rescale

    lognormal = {"amount": 2.0, "uncertainty type": 2, "loc": math.log(2.0), "scale": 0.3}
    _rescale(lognormal, 1e-3)
    assert lognormal["amount"] == pytest.approx(2e-3) and lognormal["loc"] == pytest.approx(math.log(2e-3))
    assert lognormal["scale"] == 0.3
    normal = {"amount": 5.0, "uncertainty type": 3, "loc": 5.0, "scale": 0.5}
    _rescale(normal, -1.0)
    assert (normal["amount"], normal["loc"], normal["scale"]) == (-5.0, -5.0, 0.5)
    uniform = {"amount": 1.0, "uncertainty type": 4, "loc": 1.0, "minimum": 0.5, "maximum": 1.5}
    _rescale(uniform, -2.0)
    assert (uniform["amount"], uniform["minimum"], uniform["maximum"]) == (-2.0, -3.0, -1.0)
    plain = {"amount": 3.0}
    _rescale(plain, 1e-3)
    assert plain == {"amount": 3e-3}
