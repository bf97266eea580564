import pytest

from lca.core import units
from lca.core.errors import InputError


def test_kgce_is_gbt2589_value():
    assert units.factor("kgce", "MJ") == pytest.approx(29.3076, rel=1e-12)
    assert units.factor("tce", "GJ") == pytest.approx(29.3076, rel=1e-12)


@pytest.mark.parametrize("src,dst,expected", [
    ("kWh", "MJ", 3.6), ("t·km", "tkm", 1.0), ("t*km", "kg*km", 1000.0), ("m3", "L", 1000.0),
    ("cubic meter", "m3", 1.0), ("件", "piece", 1.0), ("unit", "piece", 1.0), ("g", "kg", 1e-3),
    ("kWh/a", "kWh/year", 1.0), ("ton kilometer", "tkm", 1.0), ("ton", "kg", 1000.0),
])
def test_conversions(src, dst, expected):
    assert units.factor(src, dst) == pytest.approx(expected, rel=1e-12)


def test_incompatible_dimensions_are_input_errors():
    with pytest.raises(InputError, match="cannot be converted"):
        units.factor("kg", "kWh")


@pytest.mark.parametrize("bad", ["kilogramz", "", "5 kg"])
def test_unknown_units_are_input_errors(bad):
    with pytest.raises(InputError):
        units.parse_unit(bad)


def test_brightway_names_round_trip():
    for bw in ("kilogram", "kilowatt hour", "megajoule", "cubic meter", "ton kilometer", "unit"):
        assert units.brightway_unit(units.BRIGHTWAY_UNITS[bw]) == bw
