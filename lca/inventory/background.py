"""Shipped background inventory: YAML unit processes with provenance (format: inventories/background/FORMAT.md)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lca import units, yaml_strict
from lca.errors import DataError, InputError


class Provenance(BaseModel):
    """Where a figure comes from: enough for a reviewer to find and check it."""

    model_config = ConfigDict(extra="allow")
    publisher: str
    document: str
    year: int | str
    table: str | None = None
    url: str | None = None
    licence: str
    note: str | None = None


class Exchange(BaseModel):
    """An input from another background process (`process`) or an elementary flow (`flow`, biosphere3 UUID)."""

    model_config = ConfigDict(extra="forbid")
    process: str | None = None
    flow: str | None = None
    name: str | None = None
    compartment: list[str] | None = None
    amount: float
    unit: str
    provenance: Provenance | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> "Exchange":
        if (self.process is None) == (self.flow is None):
            raise ValueError("an exchange needs exactly one of 'process' or 'flow'")
        if self.flow is not None and (self.name is None or self.compartment is None):
            raise ValueError("a flow exchange needs 'name' and 'compartment' (checked against biosphere3)")
        return self

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        units.parse_unit(v)
        return v


Code = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]


class Process(BaseModel):
    """A background unit process; amounts are per one `unit` of its reference product."""

    model_config = ConfigDict(extra="forbid")
    code: Code
    name: str
    reference_product: str
    unit: str
    location: str
    provenance: Provenance
    exchanges: list[Exchange]
    recycled_variant: str | None = None
    stage_hint: str | None = None
    # End-of-life treatment route (recycling rate and recovery rate of BOM indicators read it).
    eol_route: Literal["recycling", "energy_recovery", "incineration", "landfill"] | None = None
    comment: str | None = None
    file: str = ""

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        units.parse_unit(v)
        return v


def background_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def _load_file(path: Path) -> list[Process]:
    try:
        doc = yaml_strict.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("processes"), list):
        raise DataError(f"{path}: expected a mapping with a 'processes' list")
    out = []
    for i, raw in enumerate(doc["processes"]):
        try:
            out.append(Process.model_validate({**raw, "file": path.name}))
        except (ValidationError, InputError) as exc:
            code = raw.get("code", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
            raise DataError(f"{path}: process {code}: {exc}") from exc
    return out


def load_background(folder: Path) -> dict[str, Process]:
    """All processes of the folder by code, with links and units checked against each other."""
    processes: dict[str, Process] = {}
    for path in background_files(folder):
        for proc in _load_file(path):
            if proc.code in processes:
                raise DataError(f"{path}: process code '{proc.code}' also defined in "
                                f"{processes[proc.code].file}")
            processes[proc.code] = proc
    for proc in processes.values():
        for exc in proc.exchanges:
            if exc.process is not None:
                target = processes.get(exc.process)
                if target is None:
                    raise DataError(f"{proc.file}: process {proc.code} links to unknown process "
                                    f"'{exc.process}'")
                try:
                    units.factor(exc.unit, target.unit)
                except InputError as err:
                    raise DataError(f"{proc.file}: process {proc.code}, input {exc.process}: "
                                    f"{err.message}") from err
            elif not re.fullmatch(r"[0-9a-f-]{36}", exc.flow or ""):
                raise DataError(f"{proc.file}: process {proc.code}: flow '{exc.flow}' is not a UUID")
        if proc.recycled_variant and proc.recycled_variant not in processes:
            raise DataError(f"{proc.file}: process {proc.code}: recycled_variant "
                            f"'{proc.recycled_variant}' is not a background process")
    if not processes:
        raise DataError(f"{folder}: no background processes found")
    return processes
