"""Energy (kgce) and BOM-derived indicators of a resolved product, with what each row contributes.

Energy counts the energy carriers a product's rows draw directly (background processes with
`stage_hint: energy`): amounts in energy units convert exactly by 1 kgce = 29.3076 MJ
(GB/T 2589-2020, lca/units.py), so electricity counts at its energy content (equivalent value).
Fuels given in mass or volume need a net calorific value, which is not shipped: the indicator is
then reported as not computable, naming the row. Transport services (t·km) and the energy
embodied in materials are not energy carriers of the product and are not counted.

BOM indicators read the BOM leaves with a mass and the end-of-life shares. BOM rows in the
distribution stage are the packaging; every other leaf is the product. The treatment route of an
end-of-life row comes from the background process's `eol_route`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lca.core import resources, units
from lca.engine.methods import Indicator
from lca.inventory.background import load_background
from lca.inventory.resolve import Catalogue, Inventory

PACKAGING_STAGE = "distribution"
RECOVERY_ROUTES = {"recycling_rate": {"recycling"}, "recovery_rate": {"recycling", "energy_recovery"}}


@dataclass(frozen=True)
class Contribution:
    """What one row (process line or BOM component) adds to an indicator, in the indicator's unit."""

    label: str
    origin: str
    stage: str
    value: float


@dataclass(frozen=True)
class Measure:
    """An indicator's value over a scope (a stage or 'total'), or the reason it cannot be computed."""

    value: float | None
    contributions: list[Contribution]
    reason: str | None = None


@lru_cache(maxsize=2)
def _roles(folder: Path) -> dict[str, tuple[str | None, str | None]]:
    return {code: (p.stage_hint, p.eol_route) for code, p in load_background(folder).items()}


def background_roles() -> dict[str, tuple[str | None, str | None]]:
    """(stage_hint, eol_route) of every shipped background process by code."""
    return _roles(resources.background_dir())


def _in_scope(stage: str, scope: str) -> bool:
    return scope == "total" or stage == scope


def product_mass(inv: Inventory) -> float:
    """Mass of the product without its packaging (kg per reference flow)."""
    return sum(c.mass_kg for c in inv.components if c.stage != PACKAGING_STAGE)


def energy(inv: Inventory, cat: Catalogue, ind: Indicator, scope: str) -> Measure:
    """kgce of the energy carriers drawn in `scope` (per kg of product when the indicator says so)."""
    codes = {i: c for c, i in cat.process_index.items()}
    roles = background_roles()
    per = 1.0
    if ind.per_product_mass:
        mass = product_mass(inv)
        if mass <= 0:
            return Measure(None, [], "the product has no BOM component with a mass")
        per = mass
    out = []
    for ln in inv.lines:
        if ln.kind != "process" or not _in_scope(ln.stage, scope):
            continue
        code = codes[ln.index]
        if roles.get(code, (None, None))[0] != "energy":
            continue
        unit = cat.process_unit[ln.index]
        if not units.same_dimension(unit, "kgce"):
            return Measure(None, [], f"{ln.origin}: '{code}' is measured in {unit}; converting it to kgce "
                                     "needs a net calorific value, and none is shipped (GB/T 2589 "
                                     "reference values not verified); give the fuel in MJ instead")
        value = units.convert(ln.amount, unit, "kgce") / per
        out.append(Contribution(ln.label, f"{ln.origin}, {code}", ln.stage, value))
    return Measure(sum(c.value for c in out), out)


def bom(inv: Inventory, ind: Indicator) -> Measure:
    """A BOM-derived indicator of the whole product (mass in kg, shares in %)."""
    product = [c for c in inv.components if c.stage != PACKAGING_STAGE]
    mass = sum(c.mass_kg for c in product)
    if ind.rule == "product_mass":
        return Measure(mass, [Contribution(c.name, f"BOM, {c.link}", c.stage, c.mass_kg) for c in product])
    if mass <= 0:
        return Measure(None, [], "the product has no BOM component with a mass outside packaging")
    pct = 100.0 / mass
    if ind.rule == "recycled_content":
        out = [Contribution(c.name, f"BOM, {c.link}", c.stage, c.mass_kg * c.recycled_content * pct)
               for c in product]
    elif ind.rule == "packaging_ratio":
        out = [Contribution(c.name, f"BOM, {c.link}", c.stage, c.mass_kg * pct)
               for c in inv.components if c.stage == PACKAGING_STAGE]
    else:
        routes, roles = RECOVERY_ROUTES[ind.rule], background_roles()
        by_name = {c.name: c for c in product}
        out = [Contribution(s.component, f"end of life, {s.link}", "end_of_life",
                            by_name[s.component].mass_kg * s.share * pct)
               for s in inv.eol_shares
               if s.component in by_name and roles.get(s.link, (None, None))[1] in routes]
    return Measure(sum(c.value for c in out), out)
