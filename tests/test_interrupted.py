"""Interrupted work (issue 15, item 6): `lca import`, `lca screen` and `lca calibrate` killed with SIGKILL at a
chosen point, then run again. The project and the output folder are as before or complete, never half-written,
and the rerun succeeds.

The point is made deterministic by lca.core.testpoint (LCA_TEST_PAUSE_AT: the process writes its pid to a
marker file and sleeps there) or, for screening, by waiting for the first result part to appear.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import REPO, copy_of, project_snapshot, snapshot
from typer.testing import CliRunner

from lca import api
from lca.assess.specs import load_spec
from lca.cli import app
from lca.population import synthetic

SIMAPRO = REPO / "tests" / "data" / "simapro" / "small.csv"


def start(*args: str, home: Path, pause_at: str | None = None, marker: Path | None = None) -> subprocess.Popen:
    """A real `python -m lca ARGS` process on `home`, optionally pausing at a named point."""
    env = {**os.environ, "LCA_HOME": str(home)}
    if pause_at:
        env.update(LCA_TEST_PAUSE_AT=pause_at, LCA_TEST_PAUSE_MARKER=str(marker), LCA_TEST_PAUSE_SECONDS="120")
    return subprocess.Popen([sys.executable, "-m", "lca", *args], env=env, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_when(proc: subprocess.Popen, ready, seconds: float = 120) -> None:
    """SIGKILL `proc` as soon as `ready()` holds (bounded wait; the process is always ended)."""
    deadline = time.monotonic() + seconds
    try:
        while not ready():
            assert proc.poll() is None, f"exited {proc.returncode} before the kill point: {proc.communicate()}"
            assert time.monotonic() < deadline, f"kill point not reached in {seconds} s"
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


@pytest.mark.parametrize("point", ["import.registered", "import.written"])
def test_import_killed_while_writing(home, tmp_path, tmp_path_factory, point):
    """Killed after registering the database (the old code left it registered and empty, and every later
    import of that name said it exists) or after writing it but before the import finished: the next
    import — here one that fails on bad input — removes it, leaving the project exactly as before."""
    h = copy_of(home, tmp_path_factory, "interrupted-import")
    before = project_snapshot(h)
    marker = tmp_path / "paused"
    proc = start("import", str(SIMAPRO), "--format", "simapro-csv", "--name", "sp", home=h, pause_at=point,
                 marker=marker)
    kill_when(proc, marker.exists)
    assert "sp" in project_snapshot(h)  # the kill really came while the database was being written

    broken = tmp_path / "broken.csv"
    broken.write_bytes(SIMAPRO.read_bytes()[:200])
    code, _, err = finish(start("import", str(broken), "--format", "simapro-csv", "--name", "sp", home=h))
    assert code == 2 and "Traceback" not in err, err
    assert project_snapshot(h) == before

    code, _, err = finish(start("import", str(SIMAPRO), "--format", "simapro-csv", "--name", "sp", "--report",
                                str(tmp_path / "report.json"), home=h))
    assert code == 0, err
    report = json.loads((tmp_path / "report.json").read_text())
    after = project_snapshot(h)
    assert {k: v for k, v in after.items() if k not in ("sp", report["biosphere_database"])} == before
    # complete: every process and exchange the linking report counted is in the project
    assert after["sp"][1] == report["exchanges"]
    assert not (h / "imports" / ".incomplete.json").exists()


@pytest.fixture(scope="module")
def catalogue(home, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("interrupted-cat") / "catalogue.parquet"
    synthetic.catalogue(api.engine(home).m.catalogue, 3000, seed=7).to_parquet(path)
    return path


def test_screen_killed_between_parts(home, catalogue, tmp_path):
    """Killed once its first result part is written: the output file is as before, every part left is
    whole, and the rerun resumes from them and writes the same table as a run that was never killed."""
    out = tmp_path / "results.parquet"
    out.write_bytes(b"results of an earlier run")
    parts = Path(f"{out}.parts")
    proc = start("screen", str(catalogue), "--out", str(out), "--chunk-size", "5", home=home)
    kill_when(proc, lambda: any(parts.glob("chunk-*.parquet")))
    assert out.read_bytes() == b"results of an earlier run"
    left = sorted(parts.glob("chunk-*.parquet"))
    assert 1 <= len(left) < 600
    for p in left:
        assert pq.read_metadata(p).num_rows == 5  # no part is half-written

    res = CliRunner().invoke(app, ["screen", str(catalogue), "--out", str(out), "--chunk-size", "5", "--json",
                                   "--home", str(home)])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["resumed_chunks"] >= len(left) and summary["chunks"] == 600
    once = tmp_path / "once.parquet"
    res = CliRunner().invoke(app, ["screen", str(catalogue), "--out", str(once), "--home", str(home)])
    assert res.exit_code == 0, res.output
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(once), rtol=1e-12)
    assert not parts.exists()


def test_calibrate_killed_while_writing(home, catalogue, tmp_path):
    """Killed after the draft spec is written and before the plots and run JSON: the output folder is
    exactly as before (the user's other file included); the rerun fills it completely."""
    out = tmp_path / "cal"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "calibration.json").write_text('{"earlier": true}')
    before = snapshot(out)
    marker = tmp_path / "paused"
    args = ("calibrate", str(catalogue), "--spec", "tcagp_0001_2016", "--indicator", "gwp100", "--pass-share",
            "0.2", "--bootstrap", "20", "--out", str(out))
    kill_when(start(*args, home=home, pause_at="calibrate.spec_written", marker=marker), marker.exists)
    assert snapshot(out) == before

    res = CliRunner().invoke(app, [*args, "--json", "--home", str(home)])
    assert res.exit_code == 0, res.output
    files = json.loads(res.stdout)["files"]
    assert sorted(Path(f).name for f in files) == sorted(p.name for p in out.iterdir() if p.name != "notes.txt")
    assert (out / "notes.txt").read_text() == "mine"
    assert json.loads((out / "calibration.json").read_text())["files"] == files
    load_spec(Path(files[0]))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # the killed run's copy is gone
