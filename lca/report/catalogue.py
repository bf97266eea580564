"""Summary of `lca screen` results (Parquet): distributions of totals, best and worst products, pass rates.

Reads only the columns it needs: "product", every "<indicator>.total", and the verdict columns
`lca screen --spec` writes ("pass.<requirement>" and "indicators_pass": true, false or null
when not computable).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lca import __version__
from lca.core.errors import InputError
from lca.engine.methods import registry

BINS = 20
LOG_SPAN = 100.0  # max/min ratio of positive totals above which bins are log-spaced
TOP = 5
JOINT = "indicators_pass"
VERDICT = "verdict"


@dataclass(frozen=True)
class Distribution:
    """One indicator's totals over the catalogue."""

    id: str
    name_en: str
    name_zh: str
    unit: str
    mean: float
    p5: float
    median: float
    p95: float
    counts: list[int]
    edges: list[float]
    best: list[tuple[str, float]]
    worst: list[tuple[str, float]]
    covered: bool  # some product has a non-zero total (else the background has no such flow)
    log_bins: bool  # bins spaced evenly in log10 (positive totals spanning more than LOG_SPAN)


@dataclass(frozen=True)
class PassRate:
    """Share of products passing a requirement, among those where it could be computed."""

    id: str
    rate: float | None
    computable: float


@dataclass
class CatalogueSummary:
    source: str
    sha256: str
    products: int
    software: str
    distributions: list[Distribution] = field(default_factory=list)
    pass_rates: list[PassRate] = field(default_factory=list)
    joint: PassRate | None = None  # only when some requirement was assessable per product
    spec_status: str | None = None  # "<spec>: complete | partial ...; not assessed per product: ..."
    verdicts: dict[str, float] = field(default_factory=dict)  # share of products per verdict


def _read(path: Path) -> pa.Table:
    if not path.is_file():
        raise InputError("screening results not found", file=path, hint="run `lca screen ... --out results.parquet`")
    try:
        names = pq.read_schema(path).names
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"is not a Parquet file ({exc})", file=path) from None
    wanted = [c for c in names if c == "product" or c.endswith(".total") or c.startswith("pass.") or c in (JOINT, VERDICT)]
    if "product" not in wanted or not any(c.endswith(".total") for c in wanted):
        raise InputError("has no 'product' and '<indicator>.total' columns", file=path,
                         hint="give the Parquet file `lca screen` wrote")
    return pq.read_table(path, columns=wanted)


def _distribution(ind: str, ids: np.ndarray, v: np.ndarray) -> Distribution:
    known = registry().get(ind)
    order = np.argsort(v, kind="stable")
    lo, hi = float(v.min()), float(v.max())
    log_bins = lo > 0 and hi / lo > LOG_SPAN
    # numpy spans a constant sample ±0.5, meaningless for values like 1e-6: ±5 % of the value instead
    pad = (abs(lo) * 0.05 or 0.5) if lo == hi else 0.0
    counts, edges = np.histogram(v, bins=np.geomspace(lo, hi, BINS + 1) if log_bins else BINS,
                                 range=None if log_bins else (lo - pad, hi + pad))
    p5, median, p95 = np.percentile(v, [5, 50, 95])
    return Distribution(ind, known.name_en if known else ind, known.name_zh if known else ind,
                        known.unit if known else "", float(v.mean()), float(p5), float(median), float(p95),
                        [int(c) for c in counts], [float(e) for e in edges],
                        [(str(ids[i]), float(v[i])) for i in order[:TOP]],
                        [(str(ids[i]), float(v[i])) for i in order[::-1][:TOP]], bool(np.any(v)), log_bins)


def _pass_rate(rid: str, col: pa.ChunkedArray) -> PassRate:
    n = len(col)
    known = n - col.null_count
    passed = int(np.sum(col.fill_null(False).to_numpy(zero_copy_only=False)))
    return PassRate(rid, passed / known if known else None, known / n if n else 0.0)


def summarise(path: str | Path) -> CatalogueSummary:
    """The catalogue summary of one screening results file."""
    path = Path(path)
    table = _read(path)
    if table.num_rows == 0:
        raise InputError("holds no products", file=path)
    ids = table.column("product").to_numpy(zero_copy_only=False)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    s = CatalogueSummary(path.name, digest, table.num_rows, f"lca-ecodesign {__version__}")
    for name in table.column_names:
        if name.endswith(".total"):
            v = table.column(name).to_numpy(zero_copy_only=False).astype(float)
            s.distributions.append(_distribution(name.removesuffix(".total"), ids, v))
        elif name.startswith("pass."):
            s.pass_rates.append(_pass_rate(name.removeprefix("pass."), table.column(name)))
    if JOINT in table.column_names and s.pass_rates:
        s.joint = _pass_rate(JOINT, table.column(JOINT))
    if VERDICT in table.column_names:
        col = table.column(VERDICT).to_numpy(zero_copy_only=False)
        s.verdicts = {v: float(np.mean(col == v)) for v in ("pass", "fail", "incomplete")}
    s.spec_status = _spec_status(pq.read_schema(path).metadata or {}, bool(s.pass_rates))
    return s


def _spec_status(meta: dict, assessable: bool) -> str | None:
    """The spec's status recorded by `lca screen`, and what it could not assess per product."""
    raw = meta.get(b"lca.spec")
    if raw is None:
        return None
    spec = json.loads(raw)
    line = f"{spec['id']}: {spec['status']}"
    if not assessable:
        line += "; no requirement assessable per product"
    if spec["not_assessed"]:
        line += f"; not assessed per product: {', '.join(spec['not_assessed'])}"
    return line
