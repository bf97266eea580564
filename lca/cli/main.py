"""The `lca` command list: every command in the order `lca --help` shows them, and the entry point.
Commands live in one module per group (product, population, exchange, reports).

Exit codes 0 ok, 1 product does not pass its spec, 2 bad input, 3 internal.
"""
from __future__ import annotations

import gc
import sys
from typing import Annotated

import typer

from lca import __version__
from lca.cli import exchange, population, product, registry, reports, serve
from lca.cli import spec as spec_tables
from lca.cli.common import err

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Life-cycle assessment for eco-design (green design) product evaluation.")
app.command()(product.setup)
app.command()(product.evaluate)
app.command("screen")(population.screen_command)
app.command("calibrate")(population.calibrate_command)
app.command()(product.methods)
app.command()(product.specs)
app.add_typer(spec_tables.app, name="spec")
app.command()(product.processes)
app.command()(product.datasheet)
app.command("import")(exchange.import_command)
app.command("export")(exchange.export_command)
app.command("report")(reports.report_command)
app.command("report-catalogue")(reports.report_catalogue_command)
app.add_typer(registry.registry_app, name="registry")
app.add_typer(registry.inspect_app, name="inspect")
app.add_typer(serve.serve_app, name="serve")


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
    finally:
        gc.freeze()  # the process ends here: spare the interpreter a last sweep of every live object (~0.2 s)
