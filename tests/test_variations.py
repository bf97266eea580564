"""`lca screen TEMPLATE.yaml --variations V.csv`: every variant scores exactly like the same variant
written out as a product of its own and run through `lca evaluate` (the resolver, not the
vectorised ratios). Synthetic template and variants, for tests only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import snapshot
from specs_helpers import requirement, write_product, write_spec

from lca import api
from lca.cli import app
from lca.core.stages import STAGES

BOM = """component,parent,link,amount,unit,stage,recycled_content
body,,,2,piece,raw_materials,
frame,body,hdpe_primary_desnz,3,kg,raw_materials,0.3
shell,body,polypropylene_primary_desnz,2,kg,raw_materials,
carton,,corrugated_board_fefco,1,kg,distribution,
"""
PROCS = """id,stage,link,flow,compartment,amount,unit,share,applies_to
power,use,electricity_grid_cn,,,40,kWh/year,,
leak,use,,"Methane, fossil",air,0.01,kg,,
truck,distribution,truck_transport_hgv_desnz,,,300,km,,
carton_landfill,end_of_life,landfill_paper_board_desnz,,,,,0.5,carton
plastics_landfill,end_of_life,landfill_plastics_desnz,,,,,0.4,body
"""
VARIANTS = 24


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_product(tmp_path_factory.mktemp("tpl") / "template", BOM, PROCS)


@pytest.fixture(scope="module")
def variations(template):
    rng = np.random.default_rng(5)
    df = pd.DataFrame({
        "product": [f"v{i:02d}" for i in range(VARIANTS)],
        "category": "test",
        "frame.amount": rng.uniform(1, 5, VARIANTS).round(3),
        "body.amount": rng.integers(1, 4, VARIANTS),
        "power.amount": rng.uniform(20, 60, VARIANTS).round(2),
        "leak.amount": rng.uniform(0, 0.02, VARIANTS).round(4),
        "truck.amount": rng.uniform(100, 900, VARIANTS).round(0),
        "plastics_landfill.share": rng.uniform(0, 1, VARIANTS).round(2),
        "lifetime": rng.uniform(5, 12, VARIANTS).round(1),
        "frame.link": rng.choice(["", "ldpe_primary_desnz", "pet_primary_desnz"], VARIANTS),
        "power.link": rng.choice(["", "electricity_grid_cn_east"], VARIANTS),
    }).astype(str)
    df.loc[3, ["frame.amount", "lifetime"]] = ""  # blanks keep the template's values
    path = template.parent / "variants.csv"
    df.to_csv(path, index=False)
    return path, df


def _as_product(template, row: pd.Series, folder):
    """The variant written out as its own product (the independent path)."""
    bom = pd.read_csv(template.parent / "bom.csv", dtype=str, keep_default_na=False)
    procs = pd.read_csv(template.parent / "processes.csv", dtype=str, keep_default_na=False)
    for col, value in row.items():
        if col in ("product", "category") or value == "" or col == "lifetime":
            continue
        name, field = col.rsplit(".", 1)
        table, key = (bom, "component") if name in set(bom["component"]) else (procs, "id")
        table.loc[table[key] == name, field] = str(value)
    manifest = yaml.safe_load(template.read_text(encoding="utf-8"))
    if row["lifetime"] != "":
        manifest["lifetime"]["amount"] = float(row["lifetime"])
    manifest["id"] = row["product"]
    folder.mkdir(parents=True)
    bom.to_csv(folder / "bom.csv", index=False)
    procs.to_csv(folder / "processes.csv", index=False)
    (folder / "product.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return folder / "product.yaml"


def test_variants_equal_their_own_products(template, variations, home, runner, tmp_path):
    path, df = variations
    out = tmp_path / "variants.parquet"
    res = runner.invoke(app, ["screen", str(template), "--variations", str(path), "--out", str(out),
                              "--home", str(home), "--chunk-size", "7"])
    assert res.exit_code == 0, res.output
    got = pd.read_parquet(out).set_index("product")
    assert list(got.index) == list(df["product"])
    manifests = [_as_product(template, df.iloc[i], tmp_path / f"p{i}")
                 for i in range(VARIANTS)]
    ds, invs = api.evaluate(manifests, home=home)
    for inv in invs:
        row = got.loc[inv.product_id]
        assert row["mass_kg"] == pytest.approx(inv.mass_kg, rel=1e-12)
        for ind in ds["indicator"].values:
            for stage in STAGES:
                want = float(ds["score"].sel(product=inv.product_id, indicator=ind, stage=stage))
                assert row[f"{ind}.{stage}"] == pytest.approx(want, rel=1e-9, abs=1e-12), (inv.product_id, ind, stage)
    gwp = got["gwp100.total"]
    assert gwp.std() > 0.1 * gwp.mean()  # the variations matter


def test_verdicts_on_variants_equal_evaluate(template, variations, home, runner, tmp_path):
    from lca.assess.evaluate import evaluate as check

    path, df = variations
    spec = write_spec(tmp_path, indicators=[
        requirement("gwp", "gwp100", "<=", 120.0, "kgCO2e"),
        requirement("use_gwp", "gwp100", "<=", 80.0, "kgCO2e", stage="use"),
        requirement("mass", "product_mass", "<=", 12.0, "kg", group="product")], complete=False)
    out = tmp_path / "v.parquet"
    res = runner.invoke(app, ["screen", str(template), "--variations", str(path), "--spec", str(spec),
                              "--out", str(out), "--home", str(home)])
    assert res.exit_code == 0, res.output
    got = pd.read_parquet(out).set_index("product")
    for col in ("pass.gwp", "pass.mass"):
        assert set(got[col]) == {True, False}  # thresholds that split the variants
    manifests = [_as_product(template, df.iloc[i], tmp_path / f"p{i}") for i in range(VARIANTS)]
    from lca.assess.specs import load_spec

    for ev in check(manifests, load_spec(spec), home):
        for v in ev.indicators:
            assert got.loc[ev.product_id, f"value.{v.id}"] == pytest.approx(v.value, rel=1e-9), (ev.product_id, v.id)
            assert got.loc[ev.product_id, f"pass.{v.id}"] == (v.status == "pass")


BAD = {
    "unknown parameter": ({"frame.mass": ["3"]}, "frame.mass", "not a parameter of the template"),
    "not a number": ({"power.amount": ["lots"]}, "power.amount", "is not a finite number"),
    "share above 1": ({"plastics_landfill.share": ["1.5"]}, "plastics_landfill.share", "between 0 and 1"),
    "unknown link": ({"frame.link": ["unobtainium"]}, "frame.link", "unknown process 'unobtainium'"),
    "link of another dimension": ({"frame.link": ["electricity_grid_cn"]}, "frame.link", "frame.link = electricity_grid_cn"),
    "duplicate id": ({"product": ["a", "a"], "power.amount": ["1", "2"]}, "product", "used twice"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_variations(case, template, home, runner, tmp_path):
    cols, column, words = BAD[case]
    cols = {"product": ["a"] * len(next(iter(cols.values()))), **cols}
    path = tmp_path / "bad.csv"
    pd.DataFrame(cols).to_csv(path, index=False)
    out = tmp_path / "out.parquet"
    before = snapshot(home)
    res = runner.invoke(app, ["screen", str(template), "--variations", str(path), "--out", str(out),
                              "--home", str(home)])
    text = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "bad.csv" in text and f"column '{column}'" in text and words in text, text
    assert not out.exists() and not (tmp_path / "out.parquet.parts").exists() and snapshot(home) == before


def test_shipped_design_options(home, runner, tmp_path):
    """The air conditioner's illustrative design options screen; 'base' is the example itself."""
    from lca.core.resources import examples_dir

    folder = examples_dir() / "room_air_conditioner"
    out = tmp_path / "options.parquet"
    res = runner.invoke(app, ["screen", str(folder / "product.yaml"), "--variations", str(folder / "design_options.csv"),
                              "--out", str(out), "--home", str(home)])
    assert res.exit_code == 0, res.output
    got = pd.read_parquet(out).set_index("product")
    ds, (inv,) = api.evaluate([folder / "product.yaml"], home=home)
    want = float(ds["score"].sel(product=inv.product_id, indicator="gwp100").sum("stage"))
    assert got.loc["base", "gwp100.total"] == pytest.approx(want, rel=1e-9)
    eng = api.engine(home)
    k = [i.id for i in eng.indicators.indicators].index("gwp100")
    power = sum(ln.amount * eng.lam[ln.index, k] for ln in inv.lines if ln.label == "use_electricity")
    assert got.loc["efficient_compressor", "gwp100.use"] - got.loc["base", "gwp100.use"] == pytest.approx(
        power * (560 / 620 - 1), rel=1e-9)
