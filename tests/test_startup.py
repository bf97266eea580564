"""Fast start (issue 22): the command list imports no heavy library, and a product evaluation or a set-up with
nothing to do on a built home runs from the matrix cache without Brightway. Checked in fresh processes,
by the modules they hold when the command ends."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

HEAVY = ("bw2data", "bw2io", "bw2calc", "dask", "distributed", "matplotlib", "weasyprint", "xarray", "pandas",
         "pint", "scipy", "numpy", "pyarrow", "openpyxl", "sqlalchemy", "jinja2")
BRIGHTWAY = ("bw2data", "bw2io", "bw2calc", "peewee")
CHAIR = str(REPO / "inventories" / "examples" / "office_chair" / "product.yaml")
PROBE = """
import json, runpy, sys
sys.argv = ["lca", *sys.argv[1:]]
try:
    runpy.run_module("lca", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stderr.write("\\nMODULES " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})) + f" EXIT {code}\\n")
"""


def loaded(*args: str, home=None) -> tuple[set[str], str, int]:
    """Top-level packages imported by `lca ARGS` in a fresh process, its stdout and its exit code."""
    env = {**os.environ, **({"LCA_HOME": str(home)} if home else {})}
    res = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=REPO, env=env, text=True,
                         capture_output=True, timeout=120)
    tail = res.stderr.rsplit("MODULES ", 1)[1]
    mods, code = tail.rsplit(" EXIT ", 1)
    return set(json.loads(mods)), res.stdout, int(code.strip() or 0)


@pytest.mark.parametrize("args", [["--help"], ["evaluate", "--help"], ["import", "--help"], ["--version"]])
def test_command_list_imports_no_heavy_library(args):
    mods, out, code = loaded(*args)
    assert code == 0 and out
    assert not mods & set(HEAVY), sorted(mods & set(HEAVY))


def test_evaluate_and_setup_on_a_built_home_do_not_import_brightway(home, engine):
    mods, out, code = loaded("evaluate", "--json", CHAIR, home=home)
    assert code == 0
    assert not mods & set(BRIGHTWAY), sorted(mods & set(BRIGHTWAY))
    # behaviour unchanged: the numbers are bw2calc-built engine's, computed here in-process
    from lca.engine.session import read_inventories

    inv = read_inventories([CHAIR], engine)[0]
    scores = engine.evaluate(inv).scores.sum(axis=1)
    got = json.loads(out)["products"][0]["indicators"]
    ids = [i.id for i in engine.indicators.indicators]
    assert {k: got[k]["total"] for k in ids} == pytest.approx(dict(zip(ids, scores)), rel=1e-12)

    mods, out, code = loaded("setup", home=home)
    assert code == 0 and "already current" in out
    assert not mods & set(HEAVY), sorted(mods & set(HEAVY))
