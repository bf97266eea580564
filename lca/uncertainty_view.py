"""Terminal view of Monte Carlo results: distributions of totals, probabilities of meeting the spec, drivers."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from lca.uncertainty import ProductUncertainty


def _g(v: float) -> str:
    return "0" if v == 0 else f"{v:.4g}"


def print_uncertainty(out: Console, res: ProductUncertainty) -> None:
    """One table of totals (per-stage distributions are in --json), then P(meets) and the top drivers."""
    t = Table(title=f"{res.product_id}: Monte Carlo, {res.iterations} iterations (seed {res.seed}), "
                    f"{res.uncertain_inputs} uncertain inputs", title_justify="left")
    for col in ("indicator", "unit", "deterministic", "mean", "sd", "2.5 %", "97.5 %", "top driver (Spearman ρ)"):
        t.add_column(col, justify="left" if col in ("indicator", "unit", "top driver (Spearman ρ)") else "right")
    for d in res.distributions:
        if d.stage != "total" or d.deterministic == 0 and d.sd == 0:
            continue
        top = res.sensitivity.get(d.indicator) or []
        sd = d.sd if d.sd > 1e-9 * abs(d.mean) else 0.0  # rounding noise of a constant is shown as 0
        t.add_row(d.indicator, d.unit, _g(d.deterministic), _g(d.mean), _g(sd), _g(d.p2_5), _g(d.p97_5),
                  f"{top[0][0]} ({top[0][1]:+.2f})" if top else "–")
    out.print(t)
    if res.uncertain_inputs == 0:
        out.print("[dim]no background exchange and no product row carries an uncertainty distribution: "
                  "every iteration equals the deterministic result.[/]")
    for req, p in res.probability.items():
        out.print(f"P({req} met) = {'n/a' if p is None else f'{p:.1%}'}", highlight=False)
    if res.probability:
        p = res.spec_probability
        out.print(f"P(every indicator requirement met) = {'n/a' if p is None else f'{p:.1%}'}", highlight=False)
    if res.files:
        out.print(f"Monte Carlo plots: {len(res.files)} files, e.g. [bold]{res.files[0]}[/]", highlight=False)
