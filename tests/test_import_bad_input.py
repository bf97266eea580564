"""`lca import` bad input: exit code 2, one message, and the project folder unchanged."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import USLCI, snapshot

from lca.cli import app


def _truncated(tmp: Path) -> Path:
    p = tmp / "truncated.zip"
    p.write_bytes(USLCI.read_bytes()[: USLCI.stat().st_size // 2])
    return p


def _not_ecospold(tmp: Path) -> Path:
    p = tmp / "not_ecospold.xml"
    p.write_text('<?xml version="1.0"?><catalog><book id="1">LCA</book></catalog>', encoding="utf-8")
    return p


CASES = {
    "truncated zip": (_truncated, "jsonld", "new-db", [], "not a readable zip"),
    "unknown format flag": (lambda t: USLCI, "openlca", "new-db", [], "unknown format 'openlca'"),
    "zip given as ecospold2": (lambda t: USLCI, "ecospold2", "new-db", [], "no .xml/.spold files found"),
    "xml that is not ecospold": (_not_ecospold, "ecospold1", "new-db", [], "root element is <catalog>"),
    "existing database name": (lambda t: USLCI, "jsonld", "uslci", [], "already exists"),
    "reserved database name": (lambda t: USLCI, "jsonld", "biosphere3", ["--overwrite"], "reserved"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_import_changes_nothing(case, import_home, runner, tmp_path):
    make, fmt, name, extra, words = CASES[case]
    path = make(tmp_path)
    before = snapshot(import_home)
    result = runner.invoke(app, ["import", str(path), "--format", fmt, "--name", name,
                                 "--home", str(import_home), *extra])
    assert result.exit_code == 2, result.output
    assert words in " ".join(result.output.split()), result.output
    assert snapshot(import_home) == before, "the project changed"
