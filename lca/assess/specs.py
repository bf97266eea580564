"""Product specifications (product_specs/*.yaml): basic and indicator requirements with their sources.

A specification transcribes one category standard (绿色设计产品评价技术规范 ...): the basic
requirements the product proves with a document, and the indicator requirements checked against
a computed or declared indicator. Every requirement names its clause; every threshold carries the
quote it was read in. Loading checks each indicator against the registry and each threshold unit
against the indicator's unit (pint), so a bad spec is rejected before any work is done.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from lca.assess.grades import GradeTable, load_table
from lca.core import resources, units, yaml_strict
from lca.core.errors import InputError
from lca.core.stages import STAGES
from lca.engine.methods import Group, Indicator, registry

Operator = Literal["<=", "<", ">=", ">", "=="]
Scope = Literal[(*STAGES, "total")]
Text = Field(min_length=1)
RequirementId = Field(pattern=r"^[A-Za-z0-9_.-]+$")
STAGE_SCOPED = {"lcia", "energy"}  # kinds with a value per life-cycle stage


class Standard(BaseModel):
    """The published standard a specification transcribes."""

    model_config = ConfigDict(extra="forbid")
    number: str = Text
    year: int
    title_zh: str = Text
    title_en: str | None = None
    publisher: str = Text
    url: str = Text


class BasicRequirement(BaseModel):
    """A pass/fail statement; the product answers it in its manifest under `evidence: {id: ...}`."""

    model_config = ConfigDict(extra="forbid")
    id: str = RequirementId
    text_zh: str = Text
    text_en: str = Text
    clause: str = Text
    evidence: str = Text  # the document the product must provide


class IndicatorRequirement(BaseModel):
    """An indicator compared with a threshold over a stage (or the whole life cycle), or with the
    limit of a grade in a grade table (the band chosen by the product's declared values)."""

    model_config = ConfigDict(extra="forbid")
    id: str = RequirementId
    indicator: str = Text
    stage: Scope
    operator: Operator
    threshold: float | None = Field(default=None, allow_inf_nan=False)
    unit: str = Text
    group: Group
    clause: str = Text
    quote: str = Text
    url: str | None = None  # where the quote was read, when not the standard's URL
    grade_table: str | None = None  # id of a shipped grade table or a path relative to the spec
    grade: str | None = None  # the grade required (that grade or a better one)
    basis: str | None = None  # 判定依据: how the standard says the value is established
    inspection_tolerance_pct: float | None = Field(default=None, ge=0, allow_inf_nan=False)  # overrides the spec's

    @model_validator(mode="after")
    def _threshold_or_grade(self) -> "IndicatorRequirement":
        if (self.threshold is None) == (self.grade_table is None) or (self.grade_table is None) != (self.grade is None):
            raise ValueError(f"requirement '{self.id}' needs either a threshold or a grade_table with a grade")
        return self


class Spec(BaseModel):
    """One category specification (see product_specs/README.md)."""

    model_config = ConfigDict(extra="forbid")
    id: str = RequirementId
    version: str = Text
    category: str = Text
    title_zh: str = Text
    title_en: str = Text
    standard: Standard
    scope: str = Text
    functional_unit: str = Text
    coverage: str = Text  # what of the standard this file holds and what it leaves out
    complete: bool = False  # True only when every requirement of the standard is transcribed
    declared_indicators: list[Indicator] = []  # values the product declares that no indicator set holds
    basic_requirements: list[BasicRequirement] = []
    indicator_requirements: list[IndicatorRequirement] = []
    report_items: list[str] = []
    notes: list[str] = []
    # how far (in % of the declared value) a value measured in a sampling inspection may be worse than declared
    inspection_tolerance_pct: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    _folder: Path | None = PrivateAttr(default=None)  # where relative grade-table paths start

    def grade_table(self, req: IndicatorRequirement) -> GradeTable:
        """The grade table a requirement refers to (None-safe only for grade requirements)."""
        return load_table(req.grade_table, self._folder)[1]

    @model_validator(mode="after")
    def _unique_ids(self) -> "Spec":
        ids = [r.id for r in (*self.basic_requirements, *self.indicator_requirements)]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"requirement id '{dup[0]}' is used twice")
        return self


def indicators(spec: Spec) -> dict[str, Indicator]:
    """The indicators a specification can use: every shipped one and the spec's own declared values."""
    return {**registry(), **{i.id: i for i in spec.declared_indicators}}


def inspection_tolerances(spec: Spec) -> dict[str, float]:
    """The inspection tolerance (%) the spec states per indicator requirement (its own, else the spec's)."""
    out = {r.id: r.inspection_tolerance_pct if r.inspection_tolerance_pct is not None else spec.inspection_tolerance_pct
           for r in spec.indicator_requirements}
    return {k: v for k, v in out.items() if v is not None}


def status(spec: Spec) -> str:
    """'complete', or 'partial' and what is missing (the spec's 'not verified' notes), for every output."""
    if spec.complete:
        return f"complete (every requirement of {spec.standard.number} within its scope transcribed)"
    missing = [n.removeprefix("not verified: ") for n in spec.notes if n.startswith("not verified")]
    return f"partial: {'; '.join(missing) if missing else spec.coverage}"


def _check_declared(spec: Spec, path: Path) -> None:
    known = registry()
    for k, ind in enumerate(spec.declared_indicators):
        where = f"declared_indicators[{k}]"
        if ind.kind != "declared":
            raise InputError(f"'{ind.id}' must be of kind declared", file=path, column=f"{where}.kind")
        if ind.id in known:
            raise InputError(f"'{ind.id}' is already an indicator of `lca methods`; use it", file=path,
                             column=f"{where}.id")


def _check_grades(req: IndicatorRequirement, ind: Indicator, known: dict[str, Indicator], path: Path,
                  where: str) -> None:
    """A grade requirement's table must rank its indicator, hold its grade, and band on declared values."""
    try:
        _, table = load_table(req.grade_table, path.parent)
    except InputError as exc:
        raise InputError(f"requirement '{req.id}': {exc.message}", file=path, column=f"{where}.grade_table",
                         hint=exc.hint) from None
    problem = (f"ranks '{table.indicator}', not '{ind.id}'" if table.indicator != ind.id
               else f"has no grade '{req.grade}' (grades: {', '.join(table.grades)})" if req.grade not in table.grades
               else f"uses '{req.operator}', the table '{table.operator}'" if req.operator != table.operator
               else f"is in {table.unit}, the requirement in {req.unit}" if not units.same_dimension(table.unit, req.unit)
               else next((f"bands on '{k}', which is not a declared indicator" for k in table.keys
                          if k not in known or known[k].kind != "declared"), None))
    if problem:
        raise InputError(f"requirement '{req.id}': grade table '{table.id}' {problem}", file=path,
                         column=f"{where}.grade_table")


def _check_indicators(spec: Spec, path: Path) -> None:
    """Each indicator must exist, fit its stage scope, and take the threshold's unit."""
    known = indicators(spec)
    for k, req in enumerate(spec.indicator_requirements):
        where = f"indicator_requirements[{k}]"
        ind = known.get(req.indicator)
        if ind is None:
            raise InputError(f"requirement '{req.id}': unknown indicator '{req.indicator}'", file=path,
                             column=f"{where}.indicator", hint="see `lca methods` for the indicator ids")
        if req.grade_table is not None:
            _check_grades(req, ind, known, path, where)
        if ind.kind not in STAGE_SCOPED and ind.of is None and req.stage != "total":
            raise InputError(f"requirement '{req.id}': indicator '{ind.id}' ({ind.kind}) is a whole-product "
                             f"value; its stage must be 'total', not '{req.stage}'", file=path,
                             column=f"{where}.stage")
        if ind.check_unit is None:
            if req.unit != ind.unit:
                raise InputError(f"requirement '{req.id}': unit '{req.unit}' does not match indicator "
                                 f"'{ind.id}' (unit '{ind.unit}', which must be used verbatim)", file=path,
                                 column=f"{where}.unit")
            continue
        try:
            units.factor(req.unit, ind.check_unit)
        except InputError as exc:
            raise InputError(f"requirement '{req.id}': {exc.message}", file=path, column=f"{where}.unit",
                             hint=f"indicator '{ind.id}' is in {ind.unit}") from None


def load_spec(path: str | Path) -> Spec:
    """Read and validate a specification; InputError names the file and the field."""
    path = Path(path)
    if not path.is_file():
        raise InputError("specification not found", file=path, hint="see `lca specs` for the shipped ones")
    try:
        raw = yaml_strict.load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"is not valid UTF-8 YAML: {exc}", file=path) from None
    if not isinstance(raw, dict):
        raise InputError("must be a YAML mapping (id, version, standard, ...)", file=path)
    try:
        spec = Spec.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in err["loc"]).lstrip(".")
        msg = "value is missing" if err["type"] == "missing" else err["msg"]
        raise InputError(f"field '{field}': {msg}", file=path, column=field or None) from None
    spec._folder = path.parent
    _check_declared(spec, path)
    _check_indicators(spec, path)
    return spec


def shipped() -> list[tuple[Path, Spec]]:
    """The specifications shipped in product_specs/, by file name."""
    return [(p, load_spec(p)) for p in sorted(resources.specs_dir().glob("*.yaml"))]


def find(text: str | Path) -> tuple[Path, Spec]:
    """A specification by file path, or by the id of a shipped one."""
    path = Path(text)
    if path.is_file() or path.suffix in (".yaml", ".yml"):
        return path, load_spec(path)
    for p, spec in shipped():
        if spec.id == str(text):
            return p, spec
    raise InputError(f"no specification file or shipped specification id '{text}'",
                     hint="give a YAML file or an id from `lca specs`")
