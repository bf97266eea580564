"""Issue 15 item 2: a result that is not finite is never shown or written; the row to fix is named.

A BOM amount of 1e308 kg of steel times its ~2 kg CO2-eq/kg overflows float64 (max ≈ 1.8e308);
1e300 does not (2e300 is finite), so that one must still be scored and printed as a number.
"""
from __future__ import annotations

import csv
import json
import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lca.cli import app
from lca.population import synthetic

RAC = "room_air_conditioner"


def _set_cell(path, row: int, column: str, value: str) -> None:
    """Set a cell of a CSV table (row numbers as a spreadsheet shows them: header = row 1)."""
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def _no_number_shown(output: str) -> None:
    assert not re.search(r"\b(nan|NaN|inf|Infinity)\b", output), output


@pytest.mark.parametrize("table,row,column,value", [
    ("bom.csv", 3, "amount", "1e308"),          # outdoor_casing, 1e308 kg steel
    ("bom.csv", 2, "amount", "1e307"),          # the outdoor unit assembly: ×1e307 down its tree → a leaf
    ("processes.csv", 5, "amount", "1e308"),    # 1e308 kWh/year × 10 years: the line's amount overflows
    ("processes.csv", 6, "amount", "1e307"),    # 1e307 kg/year R32 × 10 × GWP 771: a direct flow
])
def test_evaluate_names_the_overflowing_row(example_copy, home, runner, tmp_path, table, row, column, value):
    d = example_copy(RAC)
    _set_cell(d / table, row, column, value)
    out = tmp_path / "results.csv"
    r = runner.invoke(app, ["evaluate", str(d / "product.yaml"), "--home", str(home), "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    msg = " ".join(r.output.split())
    # the assembly row multiplies its leaves: the leaf row is named (the amount that overflows)
    expect_row = 3 if (table, row) == ("bom.csv", 2) else row
    assert f"{d / table}, row {expect_row}, column 'amount'" in msg
    assert not out.exists()
    _no_number_shown(r.output)


def test_large_but_finite_amount_is_scored(example_copy, home, runner, engine):
    d = example_copy(RAC)
    _set_cell(d / "bom.csv", 3, "amount", "1e300")
    r = runner.invoke(app, ["evaluate", str(d / "product.yaml"), "--home", str(home), "--json"])
    assert r.exit_code == 0, r.output
    gwp = json.loads(r.output)["products"][0]["indicators"]["gwp100"]["stages"]
    steel = engine.m.catalogue.process_index["steel_crude_worldsteel"]
    j = [i.id for i in engine.indicators.indicators].index("gwp100")
    # 1e300 kg × the steel's unit score dominates every other line by ~297 orders of magnitude
    assert math.isclose(gwp["raw_materials"], 1e300 * engine.lam[steel, j], rel_tol=1e-6)


def test_report_refuses_overflow(example_copy, home, runner, tmp_path):
    d = example_copy(RAC)
    _set_cell(d / "bom.csv", 3, "amount", "1e308")
    out = tmp_path / "report.html"
    r = runner.invoke(app, ["report", str(d / "product.yaml"), "--spec", "tcagp_0001_2016", "--out", str(out),
                            "--home", str(home)])
    assert r.exit_code == 2, r.output
    assert "row 3, column 'amount'" in " ".join(r.output.split())
    assert not out.exists()


@pytest.fixture
def catalogue_csv(engine, tmp_path):
    df = synthetic.catalogue(engine.m.catalogue, 30, seed=3)
    path = tmp_path / "catalogue.csv"
    pid = df["product"].unique()[17]
    rows = np.flatnonzero(df["product"] == pid)
    df.loc[rows[1], "amount"] = 1e308  # × steel's ~2 kg CO2-eq/kg overflows
    df.loc[rows[1], "unit"] = "kg"
    df.loc[rows[1], "link"] = "steel_crude_worldsteel"
    df.loc[rows[1], "stage"] = "raw_materials"
    df.to_csv(path, index=False)
    return path, str(pid), int(rows[1]) + 2  # header is row 1


def test_screen_names_product_and_row(catalogue_csv, home, runner, tmp_path):
    path, pid, row = catalogue_csv
    out = tmp_path / "res.parquet"
    r = runner.invoke(app, ["screen", str(path), "--out", str(out), "--home", str(home)])
    assert r.exit_code == 2, r.output
    msg = " ".join(r.output.split())
    assert f"{path}, row {row}, column 'amount': product '{pid}'" in msg
    assert not out.exists() and not out.with_name(out.name + ".parts").exists()


def test_calibrate_names_product_and_row(catalogue_csv, home, runner, tmp_path):
    path, pid, row = catalogue_csv
    out = tmp_path / "cal"
    r = runner.invoke(app, ["calibrate", str(path), "--spec", "tcagp_0001_2016", "--indicator", "gwp100",
                            "--pass-share", "0.2", "--out", str(out), "--home", str(home)])
    assert r.exit_code == 2, r.output
    assert f"row {row}, column 'amount': product '{pid}'" in " ".join(r.output.split())
    assert not out.exists()


def test_calibrate_refuses_non_finite_results(home, runner, tmp_path, engine):
    from lca.population.screen import column_names

    cols = column_names(engine.indicators)
    data = {"product": ["a", "b", "c"], "category": ["x"] * 3, "mass_kg": [1.0] * 3}
    data.update({c: [1.0, 2.0, 3.0] for c in cols})
    data["gwp100.total"] = [1.0, float("nan"), 3.0]
    path = tmp_path / "results.parquet"
    pq.write_table(pa.table(data), path)
    r = runner.invoke(app, ["calibrate", str(path), "--spec", "tcagp_0001_2016", "--indicator", "gwp100",
                            "--pass-share", "0.5", "--out", str(tmp_path / "cal"), "--home", str(home)])
    assert r.exit_code == 2, r.output
    assert "row 2, column 'gwp100.total'" in " ".join(r.output.split())


def test_variations_name_variant_row_and_column(home, runner, tmp_path):
    from lca.core import resources

    template = resources.examples_dir() / RAC / "product.yaml"
    var = tmp_path / "variants.csv"
    pd.DataFrame({"product": ["base", "huge"], "outdoor_casing.amount": ["", "1e308"],
                  "lifetime": ["12", ""]}).to_csv(var, index=False)
    out = tmp_path / "v.parquet"
    r = runner.invoke(app, ["screen", str(template), "--variations", str(var), "--out", str(out),
                            "--home", str(home)])
    assert r.exit_code == 2, r.output
    assert f"{var}, row 3, column 'outdoor_casing.amount': variant 'huge'" in " ".join(r.output.split())
    assert not out.exists()


def _results_kettle_with(example_copy, value: float, bom_rows: dict[int, str] = {}, extra: str = ""):
    """The kettle whose moulder declares `value` kg CO2-Eq per kg of mouldings (test_suppliers_results), with
    bom.csv amounts set by row and `extra` BOM rows appended."""
    from test_suppliers_results import CED, GWP, results_kettle

    d = example_copy("kettle_supply_chain")
    product = results_kettle(d, [{"method": GWP, "value": value, "unit": "kg CO2-Eq"},
                                 {"method": CED, "value": 85.0, "unit": "MJ-Eq"}])
    for row, amount in bom_rows.items():
        _set_cell(d / "bom.csv", row, "amount", amount)
    with (d / "bom.csv").open("a", encoding="utf-8") as f:
        f.write(extra)
    return d, product


def test_overflowing_declared_result_names_the_declaration(example_copy, home, runner, tmp_path):
    """2 kg of mouldings × 1e308 kg CO2-Eq/kg overflows: the declared value (the larger factor) is named."""
    d, product = _results_kettle_with(example_copy, 1e308, {3: "2"})
    out = tmp_path / "results.csv"
    r = runner.invoke(app, ["evaluate", str(product), "--home", str(home), "--out", str(out)])
    msg = " ".join(r.output.split())
    assert r.exit_code == 2, r.output
    assert f"{d / 'suppliers' / 'minghe_plastics_handle.yaml'}, column 'results[0].value'" in msg, msg
    assert "bom.csv row 3" in msg and "Traceback" not in msg and not out.exists()
    _no_number_shown(r.output)


def test_huge_purchase_of_declared_results_names_the_bom_row(example_copy, home, runner):
    """1e308 kg of mouldings × 3.1 kg CO2-Eq/kg: the BOM amount (the larger factor) is named, not the declaration."""
    d, product = _results_kettle_with(example_copy, 3.1, {3: "1e308"})
    r = runner.invoke(app, ["evaluate", str(product), "--home", str(home)])
    msg = " ".join(r.output.split())
    assert r.exit_code == 2 and f"{d / 'bom.csv'}, row 3, column 'amount'" in msg, msg
    _no_number_shown(r.output)


def test_declared_results_that_overflow_only_together(example_copy, home, runner):
    """Two BOM rows of 1 and 1.01 kg of mouldings at 1.7e308 kg CO2-Eq/kg: each line is finite (≤ 1.72e308 <
    1.797e308), their raw-materials sum is not. The bound is the declaration's largest |result| per unit
    (not the unit score of the process whose index the result line happens to carry); the larger row is named."""
    d, product = _results_kettle_with(example_copy, 1.7e308, {3: "1"},
                                      "spare_lid,supplier:minghe_plastics/handle_moulding,1.01,kg,raw_materials,,\n")
    r = runner.invoke(app, ["evaluate", str(product), "--home", str(home), "--json"])
    msg = " ".join(r.output.split())
    assert r.exit_code == 2 and f"{d / 'bom.csv'}, row 6, column 'amount'" in msg, msg
    _no_number_shown(r.output)


def test_large_but_finite_declared_result_is_scored(example_copy, home, runner, engine):
    """0.25 kg × 1e300 kg CO2-Eq/kg = 2.5e299: finite, scored and printed as a number."""
    _, product = _results_kettle_with(example_copy, 1e300)
    r = runner.invoke(app, ["evaluate", str(product), "--home", str(home), "--json"])
    assert r.exit_code == 0, r.output
    gwp = json.loads(r.output)["products"][0]["indicators"]["gwp100"]["stages"]
    assert math.isclose(gwp["raw_materials"], 0.25 * 1e300, rel_tol=1e-9)  # every other line is ~299 orders less
    _no_number_shown(r.output)
