"""`lca import PATH --name DB [--format F] [--overwrite] ...` and `lca export` (registered in lca/cli.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from lca.cli.common import Home, exit_codes, out, setup_progress
from lca.io.importer import FORMATS


def import_command(
    path: Annotated[Path, typer.Argument(help="File or folder to import (zip for JSON-LD).")],
    name: Annotated[str, typer.Option("--name", help="Name of the Brightway database to create.")],
    fmt: Annotated[Optional[str], typer.Option(
        "--format", help=f"One of: {', '.join(FORMATS)} (default: detected from the file).")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace a database of that name.")] = False,
    allocation: Annotated[Optional[str], typer.Option(
        "--allocation", help="JSON-LD multi-output processes: physical, economic or causal "
                             "(default: each process's own default; none = all to the reference product).")] = None,
    report_file: Annotated[Optional[Path], typer.Option(
        "--report", help="Write the linking report here (JSON; default <home>/imports/<name>.json).")] = None,
    flow_map: Annotated[Optional[Path], typer.Option(
        "--flow-map", help="Your links for flows the automatic linking misses: the <report>.unlinked.csv an "
                           "import writes, with biosphere3_code (and factor, source) filled in.")] = None,
    home: Home = None,
):
    """Import a foreign LCI database (openLCA JSON-LD, EcoSpold 1/2, SimaPro CSV, Excel) and link its flows."""
    from lca.core.errors import InputError
    from lca.io.importer import import_database

    with exit_codes():
        if allocation is not None and allocation not in ("physical", "economic", "causal"):
            raise InputError(f"--allocation: unknown allocation '{allocation}'",
                             hint="choose physical, economic or causal")
        with setup_progress() as report:
            result = import_database(path, fmt, name, home=home, overwrite=overwrite, allocation=allocation,
                                     report_path=report_file, flow_map=flow_map, progress=report)
        for line in result.lines():
            out.print(line, highlight=False, markup=False)
        out.print(result.reach_table())
        out.print(f"linking report written to {result.report_file}; unlinked flows (fill in and pass back "
                  f"with --flow-map) in {result.unlinked_file}", highlight=False, markup=False)


def export_command(
    product: Annotated[Path, typer.Argument(help="Product manifest (YAML).")],
    out_file: Annotated[Path, typer.Option("--out", help="File to write (.xlsx for excel, .xml for ecospold1).")],
    fmt: Annotated[str, typer.Option("--format", help="excel (bw2io's Excel LCI format) or ecospold1.")] = "excel",
    home: Home = None,
):
    """Export a product's system (foreground stages + every background process it uses) for other LCA tools."""
    from lca.io.export import export_product

    with exit_codes():
        s = export_product(product, out_file, fmt, home)
    out.print(f"'{s.root}': {s.activities} activities ({s.background_processes} background) written to "
              f"{s.path} ({s.format})", highlight=False, markup=False)
