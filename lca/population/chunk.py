"""One chunk of products scored into an Arrow table: stage scores, totals and verdicts per product.

Output columns: product, category, mass_kg, one column per indicator and stage ("gwp100.use")
plus "<indicator>.total"; with a spec its values, verdicts and the joint verdict.
"""
from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

from lca.core.stages import STAGES
from lca.engine.methods import IndicatorSet
from lca.population.batch import stage_major
from lca.population.batch_verdicts import BatchSpec
from lca.population.catalogue import Lines


def column_names(indicators: IndicatorSet) -> list[str]:
    return [f"{i.id}.{s}" for i in indicators.indicators for s in (*STAGES, "total")]


def chunk_table(lines: Lines, lam: np.ndarray, indicators: IndicatorSet, spec: BatchSpec | None = None) -> pa.Table:
    """Score one chunk of products into an Arrow table (runs on a dask worker or locally).

    With a spec: per requirement its value ("value.<id>") and verdict ("pass.<id>": true, false,
    or null when not computable), "indicators_pass" over the assessable requirements (null when
    there are none), and "verdict": fail when one fails, pass only when the spec is complete and
    every requirement was assessed and met, else incomplete. The spec's status rides in the
    schema metadata ("lca.spec") for `lca report-catalogue`.
    """
    scores = stage_major(lines, lam)  # stages × n × k: each column below is one strided copy
    totals = scores.sum(axis=0)
    cols = {"product": pa.array(lines.product_ids, pa.string()), "category": pa.array(lines.categories, pa.string()),
            "mass_kg": pa.array(lines.mass_kg)}
    for j, ind in enumerate(indicators.indicators):
        for s, stage in enumerate(STAGES):
            cols[f"{ind.id}.{stage}"] = pa.array(scores[s, :, j])
        cols[f"{ind.id}.total"] = pa.array(totals[:, j])
    if spec is not None:
        values = spec.values(lines)
        passes = spec.passes(values)
        for j, rid in enumerate(spec.ids):
            cols[f"value.{rid}"] = pa.array(values[:, j])
            cols[f"pass.{rid}"] = _bools(passes[:, j])
        fail = (passes == 0).any(axis=1)
        unknown = np.isnan(passes).any(axis=1) | (len(spec.ids) == 0)
        cols["indicators_pass"] = _bools(np.where(fail, 0.0, np.where(unknown, np.nan, 1.0)))
        cols["verdict"] = pa.array(np.where(fail, "fail", np.where(unknown | (not spec.certifiable),
                                                                   "incomplete", "pass")))
        meta = {"id": spec.spec_id, "status": spec.status, "assessed": spec.ids, "not_assessed": spec.not_assessed}
        return pa.table(cols).replace_schema_metadata({"lca.spec": json.dumps(meta, ensure_ascii=False)})
    return pa.table(cols)


def column_demand(lines: Lines, n_columns: int) -> dict[str, list]:
    """Σ |amount| per λ column over the chunk's lines, sparse (for the run's indicator coverage,
    lca.engine.coverage.catalogue_coverage); parts add up."""
    d = np.bincount(lines.process, weights=np.abs(lines.amount), minlength=n_columns)
    nz = np.flatnonzero(d)
    return {"index": nz.tolist(), "value": d[nz].tolist()}


def merged_demand(metas: list[dict], n_columns: int) -> np.ndarray | None:
    """The parts' column demand summed; None when a part (written by an older version) has none."""
    if not all("demand" in m for m in metas):
        return None
    d = np.zeros(n_columns)
    for m in metas:
        np.add.at(d, np.asarray(m["demand"]["index"], dtype=np.int64), m["demand"]["value"])
    return d


def _bools(x: np.ndarray) -> pa.Array:
    """1/0/NaN as a nullable boolean column."""
    return pa.array(x == 1, mask=np.isnan(x))
