"""The registry as one table (a row per evaluation and requirement) written to Parquet or Excel."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lca.core.errors import InputError
from lca.core.files import atomic_write
from lca.registry.models import Evaluation, Requirement

TYPES = (".parquet", ".xlsx")
COLUMNS = ("id", "product_id", "product_name", "manufacturer", "category", "spec_id", "spec_version", "verdict",
           "status", "input_hash", "background_data_version", "indicator_set", "indicator_set_version",
           "software_version", "evaluator", "created_at", "updated_at", "exempt_until")


def table(sessions: sessionmaker[Session]) -> pd.DataFrame:
    """Every evaluation with each of its requirement outcomes (an evaluation without any keeps one row)."""
    req_cols = ("requirement", "kind", "indicator", "stage", "operator", "threshold", "unit", "value",
                "margin_pct", "status")
    with sessions() as s:
        evs = s.execute(select(*(getattr(Evaluation, c) for c in COLUMNS))).all()
        reqs = s.execute(select(Requirement.evaluation_id, *(getattr(Requirement, c) for c in req_cols))
                         .order_by(Requirement.evaluation_id, Requirement.position)).all()
    left = pd.DataFrame(evs, columns=list(COLUMNS))
    right = pd.DataFrame(reqs, columns=["id", *(f"requirement_{c}" if c in ("kind", "status", "value", "unit")
                                               else c for c in req_cols)])
    return left.merge(right, on="id", how="left").sort_values(["id"], kind="stable").reset_index(drop=True)


def write(sessions: sessionmaker[Session], path: str | Path) -> pd.DataFrame:
    """Write the registry table to .parquet or .xlsx (atomically); the table written."""
    path = Path(path)
    if path.suffix.lower() not in TYPES:
        raise InputError(f"cannot export to '{path.suffix}'", file=path, hint=f"use one of {', '.join(TYPES)}")
    df = table(sessions)
    if path.suffix.lower() == ".parquet":
        atomic_write(path, lambda p: df.to_parquet(p, index=False))
    else:
        atomic_write(path, lambda p: df.to_excel(p, index=False, sheet_name="evaluations"))
    return df
