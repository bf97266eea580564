"""`lca spec import | export | template`: a standard's requirement tables in and out of the spec format."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from lca.cli.common import exit_codes, out

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Specifications as tables: import a standard's tables, export a spec, an empty template.")


@app.command("import")
def import_command(
    table: Annotated[Path, typer.Argument(help="Requirement table (.xlsx sheets 基本要求 / 评价指标要求, or .csv "
                                          "with a type column).")],
    out_file: Annotated[Path, typer.Option("--out", help="Specification YAML to write.")],
    spec_id: Annotated[Optional[str], typer.Option("--id", help="Specification id.")] = None,
    standard: Annotated[Optional[str], typer.Option("--standard", help="Standard number, e.g. 'T/CAGP 0001-2016'.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Year of the standard.")] = None,
):
    """Read a standard's requirement table into a specification (checked like any shipped one)."""
    with exit_codes():
        import yaml

        from lca.assess.spec_tables import read_spec
        from lca.assess.specs import load_spec, status
        from lca.core.errors import InputError
        from lca.core.files import atomic_write

        data = read_spec(table, spec_id, standard, year)
        if out_file.suffix.lower() not in (".yaml", ".yml"):
            raise InputError("must be .yaml", file=out_file)

        def write(tmp: Path) -> None:
            tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            try:
                load_spec(tmp)
            except InputError as exc:
                raise InputError(f"does not make a valid specification: {exc.message}", file=table,
                                 column=exc.column, hint=exc.hint) from None

        atomic_write(out_file, write)
        spec = load_spec(out_file)
        graded = sum(r.grade_table is not None for r in spec.indicator_requirements)
        out.print(f"{spec.id}: {len(spec.basic_requirements)} basic and {len(spec.indicator_requirements)} indicator "
                  f"requirements ({graded} by grade table, {len(spec.declared_indicators)} declared indicators) "
                  f"written to {out_file}; {status(spec)}", highlight=False)


@app.command("export")
def export_command(
    spec: Annotated[str, typer.Argument(help="Specification (YAML file or id from `lca specs`).")],
    out_file: Annotated[Path, typer.Option("--out", help="Table to write (.xlsx).")],
):
    """Write a specification as requirement tables (the layout `lca spec import` reads)."""
    with exit_codes():
        from lca.assess.spec_export import export
        from lca.assess.specs import find

        export(find(spec)[1], out_file)
        out.print(f"{spec} written to {out_file}", highlight=False)


@app.command("template")
def template_command(
    category: Annotated[str, typer.Argument(help="Product category the table is for.")],
    out_file: Annotated[Path, typer.Option("--out", help="Empty table to write (.xlsx).")],
):
    """An empty requirement table with drop-down lists (attribute groups, stages, known indicators)."""
    with exit_codes():
        from lca.assess.spec_export import template

        template(category, out_file)
        out.print(f"template for {category} written to {out_file}", highlight=False)
