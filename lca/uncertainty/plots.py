"""Plots of a Monte Carlo run (matplotlib, no display): each indicator's total with the spec's
thresholds marked, and the inputs that drive it (Spearman rank correlation bars)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lca.core.plotting import figure
from lca.uncertainty.summary import ProductUncertainty


def distribution(res: ProductUncertainty, indicator: str, unit: str, totals: np.ndarray,
                 thresholds: list[tuple[str, str, float]], path: Path) -> None:
    """Histogram of the total over the iterations; thresholds as (requirement, operator, value in `unit`)."""
    plt, fig, ax = figure()
    ax.hist(totals, bins=60, color="tab:blue", alpha=0.8)
    for req, op, value in thresholds:
        p = res.probability.get(req)
        ax.axvline(value, color="tab:red", lw=1.5,
                   label=f"{req} {op} {value:.4g}" + ("" if p is None else f": P(met) = {p:.1%}"))
    ax.set_xlabel(f"{indicator} (total) [{unit}]")
    ax.set_ylabel("iterations")
    ax.set_title(f"{res.product_id}: {indicator}, {res.iterations} iterations (seed {res.seed})")
    if thresholds:
        ax.legend(loc="best", fontsize="small")
    fig.savefig(path)
    plt.close(fig)


def sensitivity(res: ProductUncertainty, indicator: str, path: Path) -> None:
    """Horizontal bars of Spearman's ρ of the top inputs with the indicator's total."""
    plt, fig, ax = figure()
    top = res.sensitivity.get(indicator, [])[::-1]
    ax.barh([label for label, _ in top], [rho for _, rho in top],
            color=["tab:red" if rho > 0 else "tab:blue" for _, rho in top])
    ax.set_xlim(-1, 1)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel("Spearman rank correlation with the total")
    ax.set_title(f"{res.product_id}: what drives {indicator}")
    fig.savefig(path)
    plt.close(fig)


def plot_product(res: ProductUncertainty, totals: np.ndarray, units: list[str], indicators: list[str],
                 thresholds: dict[str, list[tuple[str, str, float]]], out: Path,
                 formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Both plots for every indicator that varies (totals: iterations × indicators); returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for k, ind in enumerate(indicators):
        if np.ptp(totals[:, k]) <= 1e-9 * abs(totals[:, k]).max(initial=0):
            continue
        for fmt in formats:
            d, s = out / f"{res.product_id}.{ind}.distribution.{fmt}", out / f"{res.product_id}.{ind}.sensitivity.{fmt}"
            distribution(res, ind, units[k], totals[:, k], thresholds.get(ind, []), d)
            sensitivity(res, ind, s)
            files += [d, s]
    return files
