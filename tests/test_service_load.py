"""A real `lca serve` process under a small concurrent load (the benchmark's driver, scripts/bench_service.py):
10 distinct submissions each sent twice at once and 100 concurrent reads; no 5xx, nothing lost or duplicated;
on SQLite and on PostgreSQL."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import bench_service  # noqa: E402

N = 10


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_submissions_and_reads(backend, home, tmp_path):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    else:
        url, why = bench_service.postgres_database()
        if url is None:
            pytest.skip(why)
    try:
        r = bench_service.run(url, home, N, 100)
    finally:
        if backend == "postgresql":
            bench_service.drop_database(url)
    assert r["server_errors"] == 0 and set(r["statuses"]) <= {200, 201}, r
    assert r["distinct_ids"] == r["stored"] == r["created"] == N  # nothing lost, nothing stored twice
    assert r["repeat_same_id"]  # each repeat got its original's id
