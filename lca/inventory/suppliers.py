"""Supplier declarations: a supplier's own unit-process data for a part, which a BOM row links to as
`supplier:<supplier id>/<part id>` instead of a generic background process.

A declaration is a YAML file (or an XLSX workbook: sheet `declaration` of `field, value` rows with
dotted fields such as `provenance.valid_until`, sheet `inventory` or `results` with its rows) in the
product's suppliers folder (manifest key `suppliers:`, else the folder named by `LCA_SUPPLIERS`).
It gives the part and its unit, a unit-process inventory per unit of the part (inputs from
background processes, imported `DB:code` processes or other declarations, and elementary flows) or
per-unit indicator results with the LCIA method each was computed with (indicators it gives no
result for are not covered for that part, never 0),
its provenance (declaration or EPD number, programme operator, verifier, valid from/until) and its
status. The folder's `suppliers.csv` (optional) says which suppliers are green factories and which
parts green products, with a source per entry; `GreenSource` is the seam an evaluation registry can
fill instead.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lca.core import units, yaml_strict
from lca.core.errors import InputError
from lca.inventory.tables import read_table

PREFIX = "supplier:"
ENV = "LCA_SUPPLIERS"
TABLE = "suppliers.csv"
SUFFIXES = (".yaml", ".yml", ".xlsx")


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1)
    name_zh: str | None = None


class Part(Party):
    unit: str

    @model_validator(mode="after")
    def _unit(self) -> "Part":
        units.parse_unit(self.unit)
        return self


class Provenance(BaseModel):
    """Where the declaration comes from and how long it holds."""

    model_config = ConfigDict(extra="forbid")
    declaration: str = Field(min_length=1)  # declaration or EPD registration number
    programme_operator: str | None = None
    verifier: str | None = None
    valid_from: dt.date
    valid_until: dt.date
    document: str | None = None

    @model_validator(mode="after")
    def _dates(self) -> "Provenance":
        if self.valid_until <= self.valid_from:
            raise ValueError(f"valid_until {self.valid_until} is not after valid_from {self.valid_from}")
        return self


class InventoryRow(BaseModel):
    """Per unit of the part: an input from a process (`link`) or an elementary flow (`flow`)."""

    model_config = ConfigDict(extra="forbid")
    link: str | None = None
    flow: str | None = None
    compartment: str | None = None
    amount: float = Field(allow_inf_nan=False)
    unit: str
    notes: str | None = None

    @model_validator(mode="after")
    def _one(self) -> "InventoryRow":
        if (self.link is None) == (self.flow is None):
            raise ValueError("give exactly one of 'link' (process) or 'flow' (elementary flow)")
        units.parse_unit(self.unit)
        return self


class ResultRow(BaseModel):
    """Per unit of the part: the score of one indicator, with the LCIA method it was computed with."""

    model_config = ConfigDict(extra="forbid")
    method: tuple[str, ...] = Field(min_length=1)  # the Brightway method name, as in methods/*.yaml
    value: float = Field(allow_inf_nan=False)
    unit: str = Field(min_length=1)  # the indicator's unit, verbatim (e.g. kg CO2-Eq)


class Declaration(BaseModel):
    """A supplier's declaration for one part, as read from its file: a unit-process inventory, or
    per-unit indicator results (an EPD's results table), never both."""

    model_config = ConfigDict(extra="forbid")
    illustrative: bool = False
    supplier: Party
    part: Part
    status: Literal["third_party_verified", "self_declared"]
    provenance: Provenance
    inventory: list[InventoryRow] = []
    results: list[ResultRow] = []
    notes: str | None = None

    @model_validator(mode="after")
    def _inventory_or_results(self) -> "Declaration":
        if bool(self.inventory) == bool(self.results):
            raise ValueError("give either an 'inventory' (unit process) or 'results' (indicator results per unit)")
        methods = [r.method for r in self.results]
        dup = next((m for m in methods if methods.count(m) > 1), None)
        if dup:
            raise ValueError(f"method {' | '.join(dup)} has two results")
        return self

    @model_validator(mode="after")
    def _verified_by_someone(self) -> "Declaration":
        if self.status == "third_party_verified" and not (self.provenance.verifier and
                                                           self.provenance.programme_operator):
            raise ValueError("a third-party verified declaration names its programme_operator and verifier")
        return self

    @property
    def key(self) -> str:
        return f"{self.supplier.id}/{self.part.id}"


@dataclass(frozen=True)
class Green:
    """Whether a supplier is a green factory and which of its parts are green products, with the source."""

    factory: bool
    products: frozenset[str]
    source: str

    def covers(self, part: str) -> bool:
        return self.factory or part in self.products


class GreenSource(Protocol):
    """Where green-factory / green-product status comes from (the suppliers table; an evaluation registry)."""

    def green(self, supplier: str) -> Green | None: ...


@dataclass(frozen=True)
class Folder:
    """The declarations of one suppliers folder, by key, with the file each came from."""

    path: Path | None
    declarations: dict[str, tuple[Declaration, Path]]
    table: dict[str, Green]

    def green(self, supplier: str) -> Green | None:
        return self.table.get(supplier)

    def get(self, key: str, *, file: Path, row: int | None, column: str) -> tuple[Declaration, Path]:
        """The declaration `key` (`<supplier>/<part>`), or an input error located at the row linking to it."""
        if key not in self.declarations:
            where = f"in {self.path}" if self.path else "(no suppliers folder: set 'suppliers:' in the manifest)"
            known = ", ".join(sorted(self.declarations)) or "none"
            raise InputError(f"no supplier declaration '{key}' {where}", file=file, row=row, column=column,
                             hint=f"declarations found: {known}")
        return self.declarations[key]


def _flatten_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    field = ".".join(str(x) for x in err["loc"]) or "declaration"
    msg = "value is missing" if err["type"] == "missing" else err["msg"].removeprefix("Value error, ")
    return field, msg


def _xlsx(path: Path) -> dict:
    """A declaration workbook as the dict its YAML form would give."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    if "declaration" not in wb.sheetnames or not {"inventory", "results"} & set(wb.sheetnames):
        raise InputError("a declaration workbook needs the sheets 'declaration' and 'inventory' or 'results'",
                         file=path)
    out: dict = {}
    for row in wb["declaration"].iter_rows(min_row=2, values_only=True):
        if not row or row[0] is None:
            continue
        *heads, last = str(row[0]).strip().split(".")
        node = out
        for h in heads:
            node = node.setdefault(h, {})
        node[last] = row[1]
    for sheet in ("inventory", "results"):
        rows = list(wb[sheet].iter_rows(values_only=True)) if sheet in wb.sheetnames else []
        head = [str(h).strip() for h in rows[0]] if rows else []
        out[sheet] = [{h: v for h, v in zip(head, r) if v is not None} for r in rows[1:] if any(r)]
    for row in out["results"]:  # a method cell holds the method's parts separated by '|'
        if isinstance(row.get("method"), str):
            row["method"] = [x.strip() for x in row["method"].split("|")]
    return out


def load_declaration(path: Path) -> Declaration:
    """Read and validate one declaration file; a problem names the file and the field."""
    if path.suffix.lower() == ".xlsx":
        raw = _xlsx(path)
    else:
        try:
            raw = yaml_strict.load(path.read_text(encoding="utf-8-sig"))
        except yaml.YAMLError as exc:
            raise InputError(f"is not valid YAML: {getattr(exc, 'problem', exc)}", file=path) from None
    if not isinstance(raw, dict):
        raise InputError("a declaration is a mapping with supplier, part, status, provenance, inventory", file=path)
    try:
        return Declaration.model_validate(raw)
    except ValidationError as exc:
        field, msg = _flatten_error(exc)
        raise InputError(f"field '{field}': {msg}", file=path, column=field) from None
    except InputError as exc:
        raise exc.located(file=path, column="unit") from None


def _table(path: Path) -> dict[str, Green]:
    """suppliers.csv: supplier, green_factory (yes/no), green_products (part ids, ';'-separated), source."""
    t = read_table(path)
    t.require("supplier", "source")
    out = {}
    for r in t.rows:
        c = r.cells
        if not c.get("source"):
            raise InputError("every entry needs its source (list, notice, certificate)", file=path, row=r.number,
                             column="source")
        flag = c.get("green_factory", "").lower()
        if flag not in ("", "yes", "no", "true", "false", "是", "否"):
            raise InputError(f"'{c['green_factory']}' is not yes or no", file=path, row=r.number,
                             column="green_factory")
        parts = frozenset(p.strip() for p in c.get("green_products", "").split(";") if p.strip())
        out[c["supplier"]] = Green(flag in ("yes", "true", "是"), parts, c["source"])
    return out


_FOLDERS: dict[tuple, Folder] = {}


def folder(path: Path | None) -> Folder:
    """The declarations of a suppliers folder (read once per content), keyed `<supplier>/<part>`."""
    if path is None:
        env = os.environ.get(ENV)
        path = Path(env).resolve() if env else None
    if path is None:
        return Folder(None, {}, {})
    if not path.is_dir():
        raise InputError(f"suppliers folder {path} not found", file=path)
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith("~$"))
    stamp = (str(path), tuple((p.name, p.stat().st_mtime_ns) for p in [*files, path / TABLE] if p.exists()))
    if stamp not in _FOLDERS:
        found: dict[str, tuple[Declaration, Path]] = {}
        for f in files:
            d = load_declaration(f)
            if d.key in found:
                raise InputError(f"declaration '{d.key}' is also given in {found[d.key][1].name}", file=f,
                                 column="part.id")
            found[d.key] = (d, f)
        _FOLDERS[stamp] = Folder(path, found, _table(path / TABLE) if (path / TABLE).is_file() else {})
    return _FOLDERS[stamp]


def expiry_warnings(d: Declaration, path: Path, today: dt.date | None = None) -> list[str]:
    """Visible warnings: a declaration past its validity, or not yet valid, or not third-party verified."""
    today = today or dt.date.today()
    out = []
    if d.provenance.valid_until < today:
        out.append(f"supplier declaration {path.name} ('{d.key}', {d.provenance.declaration}) expired on "
                   f"{d.provenance.valid_until}")
    elif d.provenance.valid_from > today:
        out.append(f"supplier declaration {path.name} ('{d.key}') is valid only from {d.provenance.valid_from}")
    if d.status != "third_party_verified":
        out.append(f"supplier declaration {path.name} ('{d.key}') is self-declared, not third-party verified")
    return out


def databases(links: list[str], base: Path | None) -> set[str]:
    """Imported databases (`DB:code`) reached through the declarations these links name."""
    if not any(link.startswith(PREFIX) for link in links):
        return set()
    f = folder(base)
    return {row.link.split(":", 1)[0] for d, _ in f.declarations.values() for row in d.inventory
            if row.link and ":" in row.link and not row.link.startswith(PREFIX)}


@dataclass(frozen=True)
class Use:
    """A declaration a product's system draws on, for the report and the shares."""

    key: str
    file: Path
    declaration: Declaration
    tier1: bool  # linked from the BOM itself (not only through another declaration)
    green: Green | None  # the supplier's entry in the suppliers table, if any

    @property
    def is_green(self) -> bool:
        return self.green is not None and self.green.covers(self.declaration.part.id)
