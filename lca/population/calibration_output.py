"""What a calibration run leaves behind: the draft specification (YAML), the run (JSON) and its plots
(matplotlib, no display): each distribution with the threshold and its bands, and the pass-share curve."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml

from lca.assess.specs import load_spec
from lca.core.files import atomic_folder
from lca.core.plotting import figure, log_scale
from lca.core.testpoint import pause
from lca.population.calibrate import Calibration, IndicatorCalibration


def _mark(ax, c: IndicatorCalibration) -> None:
    ax.axvspan(*c.band, color="tab:orange", alpha=0.25, label="bootstrap band")
    if c.exchange_band:
        ax.axvspan(*c.exchange_band, color="tab:green", alpha=0.25, label="exchange-uncertainty band")
    ax.axvline(c.threshold, color="tab:red", lw=1.5, label=f"threshold {c.operator} {c.threshold:.4g} {c.unit}")


def distribution(cal: Calibration, c: IndicatorCalibration, values: np.ndarray, path: Path) -> None:
    """Histogram of the population's values with the calibrated threshold and its band."""
    plt, fig, ax = figure()
    log = log_scale(values)
    bins = np.geomspace(values.min(), values.max(), 80) if log else 80
    ax.hist(values, bins=bins, color="tab:blue", alpha=0.8)
    if log:
        ax.set_xscale("log")
    _mark(ax, c)
    ax.set_xlabel(f"{c.indicator} ({c.stage}) [{c.unit}]")
    ax.set_ylabel("products")
    ax.set_title(f"{c.indicator}: {cal.products:,} products, {c.realised_share:.1%} pass")
    ax.legend(loc="best", fontsize="small")
    fig.savefig(path)
    plt.close(fig)


def pass_rate(cal: Calibration, c: IndicatorCalibration, path: Path) -> None:
    """Pass share against candidate thresholds, with the target share and the calibrated threshold."""
    plt, fig, ax = figure()
    x = np.asarray(c.curve_thresholds)
    ax.step(x, np.asarray(c.curve_pass_share) * 100, where="post", color="tab:blue", label="pass share")
    if log_scale(x):
        ax.set_xscale("log")
    ax.axhline(cal.pass_share * 100, color="grey", ls="--", lw=1, label=f"target {cal.pass_share:.0%}")
    _mark(ax, c)
    ax.set_xlabel(f"threshold for {c.indicator} ({c.stage}) [{c.unit}]")
    ax.set_ylabel("products passing [%]")
    ax.set_title(f"{c.indicator}: pass share over candidate thresholds")
    ax.legend(loc="best", fontsize="small")
    fig.savefig(path)
    plt.close(fig)


def plot_all(cal: Calibration, values: np.ndarray, out: Path, formats: tuple[str, ...]) -> list[Path]:
    """Both plots of every calibrated indicator in every format; returns the files written."""
    files = []
    for j, c in enumerate(cal.indicators):
        stem = f"{c.indicator}.{c.stage}"
        for fmt in formats:
            d, p = out / f"{stem}.distribution.{fmt}", out / f"{stem}.pass_rate.{fmt}"
            distribution(cal, c, values[:, j], d)
            pass_rate(cal, c, p)
            files += [d, p]
    return files


def write(cal: Calibration, values: np.ndarray, out: str | Path, formats: tuple[str, ...] = ("png", "svg")) -> None:
    """Write the draft spec (YAML), the run (JSON) and the plots into `out`; record the files in `cal`.

    The folder is as before or complete: a run killed half-way leaves none of its files in it."""
    out = Path(out)

    def fill(tmp: Path) -> None:
        draft = tmp / f"{cal.draft_spec['id']}.yaml"
        draft.write_text(yaml.safe_dump(cal.draft_spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
        load_spec(draft)  # the draft must load like any specification
        pause("calibrate.spec_written")
        plots = plot_all(cal, values, tmp, formats)
        cal.files = [str(out / p.name) for p in (draft, *plots)] + [str(out / "calibration.json")]
        (tmp / "calibration.json").write_text(json.dumps(cal.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    atomic_folder(out, fill)
