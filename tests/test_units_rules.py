"""Unit spellings people type, each parsed afresh: the factor to a plain pint unit, worked out by hand."""
from __future__ import annotations

import pytest

from lca.core import units
from lca.core.errors import InputError


@pytest.fixture(autouse=True)
def fresh_parse():
    """parse_unit is cached: an earlier test's parse of the same string would hide the parse under test."""
    units.parse_unit.cache_clear()
    yield
    units.parse_unit.cache_clear()


@pytest.mark.parametrize("spelling, target, expected", [
    ("  cubic meter ", "L", 1000.0),          # Brightway name with stray blanks: stripped, then looked up
    ("standard cubic meter", "L", 1000.0),
    ("kilowatt hour", "MJ", 3.6),
    ("t·km", "kg*km", 1000.0), ("t×km", "kg*km", 1000.0), ("t⋅km", "kg*km", 1000.0),
    ("m³", "L", 1000.0), ("m²", "cm**2", 1e4),
    ("kWh/a", "MJ/year", 3.6), ("kWh / a", "MJ/year", 3.6), ("MJ/a", "kWh/year", 1 / 3.6),
    ("件", "piece", 1.0), ("个", "piece", 1.0), ("台", "piece", 1.0), ("套", "piece", 1.0), ("只", "piece", 1.0),
    ("pc", "piece", 1.0), ("pcs", "piece", 1.0),
    ("t km", "kg*km", 1000.0), ("t*km", "tkm", 1.0), ("t * km", "kg*km", 1000.0),
    ("年", "day", 365.25),                     # pint's year is the Julian year
    ("kg  *  km", "t*m", 1.0),                  # runs of blanks are one blank
    ("kgce", "MJ", 29.3076),                   # GB/T 2589-2020
    ("tce", "GJ", 29.3076),
])
def test_spelling_converts_by_hand(spelling, target, expected):
    assert units.factor(spelling, target) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("bad, message", [
    ("", "missing unit"), ("   ", "missing unit"), (None, "missing unit"),
    ("kilogramz", "unknown unit 'kilogramz'"), ("5 kg", "carries a number (5)"),
    ("pcs2", "unknown unit 'pcs2'"), ("ta", "unknown unit 'ta'"),
])
def test_bad_spelling_is_named(bad, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        units.parse_unit(bad)


def test_incompatible_units_name_both_and_hint_the_target():
    with pytest.raises(InputError) as exc:
        units.factor("kg", "kWh")
    assert exc.value.message == ("unit 'kg' ([mass]) cannot be converted to 'kWh' "
                                 "([mass] * [length] ** 2 / [time] ** 2)")
    assert exc.value.hint == "give the amount in a unit of the same kind as kWh"


def test_convert_multiplies_by_the_factor():
    assert units.convert(2.5, "kWh", "MJ") == pytest.approx(2.5 * 3.6)
    assert units.convert(-4, "g", "kg") == pytest.approx(-0.004)


def test_dimensionality_and_ratio_dimension():
    assert units.dimensionality("kWh") == "[mass] * [length] ** 2 / [time] ** 2"
    assert units.dimensionality("t·km") == "[mass] * [length]"
    # numerator / denominator: per year ÷ year is per year squared; kg per kg is dimensionless
    assert dict(units.ratio_dimension("kWh/year", "year")) == {"[length]": 2, "[mass]": 1, "[time]": -4}
    assert dict(units.ratio_dimension("kg", "m3")) == {"[mass]": 1, "[length]": -3}
    assert dict(units.ratio_dimension("MJ/kg", "MJ")) == {"[mass]": -1}
    assert dict(units.ratio_dimension("kg", "kg")) == {}
    assert units.same_dimension("kWh", "MJ") and not units.same_dimension("kWh", "kW")


def test_brightway_unit_names_and_fallback():
    assert units.brightway_unit("t·km") == "ton kilometer"
    assert units.brightway_unit("件") == "unit"
    assert units.brightway_unit("L") == "litre"
    assert units.brightway_unit("kW") == "kilowatt"  # no canonical Brightway name: pint's own
    assert units.brightway_unit("kgce") == "kgce"
