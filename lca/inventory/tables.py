"""CSV / XLSX tables as rows of strings with their spreadsheet row numbers (header = row 1)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from lca.core.errors import InputError

# Header spellings people use -> canonical column names (English and Chinese).
ALIASES = {
    "component": "component", "component_id": "component", "部件": "component", "组件": "component",
    "零部件": "component", "parent": "parent", "上级部件": "parent", "父部件": "parent",
    "link": "link", "process": "link", "material": "link", "material_or_process": "link",
    "材料": "link", "过程": "link", "关联过程": "link",
    "amount": "amount", "quantity": "amount", "数量": "amount", "用量": "amount",
    "unit": "unit", "单位": "unit", "stage": "stage", "阶段": "stage", "生命周期阶段": "stage",
    "recycled_content": "recycled_content", "再生料含量": "recycled_content", "回收料含量": "recycled_content",
    "notes": "notes", "note": "notes", "备注": "notes", "说明": "notes",
    "flow": "flow", "物质流": "flow", "compartment": "compartment", "环境介质": "compartment",
    "share": "share", "比例": "share", "applies_to": "applies_to", "适用于": "applies_to",
    "id": "id",
    "uncertainty": "uncertainty", "distribution": "uncertainty", "不确定性": "uncertainty", "分布": "uncertainty",
    "gsd2": "gsd2", "sd": "sd", "标准差": "sd", "minimum": "minimum", "min": "minimum", "最小值": "minimum",
    "maximum": "maximum", "max": "maximum", "最大值": "maximum",
    "uncertainty_source": "uncertainty_source", "不确定性来源": "uncertainty_source",
}


@dataclass(frozen=True)
class Row:
    number: int  # spreadsheet row number (header is row 1)
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    path: Path
    columns: list[str]
    rows: list[Row]

    def require(self, *names: str) -> None:
        missing = [n for n in names if n not in self.columns]
        if missing:
            raise InputError(
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)}",
                file=self.path, row=1, hint=f"the header row has {', '.join(self.columns) or 'no columns'}",
            )


def canonical(name: str) -> str:
    key = name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def decode(path: Path, raw: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot be read as {encoding}: {exc}", file=path) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        guess = ""
        try:
            raw.decode("gb18030")
            guess = " It looks GBK/GB18030-encoded (Chinese Windows default)."
        except UnicodeDecodeError:
            pass
        raise InputError(
            f"is not UTF-8 text (byte {exc.start}).{guess}", file=path, row=row,
            hint="save it as 'CSV UTF-8', or declare the encoding with `encoding: gbk` in the manifest",
        ) from exc


def _from_records(path: Path, records: list[list[str]]) -> Table:
    if not records:
        raise InputError("is empty: no header row", file=path)
    header = [canonical(str(h)) for h in records[0]]
    named = [h for h in header if h]
    dupes = sorted({h for h in named if named.count(h) > 1})
    if dupes:
        raise InputError(f"column {dupes[0]!r} appears twice in the header", file=path, row=1)
    rows = []
    for i, rec in enumerate(records[1:], start=2):
        cells = {h: ("" if v is None else str(v)).strip() for h, v in zip(header, rec) if h}
        if any(cells.values()):
            rows.append(Row(i, cells))
    return Table(path, named, rows)


def read_table(path: Path, encoding: str | None = None) -> Table:
    """Read a CSV (UTF-8 with or without BOM, or the declared encoding) or an XLSX first sheet."""
    if not path.is_file():
        raise InputError("file not found", file=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for broken files
            raise InputError(f"cannot be opened as an Excel workbook: {exc}", file=path) from exc
        ws = wb.worksheets[0]
        records = [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]
        wb.close()
        return _from_records(path, [[_cell(v) for v in r] for r in records])
    if suffix in (".csv", ".txt"):
        text = decode(path, path.read_bytes(), encoding)
        return _from_records(path, list(csv.reader(io.StringIO(text))))
    raise InputError(f"unsupported table type '{suffix}'", file=path, hint="use .csv or .xlsx")


def _cell(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return repr(v)
    return str(v)
