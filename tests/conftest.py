"""Shared fixtures: one offline project build per test session, in a temporary LCA_HOME."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import bw2io
import pytest
from typer.testing import CliRunner

from lca import api
from lca.core import resources
from lca.engine import project

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "inventories" / "examples").glob("*/product.yaml"))


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    """A built project home shared by the session (read-only for tests).

    By default (LCA_TEST_HOME unset) every session builds its own in a temporary folder (~10 s).
    Opt-in: LCA_TEST_HOME names a home built beforehand with `lca setup --home DIR`, used as is,
    because mutmut (scripts/mutation.sh) starts a pytest session per mutant and would otherwise
    rebuild the project for each. A stale or missing build there fails the session instead of
    being rebuilt under other sessions' feet.
    """
    prebuilt = os.environ.get("LCA_TEST_HOME")
    if prebuilt:
        h = Path(prebuilt).resolve()
        if not project.is_current(h):
            pytest.fail(f"LCA_TEST_HOME={h} is not a current build: run `lca setup --home {h}`")
        return h
    h = tmp_path_factory.mktemp("lca-home")
    project.setup(h)
    return h


@pytest.fixture(scope="session")
def engine(home):
    return api.engine(home)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def brightway_of(h: Path):
    """bw2data switched to the current build's project of home `h`."""
    return project.brightway(h, project.read_state(h).project)


def copy_of(home: Path, tmp_path_factory, label: str) -> Path:
    """A private copy of the session's built home, for tests that write to the project."""
    h = tmp_path_factory.mktemp(label) / "home"
    shutil.copytree(home, h)
    return h


def snapshot(folder: Path) -> dict[str, str]:
    """Content hash of every file below `folder` (to prove a command changed nothing)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def example_copy(tmp_path) -> callable:
    """Copy an example product folder to tmp so a test can edit its files."""
    def make(name: str) -> Path:
        dst = tmp_path / name
        shutil.copytree(resources.examples_dir() / name, dst)
        return dst
    return make


USLCI = REPO / "inventories" / "uslci" / "uslci_fy17_olca1_5_json_ld.zip"


@pytest.fixture(scope="session")
def import_home(home, tmp_path_factory) -> Path:
    """A copy of the built project with USLCI imported through the CLI (once per session)."""
    import time

    from lca.cli import app

    h = copy_of(home, tmp_path_factory, "import-home")
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["import", str(USLCI), "--format", "jsonld", "--name", "uslci",
                                      "--home", str(h)])
    assert result.exit_code == 0, result.output
    print(f"\nUSLCI import: {time.perf_counter() - start:.1f} s")
    return h




def project_snapshot(h: Path) -> dict:
    """What the Brightway project of home `h` holds, database by database: its activities' codes and its
    exchange count (to prove that a failed or interrupted command left the project as it was)."""
    from bw2data.backends import ActivityDataset, ExchangeDataset

    bd = brightway_of(h)
    bd.databases.load()  # another process may have written it since this one switched to it
    return {db: (hashlib.sha256("\n".join(sorted(a.code for a in ActivityDataset.select(ActivityDataset.code)
                                                 .where(ActivityDataset.database == db))).encode()).hexdigest(),
                 ExchangeDataset.select().where(ExchangeDataset.output_database == db).count())
            for db in sorted(bd.databases)}


@pytest.fixture(scope="session")
def cf() -> dict:
    """(method name..., flow name, compartment) -> factor, read straight from bw2io's ecoinvent 3.9 LCIA data."""
    z = zipfile.ZipFile(Path(bw2io.__file__).parent / "data" / "lcia" / "lcia_39_ecoinvent.zip")
    return {(*m["name"], e["name"], tuple(e["categories"])): e["amount"]
            for m in json.loads(z.read("data.json")) for e in m["exchanges"]}


def unit_score(engine, code: str, indicator: str) -> float:
    """The engine's score of one unit of background process `code` for `indicator`."""
    ids = [i.id for i in engine.indicators.indicators]
    return engine.unit_scores()[engine.m.catalogue.process_index[code], ids.index(indicator)]
