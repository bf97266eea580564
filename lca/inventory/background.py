"""Shipped background inventory: YAML unit processes with provenance (format: inventories/background/FORMAT.md)."""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lca.core import units, yaml_strict
from lca.core.errors import DataError, InputError


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


class Uncertainty(BaseModel):
    """A stats_arrays distribution of an exchange amount, centred on the amount (in the exchange's unit).

    lognormal: median = amount, `gsd2` the squared geometric standard deviation (ecoinvent's 95 %
    factor); normal: mean = amount, `sd`; triangular: mode = amount between `minimum` and
    `maximum`; uniform: between `minimum` and `maximum`. `source` says where the spread comes from.
    """

    model_config = ConfigDict(extra="forbid")
    type: Literal["lognormal", "normal", "triangular", "uniform"]
    gsd2: float | None = Field(default=None, gt=1)
    sd: float | None = Field(default=None, gt=0)
    minimum: float | None = None
    maximum: float | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _parameters(self) -> "Uncertainty":
        need = {"lognormal": {"gsd2"}, "normal": {"sd"}, "triangular": {"minimum", "maximum"},
                "uniform": {"minimum", "maximum"}}[self.type]
        given = {k for k in ("gsd2", "sd", "minimum", "maximum") if getattr(self, k) is not None}
        if given != need:
            raise ValueError(f"a {self.type} uncertainty takes exactly {', '.join(sorted(need))}")
        if "minimum" in need and not self.minimum < self.maximum:
            raise ValueError("uncertainty minimum must be below maximum")
        return self

    def brightway(self, amount: float, factor: float) -> dict:
        """Brightway exchange fields (stats_arrays parameters) for `amount` already converted by `factor`."""
        if self.type == "lognormal":
            return {"uncertainty type": 2, "loc": math.log(abs(amount)), "scale": math.log(self.gsd2) / 2,
                    "negative": amount < 0}
        if self.type == "normal":
            return {"uncertainty type": 3, "loc": amount, "scale": self.sd * factor}
        return {"uncertainty type": 5 if self.type == "triangular" else 4, "loc": amount,
                "minimum": self.minimum * factor, "maximum": self.maximum * factor}


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
    uncertainty: Uncertainty | None = None

    @model_validator(mode="after")
    def _one_target(self) -> "Exchange":
        if (self.process is None) == (self.flow is None):
            raise ValueError("an exchange needs exactly one of 'process' or 'flow'")
        if self.flow is not None and (self.name is None or self.compartment is None):
            raise ValueError("a flow exchange needs 'name' and 'compartment' (checked against biosphere3)")
        u = self.uncertainty
        if u is not None and u.minimum is not None and not (u.minimum <= self.amount <= u.maximum):
            raise ValueError(f"amount {self.amount} lies outside its uncertainty range [{u.minimum}, {u.maximum}]")
        if u is not None and u.type == "lognormal" and self.amount == 0:
            raise ValueError("a lognormal uncertainty needs a non-zero amount")
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
