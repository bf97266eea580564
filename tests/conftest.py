"""Shared fixtures: one offline project build per test session, in a temporary LCA_HOME."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lca import api, project, resources

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "inventories" / "examples").glob("*/product.yaml"))


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    """A built project home shared by the session (read-only for tests)."""
    h = tmp_path_factory.mktemp("lca-home")
    project.setup(h)
    return h


@pytest.fixture(scope="session")
def engine(home):
    return api.engine(home)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


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
