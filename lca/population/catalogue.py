"""Product catalogues for screening: one table of BOM lines keyed by product id, read column-wise.

Columns: product, link, amount, unit, and optionally category, component, stage,
recycled_content (the BOM columns plus product and category). CSV (UTF-8), XLSX or Parquet.
Validation is vectorised: each check finds the first offending row and reports it.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lca.core import units
from lca.core.errors import InputError
from lca.core.stages import STAGE_ALIASES, STAGES
from lca.inventory.resolve import Catalogue as Background
from lca.inventory.tables import canonical, decode

REQUIRED = ("product", "link", "amount", "unit")
OPTIONAL = ("category", "component", "stage", "recycled_content", "notes")


@dataclass
class Lines:
    """Validated catalogue lines as arrays, sorted by product (one entry per demand line)."""

    product_ids: np.ndarray  # unique product ids (object array of str), index = product code
    categories: np.ndarray  # category per product ('' when not given)
    product: np.ndarray  # int64 product code per line
    process: np.ndarray  # int64 background process column per line
    stage: np.ndarray  # int8 stage index per line
    amount: np.ndarray  # float64, in the unit of the linked process
    mass_kg: np.ndarray  # float64 per product: sum of mass-unit lines (before recycled split)
    product_mass_kg: np.ndarray  # the same without packaging (lines in the distribution stage)

    @property
    def n_products(self) -> int:
        return len(self.product_ids)

    def take_products(self, start: int, stop: int) -> "Lines":
        """Lines of products [start, stop) with product codes rebased to 0."""
        lo, hi = np.searchsorted(self.product, [start, stop])
        return Lines(self.product_ids[start:stop], self.categories[start:stop], self.product[lo:hi] - start,
                     self.process[lo:hi], self.stage[lo:hi], self.amount[lo:hi], self.mass_kg[start:stop],
                     self.product_mass_kg[start:stop])


def row_label(path: Path, index: int) -> int:
    """Spreadsheet-style row number for CSV/XLSX (header is row 1); record number for Parquet."""
    return index + (1 if path.suffix.lower() == ".parquet" else 2)


def read_dataframe(path: Path, what: str, excel_dtype, **csv_options) -> pd.DataFrame:
    """A Parquet, XLSX (first sheet) or CSV table (UTF-8) as a DataFrame; unreadable is an input error."""
    if not path.is_file():
        raise InputError(f"{what} file not found", file=path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=excel_dtype, keep_default_na=excel_dtype is not str)
        if suffix in (".csv", ".txt"):
            return pd.read_csv(io.StringIO(decode(path, path.read_bytes(), None)), **csv_options)
    except Exception as exc:  # parser errors of pandas / pyarrow / openpyxl
        raise InputError(f"cannot be read: {exc}", file=path) from exc
    raise InputError(f"unsupported {what} type '{suffix}'", file=path, hint="use .parquet, .csv or .xlsx")


def read_frame(path: Path) -> pd.DataFrame:
    """The raw table with canonical column names."""
    df = read_dataframe(path, "catalogue", {"product": str, "link": str, "unit": str},
                        dtype={"product": str, "link": str, "unit": str, "stage": str, "category": str},
                        keep_default_na=False, na_values={"amount": [""], "recycled_content": [""]})
    df.columns = [canonical(str(c)) for c in df.columns]
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}",
                         file=path, row=1, hint=f"a catalogue needs {', '.join(REQUIRED)}")
    unknown = [c for c in df.columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise InputError(f"unknown column '{unknown[0]}'", file=path, row=1, column=unknown[0],
                         hint=f"allowed columns: {', '.join(REQUIRED + OPTIONAL)}")
    if df.empty:
        raise InputError("catalogue has no rows", file=path)
    return df


def _codes(series: pd.Series, missing: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and unique stripped string values of a column; work on categories, not rows."""
    cat = series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
    values = np.array([str(v).strip() for v in cat.cat.categories] + [missing], dtype=object)
    uniq, remap = np.unique(values, return_inverse=True)
    codes = cat.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(values) - 1  # NaN -> the `missing` value
    return _compact(remap[codes], len(uniq), uniq)


def _compact(codes: np.ndarray, size: int, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop values that never occur; O(n) through bincount instead of a sort."""
    used = np.flatnonzero(np.bincount(codes, minlength=size))
    lookup = np.full(size, -1, dtype=np.int64)
    lookup[used] = np.arange(len(used))
    return lookup[codes], values[used]


def first_bad(path: Path, mask: np.ndarray, column: str, message: str, hint: str | None = None) -> None:
    if mask.any():
        i = int(np.flatnonzero(mask)[0])
        raise InputError(message, file=path, row=row_label(path, i), column=column, hint=hint)


def validate(df: pd.DataFrame, path: Path, bg: Background) -> Lines:
    """Check every row against the background and convert amounts to the linked process's unit."""
    n = len(df)
    # product ids
    prod_code, prod_ids = _codes(df["product"])
    if "" in prod_ids:
        first_bad(path, prod_ids[prod_code] == "", "product", "product id is missing")
    # amounts
    amount = pd.to_numeric(df["amount"], errors="coerce").to_numpy(dtype=float)
    first_bad(path, ~np.isfinite(amount), "amount", "amount is not a finite number")
    # stages
    if "stage" in df.columns:
        st_code, st_vals = _codes(df["stage"], missing="raw_materials")
        lookup = []
        for j, v in enumerate(st_vals):
            key = (v or "raw_materials").lower().replace(" ", "_").replace("-", "_")
            if key not in STAGE_ALIASES:
                first_bad(path, st_code == j, "stage", f"unknown stage '{v}'", f"use one of {', '.join(STAGES)}")
            lookup.append(STAGES.index(STAGE_ALIASES[key]))
        stage = np.asarray(lookup, dtype=np.int8)[st_code]
    else:
        stage = np.zeros(n, dtype=np.int8)
    eol = stage == STAGES.index("end_of_life")
    first_bad(path, (amount < 0) & ~eol, "amount", "negative amount is not allowed (only end-of-life credits)")
    # links
    link_code, link_vals = _codes(df["link"])
    proc_of_link = np.empty(len(link_vals), dtype=np.int64)
    for j, v in enumerate(link_vals):
        if v not in bg.process_index:
            first_bad(path, link_code == j, "link", f"unknown process '{v}'", "run `lca processes` for the list")
        proc_of_link[j] = bg.process_index[v]
    process = proc_of_link[link_code]
    # units: one conversion factor per (unit, target unit) pair
    unit_code, unit_vals = _codes(df["unit"])
    pair = unit_code.astype(np.int64) * len(link_vals) + link_code
    size = len(unit_vals) * len(link_vals)
    inverse, uniq = _compact(pair, size, np.arange(size))
    factor = np.empty(len(uniq))
    kg = np.zeros(len(uniq))
    for j, p in enumerate(uniq):
        u, link = unit_vals[p // len(link_vals)], link_vals[p % len(link_vals)]
        target = bg.process_unit[bg.process_index[link]]
        try:
            factor[j] = units.factor(u, target)
            kg[j] = units.factor(u, "kg") if units.same_dimension(u, "kg") else 0.0
        except InputError as exc:
            raise exc.located(file=path, row=row_label(path, int(np.flatnonzero(inverse == j)[0])),
                              column="unit") from None
    converted = amount * factor[inverse]
    line_kg = amount * kg[inverse]
    mass_kg = np.bincount(prod_code, weights=line_kg, minlength=len(prod_ids))
    product_mass_kg = np.bincount(prod_code, weights=np.where(stage == STAGES.index("distribution"), 0.0, line_kg),
                                  minlength=len(prod_ids))
    # recycled content: split onto the recycled twin where the background has one
    if "recycled_content" in df.columns:
        rc = pd.to_numeric(df["recycled_content"].astype(str).str.rstrip("%").replace({"": "0", "nan": "0"}),
                           errors="coerce").to_numpy(dtype=float)
        pct = df["recycled_content"].astype(str).str.endswith("%").to_numpy()
        rc = np.where(pct, rc / 100, rc)
        first_bad(path, ~np.isfinite(rc) | (rc < 0) | (rc > 1), "recycled_content",
                   "recycled content must be a fraction between 0 and 1 (or a percentage)")
        twin = np.array([bg.process_index.get(bg.recycled_variant[p] or "", -1) for p in range(len(bg.process_unit))])
        split = (rc > 0) & (twin[process] >= 0)
        if split.any():
            idx = np.flatnonzero(split)
            tw = twin[process[idx]]
            tw_factor = np.array([units.factor(bg.process_unit[a], bg.process_unit[b])
                                  for a, b in zip(process[idx], tw)])
            extra_amount = converted[idx] * rc[idx] * tw_factor
            converted = converted.copy()
            converted[idx] *= 1 - rc[idx]
            prod_code = np.concatenate([prod_code, prod_code[idx]])
            process = np.concatenate([process, tw])
            stage = np.concatenate([stage, stage[idx]])
            converted = np.concatenate([converted, extra_amount])
    categories = np.full(len(prod_ids), "", dtype=object)
    if "category" in df.columns:
        cat_code, cat_vals = _codes(df["category"])
        categories[prod_code[:n]] = cat_vals[cat_code]
    order = slice(None) if np.all(prod_code[1:] >= prod_code[:-1]) else np.argsort(prod_code, kind="stable")
    return Lines(prod_ids.astype(object), categories, prod_code[order].astype(np.int64), process[order],
                 stage[order], converted[order], mass_kg, product_mass_kg)


def read_catalogue(path: str | Path, bg: Background) -> Lines:
    """Read and validate a catalogue; nothing is computed or written before it passes."""
    path = Path(path)
    return validate(read_frame(path), path, bg)
