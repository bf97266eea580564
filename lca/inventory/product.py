"""A product: YAML manifest + BOM table + optional process rows, validated row by row."""
from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from lca.core import units, yaml_strict
from lca.core.errors import InputError
from lca.core.stages import STAGE_ALIASES, STAGES, Stage
from lca.inventory.background import Uncertainty
from lca.inventory.tables import Row, Table, read_table


def _parsable(unit: str) -> str:
    units.parse_unit(unit)
    return unit


Unit = Annotated[str, AfterValidator(_parsable)]  # a unit string the pint registry reads


class Quantity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: float = Field(gt=0, allow_inf_nan=False)
    unit: Unit


class Evidence(BaseModel):
    """The product's answer to one basic requirement of a specification, with its document."""

    model_config = ConfigDict(extra="forbid")
    value: bool
    document: str = Field(min_length=1)


class Declared(BaseModel):
    """A declared (measured or plant-calculated) indicator value, with its unit and document."""

    model_config = ConfigDict(extra="forbid")
    value: float = Field(allow_inf_nan=False)
    unit: Unit
    document: str = Field(min_length=1)


class Manifest(BaseModel):
    """The product's YAML manifest (paths are relative to the manifest's folder)."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    name_zh: str | None = None
    category: str
    functional_unit: str
    reference_flow: Quantity
    lifetime: Quantity
    shipping_mass: Quantity | None = None
    bom: str
    processes: str | None = None
    suppliers: str | None = None  # folder of supplier declarations (lca.inventory.suppliers)
    encoding: str | None = None
    illustrative: bool = False
    description: str | None = None
    sources: list[str] = []
    evidence: dict[str, Evidence] = {}  # basic-requirement id -> answer (see product_specs/)
    declared: dict[str, Declared] = {}  # declared indicator id -> value (see `lca methods`)

    @field_validator("lifetime")
    @classmethod
    def _lifetime_is_time(cls, v: Quantity) -> Quantity:
        if not units.same_dimension(v.unit, "year"):
            raise ValueError(f"lifetime unit '{v.unit}' is not a time unit (use year)")
        return v


class BomLine(BaseModel):
    """One BOM row: a component made of a background material/process, or an assembly of rows."""

    model_config = ConfigDict(extra="forbid")
    row: int
    component: str = Field(min_length=1)
    parent: str | None = None
    link: str | None = None
    amount: float = Field(ge=0, allow_inf_nan=False)
    unit: str
    stage: Stage = "raw_materials"
    recycled_content: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)
    notes: str | None = None
    uncertainty: Uncertainty | None = None  # of `amount`; from the uncertainty columns


class ProcessLine(BaseModel):
    """One process row: background input (`link`) or direct emission (`flow`) in a stage.

    The amount's unit says how it scales: per product (kWh), per year of life (kWh/year, times
    the lifetime), per distance (km, times the shipping mass, for t·km processes); end-of-life
    rows give a `share` of the mass of `applies_to` (all / a material link / a component).
    """

    model_config = ConfigDict(extra="forbid")
    row: int
    id: str | None = None
    stage: Stage
    link: str | None = None
    flow: str | None = None
    compartment: str | None = None
    amount: float | None = Field(default=None, allow_inf_nan=False)
    unit: str | None = None
    share: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    applies_to: str | None = None
    notes: str | None = None
    uncertainty: Uncertainty | None = None  # of `amount` (or of `share`); from the uncertainty columns


class Product(BaseModel):
    """A validated product with its source files (for messages) and an input hash."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    manifest: Manifest
    manifest_path: Path
    bom_path: Path
    processes_path: Path | None
    suppliers_path: Path | None = None
    bom: list[BomLine]
    processes: list[ProcessLine]
    input_hash: str

    @property
    def id(self) -> str:
        return self.manifest.id or self.manifest_path.stem


def _number(text: str, *, path: Path, row: int, column: str) -> float:
    t = text.strip().replace(",", "")
    pct = t.endswith("%")
    try:
        value = float(t[:-1] if pct else t)
    except ValueError:
        raise InputError(f"'{text}' is not a number", file=path, row=row, column=column) from None
    if not math.isfinite(value):
        raise InputError(f"'{text}' is not a finite number", file=path, row=row, column=column)
    return value / 100 if pct else value


def _stage(text: str, *, path: Path, row: int) -> str:
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in STAGE_ALIASES:
        raise InputError(f"unknown stage '{text}'", file=path, row=row, column="stage",
                         hint=f"use one of {', '.join(STAGES)}")
    return STAGE_ALIASES[key]


NUMERIC = ("amount", "recycled_content", "share", "gsd2", "sd", "minimum", "maximum")
# Optional columns giving a row's amount (or share) a distribution, as in the background's
# `uncertainty:` (inventories/background/FORMAT.md): the column `uncertainty` names the type.
UNCERTAINTY_COLUMNS = {"uncertainty": "type", "gsd2": "gsd2", "sd": "sd", "minimum": "minimum",
                       "maximum": "maximum", "uncertainty_source": "source"}


_DISTRIBUTIONS = {"对数正态": "lognormal", "正态": "normal", "三角": "triangular", "三角分布": "triangular",
                  "均匀": "uniform", "均匀分布": "uniform", "对数正态分布": "lognormal", "正态分布": "normal"}


def _uncertainty(values: dict, path: Path, row: int) -> Uncertainty | None:
    """The row's distribution from its uncertainty columns (popped from `values`), checked against
    its amount (or share): the error names the column at fault."""
    given = {UNCERTAINTY_COLUMNS[c]: values.pop(c) for c in list(values) if c in UNCERTAINTY_COLUMNS}
    if not given:
        return None
    column = {v: k for k, v in UNCERTAINTY_COLUMNS.items()}
    if "type" in given:
        given["type"] = _DISTRIBUTIONS.get(given["type"].strip().lower(), given["type"].strip().lower())
    if "type" not in given:
        raise InputError("uncertainty parameters without a distribution", file=path, row=row,
                         column="uncertainty", hint="name it: lognormal, normal, triangular or uniform")
    try:
        u = Uncertainty.model_validate(given)
    except ValidationError as exc:
        err = exc.errors()[0]
        col = column.get(str(err["loc"][0]), "uncertainty") if err["loc"] else "uncertainty"
        msg = "value is missing" if err["type"] == "missing" else err["msg"].removeprefix("Value error, ")
        raise InputError(msg, file=path, row=row, column=col) from None
    center = values.get("amount", values.get("share"))
    if center is None or center == 0:
        raise InputError("an uncertainty needs a non-zero amount (or share) to spread around", file=path,
                         row=row, column="uncertainty")
    if u.minimum is not None and not u.minimum <= center <= u.maximum:
        raise InputError(f"{center:g} lies outside its uncertainty range [{u.minimum:g}, {u.maximum:g}]",
                         file=path, row=row, column="minimum" if center < u.minimum else "maximum")
    return u


def _validate_rows(table: Table, model: type[BaseModel]) -> list:
    """Validate each row with `model`; the first problem raises InputError with file/row/column."""
    out = []
    allowed = set(model.model_fields) - {"row", "uncertainty"} | set(UNCERTAINTY_COLUMNS)
    unknown = [c for c in table.columns if c not in allowed]
    if unknown:
        raise InputError(f"unknown column '{unknown[0]}'", file=table.path, row=1, column=unknown[0],
                         hint=f"allowed columns: {', '.join(sorted(allowed))}")
    for r in table.rows:
        values: dict = {"row": r.number}
        for col, text in r.cells.items():
            if text == "":
                continue
            if col in NUMERIC:
                values[col] = _number(text, path=table.path, row=r.number, column=col)
            elif col == "stage":
                values[col] = _stage(text, path=table.path, row=r.number)
            else:
                values[col] = text
        if "unit" in values:
            try:
                units.parse_unit(values["unit"])
            except InputError as exc:
                raise exc.located(file=table.path, row=r.number, column="unit") from None
        u = _uncertainty(values, table.path, r.number)
        if u is not None:
            values["uncertainty"] = u
        try:
            out.append(model.model_validate(values))
        except ValidationError as exc:
            raise _located(exc, table.path, r) from None
    return out


def _located(exc: ValidationError, path: Path, row: Row) -> InputError:
    err = exc.errors()[0]
    column = str(err["loc"][0]) if err["loc"] else None
    msg = err["msg"]
    if column == "amount" and err["type"] == "greater_than_equal":
        msg = f"negative amount {row.cells.get('amount')} is not allowed"
    elif err["type"] == "missing":
        msg = "value is missing"
    return InputError(msg, file=path, row=row.number, column=column)


def _file(base: Path, rel: str, manifest_path: Path, key: str) -> Path:
    path = (base / rel).resolve()
    if not path.is_file():
        raise InputError(f"'{key}' file {rel} not found (looked for {path})", file=manifest_path, column=key)
    return path


def load_manifest(path: Path) -> Manifest:
    if not path.is_file():
        raise InputError("product manifest not found", file=path)
    try:
        raw = yaml_strict.load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", file=path, hint="save the manifest as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"is not valid YAML: {getattr(exc, 'problem', exc)}", file=path,
                         row=mark.line + 1 if mark else None) from None
    if not isinstance(raw, dict):
        raise InputError("must be a YAML mapping with name, category, functional_unit, ...", file=path)
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(x) for x in err["loc"])
        raise InputError(f"field '{key}': {err['msg']}", file=path, column=key) from None
    except InputError as exc:
        raise exc.located(file=path) from None


def load_product(path: str | Path) -> Product:
    """Read and validate a product (manifest, BOM, optional processes). Writes nothing."""
    path = Path(path).resolve()
    manifest = load_manifest(path)
    bom_path = _file(path.parent, manifest.bom, path, "bom")
    bom_table = read_table(bom_path, manifest.encoding)
    bom_table.require("component", "amount", "unit")
    bom = _validate_rows(bom_table, BomLine)
    if not bom:
        raise InputError("BOM has a header but no component rows", file=bom_path, row=2,
                         hint="add one row per component")
    proc_path, procs = None, []
    if manifest.processes:
        proc_path = _file(path.parent, manifest.processes, path, "processes")
        proc_table = read_table(proc_path, manifest.encoding)
        proc_table.require("stage")
        procs = _validate_rows(proc_table, ProcessLine)
    sup_path = None
    if manifest.suppliers:
        sup_path = (path.parent / manifest.suppliers).resolve()
        if not sup_path.is_dir():
            raise InputError(f"suppliers folder {manifest.suppliers} not found (looked for {sup_path})",
                             file=path, column="suppliers")
    digest = hashlib.sha256()
    for p in (path, bom_path, proc_path, *(sorted(f for f in sup_path.iterdir() if f.is_file()) if sup_path else ())):
        if p is not None:
            digest.update(p.name.encode() + b"\0" + p.read_bytes())
    return Product(manifest=manifest, manifest_path=path, bom_path=bom_path, processes_path=proc_path,
                   suppliers_path=sup_path, bom=bom, processes=procs, input_hash=digest.hexdigest())
