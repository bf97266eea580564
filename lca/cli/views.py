"""Terminal (Rich) views for the CLI: verdicts, the shipped specification list, Monte Carlo results."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from lca.assess.supply_chain import product_summary
from lca.cli.common import fmt
from lca.cli.supply_views import print_supply_chain
from lca.core.stages import STAGES
from lca.engine.coverage import LOW

if TYPE_CHECKING:  # types only: `lca evaluate` without --spec or --iterations needs none of these modules
    from lca.assess.evaluate import Evaluation
    from lca.assess.results import Results
    from lca.assess.specs import Spec
    from lca.uncertainty.summary import ProductUncertainty

STYLE = {"pass": "green", "fail": "bold red", "incomplete": "yellow", "missing evidence": "yellow",
         "not computable": "yellow"}


def _status(text: str) -> str:
    return f"[{STYLE.get(text, '')}]{text}[/]"


def _num(v: float | None) -> str:
    return "–" if v is None else f"{v:.4g}"


def print_evaluation(console: Console, ev: Evaluation) -> None:
    """Basic requirements, indicator requirements, drivers and advice, and the overall verdict."""
    head = (f"{ev.product_name} against {ev.spec_id} v{ev.spec_version} ({ev.standard}): "
            f"{_status(ev.verdict)}")
    if ev.basic:
        t = Table(title=head, title_justify="left")
        for col in ("basic requirement", "clause", "status", "evidence"):
            t.add_column(col, overflow="fold")
        for b in ev.basic:
            t.add_row(f"{b.id}: {b.text_en}", b.clause, _status(b.status), b.document or b.evidence_required)
        console.print(t)
        head = ""
    if ev.indicators:
        t = Table(title=head or None, title_justify="left")
        for col in ("indicator requirement", "stage", "value", "threshold", "margin", "status"):
            t.add_column(col, justify="right" if col in ("value", "margin") else "left", overflow="fold")
        for i in ev.indicators:
            margin = "–" if i.margin_pct is None else f"{i.margin_pct:+.1f} %"
            t.add_row(f"{i.id} ({i.indicator})", i.stage, _num(i.value),
                      f"{i.operator} {_num(i.threshold)} {i.unit}", margin, _status(i.status))
        console.print(t)
    elif not ev.basic:
        console.print(head)
    for i in ev.indicators:
        if i.reason and (i.status != "pass" or i.grade_table):
            console.print(f"[yellow]{i.id}:[/] {i.reason}", highlight=False)
        if i.status == "fail":
            driven = f", driven by the {i.driving_stage} stage" if i.driving_stage else ""
            console.print(f"[bold red]{i.id}[/] fails{driven}:", highlight=False)
            for a in i.advice:
                console.print(f"  · {a}", highlight=False)
    console.print(f"specification {ev.spec_id}: {ev.spec_status}", highlight=False)
    if not ev.spec_complete:
        console.print("[yellow]note:[/] this specification transcribes only part of its standard "
                      "(see its 'coverage' and 'notes'); a pass here is not a green-design verdict.")


def _pct(x: float | None) -> str:
    return "–" if x is None or x != x else f"{x:.1%}"


def print_screen_verdicts(console: Console, summary) -> None:
    """`lca screen --spec`: the spec's status, pass rates of the assessable requirements, verdict shares;
    never a joint pass rate over no requirement."""
    console.print(f"specification {summary.spec}: {summary.spec_status}", highlight=False)
    if not summary.requirements:
        console.print("[yellow]no requirement assessable per product[/]: the catalogue carries no value for any "
                      "requirement of this specification, so no product passes or fails it", highlight=False)
    else:
        n, m = len(summary.requirements), len(summary.requirements) + len(summary.not_assessed)
        console.print(f"against {summary.spec}: the {n} of {m} requirements assessable per product pass jointly "
                      f"for {_pct(summary.joint_pass_rate)} of products", highlight=False)
        v = Table()
        for col in ("requirement", "pass rate", "computable"):
            v.add_column(col, justify="left" if col == "requirement" else "right")
        for rid, st in sorted(summary.requirements.items(), key=lambda kv: kv[1]["pass_rate"]):
            v.add_row(rid, _pct(st["pass_rate"]), _pct(st["computable_share"]))
        console.print(v)
    if summary.verdicts:
        console.print("verdict per product: " + ", ".join(f"{k} {_pct(x)}" for k, x in summary.verdicts.items()),
                      highlight=False)
    if summary.not_assessed:
        console.print(f"[dim]not assessed in screening (need per-product evidence): "
                      f"{', '.join(summary.not_assessed)}[/]")


def print_specs(console: Console, specs: list[tuple[Path, Spec]]) -> None:
    """One row per shipped specification with its standard and source."""
    t = Table(title=f"product specifications ({len(specs)})", title_justify="left")
    for col in ("id", "category", "standard", "basic / indicator req.", "complete", "source"):
        t.add_column(col, overflow="fold")
    for _, s in specs:
        t.add_row(s.id, f"{s.title_en}\n{s.title_zh}", f"{s.standard.number} ({s.standard.year})",
                  f"{len(s.basic_requirements)} / {len(s.indicator_requirements)}",
                  "yes" if s.complete else "partial", s.standard.url)
    console.print(t)



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
        t.add_row(d.indicator, d.unit, fmt(d.deterministic), fmt(d.mean), fmt(sd), fmt(d.p2_5), fmt(d.p97_5),
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


def coverage_text(v: float | None) -> str:
    """A coverage share as printed beside a total ('n/a' where there is no process row)."""
    return "n/a" if v is None or v != v else f"{v:.0%}"


def print_screen_coverage(console: Console, coverage: dict[str, dict]) -> None:
    """The screening's partial coverage as a warning naming the largest uncovered processes."""
    partial = [f"{ind} ({coverage_text(c['by_climate_score'])}; largest uncovered: "
               f"{', '.join(c['largest_uncovered']) or '–'})"
               for ind, c in coverage.items() if c["by_climate_score"] is not None and c["by_climate_score"] < LOW]
    if partial:
        console.print("[yellow]warning:[/] partial coverage over the catalogue (share of its climate score from "
                      "processes that carry flows for the indicator): " + "; ".join(partial), highlight=False)


def _coverage_json(p: dict, j: int) -> dict:
    """Coverage fields of one product's indicator j; NaN as null."""
    def share(v) -> float | None:
        return None if v != v else float(v)
    return {"coverage": {"by_climate_score": share(float(p["coverage_score"][j])),
                         "by_bom_mass": share(float(p["coverage_mass"][j])),
                         "largest_uncovered": [str(u) for u in p["uncovered_process"][j] if u]}}


def results_json(res: Results) -> dict:
    """`lca evaluate --json`: every product's indicators per stage, with totals and top processes."""
    products, ids = [], [i.id for i in res.indicators.indicators]
    for n, inv in enumerate(res.inventories):
        p = res.product(n)
        inds = {}
        for j, ind in enumerate(res.indicators.indicators):
            inds[ind.id] = {
                "name_en": str(ind.name_en), "name_zh": str(ind.name_zh), "unit": str(ind.unit),
                "group": str(ind.group),
                "stages": {s: float(v) for s, v in zip(STAGES, p["score"][j])},
                "total": float(p["total"][j]),
                **_coverage_json(p, j),
                "top_processes": [{"process": str(name), "value": float(v)}
                                  for name, v in zip(p["top_process"][j], p["top_value"][j])],
            }
        products.append({"id": inv.product_id, "name": inv.name, "mass_kg": inv.mass_kg,
                         "input_hash": inv.input_hash, "warnings": inv.warnings, "indicators": inds,
                         "supply_chain": product_summary(p, ids, inv)})
    attrs = res.attrs
    return {"software": attrs["software"], "indicator_set": attrs["indicator_set"],
            "background_data_version": attrs["background_data_version"], "products": products}


def print_product(out: Console, res: Results, n: int) -> None:
    """One table for the n-th product: indicators × stages, with the top contributing process."""
    inv, p = res.inventories[n], res.product(n)
    table = Table(title=f"{inv.name}\n[dim]{inv.product_id} · {inv.mass_kg:.4g} kg · "
                        f"indicator set {res.indicators.id}[/]", title_justify="left")
    table.add_column("indicator", no_wrap=True)
    table.add_column("unit", style="dim")
    for s in STAGES:
        table.add_column(STAGE_SHORT[s], justify="right", no_wrap=True)
    table.add_column("total", justify="right", style="bold", no_wrap=True)
    table.add_column("coverage", justify="right", no_wrap=True)
    table.add_column("top process", style="dim", overflow="fold")
    uncovered, partial = [], []
    for j, ind in enumerate(res.indicators.indicators):
        cov = coverage_text(float(p["coverage_score"][j]))
        if not p["score"][j].any():
            uncovered.append(ind.id)
            table.add_row(ind.id, str(ind.unit), *["–"] * (len(STAGES) + 1), cov, "")
            continue
        if float(p["coverage_score"][j]) < LOW:
            partial.append(f"{ind.id} ({cov}; largest uncovered: "
                           f"{', '.join(u for u in p['uncovered_process'][j] if u) or '–'})")
        table.add_row(ind.id, str(ind.unit), *[fmt(float(v)) for v in p["score"][j]],
                      fmt(float(p["total"][j])), cov, str(p["top_process"][j][0]))
    out.print(table)
    if partial:
        out.print("[yellow]warning:[/] partial coverage (share of the climate score from processes that carry "
                  "flows for the indicator): " + "; ".join(partial), highlight=False)
    if uncovered:
        out.print(f"[dim]– : no characterised flow of {', '.join(uncovered)} in this product's inventory "
                  "(the background data carry no such flows for the processes used).[/]")
    print_supply_chain(out, product_summary(p, [i.id for i in res.indicators.indicators], inv), inv)
    for w in inv.warnings:
        out.print(f"[yellow]warning:[/] {w}", highlight=False)


STAGE_SHORT = {"raw_materials": "raw mat.", "production": "production", "distribution": "distrib.",
               "use": "use", "end_of_life": "EoL"}
