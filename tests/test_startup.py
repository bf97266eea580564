"""Fast start (issue 22): the command list imports no heavy library, and a product evaluation or a set-up with
nothing to do on a built home runs from the matrix cache without Brightway. Checked in fresh processes,
by the modules they hold when the command ends."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import EXAMPLES, REPO

from lca import api
from lca.assess.evaluate import evaluate as check
from lca.cli import app
from lca.cli.common import load_spec

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


DATASET_LIBS = ("xarray", "pandas", "dask")


def test_evaluate_table_and_json_do_not_import_the_dataset_libraries(home, engine):
    """Printing a table or JSON needs the score arrays, not xarray/pandas (~0.6 s); a file still gets the Dataset."""
    for args in (["evaluate", CHAIR], ["evaluate", "--json", CHAIR]):
        mods, out, code = loaded(*args, home=home)
        assert code == 0 and out
        assert not mods & set(DATASET_LIBS), (args, sorted(mods & set(DATASET_LIBS)))


def _dataset_json(ds, invs) -> dict:
    """`lca evaluate --json` as written from the results Dataset (the code before issue 22), by xarray selection."""
    def share(v) -> float | None:
        return None if v != v else float(v)

    products = []
    for inv in invs:
        p = ds.sel(product=inv.product_id)
        inds = {}
        for ind in ds.indicator.values:
            q = p.sel(indicator=ind)
            inds[str(ind)] = {
                "name_en": str(q.name_en.item()), "name_zh": str(q.name_zh.item()),
                "unit": str(q.unit.item()), "group": str(q.group.item()),
                "stages": {str(s): float(v) for s, v in zip(ds.stage.values, q.score.values)},
                "total": float(q.total.item()),
                "coverage": {"by_climate_score": share(float(q.coverage_score.item())),
                             "by_bom_mass": share(float(q.coverage_mass.item())),
                             "largest_uncovered": [str(u) for u in q.uncovered_process.values if u]},
                "top_processes": [{"process": str(n), "value": float(v)}
                                  for n, v in zip(q.top_process.values, q.top_value.values)]}
        chain = {str(i): {"primary_share": share(p.primary_share_total.sel(indicator=i).item()),
                          "primary_share_stages": {str(s): share(v) for s, v in
                                                   zip(ds.stage.values, p.primary_share.sel(indicator=i).values)},
                          "green_share": share(p.green_share_total.sel(indicator=i).item())}
                 for i in ds.indicator.values}
        products.append({"id": inv.product_id, "name": inv.name, "mass_kg": inv.mass_kg,
                         "input_hash": inv.input_hash, "warnings": inv.warnings, "indicators": inds,
                         "chain": chain, "green_mass_share": share(float(p.green_mass_share.item()))})
    return {"software": ds.attrs["software"], "indicator_set": ds.attrs["indicator_set"],
            "background_data_version": ds.attrs["background_data_version"], "products": products}


def _as_dataset_json(doc: dict) -> dict:
    """The CLI's document with each supply-chain block cut to the Dataset's share fields (declarations aside)."""
    for p in doc["products"]:
        sc = p.pop("supply_chain")
        p["chain"], p["green_mass_share"] = sc["indicators"], sc["green_mass_share"]
    return doc


def test_evaluate_json_equals_the_dataset_path_for_every_example(home, runner):
    """Every number of the array-printed --json is the Dataset's to the last digit (all examples, and --spec)."""
    ds, invs = api.evaluate([str(p) for p in EXAMPLES], home=home)
    res = runner.invoke(app, ["evaluate", "--json", "--home", str(home), *map(str, EXAMPLES)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [p["id"] for p in doc["products"]] == [i.product_id for i in invs] and len(invs) == len(EXAMPLES)
    want = _dataset_json(ds, invs)
    assert json.dumps(_as_dataset_json(doc)) == json.dumps(want)  # same text: same floats, bit for bit
    for name, spec, code in (("room_ac_eu_pass", "eu_206_2012_reversible_ac", 0),
                             ("hot_melt_adhesive", "tcpcif_0086_2021_bulk", 1)):
        path = str(REPO / "inventories" / "examples" / name / "product.yaml")
        res = runner.invoke(app, ["evaluate", "--json", "--spec", spec, "--home", str(home), path])
        assert res.exit_code == code, res.output
        doc = json.loads(res.stdout)
        ds, invs = api.evaluate([path], home=home)
        assert doc.pop("verdict") == [v.as_dict() for v in check([path], load_spec(spec), home)]
        assert json.dumps(_as_dataset_json(doc)) == json.dumps(_dataset_json(ds, invs))
