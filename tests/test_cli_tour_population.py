"""The README's tour through the CLI, part 2: `screen` (--out .parquet/.nc/.xlsx/.csv, --workers,
--scheduler, --set, --chunk-size, --json), `report-catalogue`, `calibrate` (--category, --seed, --json,
--iterations, --bootstrap) and `import` (--report, --overwrite, --allocation) on small inputs: a
60-product synthetic catalogue and the fixtures under tests/data. Screening results are checked
against plain bw2calc per product; every other output against those results or the fixtures' figures.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, brightway_of, copy_of
from lxml import html as lhtml
from test_cli_tour import STAGES, _read_results, carbon_footprint, invoke

from lca import api
from lca.engine import project
from lca.population import synthetic

DATA = REPO / "tests" / "data"
SIMAPRO = DATA / "simapro" / "small.csv"
ES2 = DATA / "ecospold2"
N = 60


@pytest.fixture(scope="module")
def catalogue(home, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tour-cat") / "catalogue.parquet"
    synthetic.catalogue(api.engine(home).m.catalogue, N, seed=5).to_parquet(path)
    return path


@pytest.fixture(scope="module")
def base(catalogue, home, tmp_path_factory) -> pd.DataFrame:
    """`lca screen --json` in-process, in 3 chunks: the results every other run is compared with."""
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("tour-base") / "base.parquet"
    res = invoke(CliRunner(), "screen", catalogue, "--out", out, "--chunk-size", "20", "--json", "--home", home)
    summary = json.loads(res.stdout)
    assert (summary["products"], summary["chunks"], summary["output"]) == (N, 3, str(out))
    return pd.read_parquet(out).set_index("product")


def test_screen_equals_bw2calc_per_product(catalogue, base, home):
    import bw2calc as bc

    cat = pd.read_parquet(catalogue)
    bd = brightway_of(home)
    nodes = {a["code"]: a for a in bd.Database(project.BACKGROUND_DB)}
    method = tuple(carbon_footprint()[0]["method"])  # gwp100
    checked = 0
    for pid in ("P0000000", "P0000017", "P0000059"):
        rows = cat[cat["product"] == pid]
        for stage in STAGES:
            part = rows[rows["stage"] == stage].groupby("link", observed=True)["amount"].sum()
            want = 0.0
            if not part.empty:
                lca = bc.LCA({nodes[c]: a for c, a in part.items()}, method=method)
                lca.lci()
                lca.lcia()
                want = lca.score
                checked += 1
            assert base.loc[pid, f"gwp100.{stage}"] == pytest.approx(want, rel=1e-9, abs=1e-300), (pid, stage)
    assert checked >= 6
    assert base.loc["P0000017", "category"] == "packaging"  # synthetic: category = product number mod 3


@pytest.mark.parametrize("suffix", [".nc", ".xlsx", ".csv"])
def test_screen_out_file_holds_the_parquet_numbers(suffix, catalogue, base, home, runner, tmp_path):
    out = tmp_path / f"results{suffix}"
    summary = json.loads(invoke(runner, "screen", catalogue, "--out", out, "--json", "--home", home).stdout)
    assert summary["products"] == N
    got = _read_results(out)
    indicators = sorted({c.split(".")[0] for c in base.columns if "." in c})
    assert len(got) == N * len(indicators) * 6
    for (pid, ind, stage), v in got.items():
        assert v == pytest.approx(base.loc[pid, f"{ind}.{stage}"], rel=1e-12, abs=0), (pid, ind, stage)


def test_screen_workers_equals_in_process(catalogue, base, home, runner, tmp_path):
    out = tmp_path / "w2.parquet"
    invoke(runner, "screen", catalogue, "--out", out, "--chunk-size", "20", "--workers", "2", "--home", home)
    pd.testing.assert_frame_equal(pd.read_parquet(out).set_index("product"), base)


def test_screen_on_a_running_scheduler_equals_in_process(catalogue, base, home, runner, tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "sched.parquet"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        invoke(runner, "screen", catalogue, "--out", out, "--chunk-size", "20", "--scheduler",
               cluster.scheduler_address, "--home", home)
    pd.testing.assert_frame_equal(pd.read_parquet(out).set_index("product"), base)


def test_screen_set_carbon_footprint(catalogue, base, home, runner, tmp_path):
    out = tmp_path / "cf.parquet"
    invoke(runner, "screen", catalogue, "--out", out, "--set", "carbon_footprint", "--home", home)
    df = pd.read_parquet(out).set_index("product")
    ids = [i["id"] for i in carbon_footprint()]
    assert list(df.columns) == ["category", "mass_kg"] + [f"{i}.{s}" for i in ids for s in STAGES + ["total"]]
    gwp = [f"gwp100.{s}" for s in STAGES + ["total"]]
    pd.testing.assert_frame_equal(df[gwp], base[gwp], rtol=1e-12)


def test_report_catalogue_summarises_the_screening(base, runner, tmp_path, catalogue, home):
    results = tmp_path / "r.parquet"
    base.reset_index().to_parquet(results)
    out = tmp_path / "summary.html"
    invoke(runner, "report-catalogue", results, "--out", out, "--lang", "en")
    doc = lhtml.fromstring(out.read_bytes())
    assert doc.get("lang") == "en"
    assert int(doc.xpath("//*[@data-products]")[0].get("data-products")) == N
    mean = float(doc.xpath('//tr[@data-indicator="gwp100"]/td[@data-mean]')[0].get("data-mean"))
    assert mean == pytest.approx(float(np.mean(base["gwp100.total"])), rel=1e-12)


def _calibrate(runner, catalogue, home, out: Path, *extra: str) -> dict:
    res = invoke(runner, "calibrate", catalogue, "--spec", "tcagp_0001_2016", "--indicator", "gwp100",
                 "--pass-share", "0.2", "--out", out, "--json", "--home", home, *extra)
    return json.loads(res.stdout)


def test_calibrate_category_and_seed(catalogue, base, home, runner, tmp_path):
    """tcagp_0001_2016 has no gwp100 requirement: total, `<=`, threshold the type-1 quantile (⌈0.2·n⌉-th
    smallest) of the category's totals; the bootstrap band repeats with its seed and moves with another."""
    args = ("--category", "furniture", "--bootstrap", "30")
    one = _calibrate(runner, catalogue, home, tmp_path / "a", *args, "--seed", "1")
    again = _calibrate(runner, catalogue, home, tmp_path / "b", *args, "--seed", "1")
    # 20 products: a band's ends are order statistics, so two seeds may land on the same ones by chance;
    # ignoring --seed would make all of them equal
    others = [_calibrate(runner, catalogue, home, tmp_path / f"c{s}", *args, "--seed", str(s)) for s in (2, 3, 4)]
    other = others[0]
    totals = np.sort(base.loc[base["category"] == "furniture", "gwp100.total"].to_numpy())
    assert one["products"] == len(totals) == N // 3
    (c,) = one["indicators"]
    assert (c["stage"], c["operator"]) == ("total", "<=")
    assert c["threshold"] == totals[int(np.ceil(0.2 * len(totals))) - 1]
    assert c["realised_share"] == 0.2
    assert (one["seed"], other["seed"]) == (1, 2)
    assert again["indicators"][0]["band"] == c["band"]
    assert any(o["indicators"][0]["band"] != c["band"] for o in others)
    assert all(o["indicators"][0]["threshold"] == c["threshold"] for o in others)


def test_calibrate_iterations_on_point_data_give_a_point_band(catalogue, base, home, runner, tmp_path):
    """The shipped background carries no distributions: every Monte Carlo draw scores like the
    deterministic run, so the exchange-uncertainty band is the threshold itself."""
    run = _calibrate(runner, catalogue, home, tmp_path / "mc", "--iterations", "3", "--bootstrap", "0")
    totals = np.sort(base["gwp100.total"].to_numpy())
    (c,) = run["indicators"]
    assert run["exchange_iterations"] == 3 and run["products"] == N
    assert c["threshold"] == totals[int(np.ceil(0.2 * N)) - 1]
    assert c["exchange_band"] == pytest.approx([c["threshold"], c["threshold"]], rel=1e-9)


@pytest.fixture(scope="module")
def import_tour_home(home, tmp_path_factory) -> Path:
    return copy_of(home, tmp_path_factory, "tour-import")


def _names(h: Path, db: str) -> set[str]:
    """Names of the processes (not the cut-off nodes) of an imported database."""
    return {a["name"] for a in brightway_of(h).Database(db) if not a.get("cutoff")}


def test_import_report_path_and_overwrite(import_tour_home, runner, tmp_path):
    h = import_tour_home
    report = tmp_path / "reports" / "sp.json"
    res = invoke(runner, "import", SIMAPRO, "--format", "simapro-csv", "--name", "tour", "--report", report,
                 "--home", h)
    assert f"linking report written to {report}" in " ".join(res.output.split())
    doc = json.loads(report.read_text(encoding="utf-8"))
    sp_names = set(re.findall(r"^Process name\r?\n(.+?)\r?$", SIMAPRO.read_text(encoding="utf-8"), flags=re.M))
    assert (doc["database"], doc["processes"]) == ("tour", len(sp_names)) and len(sp_names) == 3
    assert not (h / "imports" / "tour.json").exists()
    assert _names(h, "tour") == sp_names

    es2_names = {re.search(r"<activityName[^>]*>(.+?)</activityName>", p.read_text(encoding="utf-8")).group(1)
                 for p in ES2.glob("*.spold")}
    refused = invoke(runner, "import", ES2, "--format", "ecospold2", "--name", "tour", "--home", h, code=2)
    assert "already exists" in refused.output and _names(h, "tour") == sp_names
    invoke(runner, "import", ES2, "--format", "ecospold2", "--name", "tour", "--overwrite", "--home", h)
    assert _names(h, "tour") == es2_names and len(es2_names) == 3
    listed = invoke(runner, "processes", "--database", "tour", "--home", h).output
    assert "tour processes (3)" in listed


def test_import_allocation(import_tour_home, runner, tmp_path):
    """A JSON-LD co-production (tests/test_import_jsonld_v2.py): 10 kWh electricity and 2 kg CO2 for
    1 kg A + 3 kg B; physical factors 0.4/0.6 (the process default), causal 0.5/0.5 (electricity) and
    0.9/0.1 (CO2). --allocation causal takes the causal ones."""
    from test_import_jsonld_v2 import _with_coproduction, write_v2_zip

    h = import_tour_home
    path = write_v2_zip(tmp_path / "coprod.zip", _with_coproduction(False))
    invoke(runner, "import", path, "--name", "causal", "--allocation", "causal", "--home", h)
    invoke(runner, "import", path, "--name", "default", "--home", h)
    want = {"causal": {"Co-product A": (10 * 3.6 * 0.5, 2.0 * 0.9), "Co-product B": (10 * 3.6 * 0.5, 2.0 * 0.1)},
            "default": {"Co-product A": (10 * 3.6 * 0.4, 2.0 * 0.4), "Co-product B": (10 * 3.6 * 0.6, 2.0 * 0.6)}}
    bd = brightway_of(h)
    for db, products in want.items():
        for act in bd.Database(db):
            if act["name"] != "Co-production":
                continue
            got = {e["type"]: e["amount"] for e in act.exchanges() if e["type"] != "production"}
            elec, co2 = products.pop(act["reference product"])
            assert got == pytest.approx({"technosphere": elec, "biosphere": co2}, rel=1e-6), (db, act["reference product"])
        assert not products  # both co-products were written as activities
