"""Catalogue and variant scores that would overflow float64 are refused before any is written.

One vectorised bound per product (`lca.inventory.finite`); on failure the product's source row
is found again in its table (the failure path only: the validated lines keep no row numbers).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lca.core.errors import InputError
from lca.inventory.finite import HINT, line_terms, overflowing, unit_bound
from lca.population.catalogue import Lines, read_dataframe, read_frame, row_label


def check_lines(lines: Lines, unit_scores: np.ndarray, catalogue: Path, variations: Path | None = None) -> None:
    """InputError naming the product, file, row and column whose amount makes its scores overflow."""
    terms = line_terms(lines.amount, unit_bound(unit_scores)[lines.process])
    bad = overflowing(terms, lines.product, lines.n_products, lines.mass_kg)
    if bad is None:
        return
    pid = str(lines.product_ids[bad])
    if variations is not None:
        _variant_row(Path(variations), pid)
    df = read_frame(catalogue)
    own = np.flatnonzero(df["product"].astype(str).str.strip().to_numpy() == pid)
    amounts = np.abs(pd.to_numeric(df["amount"].iloc[own], errors="coerce").to_numpy(dtype=float))
    i = int(own[np.nanargmax(amounts)]) if len(own) else None
    raise InputError(f"product '{pid}': amount too large", file=catalogue,
                     row=row_label(catalogue, i) if i is not None else None, column="amount", hint=HINT)


def _variant_row(path: Path, pid: str) -> None:
    """The variant's row, and its numeric cell of largest magnitude, as an InputError."""
    df = read_dataframe(path, "variations", str, dtype=str, keep_default_na=False).astype(str)
    df.columns = [str(c).strip() for c in df.columns]
    rows = np.flatnonzero(df["product"].str.strip().to_numpy() == pid)
    i = int(rows[0]) if len(rows) else None
    column = None
    if i is not None:
        cells = pd.to_numeric(df.iloc[i].drop("product"), errors="coerce").abs()
        column = str(cells.idxmax()) if cells.notna().any() else None
    raise InputError(f"variant '{pid}': a parameter is too large", file=path,
                     row=row_label(path, i) if i is not None else None, column=column, hint=HINT)
