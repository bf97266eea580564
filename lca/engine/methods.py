"""Indicator registry: the indicator sets shipped in methods/*.yaml (id, zh/en names, unit, group, how computed).

Five kinds of indicator: `lcia` (a Brightway LCIA method, computed by the engine), `energy` (energy
carriers drawn by the product's rows, in kgce by the GB/T 2589 definition of kgce), `bom` (derived
from the bill of materials and end-of-life shares: mass, recycled content, recycling rate, ...),
`declared` (a value the manufacturer declares with a document, e.g. a measured VOC content), and
`supply_chain` (the share of an LCIA indicator's score from primary data or from green suppliers, or
the green share of purchased mass; lca.assess.supply_chain).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from lca.core import resources, units, yaml_strict
from lca.core.errors import DataError, InputError
from lca.engine.names import DEFAULT_SET

Group = Literal["resource", "energy", "environment", "product"]
Kind = Literal["lcia", "energy", "bom", "declared", "supply_chain"]
Share = Literal["primary_data", "green_supplier", "green_mass"]
BomRule = Literal["product_mass", "recycled_content", "recycling_rate", "recovery_rate", "packaging_ratio"]


class Indicator(BaseModel):
    """One indicator and how it is computed.

    `method` (kind lcia) is the Brightway LCIA method name; `rule` (kind bom) names the BOM
    quantity; `per_product_mass` (kind energy) divides by the product mass (e.g. kgce per t).
    `check_unit` is the pint unit a specification's threshold must convert to: the `unit` itself
    for non-LCIA kinds; for LCIA units pint cannot read (kg CO2-Eq) it may be given explicitly,
    otherwise a threshold must use the `unit` string verbatim.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name_en: str
    name_zh: str
    unit: str
    group: Group
    kind: Kind = "lcia"
    method: tuple[str, ...] | None = None
    rule: BomRule | None = None
    per_product_mass: bool = False
    share: Share | None = None  # kind supply_chain: which share
    of: str | None = None  # kind supply_chain, shares of a score: the LCIA indicator whose score is shared
    pint_unit: str | None = None
    source: str

    @model_validator(mode="after")
    def _how(self) -> "Indicator":
        if (self.kind == "lcia") != (self.method is not None):
            raise ValueError(f"indicator {self.id}: 'method' is required for kind lcia and only for it")
        if (self.kind == "bom") != (self.rule is not None):
            raise ValueError(f"indicator {self.id}: 'rule' is required for kind bom and only for it")
        if self.per_product_mass and self.kind != "energy":
            raise ValueError(f"indicator {self.id}: 'per_product_mass' applies to kind energy only")
        if (self.kind == "supply_chain") != (self.share is not None):
            raise ValueError(f"indicator {self.id}: 'share' is required for kind supply_chain and only for it")
        if (self.share in ("primary_data", "green_supplier")) != (self.of is not None):
            raise ValueError(f"indicator {self.id}: 'of' (the LCIA indicator shared) is required for shares of a "
                             "score and only for them")
        try:
            units.parse_unit(self.check_unit) if self.check_unit else None
        except InputError as exc:
            raise ValueError(f"indicator {self.id}: {exc.message}") from None
        return self

    @property
    def check_unit(self) -> str | None:
        """The pint unit thresholds convert to (None: LCIA unit pint cannot read; compare verbatim)."""
        return self.unit if self.kind != "lcia" else self.pint_unit

    @property
    def how(self) -> str:
        """One line saying how the indicator is computed (for listings)."""
        if self.kind == "lcia":
            return " | ".join(self.method)
        if self.kind == "bom":
            return f"BOM: {self.rule}"
        if self.kind == "energy":
            return "energy carriers, kgce (GB/T 2589)" + (" per product mass" if self.per_product_mass else "")
        if self.kind == "supply_chain":
            return f"supply chain: {self.share} share" + (f" of {self.of}" if self.of else " of purchased mass")
        return "declared by the manufacturer (manifest 'declared')"


class IndicatorSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title_en: str
    title_zh: str
    provenance: dict
    indicators: list[Indicator]

    def lcia_only(self) -> "IndicatorSet":
        """The same set restricted to LCIA indicators (what the matrix engine computes)."""
        return self.model_copy(update={"indicators": [i for i in self.indicators if i.kind == "lcia"]})


def _read(path: Path) -> IndicatorSet:
    try:
        return IndicatorSet.model_validate(yaml_strict.load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise DataError(f"{path}: invalid indicator set: {exc}") from exc


@lru_cache(maxsize=4)
def _sets(folder: Path) -> dict[str, IndicatorSet]:
    out = {}
    for path in sorted(folder.glob("*.yaml")):
        s = _read(path)
        if s.id in out:
            raise DataError(f"{path}: indicator set id '{s.id}' defined twice")
        ids = [i.id for i in s.indicators]
        if len(ids) != len(set(ids)):
            raise DataError(f"{path}: duplicate indicator ids in set '{s.id}'")
        out[s.id] = s
    if not out:
        raise DataError(f"{folder}: no indicator sets found")
    by_id: dict[str, Indicator] = {}
    for s in out.values():
        for ind in s.indicators:
            if by_id.setdefault(ind.id, ind) != ind:
                raise DataError(f"{folder}: indicator '{ind.id}' is defined differently in set '{s.id}'")
    for ind in by_id.values():
        if ind.of is not None and (ind.of not in by_id or by_id[ind.of].kind != "lcia"):
            raise DataError(f"{folder}: indicator '{ind.id}' shares '{ind.of}', which is not an LCIA indicator")
    return out


def indicator_sets() -> dict[str, IndicatorSet]:
    """All shipped indicator sets by id."""
    return _sets(resources.methods_dir())



def registry() -> dict[str, Indicator]:
    """Every indicator of every shipped set by id (an id means the same indicator in every set)."""
    return {ind.id: ind for s in indicator_sets().values() for ind in s.indicators}


def get_set(set_id: str = DEFAULT_SET) -> IndicatorSet:
    sets = indicator_sets()
    if set_id not in sets:
        raise InputError(f"unknown indicator set '{set_id}'", hint=f"choose one of {', '.join(sets)}")
    return sets[set_id]


def required_methods() -> list[tuple[str, ...]]:
    """Every LCIA method any shipped set uses (what `lca setup` writes), in a stable order."""
    seen: dict[tuple[str, ...], None] = {}
    for s in indicator_sets().values():
        for ind in s.indicators:
            if ind.kind == "lcia":
                seen.setdefault(ind.method, None)
    return list(seen)
