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
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

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
    process: np.ndarray  # int32 (int64 from variations) background process column per line
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


def row_label(path: str | Path, index: int) -> int:
    """Spreadsheet-style row number for CSV/XLSX (header is row 1); record number for Parquet."""
    return index + (1 if str(path).lower().endswith(".parquet") else 2)


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
    """The raw table with canonical column names (pandas; the screening path reads Arrow, `read_table`)."""
    df = read_dataframe(path, "catalogue", {"product": str, "link": str, "unit": str},
                        dtype={"product": str, "link": str, "unit": str, "stage": str, "category": str},
                        keep_default_na=False, na_values={"amount": [""], "recycled_content": [""]})
    df.columns = [canonical(str(c)) for c in df.columns]
    _check_columns(list(df.columns), len(df), path)
    return df


def read_table(path: str | Path, filesystem=None) -> pa.Table:
    """The raw table as Arrow with canonical column names: Parquet (a file, or a partition on any
    fsspec `filesystem`) read column-wise without pandas; CSV and XLSX through `read_frame`."""
    if filesystem is None and Path(path).suffix.lower() != ".parquet":
        return pa.Table.from_pandas(read_frame(Path(path)), preserve_index=False)
    if filesystem is None and not Path(path).is_file():
        raise InputError("catalogue file not found", file=path)
    try:
        table = pq.read_table(path, filesystem=filesystem)
    except Exception as exc:  # pyarrow / fsspec errors: unreadable or not Parquet
        raise InputError(f"cannot be read: {exc}", file=path) from exc
    table = table.rename_columns([canonical(str(c)) for c in table.column_names])
    _check_columns(table.column_names, table.num_rows, path)
    return table


def _check_columns(columns: list[str], rows: int, path: str | Path) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}",
                         file=path, row=1, hint=f"a catalogue needs {', '.join(REQUIRED)}")
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise InputError(f"unknown column '{unknown[0]}'", file=path, row=1, column=unknown[0],
                         hint=f"allowed columns: {', '.join(REQUIRED + OPTIONAL)}")
    if rows == 0:
        raise InputError("catalogue has no rows", file=path)


def _codes(col: pa.ChunkedArray, missing: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and sorted unique stripped string values of a column; work on its dictionary, not rows."""
    if pa.types.is_dictionary(col.type) and sum(len(c.dictionary) for c in col.chunks) > len(col) // 4:
        col = col.cast(col.type.value_type)  # e.g. a pandas Categorical repeats all ids in every row group
    if pa.types.is_dictionary(col.type):
        col = col.unify_dictionaries()
    else:  # one dictionary shared by all chunks
        col = pc.dictionary_encode(col if pa.types.is_string(col.type) else col.cast(pa.string()))
    dictionary = col.chunk(0).dictionary if col.num_chunks else pa.array([], pa.string())
    values = pa.concat_arrays([pc.utf8_trim_whitespace(dictionary.cast(pa.string())), pa.array([missing])])
    uniq = pc.unique(values)
    uniq = uniq.take(pc.array_sort_indices(uniq))
    remap = pc.index_in(values, value_set=uniq).to_numpy()  # dictionary entry (then `missing`) -> uniq
    indices = np.concatenate([(c.indices.fill_null(len(dictionary)) if c.null_count else c.indices).to_numpy()
                              for c in col.chunks])
    used = np.unique(remap[np.bincount(indices, minlength=len(values)) > 0])  # drop values that never occur
    lookup = np.full(len(uniq), -1, dtype=np.int64)
    lookup[used] = np.arange(len(used))
    mapping = lookup[remap]
    identity = np.array_equal(mapping, np.arange(len(mapping)))
    return (indices if identity else mapping[indices]), uniq.to_numpy(zero_copy_only=False)[used]


def _runs(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes of a column whose equal values are contiguous and ascend (how catalogues usually list
    their products): one pass of string comparisons instead of hashing every line. None otherwise."""
    if len(col) < 2 or col.null_count or not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return None
    change = np.concatenate([[True], pc.not_equal(col.slice(1), col.slice(0, len(col) - 1)).to_numpy()])
    starts = np.flatnonzero(change)
    heads = pc.utf8_trim_whitespace(col.take(starts))
    if len(heads) > 1 and not pc.all(pc.greater(heads.slice(1), heads.slice(0, len(heads) - 1))).as_py():
        return None  # a product listed twice apart, unsorted ids, or ids equal once stripped
    return np.cumsum(change) - 1, heads.to_numpy(zero_copy_only=False).astype(object)


def _factor_or_nan(unit: str, target: str, otherwise: float = np.nan) -> float:
    """units.factor, or `otherwise` where the units do not convert (only an error where a row needs it)."""
    try:
        return units.factor(unit, target)
    except InputError:
        return otherwise


def _floats(col: pa.ChunkedArray) -> np.ndarray:
    """A numeric column as float64 (NaN where missing or not a number); text goes through pandas."""
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        return pc.fill_null(col.cast(pa.float64()), np.nan).to_numpy()
    return pd.to_numeric(col.to_pandas(), errors="coerce").to_numpy(dtype=float)


def first_bad(path: str | Path, mask: np.ndarray, column: str, message: str, hint: str | None = None) -> None:
    if mask.any():
        i = int(np.flatnonzero(mask)[0])
        raise InputError(message, file=path, row=row_label(path, i), column=column, hint=hint)


def validate(table: pa.Table, path: str | Path, bg: Background) -> Lines:
    """Check every row against the background and convert amounts to the linked process's unit."""
    n = table.num_rows
    # product ids
    prod_code, prod_ids = _runs(table["product"]) or _codes(table["product"])
    table = table.drop_columns(["product"])  # each column is let go once coded: a smaller peak is faster too
    if "" in prod_ids:
        first_bad(path, prod_ids[prod_code] == "", "product", "product id is missing")
    # amounts
    amount = _floats(table["amount"])
    first_bad(path, ~np.isfinite(amount), "amount", "amount is not a finite number")
    # stages
    if "stage" in table.column_names:
        st_code, st_vals = _codes(table["stage"], missing="raw_materials")
        lookup = []
        for j, v in enumerate(st_vals):
            key = (v or "raw_materials").lower().replace(" ", "_").replace("-", "_")
            if key not in STAGE_ALIASES:
                first_bad(path, st_code == j, "stage", f"unknown stage '{v}'", f"use one of {', '.join(STAGES)}")
            lookup.append(STAGES.index(STAGE_ALIASES[key]))
        stage = np.asarray(lookup, dtype=np.int8)[st_code]
        table = table.drop_columns(["stage"])
    else:
        stage = np.zeros(n, dtype=np.int8)
    eol = stage == STAGES.index("end_of_life")
    first_bad(path, (amount < 0) & ~eol, "amount", "negative amount is not allowed (only end-of-life credits)")
    # links
    link_code, link_vals = _codes(table["link"])
    proc_of_link = np.empty(len(link_vals), dtype=np.int32)
    for j, v in enumerate(link_vals):
        if v not in bg.process_index:
            first_bad(path, link_code == j, "link", f"unknown process '{v}'", "run `lca processes` for the list")
        proc_of_link[j] = bg.process_index[v]
    process = proc_of_link[link_code]
    # units: one conversion factor per (unit, target unit) pair; a pair that cannot convert is an
    # error only on the rows that use it
    unit_code, unit_vals = _codes(table["unit"])
    table = table.drop_columns(["link", "unit", "amount"])
    targets, target_of_link = np.unique([bg.process_unit[p] for p in proc_of_link], return_inverse=True)
    table_uf = np.array([[_factor_or_nan(u, t) for t in targets] for u in unit_vals]).reshape(len(unit_vals), -1)
    factor = table_uf[:, target_of_link][unit_code, link_code]
    if np.isnan(factor).any():
        i = int(np.flatnonzero(np.isnan(factor))[0])
        try:
            units.factor(unit_vals[unit_code[i]], targets[target_of_link[link_code[i]]])
        except InputError as exc:
            raise exc.located(file=path, row=row_label(path, i), column="unit") from None
    converted = factor
    converted *= amount
    line_kg = np.array([_factor_or_nan(u, "kg", 0.0) for u in unit_vals])[unit_code]
    line_kg *= amount
    del factor, amount, link_code, unit_code
    mass_kg = np.bincount(prod_code, weights=line_kg, minlength=len(prod_ids))
    line_kg[stage == STAGES.index("distribution")] = 0.0  # packaging: not part of the product's own mass
    product_mass_kg = np.bincount(prod_code, weights=line_kg, minlength=len(prod_ids))
    del line_kg
    # recycled content: split onto the recycled twin where the background has one
    if "recycled_content" in table.column_names:
        given = table["recycled_content"].to_pandas().astype(str)
        rc = pd.to_numeric(given.str.rstrip("%").replace({"": "0", "nan": "0", "None": "0"}),
                           errors="coerce").to_numpy(dtype=float)
        pct = given.str.endswith("%").to_numpy()
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
    if "category" in table.column_names:
        cat_code, cat_vals = _codes(table["category"])
        per_product = np.zeros(len(prod_ids), dtype=np.int64)
        per_product[prod_code[:n]] = cat_code
        categories = cat_vals[per_product]
    order = slice(None) if np.all(prod_code[1:] >= prod_code[:-1]) else np.argsort(prod_code, kind="stable")
    return Lines(prod_ids.astype(object), categories, prod_code[order].astype(np.int64, copy=False), process[order],
                 stage[order], converted[order], mass_kg, product_mass_kg)


def read_catalogue(path: str | Path, bg: Background) -> Lines:
    """Read and validate a catalogue; nothing is computed or written before it passes."""
    return validate(read_table(path), path, bg)
