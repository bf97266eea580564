"""`lca spec import`: a standard's requirement tables (XLSX or CSV, Chinese or English headers) into a spec.

Sheets (or a `type` column in one table): 基本要求 / basic (id, 要求, 判定依据, 条款) and 评价指标要求 /
indicators (一级指标, 二级指标 or 指标名称, 单位, 基准值 or 要求, 判定依据, 所属阶段, 条款, 原文, 等级表,
检验容差（%） — a requirement's own inspection tolerance; the spec's is a metadata key).
A workbook written by `lca spec export` also holds 规范信息 / spec (the metadata) and 申报指标 /
declared (indicators the product declares). Each indicator row maps to a known indicator (id, Chinese
or English name), to a declared value (判定依据 names a declaration or test report), to a grade
table (`不低于 2 级`, `符合 GB 21455 中 1 级`), or to an evidence requirement (`符合 ...`); anything else
is an input error naming the row and column, with the closest known names.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd

from lca.assess import thresholds
from lca.assess.grades import shipped_tables
from lca.core import units
from lca.core.errors import InputError
from lca.core.stages import STAGE_ALIASES, STAGE_NAMES
from lca.engine.methods import Indicator, registry

# canonical column -> accepted headers (compared case-insensitively, each part of "中文 / english")
COLUMNS = {
    "type": ("类型", "type", "要求类型"), "id": ("编号", "id", "序号"),
    "group": ("一级指标", "group", "指标类别"), "indicator": ("二级指标", "指标名称", "indicator", "indicator name"),
    "unit": ("单位", "unit"), "threshold": ("基准值", "threshold", "基准值/要求"),
    "requirement": ("要求", "requirement"), "requirement_en": ("要求（英文）", "requirement (en)"),
    "basis": ("判定依据", "basis", "evidence"), "stage": ("所属阶段", "生命周期阶段", "stage", "life-cycle stage"),
    "clause": ("条款", "clause"), "quote": ("原文", "quote"), "grade_table": ("等级表", "grade table"),
    "name_zh": ("中文名称", "name_zh"), "name_en": ("英文名称", "name_en"), "source": ("来源", "source"),
    "key": ("项目", "key"), "value": ("内容", "value"), "operator": ("比较", "operator"),
    "tolerance": ("检验容差（%）", "检验容差", "inspection tolerance (%)", "inspection_tolerance_pct"),
}
GROUPS = {"资源属性": "resource", "能源属性": "energy", "环境属性": "environment", "产品属性": "product",
          "品质属性": "product", "resource": "resource", "energy": "energy", "environment": "environment",
          "product": "product"}
GROUP_NAMES = {"resource": "资源属性", "energy": "能源属性", "environment": "环境属性", "product": "产品属性"}
STAGES = {**STAGE_ALIASES, **{v: k for k, v in STAGE_NAMES["zh"].items()}, "total": "total", "全生命周期": "total",
          "产品": "total", "": "total"}
SHEETS = {"meta": ("规范信息", "spec"), "basic": ("基本要求", "basic"), "indicators": ("评价指标", "indicator"),
          "declared": ("申报指标", "declared")}
DECLARED = ("申报", "声明", "检测报告", "测试报告", "检验报告", "declared", "declaration", "test report")


def _cell(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


def _parts(text: str) -> list[str]:
    return [p.strip().lower() for p in re.split(r"\s*/\s*|\n", text) if p.strip()] + [text.strip().lower()]


def _columns(df: pd.DataFrame, file: Path, sheet: str) -> pd.DataFrame:
    """Rename headers to canonical names; an unknown header is an input error with the closest ones."""
    names = {}
    for h in df.columns:
        canon = next((c for c, alias in COLUMNS.items() if {a.lower() for a in alias} & set(_parts(str(h)))), None)
        if canon is None:
            close = difflib.get_close_matches(str(h), [a for al in COLUMNS.values() for a in al], n=3, cutoff=0.3)
            raise InputError(f"unknown column '{h}' in sheet '{sheet}'", file=file, column=str(h),
                             hint=f"closest known: {', '.join(close)}" if close else "see `lca spec template`")
        names[h] = canon
    return df.rename(columns=names)


def _sheets(path: Path) -> dict[str, pd.DataFrame]:
    """The sheets by role (meta, basic, indicators, declared); a CSV is one table with a `type` column."""
    if not path.is_file():
        raise InputError("table not found", file=path)
    if path.suffix.lower() == ".csv":
        df = _columns(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"), path, path.name)
        return _split_by_type(df, path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError("must be .xlsx or .csv", file=path)
    out: dict[str, pd.DataFrame] = {}
    for name, df in pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False).items():
        role = next((r for r, keys in SHEETS.items() if any(k in name.lower() for k in keys)), None)
        if role is None:
            continue  # e.g. the template's hidden drop-down lists
        df = _columns(df, path, name)
        if role == "indicators" and "type" in df.columns:
            out.update(_split_by_type(df, path))
        else:
            out[role] = df.assign(_sheet=name)
    if not out:
        raise InputError("has no sheet named 基本要求 / basic or 评价指标要求 / indicators", file=path)
    return out


def _split_by_type(df: pd.DataFrame, path: Path) -> dict[str, pd.DataFrame]:
    df = df.assign(_sheet=path.name)
    if "type" not in df.columns:
        return {"indicators": df}
    kind = df["type"].map(lambda t: "basic" if ("基本" in t or "basic" in t.lower()) else "indicators")
    return {k: df[kind == k] for k in ("basic", "indicators") if (kind == k).any()}


class _Reader:
    """One table being read: where each value came from, for messages that name file, row and column."""

    def __init__(self, path: Path, declared: list[Indicator]):
        self.path = path
        self.known = {**registry(), **{i.id: i for i in declared}}
        self.declared = list(declared)
        self.names = {}
        for ind in self.known.values():
            for n in (ind.id, ind.name_zh, ind.name_en):
                self.names.setdefault(n.strip().lower(), ind.id)
        self.tables = shipped_tables()
        self.notes: list[str] = []

    def error(self, msg: str, row: pd.Series, column: str, hint: str | None = None) -> InputError:
        return InputError(msg, file=self.path, row=int(row.name) + 2, column=f"{row['_sheet']}: {column}", hint=hint)

    def indicator(self, row: pd.Series, rid: str, basis: str) -> Indicator:
        name = _cell(row.get("indicator"))
        hit = self.names.get(name.lower())
        if hit:
            return self.known[hit]
        if any(w in basis.lower() for w in DECLARED):  # a value the product declares with a document
            unit = _cell(row.get("unit")) or "dimensionless"
            group = GROUPS.get(_cell(row.get("group")).split("/")[0].strip(), "product")
            ind = Indicator(id=rid, name_zh=name, name_en=name, unit=unit, group=group, kind="declared",
                            source=f"declared by the manufacturer: {basis}")
            self.declared.append(ind)
            self.known[rid] = ind
            return ind
        close = difflib.get_close_matches(name, list(self.names), n=3, cutoff=0.3)
        raise self.error(f"unknown indicator '{name}'", row, "二级指标 / indicator",
                         hint=(f"closest known: {', '.join(close)}; " if close else "")
                         + "or mark 判定依据 as a declaration / test report to make it a declared value")

    def grade_table(self, row: pd.Series, ind: Indicator, t: thresholds.Threshold) -> str | None:
        named = _cell(row.get("grade_table"))
        if named:
            return named
        std = (t.standard or "").replace(" ", "").lower()
        match = [g for g in self.tables if g.indicator == ind.id and std and g.standard.replace(" ", "").lower()
                 .startswith(std.split("-")[0])]
        return match[0].id if match else None


def _requirements(path: Path, sheets: dict[str, pd.DataFrame], declared: list[Indicator]
                  ) -> tuple[list[dict], list[dict], list[Indicator], list[str]]:
    """Basic and indicator requirements (as spec dicts), the declared indicators, and notes on skipped rows."""
    r = _Reader(path, declared)
    basic, reqs = [], []
    for _, row in sheets.get("basic", pd.DataFrame()).iterrows():
        rid = _cell(row.get("id")) or f"b{int(row.name) + 2}"
        text = _cell(row.get("requirement")) or _cell(row.get("threshold")) or _cell(row.get("indicator"))
        if not text:
            raise r.error("the requirement text is empty", row, "要求 / requirement")
        basic.append({"id": rid, "text_zh": text, "text_en": _cell(row.get("requirement_en")) or text,
                      "clause": _cell(row.get("clause")) or "not stated in the table",
                      "evidence": _cell(row.get("basis")) or "document proving the requirement"})
    for _, row in sheets.get("indicators", pd.DataFrame()).iterrows():
        rid = _cell(row.get("id")) or f"r{int(row.name) + 2}"
        cell = _cell(row.get("threshold")) or _cell(row.get("requirement"))
        try:
            t = thresholds.parse(cell)
        except ValueError as exc:
            raise r.error(str(exc), row, "基准值 / threshold") from None
        basis = _cell(row.get("basis"))
        clause = _cell(row.get("clause")) or "not stated in the table"
        if t.kind == "none":
            r.notes.append(f"row {int(row.name) + 2} ({_cell(row.get('indicator'))}): no requirement ('{cell}')")
            continue
        known = r.known.get(r.names.get(_cell(row.get("indicator")).lower(), ""))
        table = r.grade_table(row, known, t) if t.kind == "grade" and known else None
        if t.kind == "evidence" or (t.kind == "grade" and table is None):  # a statement a document proves
            name = _cell(row.get("indicator"))
            basic.append({"id": rid, "text_zh": f"{name}：{cell}", "text_en": f"{known.name_en if known else name}: "
                          f"{cell}", "clause": clause, "evidence": basis or "document proving the requirement"})
            continue
        ind = r.indicator(row, rid, basis)
        stage_text = _cell(row.get("stage")).split("/")[0].strip()
        stage = STAGES.get(stage_text.lower(), STAGES.get(stage_text))
        if stage is None:
            raise r.error(f"unknown life-cycle stage '{stage_text}'", row, "所属阶段 / stage",
                          hint=f"one of {', '.join(STAGE_NAMES['zh'].values())} (or {', '.join(STAGE_NAMES['en'])})")
        unit = _cell(row.get("unit")) or t.unit or ind.unit
        if ind.check_unit is not None:
            try:
                units.factor(unit, ind.check_unit)
            except InputError as exc:
                raise r.error(f"{exc.message} (indicator '{ind.id}' is in {ind.unit})", row, "单位 / unit") from None
        group = GROUPS.get(_cell(row.get("group")).split("/")[0].strip().lower(),
                           GROUPS.get(_cell(row.get("group")).split("/")[0].strip(), ind.group))
        base = {"indicator": ind.id, "stage": stage, "unit": unit, "group": group, "clause": clause,
                "quote": _cell(row.get("quote")) or f"{cell} ({path.name}, row {int(row.name) + 2})"}
        if basis:
            base["basis"] = basis
        tolerance = _tolerance(_cell(row.get("tolerance")), lambda msg: r.error(msg, row, TOLERANCE))
        if tolerance is not None:
            base["inspection_tolerance_pct"] = tolerance
        if t.kind == "grade":
            tab = next((g for g in r.tables if g.id == table), None)
            op = tab.operator if tab else thresholds.parse(_cell(row.get("operator")) + " 0").operator \
                if _cell(row.get("operator")) else ">="
            reqs.append({"id": rid, **base, "operator": op, "grade_table": table, "grade": t.grade})
        elif t.kind == "range":
            reqs += [{"id": f"{rid}.min", **base, "operator": ">=", "threshold": t.value},
                     {"id": f"{rid}.max", **base, "operator": "<=", "threshold": t.upper}]
        else:
            reqs.append({"id": rid, **base, "operator": t.operator, "threshold": t.value})
    return basic, reqs, r.declared, r.notes


TOLERANCE = "检验容差（%） / inspection tolerance (%)"


def _tolerance(cell: str, fail) -> float | None:
    """An inspection tolerance in % (blank: none stated); `fail(message)` makes the input error."""
    if not cell:
        return None
    try:
        value = float(cell.removesuffix("%"))
    except ValueError:
        raise fail(f"inspection tolerance '{cell}' is not a number (% of the declared value)") from None
    if not value >= 0 or value == float("inf"):
        raise fail(f"inspection tolerance '{cell}' is negative or not finite")
    return value


META = ("id", "version", "category", "title_zh", "title_en", "standard.number", "standard.year", "standard.title_zh",
        "standard.title_en", "standard.publisher", "standard.url", "scope", "functional_unit", "coverage", "complete",
        "inspection_tolerance_pct", "report_items", "notes")
LISTS = ("report_items", "notes")


def read_spec(path: str | Path, spec_id: str | None = None, standard: str | None = None,
              year: int | None = None) -> dict:
    """The specification (as a dict for `Spec`) a requirement table holds; options fill or override its
    metadata (a table from `lca spec export` carries its own in the 规范信息 / spec sheet)."""
    path = Path(path)
    sheets = _sheets(path)
    meta: dict[str, list[str]] = {}
    for _, row in sheets.get("meta", pd.DataFrame(columns=["key", "value"])).iterrows():
        meta.setdefault(_cell(row.get("key")), []).append(_cell(row.get("value")))
    declared = [Indicator(id=_cell(x.get("id")), name_zh=_cell(x.get("name_zh")), name_en=_cell(x.get("name_en")),
                          unit=_cell(x.get("unit")), group=GROUPS.get(_cell(x.get("group")), "product"),
                          kind="declared", source=_cell(x.get("source")))
                for _, x in sheets.get("declared", pd.DataFrame()).iterrows()]
    basic, reqs, declared, notes = _requirements(path, sheets, declared)
    one = {k: v[0] for k, v in meta.items() if k not in LISTS and v and v[0]}
    sid = spec_id or one.get("id")
    if not sid:
        raise InputError("the table names no specification id", file=path, hint="give --id")
    number = standard or one.get("standard.number") or sid
    unstated = f"not stated in the imported table {path.name}"
    try:
        std_year = year or int(float(one.get("standard.year", "")))
    except ValueError:
        raise InputError("the table names no year of the standard", file=path, hint="give --year") from None
    out = {"id": sid, "version": one.get("version", "1"), "category": one.get("category", sid),
           "title_zh": one.get("title_zh", number), "title_en": one.get("title_en", number),
           "standard": {"number": number, "year": std_year, "title_zh": one.get("standard.title_zh", number),
                        "title_en": one.get("standard.title_en") or None,
                        "publisher": one.get("standard.publisher", unstated),
                        "url": one.get("standard.url", f"imported from {path.name}")},
           "scope": one.get("scope", unstated), "functional_unit": one.get("functional_unit", unstated),
           "coverage": one.get("coverage", f"the requirements of {number} as entered in {path.name}; completeness "
                                           "not verified"),
           "complete": one.get("complete", "false").lower() in ("true", "yes", "1", "是"),
           "declared_indicators": [i.model_dump(exclude_defaults=True) | {"kind": "declared"} for i in declared],
           "basic_requirements": basic, "indicator_requirements": reqs,
           "report_items": [x for x in meta.get("report_items", []) if x],
           "notes": [x for x in meta.get("notes", []) if x] or notes}
    tolerance = _tolerance(one.get("inspection_tolerance_pct", ""), lambda msg: InputError(
        msg, file=path, column="规范信息 spec: inspection_tolerance_pct"))
    if tolerance is not None:
        out["inspection_tolerance_pct"] = tolerance
    if out["standard"]["title_en"] is None:
        del out["standard"]["title_en"]
    return out
