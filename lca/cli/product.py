"""`lca setup`, `evaluate`, `methods`, `specs`, `processes`, `datasheet`: one product (or a few) at a time,
and what they can link to and be checked against."""
from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from lca.cli.common import EXIT_NOT_PASSED, Home, exit_codes, load_spec, out, setup_progress
from lca.core.errors import InputError
from lca.engine import project
from lca.engine.names import DEFAULT_SET


def setup(home: Home = None, force: Annotated[bool, typer.Option(help="Rebuild even if current.")] = False):
    """Create (or refresh) the offline Brightway project: biosphere3, LCIA methods, background."""
    with exit_codes():
        start = time.perf_counter()
        with setup_progress() as report:
            state, rebuilt = project.setup(home, report, force=force)
        took = time.perf_counter() - start
        verb = "built" if rebuilt else "already current"
        out.print(f"[green]project {state.project}[/] {verb} in {took:.2f} s "
                  f"(data version {state.data_version[:12]}, home {project.home(home)})")


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
    with exit_codes():
        from lca import api
        from lca.assess.results import check_export_path, export
        from lca.cli.views import print_evaluation, print_product, print_uncertainty, results_json

        if out_file is not None:
            check_export_path(out_file)
        checked = load_spec(spec)
        with setup_progress(quiet=as_json) as report:
            res = api.results([str(p) for p in products], indicator_set, home, report)
        verdicts = _verdicts(products, checked, home)
        mc = _monte_carlo(products, indicator_set, checked, verdicts, iterations, seed, home, plots)
        if out_file is not None:
            export(res.dataset(), out_file)  # the Dataset (xarray) only for a file
        if as_json:
            doc = results_json(res)
            if checked is not None:
                doc["verdict"] = [v.as_dict() for v in verdicts]
            if mc:
                doc["uncertainty"] = [asdict(r) for r in mc]
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            for n in range(len(res.inventories)):
                print_product(out, res, n)
            if out_file is not None:
                out.print(f"results written to [bold]{out_file}[/]")
            for v in verdicts:
                print_evaluation(out, v)
            for r in mc:
                print_uncertainty(out, r)
        if any(v.verdict != "pass" for v in verdicts):
            raise typer.Exit(EXIT_NOT_PASSED)


def _verdicts(products: list[Path], spec, home) -> list:
    from lca.assess.evaluate import evaluate as check

    return [] if spec is None else check([str(p) for p in products], spec, home)


def _monte_carlo(products: list[Path], indicator_set: str, spec, verdicts, iterations: int, seed: int, home,
                 plots: Path | None) -> list:
    """Monte Carlo results per product when --iterations is given (else none)."""
    if not iterations:
        return []
    from lca.uncertainty.montecarlo import evaluate as monte_carlo

    return monte_carlo([str(p) for p in products], indicator_set, spec, verdicts, iterations, seed, home, plots)


def methods(indicator_set: Annotated[Optional[str], typer.Option("--set", help="Show one set only.")] = None):
    """List the shipped indicator sets and their indicators."""
    with exit_codes():
        from lca.engine.methods import indicator_sets

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


def specs():
    """List the shipped product specifications (categories) with their standards and sources."""
    with exit_codes():
        from lca.assess.specs import shipped
        from lca.cli.views import print_specs

        print_specs(out, shipped())


def processes(
    database: Annotated[Optional[str], typer.Option("--database", help="List an imported database instead "
                                                    "(its codes are linked as DB:code).")] = None,
    home: Home = None,
):
    """List the processes products can link to (codes for the BOM 'link' column)."""
    with exit_codes():
        from lca import api

        with setup_progress() as report:
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


def datasheet(
    out_file: Annotated[Optional[Path], typer.Option("--out", help="Write here (default: print).")] = None,
):
    """The background data sheet: every process, its exchanges and sources (Markdown)."""
    with exit_codes():
        from lca.inventory.datasheet import render

        text = render()
        if out_file is None:
            typer.echo(text)
        else:
            out_file.write_text(text + "\n", encoding="utf-8")
            out.print(f"data sheet written to [bold]{out_file}[/]")
