"""What each result part says about itself, and the run summary merged from that alone.

A part's metadata (in its Parquet footer, key "lca.part") holds its row count, per indicator the
sum of totals, the five lowest products and a quantile sample (every value when the part has at
most SAMPLE products, else SAMPLE evenly spaced order statistics), and per requirement the pass
and known counts. The client merges these, never the parts' data: means, lowest products and
pass rates are exact; percentiles are exact when every part was sampled completely, else within
a rank error of 1/(SAMPLE-1) of the products, which the summary states.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lca.engine.methods import IndicatorSet

SAMPLE = 2001  # quantile sample points per part and indicator
LOWEST = 5
META_KEY = b"lca.part"
VERDICTS = ("pass", "fail", "incomplete")


@dataclass
class Summary:
    """What a screening run reports: counts, per-indicator distribution of totals, verdicts."""

    products: int
    chunks: int
    resumed_chunks: int
    output: str
    indicators: dict[str, dict[str, float]] = field(default_factory=dict)
    lowest: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    spec: str | None = None
    requirements: dict[str, dict[str, float]] = field(default_factory=dict)
    joint_pass_rate: float | None = None  # over the assessable requirements; None when there are none
    not_assessed: list[str] = field(default_factory=list)
    spec_status: str | None = None
    verdicts: dict[str, float] = field(default_factory=dict)  # share of products per verdict (pass/fail/incomplete)
    quantile_rank_error: float = 0.0  # 0: percentiles exact; else the bound on their rank error (share of products)
    coverage: dict[str, dict] = field(default_factory=dict)  # per indicator (lca.engine.coverage.catalogue_coverage)


def _lowest(col: np.ndarray, ids: np.ndarray) -> list[tuple[str, float]]:
    """The LOWEST smallest values with their ids, ties in row order, without sorting the whole column."""
    k = min(LOWEST, len(col))
    if k == 0:
        return []
    cand = np.flatnonzero(col <= np.partition(col, k - 1)[k - 1])
    cand = cand[np.argsort(col[cand], kind="stable")][:k]
    return [(str(ids[i]), float(col[i])) for i in cand]


def part_meta(table: pa.Table, indicators: IndicatorSet) -> dict:
    """The metadata of one result part (computed where the part is written)."""
    ids = table["product"].to_numpy(zero_copy_only=False)
    meta: dict = {"rows": table.num_rows, "indicators": {}, "requirements": {}, "verdicts": {}}
    for ind in indicators.indicators:
        col = table[f"{ind.id}.total"].to_numpy()
        srt = np.sort(col)
        sample = srt if len(srt) <= SAMPLE else srt[np.round(np.linspace(0, len(srt) - 1, SAMPLE)).astype(int)]
        meta["indicators"][ind.id] = {"sum": float(col.sum()), "sample": sample.tolist(), "lowest": _lowest(col, ids)}
    for name in table.column_names:
        if name.startswith("pass.") or name == "indicators_pass":
            col = table[name]
            meta["requirements"][name] = {"known": len(col) - col.null_count,
                                          "passed": int(pc.sum(col).as_py() or 0)}
    if "verdict" in table.column_names:
        values = table["verdict"].to_numpy(zero_copy_only=False)
        meta["verdicts"] = {v: int(np.count_nonzero(values == v)) for v in VERDICTS}
    return meta


def with_meta(table: pa.Table, meta: dict) -> pa.Table:
    """The table with its part metadata in the schema (written into the Parquet footer)."""
    return table.replace_schema_metadata({**(table.schema.metadata or {}), META_KEY: json.dumps(meta)})


def read_meta(schema: pa.Schema) -> dict:
    return json.loads(schema.metadata[META_KEY])


def _percentiles(metas: list[dict], ind: str, total: int) -> tuple[np.ndarray, bool]:
    """p5, median, p95 from the parts' samples; exact (as np.percentile) when every part gave all values."""
    samples = [np.asarray(m["indicators"][ind]["sample"]) for m in metas]
    values = np.concatenate(samples)
    if all(len(s) == m["rows"] for s, m in zip(samples, metas)):
        return np.percentile(values, [5, 50, 95]), True
    weights = np.concatenate([np.full(len(s), m["rows"] / len(s)) for s, m in zip(samples, metas)])
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    at = np.minimum(np.searchsorted(cum, np.array([0.05, 0.5, 0.95]) * total), len(cum) - 1)
    return values[order][at], False


def summarise(metas: list[dict], indicators: IndicatorSet, summary: Summary) -> None:
    """Fill `summary` from the parts' metadata (in part order)."""
    total = sum(m["rows"] for m in metas)
    summary.products = total
    if total == 0:
        return
    exact = True
    for ind in indicators.indicators:
        q, ok = _percentiles(metas, ind.id, total)
        exact &= ok
        mean = sum(m["indicators"][ind.id]["sum"] for m in metas) / total
        summary.indicators[ind.id] = {"mean": float(mean), "p5": float(q[0]), "median": float(q[1]),
                                      "p95": float(q[2]), "unit": ind.unit}
        low = [tuple(x) for m in metas for x in m["indicators"][ind.id]["lowest"]]
        summary.lowest[ind.id] = sorted(low, key=lambda x: x[1])[:LOWEST]  # stable: ties keep part order
    summary.quantile_rank_error = 0.0 if exact else 1 / (SAMPLE - 1)
    for name in metas[0]["requirements"]:
        known = sum(m["requirements"][name]["known"] for m in metas)
        passed = sum(m["requirements"][name]["passed"] for m in metas)
        if name == "indicators_pass":
            summary.joint_pass_rate = passed / known if known else None
        else:
            summary.requirements[name.removeprefix("pass.")] = {
                "pass_rate": passed / known if known else float("nan"), "computable_share": known / total}
    if metas[0]["verdicts"]:
        summary.verdicts = {v: sum(m["verdicts"][v] for m in metas) / total for v in VERDICTS}
