"""`lca import PATH --format F --name DB [--overwrite]` (registered in lca/cli.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from lca.io.importer import FORMATS


def import_command(
    path: Annotated[Path, typer.Argument(help="File or folder to import (zip for JSON-LD).")],
    fmt: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")],
    name: Annotated[str, typer.Option("--name", help="Name of the Brightway database to create.")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace a database of that name.")] = False,
    allocation: Annotated[Optional[str], typer.Option(
        "--allocation", help="JSON-LD multi-output processes: physical, economic or causal "
                             "(default: each process's own default; none = all to the reference product).")] = None,
    report_file: Annotated[Optional[Path], typer.Option(
        "--report", help="Write the linking report here (JSON; default <home>/imports/<name>.json).")] = None,
    home: Annotated[Optional[Path], typer.Option("--home", help="Data folder (default: $LCA_HOME or the user data dir).")] = None,
):
    """Import a foreign LCI database (openLCA JSON-LD, EcoSpold 1/2, SimaPro CSV, Excel) and link its flows."""
    from lca.cli import _errors, _setup_progress, out
    from lca.errors import InputError
    from lca.io.importer import import_database

    with _errors():
        if allocation is not None and allocation not in ("physical", "economic", "causal"):
            raise InputError(f"--allocation: unknown allocation '{allocation}'",
                             hint="choose physical, economic or causal")
        with _setup_progress() as report:
            result = import_database(path, fmt, name, home=home, overwrite=overwrite, allocation=allocation,
                                     report_path=report_file, progress=report)
        for line in result.lines():
            out.print(line, highlight=False, markup=False)
        out.print(f"linking report written to {result.report_file}", highlight=False, markup=False)
