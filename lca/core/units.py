"""One pint registry with the units LCA data uses, and conversion of input amounts to a target unit.

GB/T 2589-2020 defines 1 kgce (kilogram of coal equivalent) = 29 307.6 kJ = 29.3076 MJ.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache

from lca.core.errors import InputError


def _import_pint():
    """pint without its dask support. pint.compat imports dask.base (with dask.delayed and jinja2, ~0.1 s of every
    `lca evaluate`) whenever `find_spec("dask")` finds it installed; no quantity here wraps a dask array. While
    sys.modules["dask"] is None, find_spec answers None (and `import dask` fails, which pint also treats as
    absent); the entry is removed again at once, so a later `import dask` works as usual."""
    if "dask" in sys.modules or "pint" in sys.modules:  # already there: nothing to spare
        import pint
        return pint
    sys.modules["dask"] = None  # type: ignore[assignment]
    try:
        import pint
    finally:
        del sys.modules["dask"]
    return pint


pint = _import_pint()

ureg = pint.UnitRegistry(on_redefinition="raise", cache_folder=":auto:")  # cached definitions: ~10x faster start
ureg.define("kgce = 29.3076 * megajoule = kilogram_coal_equivalent")  # GB/T 2589-2020, clause 3
ureg.define("tce = 1000 * kgce = tonne_coal_equivalent")
ureg.define("piece = [count] = pcs = item = unit_piece")
ureg.define("person = [person] = passenger")
ureg.define("tkm = tonne * kilometer")
ureg.define("pkm = person * kilometer")
ureg.define("m2 = meter ** 2")
ureg.define("m3 = meter ** 3")
ureg.define("Nm3 = meter ** 3")  # normal cubic metre of gas; dimensionally a volume
ureg.define("Sm3 = meter ** 3")  # standard cubic metre (biosphere3's unit of 'Gas, natural'); a volume
ureg.define("kgCO2e = kilogram")  # mass of CO2-equivalent

# Brightway / ecoinvent unit names -> expressions this registry parses.
BRIGHTWAY_UNITS = {
    "kilogram": "kg",
    "gram": "g",
    "ton": "t",
    "tonne": "t",
    "cubic meter": "m3",
    "standard cubic meter": "Sm3",
    "square meter": "m2",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "kilojoule": "kJ",
    "ton kilometer": "tkm",
    "person kilometer": "pkm",
    "kilometer": "km",
    "meter": "m",
    "hour": "hour",
    "litre": "L",
    "liter": "L",
    "unit": "piece",
    "square meter-year": "m2 * year",
    "cubic meter-year": "m3 * year",
    "meter-year": "m * year",
    "kilo Becquerel": "kBq",
    "kilogram day": "kg * day",
    "kg*day": "kg * day",
    "kilowatt": "kW",
}
# The canonical Brightway name written for each dimensionality we store (pint expr -> bw name).
_CANONICAL_BW = {
    "kg": "kilogram", "m3": "cubic meter", "m2": "square meter", "kWh": "kilowatt hour",
    "MJ": "megajoule", "tkm": "ton kilometer", "pkm": "person kilometer", "piece": "unit",
    "km": "kilometer", "L": "litre", "kBq": "kilo Becquerel", "m2 * year": "square meter-year",
}

_SPACES = re.compile(r"\s+")


def _normalise(text: str) -> str:
    """Map the spellings people type (t·km, kWh/a, 件, 个) to expressions pint parses."""
    t = text.strip()
    if t in BRIGHTWAY_UNITS:
        return BRIGHTWAY_UNITS[t]
    t = t.replace("·", "*").replace("×", "*").replace("⋅", "*").replace("³", "3").replace("²", "2")
    t = re.sub(r"/\s*a\b", "/year", t)          # kWh/a: per annum, common in Chinese standards
    t = re.sub(r"^(件|个|台|套|只|pc|pcs)$", "piece", t)
    t = re.sub(r"^t\s*\*?\s*km$", "tkm", t)
    t = re.sub(r"^年$", "year", t)
    return _SPACES.sub(" ", t)


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string; raise InputError naming the unit when it is unknown."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("missing unit", hint="give a unit such as kg, kWh, MJ, m3, tkm, piece")
    try:
        q = ureg.parse_expression(_normalise(text))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError,
            AttributeError, TypeError, ValueError, SyntaxError, AssertionError) as exc:  # pint asserts on '\x00'
        raise InputError(f"unknown unit '{text}'",
                         hint="use e.g. kg, g, t, kWh, MJ, kgce, m3, L, km, tkm, piece, year") from exc
    if not isinstance(q, pint.Quantity) or q.magnitude != 1:
        if isinstance(q, pint.Quantity):
            raise InputError(f"unit '{text}' carries a number ({q.magnitude}); put numbers in the amount column")
        raise InputError(f"unknown unit '{text}'")
    return q.units


def dimensionality(text: str) -> str:
    """Readable dimensionality of a unit, e.g. '[mass]' or '[length] * [mass]'."""
    return str(parse_unit(text).dimensionality)


def factor(from_unit: str, to_unit: str) -> float:
    """Multiplier taking an amount in `from_unit` to `to_unit`; InputError if dimensions differ."""
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        return float(ureg.Quantity(1.0, src).to(dst).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise InputError(
            f"unit '{from_unit}' ({src.dimensionality}) cannot be converted to '{to_unit}' "
            f"({dst.dimensionality})",
            hint=f"give the amount in a unit of the same kind as {to_unit}",
        ) from exc


def convert(amount: float, from_unit: str, to_unit: str) -> float:
    """Convert `amount` from one unit to another (see `factor`)."""
    return amount * factor(from_unit, to_unit)


def same_dimension(a: str, b: str) -> bool:
    """True when amounts in unit `a` can be converted to unit `b`."""
    return parse_unit(a).dimensionality == parse_unit(b).dimensionality


def ratio_dimension(numerator: str, denominator: str) -> pint.util.UnitsContainer:
    """Dimensionality of numerator / denominator (used to see whether a row needs ×mass or ×lifetime)."""
    return (ureg.Quantity(1, parse_unit(numerator)) / ureg.Quantity(1, parse_unit(denominator))).dimensionality


def brightway_unit(text: str) -> str:
    """The Brightway unit name for a unit string (e.g. 'kWh' -> 'kilowatt hour'); InputError if unknown."""
    unit = parse_unit(text)
    for expr, bw in _CANONICAL_BW.items():
        if parse_unit(expr) == unit:
            return bw
    return str(unit)
