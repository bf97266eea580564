"""Catalogue screening: scores per product, stage and indicator, written part by part, resumable,
in this process or on dask.

The work is a list of tasks — chunks of a catalogue read here (one table), or the files of a
partitioned catalogue (a Parquet dataset, read by the tasks themselves; lca.population.partitions)
— each writing one result part with its metadata into `<out>.parts/`. The output appears only
when every part is done: one Parquet file (parts concatenated; small runs, and .nc/.xlsx/.csv for
runs held in memory) or, when `out` has no suffix, a Parquet dataset (the parts folder renamed).
An interrupted run leaves the parts, and a rerun with the same run key continues from them; any
other key starts afresh. The summary is merged from the parts' metadata (lca.population.parts).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

import numpy as np

from lca.assess.results import check_export_path, export, scores_dataset
from lca.assess.specs import Spec
from lca.core.errors import InputError
from lca.core.files import atomic_write
from lca.engine import session
from lca.engine.coverage import catalogue_coverage
from lca.engine.methods import DEFAULT_SET, IndicatorSet
from lca.population.batch import stage_scores
from lca.population.batch_verdicts import compile_spec
from lca.population.catalogue import read_catalogue
from lca.population.chunk import chunk_table, column_demand, column_names, merged_demand  # noqa: F401 (re-export)
from lca.population.overflow import check_lines
from lca.population.partitions import (discard, done_parts, is_dataset, merge_parts, open_parts, partitions,
                                       publish_dataset, run_task, part_name)
from lca.population.parts import Summary, part_meta, summarise

IN_MEMORY_LIMIT = 200_000  # products; larger runs must stream to Parquet
ChunkProgress = Callable[[int, int | None], None]  # (products done, products total or None when not known yet)


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


def _chunks(n: int, size: int) -> list[tuple[int, int]]:
    return [(a, min(a + size, n)) for a in range(0, n, size)]


def output_target(out: str | Path) -> tuple[str, bool]:
    """The output as a string and whether it is a dataset (a folder: no suffix)."""
    if Path(str(out).rstrip("/")).suffix == "":
        return str(out).rstrip("/"), True
    if "://" in str(out):
        raise InputError("a single-file output is written locally", file=out, hint="give a folder for a dataset")
    return str(check_export_path(out, extra=(".parquet",))), False


def screen(catalogue: str | Path, out: str | Path, indicator_set: str = DEFAULT_SET, home=None,
           chunk_size: int = 100_000, workers: int = 1, scheduler: str | None = None,
           progress: ChunkProgress | None = None, spec: Spec | None = None,
           variations: str | Path | None = None) -> Summary:
    """Score every product of a catalogue (a table or a partitioned dataset; or every variation of a
    template product, `catalogue` being its manifest), per stage and indicator (and against `spec`),
    into `out`."""
    out, dataset_out = output_target(out)
    if chunk_size < 1:
        raise InputError("chunk size must be at least 1")
    eng = session.engine(home, indicator_set)
    batch_spec = compile_spec(spec, eng) if spec is not None else None
    lam = np.vstack([eng.lam, eng.C.T])  # per unit of each process, then of each direct flow
    report = progress or (lambda _done, _total: None)
    summary = Summary(products=0, chunks=0, resumed_chunks=0, output=out, spec=spec.id if spec else None,
                      not_assessed=batch_spec.not_assessed if batch_spec else [],
                      spec_status=batch_spec.status if batch_spec else None)
    if variations is None and is_dataset(catalogue):
        if not dataset_out and not out.lower().endswith(".parquet"):
            raise InputError("a partitioned catalogue is written to Parquet", file=out, hint="use .parquet or a folder")
        urls, fingerprint = partitions(str(catalogue))
        tasks: list = list(enumerate(urls))
        key = {"catalogue_files": fingerprint, "data_version": eng.m.version,
               "indicator_set": eng.indicators.model_dump_json()}
        total = None
    else:
        catalogue = Path(catalogue)
        if variations is None:
            lines = read_catalogue(catalogue, eng.m.catalogue)
        else:
            from lca.population.variations import variant_lines

            lines = variant_lines(catalogue, variations, eng.m.catalogue)
        check_lines(lines, lam, catalogue, variations)
        total = lines.n_products
        if not dataset_out and not out.lower().endswith(".parquet"):
            return _in_memory(lines, lam, eng, batch_spec, Path(out), summary, report)
        tasks = [(i, lines.take_products(a, b)) for i, (a, b) in enumerate(_chunks(total, chunk_size))]
        key = _run_key([catalogue] if variations is None else _template_files(catalogue, variations),
                       eng.m.version, eng.indicators, chunk_size)
    key["spec"] = spec.model_dump_json() if spec else None
    parts = open_parts(out, key)
    metas = done_parts(parts, len(tasks))
    summary.chunks, summary.resumed_chunks = len(tasks), len(metas)
    progress_done = [sum(m["rows"] for m in metas.values())]
    report(progress_done[0], total)

    def done(i: int, meta: dict) -> None:
        metas[i] = meta
        progress_done[0] += meta["rows"]
        report(progress_done[0], total)

    todo = [(i, source) for i, source in tasks if i not in metas]
    try:
        if workers > 1 or scheduler:
            from lca.population.cluster import run_on_dask

            run_on_dask(todo, parts, lam, eng.m.catalogue, eng.indicators, batch_spec, workers, scheduler, done)
        else:
            for i, source in todo:
                done(i, run_task(source, part_name(parts, i), lam, eng.m.catalogue, eng.indicators, batch_spec))
    except InputError:
        discard(parts)  # a bad partition: no part of this run is kept
        raise
    _summarise([metas[i] for i in range(len(tasks))], eng, lam.shape[0], summary)
    if dataset_out:
        publish_dataset(parts, out)
    else:
        atomic_write(Path(out), lambda tmp: merge_parts(parts, len(tasks), tmp))
        discard(parts)
    return summary


def _summarise(metas: list[dict], eng, n_columns: int, summary: Summary) -> None:
    """The summary from the parts' metadata, with each indicator's coverage over the whole run."""
    summarise(metas, eng.indicators, summary)
    demand = merged_demand(metas, n_columns)
    if demand is not None and summary.products:
        summary.coverage = catalogue_coverage(eng, demand)


def _in_memory(lines, lam: np.ndarray, eng, batch_spec, out: Path, summary: Summary, report) -> Summary:
    """Small runs written as netCDF, Excel or CSV (scores as an xarray Dataset)."""
    n = lines.n_products
    if n > IN_MEMORY_LIMIT:
        raise InputError(f"{n} products are too many for {out.suffix}", file=out, hint="write .parquet")
    if batch_spec is not None:
        raise InputError("verdicts are written to Parquet only", file=out, hint="use --out results.parquet")
    scores = stage_scores(lines, lam)
    report(n, n)
    ds = scores_dataset(lines.product_ids, scores, eng.indicators, eng.m.version,
                        {"category": lines.categories, "mass_kg": lines.mass_kg})
    export(ds, out)
    meta = part_meta(chunk_table(lines, lam, eng.indicators), eng.indicators)
    _summarise([meta | {"demand": column_demand(lines, lam.shape[0])}], eng, lam.shape[0], summary)
    summary.chunks = 1
    return summary
