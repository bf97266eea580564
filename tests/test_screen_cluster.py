"""`lca screen --scheduler` against a real dask cluster started outside the test process (issue 21).

`dask scheduler` and two `dask worker` processes (distributed's own commands, --nthreads 1, no
nanny so a killed worker stays dead) on 127.0.0.1 with free ports; every start has a bounded
timeout and the processes are always stopped. The workers read the partitions and write the parts
themselves; results must equal the single-process run exactly, also when a worker is killed
after the first part is written.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from test_screen_partitioned import write_partitions

from lca.cli import app
from lca.population import synthetic
from lca.population.screen import screen

SIBLING = Path(sys.executable).with_name("dask")  # the dask command of this interpreter's environment
DASK = str(SIBLING) if SIBLING.exists() else shutil.which("dask")
N, FILES = 600, 12
START_TIMEOUT = 60  # s, for each process to come up


def _wait(check, what: str, procs: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not check():
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"{what}: {p.args[:2]} exited with {p.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {START_TIMEOUT} s")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, the worker processes); torn down whatever happens."""
    from distributed import Client

    tmp = tmp_path_factory.mktemp("dask")
    info = tmp / "scheduler.json"
    procs: list[subprocess.Popen] = []
    logs = []

    def start(*args: str) -> subprocess.Popen:
        log = (tmp / f"{len(procs)}.log").open("w")
        logs.append(log)
        procs.append(subprocess.Popen([DASK, *args], stdout=log, stderr=subprocess.STDOUT, cwd=tmp))
        return procs[-1]

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info))
        _wait(lambda: info.exists() and info.stat().st_size > 0, "scheduler", procs)
        address = json.loads(info.read_text())["address"]
        workers = [start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host",
                         "127.0.0.1", "--name", f"w{k}") for k in range(2)]
        with Client(address, timeout=f"{START_TIMEOUT}s") as client:
            _wait(lambda: len(client.scheduler_info()["workers"]) == 2, "two workers", procs)
        yield address, workers
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=20)
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def folder(engine, tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "catalogue"
    write_partitions(synthetic.catalogue(engine.m.catalogue, N, seed=21), path, FILES)
    return path


@pytest.fixture(scope="module")
def single_process(folder, home, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "r.parquet"
    screen(folder, out, home=home)
    return pd.read_parquet(out)


def test_cli_on_a_running_cluster_equals_the_single_process_run(cluster, folder, single_process, home, runner,
                                                               tmp_path):
    res = runner.invoke(app, ["screen", str(folder), "--scheduler", cluster[0], "--out", str(tmp_path / "out"),
                              "--home", str(home), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["products"] == N
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out"), single_process, check_exact=True)


def test_a_worker_killed_mid_run_changes_nothing(cluster, folder, single_process, home, tmp_path):
    address, workers = cluster
    seen = []

    def kill_after_first_part(done: int, total) -> None:
        if done > 0 and not seen:
            seen.append(done)
            os.kill(workers[0].pid, signal.SIGKILL)
            workers[0].wait(timeout=20)

    summary = screen(folder, tmp_path / "r.parquet", home=home, scheduler=address, progress=kill_after_first_part)
    assert workers[0].poll() is not None and seen and seen[0] < N  # killed with parts still to come
    assert summary.products == N and summary.chunks == FILES
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r.parquet"), single_process, check_exact=True)
