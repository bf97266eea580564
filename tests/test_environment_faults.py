"""Environment faults (issue 15, item 7): read-only home, full disk, missing or corrupt matrix cache, a
Brightway project deleted under a built home. Each ends in one clear message and exit 2 (never a
traceback), or is repaired by the next run with the same numbers."""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, copy_of

from lca.cli import app
from lca.core.errors import InputError
from lca.engine import project

CHAIR = str(REPO / "inventories" / "examples" / "office_chair" / "product.yaml")


def chair_totals(h: Path, runner) -> tuple[dict, str]:
    """`lca evaluate --json` of the office chair on home `h`: totals per indicator, and the whole output."""
    res = runner.invoke(app, ["evaluate", "--json", CHAIR, "--home", str(h)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    return {k: v["total"] for k, v in doc["products"][0]["indicators"].items()}, res.output


@pytest.fixture(scope="module")
def expected(home):
    from typer.testing import CliRunner

    return chair_totals(home, CliRunner())[0]


@contextlib.contextmanager
def read_only(folder: Path):
    """`folder` made read-only: by its mode, or as root (who writes through modes) by a read-only bind mount."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for p, mode in modes.items():
            p.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True).returncode:
        pytest.skip("running as root without the right to mount: a read-only folder cannot be made")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def run_lca(home_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lca", *args], cwd=REPO, text=True, capture_output=True,
                          env={**os.environ, "LCA_HOME": str(home_dir)}, timeout=120)


def test_read_only_empty_home_is_one_clear_message(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    with read_only(parent):
        res = run_lca(parent, "evaluate", CHAIR)  # LCA_HOME is the read-only folder itself
    assert res.returncode == 2, res.stderr
    assert "cannot write the project home" in res.stderr and str(parent) in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_read_only_built_home_still_evaluates(home, tmp_path_factory, expected):
    h = copy_of(home, tmp_path_factory, "read-only")
    with read_only(h):
        res = run_lca(h, "evaluate", "--json", CHAIR)
    assert res.returncode == 0, res.stderr
    got = {k: v["total"] for k, v in json.loads(res.stdout)["products"][0]["indicators"].items()}
    assert got == expected


def test_full_disk_at_the_cache_writer_then_repaired(home, tmp_path_factory, runner, monkeypatch, expected):
    h = copy_of(home, tmp_path_factory, "enospc")
    state = project.read_state(h)
    (h / state.cache).unlink()

    def full(path, *a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    with monkeypatch.context() as m:
        m.setattr(np, "savez_compressed", full)
        res = runner.invoke(app, ["evaluate", CHAIR, "--home", str(h)])
    assert res.exit_code == 2, res.output
    assert "No space left on device" in res.output and "free some disk space" in res.output
    assert "Traceback" not in res.output
    assert project.read_state(h) == state and not list((h / "cache").glob("*.tmp*"))
    # the next run rebuilds only the cache (same project) and gives the same numbers
    got, out = chair_totals(h, runner)
    assert got == expected and "matrix cache" in out
    assert project.read_state(h) == state and (h / state.cache).is_file()


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_cache_is_rebuilt(home, tmp_path_factory, runner, damage, expected):
    h = copy_of(home, tmp_path_factory, f"corrupt-{damage}")
    state = project.read_state(h)
    cache = h / state.cache
    data = cache.read_bytes()
    cache.write_bytes(b"not a zip file" * 10 if damage == "garbage" else data[: len(data) // 2])
    got, out = chair_totals(h, runner)
    assert got == expected
    assert "unreadable" in out and "Traceback" not in out
    assert cache.read_bytes() != (b"not a zip file" * 10 if damage == "garbage" else data[: len(data) // 2])
    assert project.read_state(h) == state  # the project was kept: only the cache was rebuilt


def test_deleted_brightway_project_is_named_then_rebuilt(home, tmp_path_factory, runner, expected):
    h = copy_of(home, tmp_path_factory, "deleted-project")
    state = project.read_state(h)
    shutil.rmtree(h / state.project_dir)
    with pytest.raises(InputError, match="missing"):  # a command that needs the project is told so
        project.brightway(h, "lca-no-such-project")
    got, out = chair_totals(h, runner)  # the next run rebuilds it
    assert got == expected
    assert f"project {state.project} is missing" in out and "Traceback" not in out
    new = project.read_state(h)
    assert (h / new.project_dir).is_dir() and project.is_current(h)
