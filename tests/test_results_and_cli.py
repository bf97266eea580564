"""Exports round-trip; the CLI prints, writes JSON, and uses the documented exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import EXAMPLES, REPO

from lca import api
from lca.assess.results import export
from lca.cli import app


@pytest.fixture(scope="module")
def results(home):
    return api.evaluate([str(p) for p in EXAMPLES], home=home)[0]


def test_netcdf_round_trip(results, tmp_path):
    path = export(results, tmp_path / "r.nc")
    back = xr.load_dataset(path)
    np.testing.assert_array_equal(back["score"].values, results["score"].values)
    assert list(back["unit"].values) == list(results["unit"].values)
    assert back.attrs["background_data_version"] == results.attrs["background_data_version"]


def test_csv_and_excel_hold_the_same_numbers(results, tmp_path):
    csv = pd.read_csv(export(results, tmp_path / "r.csv"))
    got = csv.set_index(["product", "indicator", "stage"])["value"]
    for prod in results["product"].values:
        for ind in results["indicator"].values:
            q = results.sel(product=prod, indicator=ind)
            assert got[(prod, ind, "total")] == pytest.approx(float(q["total"]), rel=1e-12, abs=0)
            for stage, v in zip(results["stage"].values, q["score"].values):
                assert got[(prod, ind, stage)] == pytest.approx(float(v), rel=1e-12, abs=0)
    xl = pd.read_excel(export(results, tmp_path / "r.xlsx"), sheet_name="scores")
    row = xl[(xl["product"] == "room_ac_35kw") & (xl["indicator"] == "gwp100")].iloc[0]
    assert row["total"] == pytest.approx(float(results["total"].sel(product="room_ac_35kw", indicator="gwp100")))
    assert row[["raw_materials", "production", "distribution", "use", "end_of_life"]].sum() == \
        pytest.approx(row["total"], rel=1e-12)


def test_evaluate_json(home, runner):
    res = runner.invoke(app, ["evaluate", str(EXAMPLES[0]), "--home", str(home), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    gwp = doc["products"][0]["indicators"]["gwp100"]
    assert sum(gwp["stages"].values()) == pytest.approx(gwp["total"], rel=1e-12)
    assert len(doc["background_data_version"]) == 64


def test_methods_lists_sets(runner):
    res = runner.invoke(app, ["methods"])
    assert res.exit_code == 0
    assert "gbt32161_default" in res.output and "carbon_footprint" in res.output and "gwp100" in res.output


def test_unknown_indicator_set_is_bad_input(home, runner):
    res = runner.invoke(app, ["evaluate", str(EXAMPLES[0]), "--home", str(home), "--set", "nope"])
    assert res.exit_code == 2 and "unknown indicator set 'nope'" in res.output


def _lca(*args, env_home):
    env = {**os.environ, "LCA_HOME": str(env_home)}
    return subprocess.run([sys.executable, "-m", "lca", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_console_exit_codes(home, tmp_path):
    ok = _lca("evaluate", str(EXAMPLES[0]), env_home=home)
    assert ok.returncode == 0, ok.stderr
    missing = _lca("evaluate", str(tmp_path / "nope.yaml"), env_home=home)
    assert missing.returncode == 2 and "product manifest not found" in missing.stderr
    # A corrupt matrix cache is repaired (rebuilt, saying so), not an error.
    broken = tmp_path / "broken-home"
    import shutil

    shutil.copytree(home, broken)
    state = json.loads((broken / "state.json").read_text())
    (broken / state["cache"]).write_bytes(b"not a numpy file")
    repaired = _lca("evaluate", str(EXAMPLES[0]), env_home=broken)
    assert repaired.returncode == 0 and "rebuilding it" in repaired.stderr, repaired.stderr
    assert repaired.stdout == ok.stdout
    # Broken shipped data is an internal error (3), not the user's fault.
    data = tmp_path / "data"
    for part in ("inventories", "methods", "product_specs"):
        shutil.copytree(REPO / part, data / part)
    (data / "methods" / "gbt32161_default.yaml").write_text("indicators: [unclosed\n", encoding="utf-8")
    env = {**os.environ, "LCA_HOME": str(tmp_path / "data-home"), "LCA_DATA_DIR": str(data)}
    bad = subprocess.run([sys.executable, "-m", "lca", "evaluate", str(EXAMPLES[0])], capture_output=True,
                         text=True, env=env, timeout=300)
    assert bad.returncode == 3 and "shipped data error" in bad.stderr, bad.stderr


def test_same_product_twice_is_bad_input(home, runner):
    res = runner.invoke(app, ["evaluate", str(EXAMPLES[0]), str(EXAMPLES[0]), "--home", str(home)])
    assert res.exit_code == 2 and "is also used by" in res.output


def test_unsupported_output_type_is_rejected_before_work(home, runner, tmp_path):
    res = runner.invoke(app, ["evaluate", str(EXAMPLES[0]), "--home", str(home), "--out", str(tmp_path / "r.pdf")])
    assert res.exit_code == 2 and "unsupported output type '.pdf'" in res.output
    assert not (tmp_path / "r.pdf").exists()


def test_exports_have_ordinary_permissions(results, tmp_path):
    import os
    import stat

    mask = os.umask(0)
    os.umask(mask)
    for name in ("r.csv", "r.xlsx", "r.nc"):
        mode = stat.S_IMODE(export(results, tmp_path / name).stat().st_mode)
        assert mode == 0o666 & ~mask, (name, oct(mode))
