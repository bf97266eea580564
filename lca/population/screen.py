"""Catalogue screening: chunked batch scores, streamed to Parquet, resumable, optionally on dask.

Output (Parquet) has one row per product: product, category, mass_kg, and one column per
indicator and stage ("gwp100.use") plus "<indicator>.total". Chunks are written as part files
next to the output; the output appears only when every chunk is done (an interrupted run
leaves the parts, and a rerun with the same inputs continues from them).
"""
from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lca.assess.results import check_export_path, export, scores_dataset
from lca.assess.specs import Spec
from lca.core.errors import InputError
from lca.core.files import atomic_write
from lca.core.stages import STAGES
from lca.engine import session
from lca.engine.methods import DEFAULT_SET, IndicatorSet
from lca.population.batch import stage_scores
from lca.population.batch_verdicts import BatchSpec, compile_spec
from lca.population.catalogue import Lines, read_catalogue
from lca.population.overflow import check_lines

IN_MEMORY_LIMIT = 200_000  # products; larger runs must stream to Parquet
ChunkProgress = Callable[[int, int], None]  # (products done, products total)


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
    scores = stage_scores(lines, lam)  # n × k × stages
    full = np.concatenate([scores, scores.sum(axis=2, keepdims=True)], axis=2).reshape(len(scores), -1)
    cols = {"product": pa.array(lines.product_ids.astype(str)), "category": pa.array(lines.categories.astype(str)),
            "mass_kg": pa.array(lines.mass_kg)}
    for j, name in enumerate(column_names(indicators)):
        cols[name] = pa.array(full[:, j])
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


def _bools(x: np.ndarray) -> pa.Array:
    """1/0/NaN as a nullable boolean column."""
    return pa.array(x == 1, mask=np.isnan(x))


def _template_files(manifest: Path, variations: str | Path) -> list[Path]:
    """What a template screening depends on: manifest, BOM, process table, variations."""
    from lca.inventory.product import load_product

    p = load_product(manifest)
    return [f for f in (p.manifest_path, p.bom_path, p.processes_path, Path(variations)) if f is not None]


def _run_key(files: list[Path], data_version: str, indicators: IndicatorSet, chunk_size: int) -> dict:
    h = hashlib.sha256()
    for path in files:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 22), b""):
                h.update(block)
    return {"catalogue_sha256": h.hexdigest(), "data_version": data_version,
            "indicator_set": indicators.model_dump_json(), "chunk_size": chunk_size}


def _parts_dir(out: Path, key: dict) -> Path:
    parts = out.with_name(out.name + ".parts")
    meta = parts / "run.json"
    if parts.is_dir():
        try:
            same = json.loads(meta.read_text()) == key
        except (OSError, ValueError):
            same = False
        if not same:
            shutil.rmtree(parts)
    parts.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps(key))
    return parts


def _chunks(n: int, size: int) -> list[tuple[int, int]]:
    return [(a, min(a + size, n)) for a in range(0, n, size)]


def _summarise(totals: np.ndarray, ids: np.ndarray, indicators: IndicatorSet, summary: Summary,
               verdicts: dict[str, np.ndarray] | None = None) -> None:
    for rid, col in (verdicts or {}).items():
        if rid == "verdict":
            summary.verdicts = {v: float(np.mean(col == v)) for v in ("pass", "fail", "incomplete")}
            continue
        known = ~np.isnan(col)
        if rid == "indicators_pass":
            summary.joint_pass_rate = float(np.nanmean(col)) if known.any() else None
            continue
        summary.requirements[rid] = {"pass_rate": float(np.nanmean(col)) if known.any() else float("nan"),
                                     "computable_share": float(known.mean())}
    for j, ind in enumerate(indicators.indicators):
        col = totals[:, j]
        q = np.percentile(col, [5, 50, 95])
        summary.indicators[ind.id] = {"mean": float(col.mean()), "p5": float(q[0]), "median": float(q[1]),
                                      "p95": float(q[2]), "unit": ind.unit}
        best = np.argsort(col, kind="stable")[:5]
        summary.lowest[ind.id] = [(str(ids[i]), float(col[i])) for i in best]


def screen(catalogue: str | Path, out: str | Path, indicator_set: str = DEFAULT_SET, home=None,
           chunk_size: int = 100_000, workers: int = 1, scheduler: str | None = None,
           progress: ChunkProgress | None = None, spec: Spec | None = None,
           variations: str | Path | None = None) -> Summary:
    """Score every product of a catalogue (or every variation of a template product, `catalogue`
    being its manifest), per stage and indicator (and against `spec`), into `out`."""
    catalogue, out = Path(catalogue), check_export_path(out, extra=(".parquet",))
    if chunk_size < 1:
        raise InputError("chunk size must be at least 1")
    eng = session.engine(home, indicator_set)
    batch_spec = compile_spec(spec, eng) if spec is not None else None
    if variations is None:
        lines = read_catalogue(catalogue, eng.m.catalogue)
    else:
        from lca.population.variations import variant_lines

        lines = variant_lines(catalogue, variations, eng.m.catalogue)
    lam = np.vstack([eng.lam, eng.C.T])  # per unit of each process, then of each direct flow
    check_lines(lines, lam, catalogue, variations)
    n = lines.n_products
    if out.suffix.lower() != ".parquet" and n > IN_MEMORY_LIMIT:
        raise InputError(f"{n} products are too many for {out.suffix}", file=out, hint="write .parquet")
    report = progress or (lambda _done, _total: None)
    spans = _chunks(n, chunk_size)
    summary = Summary(products=n, chunks=len(spans), resumed_chunks=0, output=str(out),
                      spec=spec.id if spec else None,
                      not_assessed=batch_spec.not_assessed if batch_spec else [],
                      spec_status=batch_spec.status if batch_spec else None)
    if out.suffix.lower() != ".parquet":
        if batch_spec is not None:
            raise InputError("verdicts are written to Parquet only", file=out, hint="use --out results.parquet")
        scores = stage_scores(lines, lam)
        report(n, n)
        ds = scores_dataset(lines.product_ids, scores, eng.indicators, eng.m.version,
                            {"category": lines.categories, "mass_kg": lines.mass_kg})
        export(ds, out)
        _summarise(np.asarray(ds["total"].values), lines.product_ids, eng.indicators, summary)
        return summary
    key = _run_key([catalogue] if variations is None else _template_files(catalogue, variations),
                   eng.m.version, eng.indicators, chunk_size)
    key["spec"] = spec.model_dump_json() if spec else None
    parts = _parts_dir(out, key)
    todo = [(i, span) for i, span in enumerate(spans) if not (parts / f"chunk-{i:06d}.parquet").exists()]
    summary.resumed_chunks = len(spans) - len(todo)
    done = sum(b - a for i, (a, b) in enumerate(spans) if (parts / f"chunk-{i:06d}.parquet").exists())
    report(done, n)

    def write(i: int, table: pa.Table) -> None:
        atomic_write(parts / f"chunk-{i:06d}.parquet", lambda p: pq.write_table(table, p))

    if workers > 1 or scheduler:
        _run_dask(todo, lines, lam, eng.indicators, batch_spec, workers, scheduler, write, lambda k: report(k, n), done)
    else:
        for i, (a, b) in todo:
            write(i, chunk_table(lines.take_products(a, b), lam, eng.indicators, batch_spec))
            done += b - a
            report(done, n)
    verdict_cols = ([f"pass.{r}" for r in batch_spec.ids] + ["indicators_pass", "verdict"]) if batch_spec else []
    totals, verdicts = _merge(parts, len(spans), out, eng.indicators, verdict_cols)
    _summarise(totals, lines.product_ids, eng.indicators, summary,
               {c.removeprefix("pass."): v for c, v in verdicts.items()})
    shutil.rmtree(parts)
    return summary


def _run_dask(todo, lines: Lines, lam: np.ndarray, indicators: IndicatorSet, batch_spec, workers: int,
              scheduler: str | None, write, report, done: int) -> None:
    """Chunks as dask.distributed tasks; λ is scattered once to every worker."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        client = Client(cluster)
    try:
        lam = client.scatter(lam, broadcast=True)
        futures = {client.submit(chunk_table, lines.take_products(a, b), lam, indicators, batch_spec,
                                 key=f"lca-chunk-{i}-{a}"): (i, b - a) for i, (a, b) in todo}
        for fut in as_completed(futures):
            i, size = futures[fut]
            write(i, fut.result())
            done += size
            report(done)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _merge(parts: Path, n_chunks: int, out: Path, indicators: IndicatorSet,
           verdict_cols: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Concatenate the part files into `out` (atomically); return the totals (products × indicators)
    and the verdict columns (1/0/NaN) for the summary."""
    totals = []
    verdicts: dict[str, list[np.ndarray]] = {c: [] for c in verdict_cols}
    names = [f"{i.id}.total" for i in indicators.indicators]

    def writer(tmp: Path) -> None:
        w = None
        try:
            for i in range(n_chunks):
                table = pq.read_table(parts / f"chunk-{i:06d}.parquet")
                totals.append(np.column_stack([table[c].to_numpy() for c in names]))
                for c in verdict_cols:
                    col = table[c].to_numpy(zero_copy_only=False) if c == "verdict" \
                        else table[c].to_pandas().astype("float64").to_numpy()
                    verdicts[c].append(col)
                if w is None:
                    w = pq.ParquetWriter(tmp, table.schema)
                w.write_table(table)
        finally:
            if w is not None:
                w.close()

    atomic_write(out, writer)
    return (np.concatenate(totals) if totals else np.zeros((0, len(names))),
            {c: np.concatenate(v) for c, v in verdicts.items()})
