"""Partitioned catalogues and results: each task reads its own partition and writes its own part.

A catalogue is one table, or a Parquet dataset: a folder of .parquet files, local or on any
fsspec filesystem installed (s3://, gs://, ...; files and folders whose names start with '_' or
'.' are skipped, as dataset readers do). Each file is one task, so the lines of one product must
sit in one file. A task — on a dask worker or in this process — reads and validates its
partition, checks its scores stay finite, scores it and writes its result part under a hidden
temporary name that is then renamed, with the part's metadata (lca.population.parts) in the
Parquet footer. The client sees only paths and that metadata. A killed task leaves at most a
hidden temporary file; its rerun writes the same part.
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import fsspec
import numpy as np
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from lca.core.errors import InputError
from lca.engine.methods import IndicatorSet
from lca.inventory.resolve import Catalogue as Background
from lca.population.batch_verdicts import BatchSpec
from lca.population.catalogue import Lines, read_table, validate
from lca.population.chunk import chunk_table, column_demand
from lca.population.overflow import check_lines
from lca.population.parts import META_KEY, part_meta, read_meta, with_meta

WRITE_OPTIONS = {"compression": "lz4", "use_dictionary": ["product", "category", "verdict"]}
RUN_KEY = "_run.json"


def is_dataset(path: str | Path) -> bool:
    """A folder or a URL (a Parquet dataset), rather than one local file."""
    return "://" in str(path) or Path(path).is_dir()


def _fs(url: str) -> tuple[fsspec.AbstractFileSystem, str]:
    return fsspec.core.url_to_fs(url)


def _url(fs: fsspec.AbstractFileSystem, path: str) -> str:
    return path if isinstance(fs, LocalFileSystem) else fs.unstrip_protocol(path)


def _hidden(path: str) -> bool:
    return any(seg.startswith(("_", ".")) for seg in path.split("/"))


def partitions(catalogue: str) -> tuple[list[str], list]:
    """The dataset's files (sorted) and their fingerprint for the run key: name, size and the
    filesystem's own identity of the version (mtime locally, ETag on object stores)."""
    fs, root = _fs(catalogue)
    if not fs.exists(root):
        raise InputError("catalogue not found", file=catalogue)
    root = root.rstrip("/")
    files = [root] if fs.isfile(root) else sorted(
        p for p in fs.find(root) if p.endswith(".parquet") and not _hidden(p[len(root):]))
    if not files:
        raise InputError("no .parquet files in the catalogue folder", file=catalogue)
    return [_url(fs, p) for p in files], [[p[len(root):], fs.size(p), fs.ukey(p)] for p in files]


def run_task(source: Lines | str, part: str, lam: np.ndarray, bg: Background, indicators: IndicatorSet,
             spec: BatchSpec | None) -> dict:
    """One task: lines (a slice already validated) or a partition to read, validate and check;
    scored and written to `part`. Returns the part's metadata."""
    if isinstance(source, str):
        fs, path = _fs(source)
        lines = validate(read_table(path, filesystem=fs), source, bg)
        check_lines(lines, lam, Path(path) if isinstance(fs, LocalFileSystem) else source)
    else:
        lines = source
    table = chunk_table(lines, lam, indicators, spec)
    meta = part_meta(table, indicators) | {"demand": column_demand(lines, lam.shape[0])}
    write_part(with_meta(table, meta), part)
    return meta


def write_part(table, part: str) -> None:
    """Write under a hidden unique name in the same folder, then rename: never a partial part."""
    fs, path = _fs(part)
    folder, name = path.rsplit("/", 1)
    tmp = f"{folder}/.{name}.{uuid.uuid4().hex}"
    try:
        with fs.open(tmp, "wb") as f:
            pq.write_table(table, f, **WRITE_OPTIONS)
        fs.mv(tmp, path)
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)


def part_name(parts: str, i: int) -> str:
    return f"{parts.rstrip('/')}/chunk-{i:06d}.parquet"


def done_parts(parts: str, n: int) -> dict[int, dict]:
    """Metadata of the parts already written (read from their footers only)."""
    fs, _ = _fs(parts)
    out = {}
    for i in range(n):
        fs_path = _fs(part_name(parts, i))[1]
        if fs.exists(fs_path):
            with fs.open(fs_path, "rb") as f:
                out[i] = read_meta(pq.read_schema(f))
    return out


def open_parts(out: str, key: dict) -> str:
    """The parts folder next to `out`, kept when it holds a run of the same key, else started afresh."""
    parts = out.rstrip("/") + ".parts"
    fs, path = _fs(parts)
    meta = f"{path}/{RUN_KEY}"
    if fs.exists(path):
        try:
            with fs.open(meta, "r") as f:
                same = json.load(f) == key
        except (OSError, ValueError):
            same = False
        if not same:
            fs.rm(path, recursive=True)
    fs.makedirs(path, exist_ok=True)
    with fs.open(meta, "w") as f:
        json.dump(key, f)
    return parts


def discard(parts: str) -> None:
    """Remove a parts folder (bad input: nothing of the run is kept)."""
    fs, path = _fs(parts)
    if fs.exists(path):
        fs.rm(path, recursive=True)


def publish_dataset(parts: str, out: str) -> None:
    """Turn the complete parts folder into the output dataset (replacing an older one)."""
    fs, path = _fs(parts)
    for p in fs.ls(path, detail=False):
        if p.rsplit("/", 1)[-1].startswith("."):
            fs.rm(p)
    target = _fs(out)[1].rstrip("/")
    if fs.exists(target):
        fs.rm(target, recursive=True)
    fs.mv(path, target, recursive=True)


def merge_parts(parts: str, n: int, writer_path: Path) -> None:
    """Concatenate the parts, in order, into one Parquet file (small runs)."""
    fs, _ = _fs(parts)
    w = None
    try:
        for i in range(n):
            with fs.open(_fs(part_name(parts, i))[1], "rb") as f:
                table = pq.read_table(f)
            if w is None:  # the file's schema keeps the spec's status, not part 0's own metadata
                meta = {k: v for k, v in (table.schema.metadata or {}).items() if k != META_KEY}
                w = pq.ParquetWriter(writer_path, table.schema.with_metadata(meta), **WRITE_OPTIONS)
            w.write_table(table)
    finally:
        if w is not None:
            w.close()
