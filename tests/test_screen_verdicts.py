"""Catalogue verdicts: requirement values and pass flags computed independently from the table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from lca.assess.specs import load_spec
from lca.cli import app
from lca.engine.indicators import background_roles
from lca.population.screen import screen

SPEC = {
    "id": "synthetic_screening_test", "version": "1", "category": "synthetic",
    "title_zh": "测试规范（合成）", "title_en": "Synthetic test specification (not a published standard)",
    "standard": {"number": "TEST 0001-2026", "year": 2026, "title_zh": "测试", "publisher": "tests",
                 "url": "https://example.invalid/test"},
    "scope": "synthetic catalogues in tests", "functional_unit": "one product", "coverage": "test only",
    "basic_requirements": [{"id": "management_system", "text_zh": "测试", "text_en": "test", "clause": "4.1",
                            "evidence": "certificate"}],
    "indicator_requirements": [
        {"id": "gwp_total", "indicator": "gwp100", "stage": "total", "operator": "<=", "threshold": 300,
         "unit": "kgCO2e", "group": "environment", "clause": "T1", "quote": "test"},
        {"id": "energy_production", "indicator": "energy_kgce", "stage": "production", "operator": "<=",
         "threshold": 5, "unit": "kgce", "group": "energy", "clause": "T2", "quote": "test"},
        {"id": "light", "indicator": "product_mass", "stage": "total", "operator": "<=", "threshold": 40000,
         "unit": "g", "group": "product", "clause": "T3", "quote": "test"},
    ],
}


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "spec.yaml"
    path.write_text(yaml.safe_dump(SPEC, allow_unicode=True), encoding="utf-8")
    return load_spec(path)


def test_batch_verdicts_by_hand(engine, home, spec, tmp_path):
    from lca.population import synthetic

    cat = synthetic.catalogue(engine.m.catalogue, 300, seed=11)
    cat.to_parquet(tmp_path / "c.parquet")
    summary = screen(tmp_path / "c.parquet", tmp_path / "r.parquet", home=home, spec=spec, chunk_size=64)
    res = pd.read_parquet(tmp_path / "r.parquet").set_index("product")
    df = pd.DataFrame({c: cat[c].astype(str) if c != "amount" else cat[c] for c in cat.columns})

    # GWP: the screened totals (checked against bw2calc elsewhere) against 300 kg CO2-Eq
    np.testing.assert_array_equal(res["pass.gwp_total"].to_numpy(), (res["gwp100.total"] <= 300).to_numpy())
    # energy in production: energy carriers in kWh/MJ to kgce (1 kgce = 29.3076 MJ); fuels in kg: not computable
    roles = background_roles()
    prod = df[(df["stage"] == "production") & df["link"].map(lambda c: roles[c][0] == "energy")]
    per_mj = {"kWh": 3.6, "MJ": 1.0}
    kgce = prod["amount"] * prod["unit"].map(per_mj) / 29.3076
    by_product = kgce.groupby(prod["product"]).sum(min_count=1)  # NaN when a fuel line has no MJ value
    expected = pd.Series(0.0, index=res.index)
    expected.loc[by_product.index] = by_product
    got = res["value.energy_production"]
    np.testing.assert_allclose(got[got.notna()], expected[got.notna()], rtol=1e-12)
    fuels = prod[~prod["unit"].isin(per_mj)]["product"].unique()
    assert set(got[got.isna()].index) == set(fuels)
    assert res.loc[got.isna(), "pass.energy_production"].isna().all()
    # product mass without packaging (distribution lines), in g
    mass = df[(df["unit"] == "kg") & (df["stage"] != "distribution")].groupby("product")["amount"].sum()
    np.testing.assert_allclose(res["value.light"], mass.reindex(res.index).fillna(0) * 1000, rtol=1e-12)
    # joint verdict and summary
    p = res[["pass.gwp_total", "pass.energy_production", "pass.light"]].astype("float64")
    joint = np.where((p == 0).any(axis=1), 0.0, np.where(p.isna().any(axis=1), np.nan, 1.0))
    np.testing.assert_array_equal(res["indicators_pass"].astype("float64").to_numpy(), joint)
    assert summary.joint_pass_rate == pytest.approx(np.nanmean(joint))
    assert summary.requirements["gwp_total"]["pass_rate"] == pytest.approx((res["gwp100.total"] <= 300).mean())
    assert summary.not_assessed == ["management_system"]
    assert 0 < summary.requirements["gwp_total"]["pass_rate"] < 1  # the threshold splits the population


def test_cli_screen_with_spec(engine, home, runner, tmp_path, spec):
    from lca.population import synthetic

    synthetic.catalogue(engine.m.catalogue, 50, seed=2).to_parquet(tmp_path / "c.parquet")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(SPEC, allow_unicode=True), encoding="utf-8")
    res = runner.invoke(app, ["screen", str(tmp_path / "c.parquet"), "--out", str(tmp_path / "r.parquet"),
                              "--spec", str(tmp_path / "spec.yaml"), "--home", str(home)])
    assert res.exit_code == 0, res.output
    assert "pass jointly" in res.output.replace("\n", " ") and "management_system" in res.output
