"""`lca spec export` and `lca spec template`: a specification as the tables a standard prints (XLSX),
in the layout `lca spec import` reads back, with Chinese / English headers and drop-down lists."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from lca.assess import thresholds
from lca.assess.spec_tables import GROUP_NAMES, META
from lca.assess.specs import Spec
from lca.core.errors import InputError
from lca.core.files import atomic_write
from lca.core.stages import STAGE_NAMES, STAGES
from lca.engine.methods import registry

BASIC = [("编号", "id"), ("要求", "requirement"), ("要求（英文）", "requirement (en)"), ("判定依据", "evidence"),
         ("条款", "clause")]
INDICATORS = [("编号", "id"), ("一级指标", "group"), ("二级指标", "indicator"), ("单位", "unit"),
              ("基准值", "threshold"), ("判定依据", "basis"), ("所属阶段", "stage"), ("条款", "clause"),
              ("原文", "quote"), ("等级表", "grade table"), ("比较", "operator"),
              ("检验容差（%）", "inspection tolerance (%)")]
DECLARED = [("编号", "id"), ("中文名称", "name_zh"), ("英文名称", "name_en"), ("单位", "unit"), ("一级指标", "group"),
            ("来源", "source")]
SHEET_NAMES = {"meta": "规范信息 spec", "basic": "基本要求 basic", "indicators": "评价指标要求 indicators",
               "declared": "申报指标 declared"}


def _sheet(wb: Workbook, title: str, header: list[tuple[str, str]], rows: list[list]):
    ws = wb.create_sheet(title)
    ws.append([f"{zh} / {en}" for zh, en in header])
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for col, (zh, en) in zip(ws.columns, header):
        ws.column_dimensions[col[0].column_letter].width = max(12, len(zh) * 2 + len(en) + 4)
    return ws


def _meta_rows(spec: Spec) -> list[list]:
    d = spec.model_dump(mode="json")
    rows = []
    for key in META:
        top, _, sub = key.partition(".")
        v = d[top][sub] if sub else d[top]
        for x in (v if isinstance(v, list) else [v]):
            if x is not None:
                rows.append([key, str(x).lower() if isinstance(x, bool) else x])
    return rows


def _indicator_rows(spec: Spec) -> list[list]:
    rows = []
    for r in spec.indicator_requirements:
        cell = f"等级 {r.grade}" if r.grade_table else thresholds.write(r.operator, r.threshold)
        rows.append([r.id, f"{GROUP_NAMES[r.group]} / {r.group}", r.indicator, r.unit, cell, r.basis or "",
                     r.stage, r.clause, r.quote, r.grade_table or "", r.operator if r.grade_table else "",
                     "" if r.inspection_tolerance_pct is None else r.inspection_tolerance_pct])
    return rows


def _write(wb: Workbook, out: Path) -> None:
    if out.suffix.lower() != ".xlsx":
        raise InputError("must be .xlsx", file=out)
    wb.remove(wb.worksheets[0])
    atomic_write(out, lambda p: wb.save(p))


def export(spec: Spec, out: str | Path) -> None:
    """Write the spec's metadata, basic and indicator requirements and declared indicators as sheets."""
    wb = Workbook()
    _sheet(wb, SHEET_NAMES["meta"], [("项目", "key"), ("内容", "value")], _meta_rows(spec))
    _sheet(wb, SHEET_NAMES["basic"], BASIC, [[b.id, b.text_zh, b.text_en, b.evidence, b.clause]
                                             for b in spec.basic_requirements])
    _sheet(wb, SHEET_NAMES["indicators"], INDICATORS, _indicator_rows(spec))
    _sheet(wb, SHEET_NAMES["declared"], DECLARED, [[i.id, i.name_zh, i.name_en, i.unit, i.group, i.source]
                                                   for i in spec.declared_indicators])
    _write(wb, Path(out))


def _dropdown(ws, lists, column: str, values: list[str], col: int) -> None:
    """A drop-down list on one column of the requirement sheet, its values kept in the hidden sheet."""
    for k, v in enumerate(values, start=1):
        lists.cell(row=k, column=col, value=v)
    letter = lists.cell(row=1, column=col).column_letter
    dv = DataValidation(type="list", formula1=f"'{lists.title}'!${letter}$1:${letter}${len(values)}",
                        allow_blank=True)
    ws.add_data_validation(dv)
    dv.add(f"{column}2:{column}1000")


def template(category: str, out: str | Path) -> None:
    """An empty requirement table for a category: metadata to fill, both requirement sheets with
    drop-down lists of the four attribute groups, the life-cycle stages and the known indicators."""
    wb = Workbook()
    _sheet(wb, SHEET_NAMES["meta"], [("项目", "key"), ("内容", "value")],
           [[k, category if k == "category" else ""] for k in META if k not in ("report_items", "notes")])
    _sheet(wb, SHEET_NAMES["basic"], BASIC, [])
    ws = _sheet(wb, SHEET_NAMES["indicators"], INDICATORS, [])
    _sheet(wb, SHEET_NAMES["declared"], DECLARED, [])
    lists = wb.create_sheet("lists")
    lists.sheet_state = "hidden"
    _dropdown(ws, lists, "B", [f"{zh} / {en}" for en, zh in GROUP_NAMES.items()], 1)
    _dropdown(ws, lists, "C", sorted(registry()), 2)
    _dropdown(ws, lists, "G", [f"{STAGE_NAMES['zh'][s]} / {s}" for s in (*STAGES, "total")], 3)
    _write(wb, Path(out))
