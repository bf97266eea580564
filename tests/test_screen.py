"""Catalogue screening: batch scores equal bw2calc per product; chunking, dask and resume agree."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, snapshot

from lca.cli import app
from lca.core.stages import STAGES
from lca.engine import project
from lca.inventory.product import load_product
from lca.inventory.resolve import resolve
from lca.population import synthetic
from lca.population.screen import screen


@pytest.fixture(scope="module")
def catalogue(engine, tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "catalogue.parquet"
    synthetic.catalogue(engine.m.catalogue, 240, seed=7).to_parquet(path)
    return path


@pytest.fixture(scope="module")
def screened(catalogue, home, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "results.parquet"
    summary = screen(catalogue, out, home=home, chunk_size=50)
    return summary, pd.read_parquet(out).set_index("product")


def test_batch_scores_equal_bw2calc_per_product(catalogue, screened, engine, home):
    import bw2calc as bc

    _, res = screened
    cat = pd.read_parquet(catalogue)
    state = project.read_state(home)
    bd = project.brightway(home, state.project)
    nodes = {a["code"]: a for a in bd.Database(project.BACKGROUND_DB)}
    rng = np.random.default_rng(3)
    sample = rng.choice(cat["product"].unique(), 8, replace=False)
    inds = engine.indicators.indicators
    checked = 0
    for pid in sample:
        rows = cat[cat["product"] == pid]
        for stage in STAGES:
            part = rows[rows["stage"] == stage].groupby("link", observed=True)["amount"].sum()
            if part.empty:
                assert all(res.loc[pid, f"{i.id}.{stage}"] == 0 for i in inds)
                continue
            lca = bc.LCA({nodes[code]: amt for code, amt in part.items()}, method=inds[0].method)
            lca.lci()
            for ind in inds:
                lca.switch_method(ind.method)
                lca.lcia()
                np.testing.assert_allclose(res.loc[pid, f"{ind.id}.{stage}"], lca.score, rtol=1e-9, atol=1e-300)
                checked += 1
    assert checked > 8 * 3 * len(inds)
    totals = res[[f"gwp100.{s}" for s in STAGES]].sum(axis=1)
    np.testing.assert_allclose(res["gwp100.total"], totals, rtol=1e-12)


def test_batch_equals_single_product_engine(engine, home, tmp_path):
    """An example product written as catalogue lines scores like `lca evaluate`."""
    manifest = next(p for p in EXAMPLES if p.parent.name == "office_chair")
    inv = resolve(load_product(manifest), engine.m.catalogue)
    assert not [ln for ln in inv.lines if ln.kind == "flow"]
    codes = [p["code"] for p in engine.m.meta["processes"]]
    df = pd.DataFrame({"product": "chair", "link": [codes[ln.index] for ln in inv.lines],
                       "amount": [ln.amount for ln in inv.lines],
                       "unit": [engine.m.catalogue.process_unit[ln.index] for ln in inv.lines],
                       "stage": [ln.stage for ln in inv.lines]})
    df.to_csv(tmp_path / "c.csv", index=False)
    screen(tmp_path / "c.csv", tmp_path / "r.parquet", home=home)
    res = pd.read_parquet(tmp_path / "r.parquet").set_index("product")
    single = engine.evaluate(inv).scores
    for k, ind in enumerate(engine.indicators.indicators):
        for s, stage in enumerate(STAGES):
            assert res.loc["chair", f"{ind.id}.{stage}"] == pytest.approx(single[k, s], rel=1e-12, abs=1e-300)


def test_dask_local_cluster_matches_single_process(catalogue, screened, home, tmp_path):
    out = tmp_path / "dask.parquet"
    screen(catalogue, out, home=home, chunk_size=50, workers=2)
    pd.testing.assert_frame_equal(pd.read_parquet(out).set_index("product"), screened[1])


def test_interrupted_run_resumes_and_never_leaves_partial_output(catalogue, screened, home, tmp_path):
    out = tmp_path / "r.parquet"
    calls = []

    def stop_after_two_chunks(done, total):
        calls.append(done)
        if len(calls) == 3:  # first call reports 0 done; then one call per chunk
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        screen(catalogue, out, home=home, chunk_size=50, progress=stop_after_two_chunks)
    assert not out.exists()
    assert len(list((tmp_path / "r.parquet.parts").glob("chunk-*.parquet"))) == 2
    summary = screen(catalogue, out, home=home, chunk_size=50)
    assert summary.resumed_chunks == 2 and summary.chunks == 5
    pd.testing.assert_frame_equal(pd.read_parquet(out).set_index("product"), screened[1])
    assert not (tmp_path / "r.parquet.parts").exists()


def test_small_runs_write_netcdf(catalogue, screened, home, tmp_path):
    import xarray as xr

    screen(catalogue, tmp_path / "r.nc", home=home)
    ds = xr.load_dataset(tmp_path / "r.nc")
    res = screened[1]
    pid = str(ds["product"].values[17])
    assert float(ds["total"].sel(product=pid, indicator="gwp100")) == pytest.approx(res.loc[pid, "gwp100.total"], rel=1e-12)


CSV = "product,link,amount,unit,stage\np1,steel_crude_worldsteel,2,kg,raw_materials\n"


@pytest.mark.parametrize("bad,row,column,words", [
    (CSV + "p1,stel_crude,1,kg,raw_materials\n", 3, "link", "unknown process 'stel_crude'"),
    (CSV + "p2,electricity_grid_cn,1,kg,production\n", 3, "unit", "cannot be converted"),
    (CSV + "p2,steel_crude_worldsteel,-1,kg,raw_materials\n", 3, "amount", "negative amount"),
    (CSV + "p2,steel_crude_worldsteel,abc,kg,raw_materials\n", 3, "amount", "not a finite number"),
    (CSV + "p2,steel_crude_worldsteel,1,kg,making\n", 3, "stage", "unknown stage 'making'"),
    ("product,link,amount\np1,steel_crude_worldsteel,2\n", 1, None, "missing column 'unit'"),
])
def test_bad_catalogue(home, runner, tmp_path, bad, row, column, words):
    path = tmp_path / "c.csv"
    path.write_text(bad, encoding="utf-8")
    out = tmp_path / "r.parquet"
    before = snapshot(home)
    res = runner.invoke(app, ["screen", str(path), "--out", str(out), "--home", str(home)])
    assert res.exit_code == 2, res.output
    assert f"row {row}" in res.output and words in res.output, res.output
    if column:
        assert f"column '{column}'" in res.output
    assert not out.exists() and not (tmp_path / "r.parquet.parts").exists()
    assert snapshot(home) == before


def test_cli_screen_summary(catalogue, home, runner, tmp_path):
    res = runner.invoke(app, ["screen", str(catalogue), "--out", str(tmp_path / "r.parquet"), "--home", str(home),
                              "--json"])
    assert res.exit_code == 0, res.output
    import json

    doc = json.loads(res.stdout)
    assert doc["products"] == 240 and "gwp100" in doc["indicators"]
