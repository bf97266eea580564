"""`lca report` and `lca report-catalogue`: HTML (and PDF) reports, registered in lca.cli."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from lca.cli.common import Home, exit_codes, load_spec, out, setup_progress
from lca.engine.names import DEFAULT_SET


def _write(html: str, out_file: Path, pdf: bool) -> None:
    """The HTML, and with `pdf` the PDF of the same document next to it."""
    from lca.report import render

    render.write_html(html, out_file)
    out.print(f"report written to [bold]{out_file}[/]")
    if pdf:
        render.write_pdf(html, out_file.with_suffix(".pdf"))
        out.print(f"PDF written to [bold]{out_file.with_suffix('.pdf')}[/]")


Lang = Annotated[str, typer.Option("--lang", help="Report language: zh or en.")]


def report_command(
    product: Annotated[Path, typer.Argument(help="Product manifest (YAML).")],
    out_file: Annotated[Path, typer.Option("--out", help="HTML report to write.")] = Path("report.html"),
    spec: Annotated[Optional[str], typer.Option("--spec", help="Product specification (YAML file or id from "
                                                "`lca specs`) for the verdict section.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF next to the HTML (same name, .pdf).")] = False,
    lang: Lang = "zh",
    iterations: Annotated[int, typer.Option(help="Monte Carlo iterations for the pass probabilities "
                                            "(needs --spec; 0: no uncertainty section).")] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the Monte Carlo draws.")] = 0,
    indicator_set: Annotated[str, typer.Option("--set", help="Indicator set id (see `lca methods`).")] = DEFAULT_SET,
    home: Home = None,
):
    """Life-cycle assessment report of one product (and its verdict against a specification)."""
    from lca.core.errors import InputError
    from lca.report import model, render
    from lca.report.i18n import labels

    with exit_codes():
        render.check_report_path(out_file)
        labels(lang)
        checked = load_spec(spec)
        if iterations and checked is None:
            raise InputError("--iterations gives pass probabilities against a specification",
                             hint="add --spec SPEC, or leave out --iterations")
        with setup_progress() as progress:
            r = model.build(product, checked, indicator_set, home, progress, iterations, seed)
        _write(render.render_product(r, lang), out_file, pdf)


def report_catalogue_command(
    results: Annotated[Path, typer.Argument(help="Screening results (.parquet from `lca screen`).")],
    out_file: Annotated[Path, typer.Option("--out", help="HTML summary to write.")] = Path("summary.html"),
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF next to the HTML (same name, .pdf).")] = False,
    lang: Lang = "zh",
):
    """Summary report of a catalogue screening: pass rates, distributions, best and worst products."""
    from lca.report import render
    from lca.report.catalogue import summarise
    from lca.report.i18n import labels

    with exit_codes():
        render.check_report_path(out_file)
        labels(lang)
        _write(render.render_catalogue(summarise(results), lang), out_file, pdf)
