"""`lca screen` and `lca calibrate`: commands over populations of products (registered in lca/cli.py)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lca.cli.common import Home, err, exit_codes, fmt, load_spec, out, setup_progress
from lca.engine.names import DEFAULT_SET


def screen_command(
    catalogue: Annotated[str, typer.Argument(help="Catalogue of BOM lines keyed by product (.parquet, .csv, "
                                             ".xlsx; or a folder or fsspec URL of Parquet files, one task per "
                                             "file), or a template product (YAML) with --variations.")],
    out_file: Annotated[str, typer.Option("--out", help="Results (.parquet streams; a folder or URL without a "
                                          "suffix: a Parquet dataset; .nc/.xlsx/.csv small runs).")] = "results.parquet",
    indicator_set: Annotated[str, typer.Option("--set", help="Indicator set id.")] = DEFAULT_SET,
    workers: Annotated[int, typer.Option(help="dask workers (a LocalCluster when > 1).")] = 1,
    scheduler: Annotated[Optional[str], typer.Option(help="Address of a running dask scheduler (its workers read "
                                                     "the partitions and write the parts next to --out themselves: "
                                                     "use storage they all reach).")] = None,
    chunk_size: Annotated[int, typer.Option(help="Products per chunk.")] = 100_000,
    spec: Annotated[Optional[str], typer.Option("--spec", help="Check indicator requirements of a "
                                                "specification (YAML file or id from `lca specs`).")] = None,
    variations: Annotated[Optional[Path], typer.Option(
        "--variations", help="Table of variants of the template product: a product column and columns "
                             "like frame.amount, power.amount, landfill.share, frame.link, lifetime.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    home: Home = None,
):
    """Score a whole catalogue (or a template's variations) per stage and indicator (and against a spec);
    resumable, streamed to Parquet."""

    with exit_codes():
        from lca import api
        from lca.cli.views import coverage_text, print_screen_coverage, print_screen_verdicts
        from lca.population import screen as screening

        screening.output_target(out_file)
        checked = load_spec(spec)
        with setup_progress(quiet=as_json) as report:
            api.engine(home, indicator_set, report)  # set-up on first use, with its own bar
        bar = Progress(TextColumn("[bold]screening[/]"), BarColumn(), TextColumn("{task.completed:,.0f} products"),
                       TimeElapsedColumn(), console=err, transient=True, disable=as_json)
        with bar:
            task = bar.add_task("screen", total=None)
            summary = screening.screen(catalogue, out_file, indicator_set, home, chunk_size, workers, scheduler,
                                       lambda done, total: bar.update(task, completed=done, total=total), checked,
                                       variations)
        if as_json:
            typer.echo(json.dumps(summary.__dict__, ensure_ascii=False, indent=2))
            return
        t = Table(title=f"{summary.products:,} products screened → {summary.output}"
                        + (f" ({summary.resumed_chunks} of {summary.chunks} chunks resumed)" if summary.resumed_chunks else ""),
                  title_justify="left")
        for col in ("indicator", "unit", "mean", "p5", "median", "p95", "lowest product", "coverage"):
            t.add_column(col, justify="right" if col in ("mean", "p5", "median", "p95", "coverage") else "left")
        for ind, st in summary.indicators.items():
            low = summary.lowest[ind][0]
            t.add_row(ind, st["unit"], *[fmt(st[k]) for k in ("mean", "p5", "median", "p95")], f"{low[0]} ({fmt(low[1])})",
                      coverage_text(summary.coverage.get(ind, {}).get("by_climate_score")))
        out.print(t)
        print_screen_coverage(out, summary.coverage)
        if summary.quantile_rank_error:
            out.print(f"[dim]p5, median and p95 merged from per-part samples: within "
                      f"{summary.quantile_rank_error:.2%} of the products in rank[/]")
        if summary.spec:
            print_screen_verdicts(out, summary)


def calibrate_command(
    catalogue: Annotated[Path, typer.Argument(help="Catalogue of BOM lines, or `lca screen` results (.parquet).")],
    spec: Annotated[str, typer.Option("--spec", help="Specification to calibrate (YAML file or id).")],
    indicator: Annotated[list[str], typer.Option("--indicator", help="Indicator id (repeat for several).")],
    pass_share: Annotated[float, typer.Option("--pass-share", help="Share of products that should pass.")] = 0.2,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the draft spec, run JSON and plots.")] = Path("calibration"),
    category: Annotated[Optional[str], typer.Option(help="Only products of this catalogue category.")] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the confidence bands (0: none).")] = 200,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap and the Monte Carlo draws.")] = 0,
    iterations: Annotated[int, typer.Option(help="Monte Carlo draws of the background's exchange uncertainty "
                                            "(catalogue input only; 0: none).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
    home: Home = None,
):
    """Thresholds that let a chosen share of a population pass, with a draft specification and plots."""

    with exit_codes():
        from lca.assess.specs import find
        from lca.assess.specs import status as spec_status
        from lca.population import calibrate as cal
        from lca.population import calibration_output

        checked = find(spec)[1]
        tgts = cal.targets(checked, indicator)
        with setup_progress(quiet=as_json) as report:
            from lca import api

            api.engine(home, progress=report)
        pop = cal.population(catalogue, tgts, home, category)
        exchange = cal.exchange_thresholds(catalogue, tgts, pass_share, iterations, seed, home, category) \
            if iterations else None
        run = cal.calibrate(pop, checked, tgts, pass_share, bootstrap, seed=seed, exchange=exchange)
        calibration_output.write(run, pop.values, out_dir)
        if as_json:
            typer.echo(json.dumps({k: v for k, v in run.as_dict().items() if k != "draft_spec"}, ensure_ascii=False))
            return
        t = Table(title=f"{run.products:,} products ({run.population}), target pass share {run.pass_share:.1%}",
                  title_justify="left")
        for col in ("requirement", "stage", "threshold", "unit", "passing", f"{run.confidence:.0%} band", "passing over band"):
            t.add_column(col, justify="left" if col in ("requirement", "stage", "unit") else "right")
        if run.exchange_iterations:
            t.add_column("exchange-uncertainty band", justify="right")
        for c in run.indicators:
            t.add_row(c.requirement, c.stage, f"{c.operator} {fmt(c.threshold)}", c.unit, f"{c.realised_share:.2%}",
                      f"{fmt(c.band[0])} – {fmt(c.band[1])}", f"{c.share_band[0]:.2%} – {c.share_band[1]:.2%}",
                      *([f"{fmt(c.exchange_band[0])} – {fmt(c.exchange_band[1])}"] if c.exchange_band else []))
        out.print(t)
        for c in run.indicators:
            if abs(c.realised_share - run.pass_share) * run.products >= 2:
                out.print(f"[yellow]warning:[/] {c.requirement}: products tie at the threshold, so "
                          f"{c.realised_share:.2%} pass instead of {run.pass_share:.2%}", highlight=False)
        out.print(f"joint pass share of the {len(run.indicators)} calibrated threshold(s) (every one met): "
                  f"{run.joint_pass_share:.2%} (band {run.joint_band[0]:.2%} – {run.joint_band[1]:.2%})")
        out.print(f"specification {checked.id}: {spec_status(checked)}; the draft is partial"
                  + (f"; not assessed per product: {', '.join(run.not_assessed)}" if run.not_assessed else ""),
                  highlight=False)
        out.print(f"draft specification and plots written to [bold]{out_dir}[/]: {len(run.files)} files")
