"""The `lca` command line: setup, evaluate, methods, specs, processes, datasheet; screen and calibrate
(lca.population_cli), import and export (lca.io.cli), report (lca.report.cli) are registered here.

Exit codes 0 ok, 1 product does not pass its spec, 2 bad input, 3 internal.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lca import __version__, project
from lca.errors import DataError, InputError
from lca.io.cli import export_command, import_command
from lca.population_cli import calibrate_command, screen_command
from lca.report.cli import report_catalogue_command, report_command
from lca.methods import DEFAULT_SET, indicator_sets

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Life-cycle assessment for eco-design (green design) product evaluation.")
_probe = Console()
# Piped or redirected output is not width-limited: keep result tables on one line per indicator.
out = _probe if _probe.is_terminal else Console(width=max(_probe.width, 150))
err = Console(stderr=True, soft_wrap=True)  # messages stay on one line (paths intact)

EXIT_NOT_PASSED, EXIT_BAD_INPUT, EXIT_INTERNAL = 1, 2, 3
Home = Annotated[Optional[Path], typer.Option("--home", help="Data folder (default: $LCA_HOME or the user data dir).")]


@contextmanager
def _errors():
    """Map exceptions to one clear message and the documented exit codes."""
    try:
        yield
    except InputError as exc:
        err.print(f"[bold red]error:[/] {exc.render()}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except DataError as exc:
        err.print(f"[bold red]shipped data error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_INTERNAL) from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence, reported as internal
        err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc}", highlight=False)
        err.print(traceback.format_exc(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INTERNAL) from None


@contextmanager
def _setup_progress(quiet: bool = False):
    """A progress bar that appears only when set-up actually has work to do."""
    if quiet:
        yield None
        return
    bar = Progress(TextColumn("[bold]setting up[/] {task.description}"), BarColumn(),
                   TimeElapsedColumn(), console=err, transient=True)
    task = None

    def report(msg: str, frac: float) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(msg, total=1.0)
        bar.update(task, description=msg, completed=frac)

    try:
        yield report
    finally:
        bar.stop()


@app.command()
def setup(home: Home = None, force: Annotated[bool, typer.Option(help="Rebuild even if current.")] = False):
    """Create (or refresh) the offline Brightway project: biosphere3, LCIA methods, background."""
    with _errors():
        start = time.perf_counter()
        with _setup_progress() as report:
            state, rebuilt = project.setup(home, report, force=force)
        took = time.perf_counter() - start
        verb = "built" if rebuilt else "already current"
        out.print(f"[green]project {state.project}[/] {verb} in {took:.2f} s "
                  f"(data version {state.data_version[:12]}, home {project.home(home)})")


@app.command()
def evaluate(
    products: Annotated[list[Path], typer.Argument(help="Product manifest(s) (YAML).")],
    indicator_set: Annotated[str, typer.Option("--set", help="Indicator set id (see `lca methods`).")] = DEFAULT_SET,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    out_file: Annotated[Optional[Path], typer.Option("--out", help="Write results (.csv, .xlsx, .nc).")] = None,
    spec: Annotated[Optional[str], typer.Option("--spec", help="Check against a product specification "
                                                "(YAML file or id from `lca specs`); exit 1 unless it passes.")] = None,
    iterations: Annotated[int, typer.Option(help="Monte Carlo iterations over exchange uncertainty (0: none).")] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the Monte Carlo draws.")] = 0,
    plots: Annotated[Optional[Path], typer.Option(help="Folder for Monte Carlo plots (distribution with the "
                                                  "thresholds, sensitivity bars).")] = None,
    home: Home = None,
):
    """Stage-resolved life-cycle indicators of one or more products (and their verdict with --spec)."""
    with _errors():
        from lca import api
        from lca.results import check_export_path, export

        if out_file is not None:
            check_export_path(out_file)
        checked = _load_spec(spec)
        with _setup_progress(quiet=as_json) as report:
            ds, invs = api.evaluate([str(p) for p in products], indicator_set, home, report)
        verdicts = _verdicts(products, checked, home)
        mc = _monte_carlo(products, indicator_set, checked, verdicts, iterations, seed, home, plots)
        if out_file is not None:
            export(ds, out_file)
        if as_json:
            doc = _as_json(ds, invs)
            if checked is not None:
                doc["verdict"] = [v.as_dict() for v in verdicts]
            if mc:
                doc["uncertainty"] = [asdict(r) for r in mc]
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            for inv in invs:
                _print_product(ds, inv)
            if out_file is not None:
                out.print(f"results written to [bold]{out_file}[/]")
            from lca.verdict_view import print_evaluation

            for v in verdicts:
                print_evaluation(out, v)
            from lca.uncertainty_view import print_uncertainty

            for r in mc:
                print_uncertainty(out, r)
        if any(v.verdict != "pass" for v in verdicts):
            raise typer.Exit(EXIT_NOT_PASSED)


def _load_spec(spec: str | None):
    """The specification to check against (validated before any work), or None."""
    from lca.specs import find

    return None if spec is None else find(spec)[1]


def _verdicts(products: list[Path], spec, home) -> list:
    from lca.evaluate import evaluate as check

    return [] if spec is None else check([str(p) for p in products], spec, home)


def _monte_carlo(products: list[Path], indicator_set: str, spec, verdicts, iterations: int, seed: int, home,
                 plots: Path | None) -> list:
    """Monte Carlo results per product when --iterations is given (else none)."""
    if not iterations:
        return []
    from lca.uncertainty import evaluate as monte_carlo

    return monte_carlo([str(p) for p in products], indicator_set, spec, verdicts, iterations, seed, home, plots)


def _as_json(ds, invs) -> dict:
    products = []
    for inv in invs:
        p = ds.sel(product=inv.product_id)
        inds = {}
        for ind in ds.indicator.values:
            q = p.sel(indicator=ind)
            inds[str(ind)] = {
                "name_en": str(q.name_en.item()), "name_zh": str(q.name_zh.item()),
                "unit": str(q.unit.item()), "group": str(q.group.item()),
                "stages": {str(s): float(v) for s, v in zip(ds.stage.values, q.score.values)},
                "total": float(q.total.item()),
                "top_processes": [{"process": str(n), "value": float(v)}
                                  for n, v in zip(q.top_process.values, q.top_value.values)],
            }
        products.append({"id": inv.product_id, "name": inv.name, "mass_kg": inv.mass_kg,
                         "input_hash": inv.input_hash, "warnings": inv.warnings, "indicators": inds})
    return {"software": ds.attrs["software"], "indicator_set": ds.attrs["indicator_set"],
            "background_data_version": ds.attrs["background_data_version"], "products": products}


def _fmt(v: float) -> str:
    return "0" if v == 0 else f"{v:.4g}"


def _print_product(ds, inv) -> None:
    """One table per product: indicators × stages, with the top contributing process."""
    p = ds.sel(product=inv.product_id)
    table = Table(title=f"{inv.name}\n[dim]{inv.product_id} · {inv.mass_kg:.4g} kg · "
                        f"indicator set {ds.attrs['indicator_set']}[/]", title_justify="left")
    table.add_column("indicator", no_wrap=True)
    table.add_column("unit", style="dim")
    for s in ds.stage.values:
        table.add_column(STAGE_SHORT[str(s)], justify="right", no_wrap=True)
    table.add_column("total", justify="right", style="bold", no_wrap=True)
    table.add_column("top process", style="dim", overflow="fold")
    uncovered = []
    for ind in ds.indicator.values:
        q = p.sel(indicator=ind)
        if not q.score.values.any():
            uncovered.append(str(ind))
            table.add_row(str(ind), str(q.unit.item()), *["–"] * (len(ds.stage) + 1), "")
            continue
        table.add_row(str(ind), str(q.unit.item()), *[_fmt(float(v)) for v in q.score.values],
                      _fmt(float(q.total.item())), str(q.top_process.values[0]))
    out.print(table)
    if uncovered:
        out.print(f"[dim]– : no characterised flow of {', '.join(uncovered)} in this product's inventory "
                  "(the background data carry no such flows for the processes used).[/]")
    for w in inv.warnings:
        out.print(f"[yellow]warning:[/] {w}", highlight=False)


STAGE_SHORT = {"raw_materials": "raw mat.", "production": "production", "distribution": "distrib.",
               "use": "use", "end_of_life": "EoL"}


app.command("screen")(screen_command)  # listed after evaluate in `lca --help`
app.command("calibrate")(calibrate_command)


@app.command()
def methods(indicator_set: Annotated[Optional[str], typer.Option("--set", help="Show one set only.")] = None):
    """List the shipped indicator sets and their indicators."""
    with _errors():
        sets = indicator_sets()
        chosen = [sets[indicator_set]] if indicator_set in sets else list(sets.values())
        if indicator_set and indicator_set not in sets:
            raise InputError(f"unknown indicator set '{indicator_set}'", hint=f"choose one of {', '.join(sets)}")
        for s in chosen:
            t = Table(title=f"{s.id}: {s.title_en} / {s.title_zh}", title_justify="left")
            for col in ("id", "indicator", "指标", "unit", "group", "method"):
                t.add_column(col)
            for i in s.indicators:
                t.add_row(i.id, i.name_en, i.name_zh, i.unit, i.group, i.how)
            out.print(t)


@app.command()
def specs():
    """List the shipped product specifications (categories) with their standards and sources."""
    with _errors():
        from lca.specs import shipped
        from lca.verdict_view import print_specs

        print_specs(out, shipped())


@app.command()
def processes(
    database: Annotated[Optional[str], typer.Option("--database", help="List an imported database instead "
                                                    "(its codes are linked as DB:code).")] = None,
    home: Home = None,
):
    """List the processes products can link to (codes for the BOM 'link' column)."""
    with _errors():
        from lca import api

        with _setup_progress() as report:
            eng = api.engine(home, progress=report, databases=(database,) if database else ())
        shown = [p for p in eng.m.meta["processes"]
                 if (p["code"].startswith(f"{database}:") and not p.get("cutoff")) or
                 (not database and ":" not in p["code"])]
        t = Table(title=f"{database or 'background'} processes ({len(shown)})", title_justify="left")
        t.add_column("code", no_wrap=True)  # whole, to copy into a BOM's link column
        for col in ("name", "unit", "location", "source"):
            t.add_column(col)
        for p in shown:
            prov = p.get("provenance", {})
            t.add_row(p["code"], p["name"], p["unit"], p["location"],
                      f"{prov.get('publisher', '')} {prov.get('year', '')}".strip())
        out.print(t)


@app.command()
def datasheet(
    out_file: Annotated[Optional[Path], typer.Option("--out", help="Write here (default: print).")] = None,
):
    """The background data sheet: every process, its exchanges and sources (Markdown)."""
    with _errors():
        from lca.datasheet import render

        text = render()
        if out_file is None:
            typer.echo(text)
        else:
            out_file.write_text(text + "\n", encoding="utf-8")
            out.print(f"data sheet written to [bold]{out_file}[/]")


app.command("import")(import_command)
app.command("export")(export_command)
app.command("report")(report_command)
app.command("report-catalogue")(report_catalogue_command)


@app.callback(invoke_without_command=True)
def main(version: Annotated[bool, typer.Option("--version", help="Show the version.")] = False):
    if version:
        typer.echo(f"lca-ecodesign {__version__}")
        raise typer.Exit(0)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
