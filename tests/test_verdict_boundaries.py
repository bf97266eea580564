"""Every verdict operator at, just below and just above its threshold: `lca evaluate --spec` (API and CLI)
and `lca screen --spec` (batch verdict columns).

The values are exact by construction, so a threshold can sit exactly on them:
- product mass of the synthetic product (tests/specs_helpers.py BOM): frame 6 kg + shell 4 kg = 10.0 kg
  (the 1 kg carton is in the distribution stage: packaging, not product mass); 6.0 + 4.0 is exact in floats;
- a declared VOC content of 3.2 g/kg in the indicator's own unit (voc_content_per_mass is in g/kg in
  methods/gbt32161_default.yaml), so no unit conversion touches it;
- in screening, the product mass of a catalogue product is its one kg line outside distribution.
Thresholds are written at the value v, at v·(1+1e-6) (the value just below its threshold) and at
v·(1−1e-6) (the value just above it); YAML floats round-trip exactly.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from specs_helpers import BOM, PROCESSES, requirement, write_product, write_spec

from lca.assess.evaluate import evaluate
from lca.assess.specs import load_spec
from lca.cli import app

E = 1e-6
MASS = 10.0  # kg: 6 kg frame + 4 kg shell
VOC = 3.2  # g/kg, declared
OPS = ("<=", "<", ">=", ">", "==")
NAMES = {"<=": "le", "<": "lt", ">=": "ge", ">": "gt", "==": "eq"}
# position of the value relative to its threshold -> threshold as a multiple of the value
POSITIONS = {"at": 1.0, "below": 1 + E, "above": 1 - E}
# the status each operator must give, by the value's position (written out, not computed)
EXPECTED = {
    "<=": {"at": "pass", "below": "pass", "above": "fail"},
    "<": {"at": "fail", "below": "pass", "above": "fail"},
    ">=": {"at": "pass", "below": "fail", "above": "pass"},
    ">": {"at": "fail", "below": "fail", "above": "pass"},
    "==": {"at": "pass", "below": "fail", "above": "fail"},
}
# margin in % of the threshold t (positive = headroom), by hand: below, t = v(1+E): headroom (t−v)/t = E/(1+E)
# for "<" / "<=", a shortfall of the same size for ">" / ">="; above, t = v(1−E): (t−v)/t = −E/(1−E).
# "==" is never better than 0: −|v−t|/t.
UP, DOWN = 100 * E / (1 + E), 100 * E / (1 - E)
MARGIN = {
    "<=": {"at": 0.0, "below": UP, "above": -DOWN},
    "<": {"at": 0.0, "below": UP, "above": -DOWN},
    ">=": {"at": 0.0, "below": -UP, "above": DOWN},
    ">": {"at": 0.0, "below": -UP, "above": DOWN},
    "==": {"at": 0.0, "below": -UP, "above": -DOWN},
}


def _rid(prefix: str, op: str, pos: str) -> str:
    return f"{prefix}_{NAMES[op]}_{pos}"


def _grid(prefix: str, indicator: str, value: float, unit: str, group: str) -> list[dict]:
    """One requirement per operator and position of the value around the threshold."""
    return [requirement(_rid(prefix, op, pos), indicator, op, value * k, unit, group=group)
            for op in OPS for pos, k in POSITIONS.items()]


GRID = [("mass", "product_mass", MASS, "kg", "resource"), ("voc", "voc_content_per_mass", VOC, "g/kg", "product")]


@pytest.fixture(scope="module")
def product(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("boundary") / "widget"
    return write_product(folder, BOM, PROCESSES,
                         declared={"voc_content_per_mass": {"value": VOC, "unit": "g/kg", "document": "report 5"}})


@pytest.fixture(scope="module")
def grid_spec(tmp_path_factory) -> Path:
    reqs = [r for args in GRID for r in _grid(*args)]
    return write_spec(tmp_path_factory.mktemp("grid"), indicators=reqs)


def _check_grid(rows: dict[str, dict]) -> None:
    """Status, value, threshold and margin of every requirement of the grid spec."""
    for prefix, _, value, _, _ in GRID:
        for op in OPS:
            for pos, k in POSITIONS.items():
                v = rows[_rid(prefix, op, pos)]
                where = (prefix, op, pos)
                assert v["value"] == value, where  # exact: no arithmetic touches it
                assert v["threshold"] == value * k, where
                assert v["status"] == EXPECTED[op][pos], where
                if pos == "at":  # +0.0: "==" met exactly must not read "-0.0 %"
                    assert v["margin_pct"] == 0.0 and math.copysign(1, v["margin_pct"]) == 1, where
                else:
                    assert v["margin_pct"] == pytest.approx(MARGIN[op][pos], rel=1e-6), where
                    assert (v["margin_pct"] > 0) == (EXPECTED[op][pos] == "pass"), where


def test_api_operators_at_their_thresholds(product, grid_spec, home):
    ev = evaluate([product], load_spec(grid_spec), home)[0]
    _check_grid({v.id: v.__dict__ for v in ev.indicators})
    assert len(ev.indicators) == 2 * 15
    assert ev.verdict == "fail"  # "<" and ">" fail at their thresholds


def test_cli_operators_at_their_thresholds(product, grid_spec, home, runner):
    res = runner.invoke(app, ["evaluate", str(product), "--spec", str(grid_spec), "--home", str(home), "--json"])
    assert res.exit_code == 1, res.output  # some requirements fail
    verdict = json.loads(res.stdout)["verdict"][0]
    assert verdict["verdict"] == "fail"
    _check_grid({v["id"]: v for v in verdict["indicators"]})


@pytest.mark.parametrize("op, verdict, code", [("<=", "pass", 0), ("<", "fail", 1), (">=", "pass", 0),
                                               (">", "fail", 1), ("==", "pass", 0)])
def test_cli_overall_verdict_and_exit_code_at_the_threshold(product, home, runner, tmp_path, op, verdict, code):
    """A spec whose only requirement sits exactly on the product's mass: the operator alone decides."""
    spec = write_spec(tmp_path, indicators=[requirement("m", "product_mass", op, MASS, "kg")])
    res = runner.invoke(app, ["evaluate", str(product), "--spec", str(spec), "--home", str(home), "--json"])
    assert res.exit_code == code, res.output
    got = json.loads(res.stdout)["verdict"][0]
    assert got["verdict"] == verdict
    assert got["indicators"][0]["status"] == verdict and got["indicators"][0]["margin_pct"] == 0.0
    # the table says the same
    res = runner.invoke(app, ["evaluate", str(product), "--spec", str(spec), "--home", str(home)])
    assert res.exit_code == code
    row = next(ln for ln in res.output.splitlines() if "m (product_mass)" in ln)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells == ["m (product_mass)", "total", "10", f"{op} 10 kg", "+0.0 %", verdict]


def test_incomplete_spec_or_missing_evidence_at_the_threshold_exits_1(product, home, runner, tmp_path):
    """Met exactly, but the spec is partial (or a declared value is missing): incomplete, exit 1."""
    at = requirement("m", "product_mass", "<=", MASS, "kg")
    partial = write_spec(tmp_path, name="partial.yaml", indicators=[at], complete=False)
    missing = write_spec(tmp_path, name="missing.yaml", indicators=[
        at, requirement("cmit", "mit_content", "<=", 15, "mg/kg", group="product")])
    for spec, statuses in ((partial, ["pass"]), (missing, ["pass", "missing evidence"])):
        res = runner.invoke(app, ["evaluate", str(product), "--spec", str(spec), "--home", str(home), "--json"])
        assert res.exit_code == 1, res.output
        got = json.loads(res.stdout)["verdict"][0]
        assert got["verdict"] == "incomplete"
        assert [v["status"] for v in got["indicators"]] == statuses


# Screening: three catalogue products whose mass sits at, just below and just above 10 kg. Each has a
# 1 kg carton in distribution (packaging, not product mass) and 5 kWh of electricity in production.
SCREEN_MASS = {"P_at": MASS, "P_below": MASS * (1 - E), "P_above": MASS * (1 + E)}
SCREEN_POS = {"P_at": "at", "P_below": "below", "P_above": "above"}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    rows = []
    for pid, mass in SCREEN_MASS.items():
        rows += [(pid, "steel_crude_worldsteel", mass, "kg", "raw_materials"),
                 (pid, "corrugated_board_fefco", 1.0, "kg", "distribution"),
                 (pid, "electricity_grid_cn", 5.0, "kWh", "production")]
    path = tmp_path_factory.mktemp("boundary-cat") / "catalogue.parquet"
    pd.DataFrame(rows, columns=["product", "link", "amount", "unit", "stage"]).to_parquet(path)  # exact floats
    return path


def _screen(runner, home, catalogue: Path, spec: Path, out: Path) -> tuple[pd.DataFrame, dict]:
    res = runner.invoke(app, ["screen", str(catalogue), "--out", str(out), "--spec", str(spec), "--json",
                              "--home", str(home)])
    assert res.exit_code == 0, res.output
    return pd.read_parquet(out).set_index("product"), json.loads(res.stdout)


def test_screen_operators_at_their_thresholds(catalogue, home, runner, tmp_path):
    spec = write_spec(tmp_path, indicators=[requirement(NAMES[op], "product_mass", op, MASS, "kg") for op in OPS])
    res, summary = _screen(runner, home, catalogue, spec, tmp_path / "r.parquet")
    assert sorted(res.index) == sorted(SCREEN_MASS)
    for pid, mass in SCREEN_MASS.items():
        for op in OPS:
            assert res.loc[pid, f"value.{NAMES[op]}"] == mass, (pid, op)
            want = EXPECTED[op][SCREEN_POS[pid]] == "pass"
            assert res.loc[pid, f"pass.{NAMES[op]}"] == want, (pid, op)
    # every product fails at least one of "<" / ">" / "==" (at the threshold "<" and ">" fail)
    assert not res["indicators_pass"].astype(bool).any()
    # pass rates over the 3 products, counted from the table above
    rates = {NAMES[op]: sum(EXPECTED[op][p] == "pass" for p in ("at", "below", "above")) / 3 for op in OPS}
    assert rates == {"le": 2 / 3, "lt": 1 / 3, "ge": 2 / 3, "gt": 1 / 3, "eq": 1 / 3}
    for rid, rate in rates.items():
        assert summary["requirements"][rid]["pass_rate"] == pytest.approx(rate, abs=1e-12)
        assert summary["requirements"][rid]["computable_share"] == 1.0
    assert summary["joint_pass_rate"] == 0.0


@pytest.mark.parametrize("op, passing", [("<=", {"P_at", "P_below"}), (">=", {"P_at", "P_above"}),
                                         ("==", {"P_at"}), ("<", {"P_below"}), (">", {"P_above"})])
def test_screen_joint_verdict_of_one_requirement_at_the_threshold(catalogue, home, runner, tmp_path, op, passing):
    spec = write_spec(tmp_path, indicators=[requirement("m", "product_mass", op, MASS, "kg")])
    res, summary = _screen(runner, home, catalogue, spec, tmp_path / "r.parquet")
    assert set(res.index[res["pass.m"].astype(bool)]) == passing
    np.testing.assert_array_equal(res["indicators_pass"].astype(bool).to_numpy(), res["pass.m"].astype(bool).to_numpy())
    assert summary["joint_pass_rate"] == pytest.approx(len(passing) / 3, abs=1e-12)
