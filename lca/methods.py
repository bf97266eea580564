"""Indicator registry: the indicator sets shipped in methods/*.yaml (id, zh/en names, unit, group, method)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from lca import resources, yaml_strict
from lca.errors import DataError

Group = Literal["resource", "energy", "environment", "product"]


class Indicator(BaseModel):
    """One indicator; `method` is the Brightway LCIA method (name tuple) that computes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name_en: str
    name_zh: str
    unit: str
    group: Group
    kind: Literal["lcia"] = "lcia"
    method: tuple[str, ...]
    source: str


class IndicatorSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title_en: str
    title_zh: str
    provenance: dict
    indicators: list[Indicator]


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
    return out


def indicator_sets() -> dict[str, IndicatorSet]:
    """All shipped indicator sets by id."""
    return _sets(resources.methods_dir())


DEFAULT_SET = "gbt32161_default"


def get_set(set_id: str = DEFAULT_SET) -> IndicatorSet:
    sets = indicator_sets()
    if set_id not in sets:
        from lca.errors import InputError
        raise InputError(f"unknown indicator set '{set_id}'", hint=f"choose one of {', '.join(sets)}")
    return sets[set_id]


def required_methods() -> list[tuple[str, ...]]:
    """Every LCIA method any shipped set uses (what `lca setup` writes), in a stable order."""
    seen: dict[tuple[str, ...], None] = {}
    for s in indicator_sets().values():
        for ind in s.indicators:
            seen.setdefault(ind.method, None)
    return list(seen)
