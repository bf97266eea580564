"""`lca screen` into .nc/.xlsx/.csv, the path held in memory: it gives the Parquet path's scores, categories,
masses, progress and coverage; its product limit holds at the boundary; verdicts are refused there with a message.

Mutation testing of lca/population/screen.py found this path unchecked (its categories, masses and coverage could
be dropped, its limit moved by one, its messages emptied, without a test failing).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from specs_helpers import requirement, write_spec

from lca.assess.specs import load_spec
from lca.core.errors import InputError
from lca.population import screen as screen_module
from lca.population import synthetic
from lca.population.screen import screen

N = 30


@pytest.fixture(scope="module")
def cat(engine, tmp_path_factory):
    path = tmp_path_factory.mktemp("in-memory") / "c.parquet"
    synthetic.catalogue(engine.m.catalogue, N, seed=11).to_parquet(path)
    return path


def test_netcdf_holds_what_the_parquet_run_holds(cat, home, tmp_path):
    calls: list[tuple] = []
    in_memory = screen(cat, tmp_path / "r.nc", home=home, progress=lambda done, total: calls.append((done, total)))
    streamed = screen(cat, tmp_path / "r.parquet", home=home)
    ds, df = xr.open_dataset(tmp_path / "r.nc"), pd.read_parquet(tmp_path / "r.parquet")
    assert list(ds["product"].values) == list(df["product"])
    assert list(ds["category"].values) == list(df["category"])
    np.testing.assert_array_equal(ds["mass_kg"].values, df["mass_kg"].to_numpy())
    for ind in ("gwp100", "acidification"):
        np.testing.assert_allclose(ds["total"].sel(indicator=ind).values, df[f"{ind}.total"].to_numpy(), rtol=1e-12)
    assert calls == [(N, N)]
    assert in_memory.products == streamed.products == N and in_memory.chunks == 1
    assert in_memory.coverage and in_memory.coverage == streamed.coverage
    assert 0 < in_memory.coverage["ced_nonrenewable"]["by_climate_score"] < 1


def test_product_limit_holds_at_the_boundary(cat, home, tmp_path, monkeypatch):
    monkeypatch.setattr(screen_module, "IN_MEMORY_LIMIT", N)
    assert screen(cat, tmp_path / "r.csv", home=home).products == N  # exactly the limit: written
    monkeypatch.setattr(screen_module, "IN_MEMORY_LIMIT", N - 1)
    with pytest.raises(InputError) as err:
        screen(cat, tmp_path / "r2.csv", home=home)
    assert f"{N} products are too many for .csv" in err.value.message and err.value.hint == "write .parquet"
    assert not (tmp_path / "r2.csv").exists()


def test_verdicts_are_refused_outside_parquet(cat, home, tmp_path):
    (tmp_path / "spec").mkdir()
    spec = load_spec(write_spec(tmp_path / "spec", indicators=[
        requirement("gwp", "gwp100", "<=", 1e9, "kgCO2e", group="environment")]))
    with pytest.raises(InputError) as err:
        screen(cat, tmp_path / "r.nc", home=home, spec=spec)
    assert "verdicts are written to Parquet only" in err.value.message
    assert err.value.hint == "use --out results.parquet"
    assert not (tmp_path / "r.nc").exists()
