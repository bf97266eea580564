"""Grade tables: limits of a declared indicator by band (e.g. capacity, refrigerant GWP) and grade.

A standard often sets its threshold through a table rather than a single value: GB 21455 gives
the minimum APF per cooling-capacity band for each energy-efficiency grade, EU Reg. 206/2012
the minimum SEER per refrigerant GWP and capacity. A grade table (product_specs/grade_tables/*.yaml)
holds such a table with its source; a requirement names the table and the grade it asks for.
The product's declared values select the band, its value gives the grade reached.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lca.core import resources, yaml_strict
from lca.core.errors import InputError

Text = Field(min_length=1)


class Bound(BaseModel):
    """An interval on one band key; unset ends are open (gt/ge below, lt/le above)."""

    model_config = ConfigDict(extra="forbid")
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    def holds(self, x: float) -> bool:
        return ((self.gt is None or x > self.gt) and (self.ge is None or x >= self.ge)
                and (self.lt is None or x < self.lt) and (self.le is None or x <= self.le))


class Band(BaseModel):
    """One row of the table: where it applies (on the band keys) and the limit per grade."""

    model_config = ConfigDict(extra="forbid")
    id: str = Text
    label: str = Text
    when: dict[str, Bound] = {}
    limits: dict[str, float]


class Provenance(BaseModel):
    """Where the figures were read; `status` says whether they are from the text itself."""

    model_config = ConfigDict(extra="forbid")
    publisher: str = Text
    document: str = Text
    year: int
    clause: str = Text
    url: str = Text
    licence: str = Text
    read_in: str = Text  # the copy the figures were transcribed from
    quote: str = Text
    status: Literal["primary", "secondary", "illustrative"]


class GradeTable(BaseModel):
    """Limits of `indicator` (in `unit`) per band and grade; `grades` lists the best grade first."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title_en: str = Text
    title_zh: str | None = None
    standard: str = Text  # the standard number, e.g. "GB 21455-2019" (how imported tables refer to it)
    indicator: str = Text
    unit: str = Text
    direction: Literal["higher", "lower"]  # higher: the limit is a minimum; lower: a maximum
    grades: list[str] = Field(min_length=1)
    keys: dict[str, str] = {}  # band key (declared indicator id) -> unit of its bounds
    bands: list[Band] = Field(min_length=1)
    provenance: Provenance

    @model_validator(mode="after")
    def _consistent(self) -> "GradeTable":
        for b in self.bands:
            if set(b.limits) - set(self.grades):
                raise ValueError(f"band '{b.id}': unknown grade '{sorted(set(b.limits) - set(self.grades))[0]}'")
            if set(b.when) - set(self.keys):
                raise ValueError(f"band '{b.id}': band key '{sorted(set(b.when) - set(self.keys))[0]}' "
                                 "is not listed under 'keys'")
            ordered = [b.limits[g] for g in self.grades if g in b.limits]
            stricter = all(a >= c for a, c in zip(ordered, ordered[1:])) if self.direction == "higher" \
                else all(a <= c for a, c in zip(ordered, ordered[1:]))
            if not stricter:
                raise ValueError(f"band '{b.id}': a better grade must have a stricter limit")
        return self

    @property
    def operator(self) -> str:
        return ">=" if self.direction == "higher" else "<="

    def band(self, keys: dict[str, float]) -> Band | None:
        """The first band whose conditions hold for the product's key values (in the table's units)."""
        return next((b for b in self.bands if all(c.holds(keys[k]) for k, c in b.when.items())), None)

    def reached(self, band: Band, value: float) -> str | None:
        """The best grade whose limit the value meets in this band (None: below every grade)."""
        meets = (lambda lim: value >= lim) if self.direction == "higher" else (lambda lim: value <= lim)
        return next((g for g in self.grades if g in band.limits and meets(band.limits[g])), None)


def grade_tables_dir() -> Path:
    return resources.specs_dir() / "grade_tables"


def load_table(ref: str, base: Path | None = None) -> tuple[Path, GradeTable]:
    """A grade table by path (relative to `base`, the spec's folder) or by the id of a shipped one."""
    candidates = [Path(ref)] + ([base / ref] if base else []) + [grade_tables_dir() / f"{ref}.yaml"]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        raise InputError(f"grade table '{ref}' not found", hint="give a YAML file or the id of a table in "
                         "product_specs/grade_tables/")
    try:
        return path, GradeTable.model_validate(yaml_strict.load(path.read_text(encoding="utf-8-sig")))
    except yaml.YAMLError as exc:
        raise InputError(f"is not valid YAML: {exc}", file=path) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise InputError(f"field '{field}': {err['msg']}", file=path, column=field or None) from None


def shipped_tables() -> list[GradeTable]:
    """Every grade table shipped in product_specs/grade_tables/."""
    return [load_table(str(p))[1] for p in sorted(grade_tables_dir().glob("*.yaml"))]
