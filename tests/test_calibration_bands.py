"""Calibration confidence bands against the same bootstrap done here with plain numpy.

The band of a calibrated threshold (lca/calibrate.py) is a percentile bootstrap over the population:
resample the N products with replacement (one `default_rng(seed).integers(0, N, N)` draw per round,
all indicators resampled together), recalibrate the threshold on each resample, and take the central
`confidence` interval of those thresholds: for a 90 % band the 5 % and 95 % quantiles, for 95 % the
2.5 % and 97.5 % quantiles. The thresholds themselves are order statistics, written out by hand below
(N = 400, pass share 0.2: k = ⌈0.2·400⌉ = 80 products pass).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from specs_helpers import requirement, write_spec

from lca.assess.specs import load_spec
from lca.cli import app
from lca.population import calibrate as cal

N, SHARE, K = 400, 0.2, 80
ROUNDS, SEED = 200, 7
# central band quantiles per confidence, written out (not derived from the code's formula)
QUANTILES = {0.90: (0.05, 0.95), 0.95: (0.025, 0.975), 0.80: (0.10, 0.90)}


def _values() -> np.ndarray:
    """N products × 2 indicators, continuous (no ties), different shapes."""
    rng = np.random.default_rng(2024)
    return np.column_stack([rng.lognormal(np.log(100), 0.5, N), rng.gamma(3.0, 20.0, N)])


def _threshold_by_hand(sample: np.ndarray, op: str) -> float:
    """'<=': the K-th smallest passes; '>': the (K+1)-th largest is the threshold, so the K largest pass."""
    s = np.sort(sample)
    return {"<=": s[K - 1], ">": s[N - K - 1]}[op]


def _bootstrap_by_hand(values: np.ndarray, ops: list[str], rounds: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((rounds, len(ops)))
    for b in range(rounds):
        rows = rng.integers(0, N, N)  # one resample of the products, shared by every indicator
        out[b] = [_threshold_by_hand(values[rows, j], op) for j, op in enumerate(ops)]
    return out


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    folder = tmp_path_factory.mktemp("band-spec")
    return load_spec(write_spec(folder, indicators=[
        requirement("gwp", "gwp100", "<=", 1.0, "kgCO2e", group="environment"),
        requirement("ced", "ced_nonrenewable", ">", 1.0, "MJ", group="resource")]))


@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.80])
def test_band_is_the_central_quantile_interval_of_the_bootstrap(spec, confidence):
    values = _values()
    ops = ["<=", ">"]
    tgts = cal.targets(spec, ["gwp100", "ced_nonrenewable"])
    assert [t.operator for t in tgts] == ops and [t.factor for t in tgts] == [1.0, 1.0]
    run = cal.calibrate(cal.Population(values, "synthetic", "test"), spec, tgts, SHARE, ROUNDS, confidence, SEED)
    boot = _bootstrap_by_hand(values, ops, ROUNDS, SEED)
    q_lo, q_hi = QUANTILES[confidence]
    assert run.confidence == confidence and run.bootstrap == ROUNDS
    for j, (c, op) in enumerate(zip(run.indicators, ops)):
        assert c.threshold == _threshold_by_hand(values[:, j], op)
        lo, hi = np.quantile(boot[:, j], [q_lo, q_hi])
        assert c.band == pytest.approx((lo, hi), rel=1e-12), (c.requirement, confidence)
        # what the band means, whatever the interpolation: (1 − confidence)/2 of the resampled thresholds lie
        # beyond each end (to one resample; resampled thresholds tie, as they are values of the population)
        b = boot[:, j]
        assert np.mean(b < c.band[0]) - 1 / ROUNDS <= q_lo <= np.mean(b <= c.band[0]) + 1 / ROUNDS
        assert np.mean(b > c.band[1]) - 1 / ROUNDS <= 1 - q_hi <= np.mean(b >= c.band[1]) + 1 / ROUNDS
        passing = (values[:, j] <= np.array([lo, hi])[:, None]) if op == "<=" else (values[:, j] > np.array([lo, hi])[:, None])
        assert c.share_band == pytest.approx(tuple(sorted(passing.mean(axis=1))), abs=1e-12)
    joint = [np.mean((values[:, 0] <= t0) & (values[:, 1] > t1)) for t0, t1 in boot]
    assert run.joint_band == pytest.approx(tuple(np.quantile(joint, [q_lo, q_hi])), abs=1e-12)


def test_no_bootstrap_gives_a_band_of_zero_width(spec):
    values = _values()
    tgts = cal.targets(spec, ["gwp100"])
    run = cal.calibrate(cal.Population(values[:, :1], "synthetic", "test"), spec, tgts, SHARE, 0, 0.9, SEED)
    c = run.indicators[0]
    assert c.band == (c.threshold, c.threshold) == (_threshold_by_hand(values[:, 0], "<="),) * 2


def test_cli_prints_the_95_percent_band_of_the_bootstrap(home, runner, tmp_path):
    """`lca calibrate` on screening results written here: the table's "95% band" column holds the
    2.5 % and 97.5 % quantiles of the bootstrap, and the run JSON the same numbers."""
    values = _values()
    results = tmp_path / "results.parquet"
    pd.DataFrame({"product": [f"P{i:03d}" for i in range(N)], "category": "test",
                  "gwp100.total": values[:, 0], "ced_nonrenewable.total": values[:, 1]}).to_parquet(results)
    spec_path = write_spec(tmp_path, indicators=[
        requirement("gwp", "gwp100", "<=", 1.0, "kgCO2e", group="environment"),
        requirement("ced", "ced_nonrenewable", ">", 1.0, "MJ", group="resource")])
    out = tmp_path / "calibration"
    res = runner.invoke(app, ["calibrate", str(results), "--spec", str(spec_path), "--indicator", "gwp100",
                              "--indicator", "ced_nonrenewable", "--pass-share", str(SHARE),
                              "--bootstrap", str(ROUNDS), "--seed", str(SEED), "--out", str(out), "--home", str(home)])
    assert res.exit_code == 0, res.output
    boot = _bootstrap_by_hand(values, ["<=", ">"], ROUNDS, SEED)
    bands = np.quantile(boot, [0.025, 0.975], axis=0).T  # targets × (lo, hi)
    assert "95% band" in res.output
    for rid, (lo, hi) in zip(("gwp", "ced"), bands):
        row = next(ln for ln in res.output.splitlines() if ln.strip("│ ").startswith(rid + " "))
        assert f"{lo:.4g} – {hi:.4g}" in row, (row, lo, hi)
    joint = [np.mean((values[:, 0] <= t0) & (values[:, 1] > t1)) for t0, t1 in boot]
    j_lo, j_hi = np.quantile(joint, [0.025, 0.975])
    assert f"(band {j_lo:.2%} – {j_hi:.2%})" in " ".join(res.output.split()), res.output
    run = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert run["confidence"] == 0.95 and run["bootstrap"] == ROUNDS and run["seed"] == SEED
    for c, (lo, hi) in zip(run["indicators"], bands):
        assert c["band"] == pytest.approx([lo, hi], rel=1e-12)
    assert f"95% bootstrap band over {ROUNDS} resamples (seed {SEED})" in run["draft_spec"]["notes"][-1]
