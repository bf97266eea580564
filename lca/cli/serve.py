"""`lca serve` (the public service on uvicorn, lca.service) and `lca serve token add` (a bearer token)."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from lca.cli.common import Home, exit_codes, out

serve_app = typer.Typer(help="The public service: JSON API and listing pages over the evaluation registry.")
Db = Annotated[Optional[str], typer.Option("--db", help="Database URL or SQLite file (default: $LCA_DATABASE_URL, "
                                           "else registry.sqlite in the data folder).")]
token_app = typer.Typer(no_args_is_help=True, help="Bearer tokens of the service's roles.")
serve_app.add_typer(token_app, name="token")


@serve_app.callback(invoke_without_command=True)
def serve(ctx: typer.Context,
          host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          db: Db = None, home: Home = None,
          demo: Annotated[bool, typer.Option("--demo", help="First submit, verify and list the example products "
                                             "(illustrative) so the listing shows them.")] = False,
          max_upload_mb: Annotated[float, typer.Option(help="Largest upload accepted (MiB, also unpacked).")] = 5.0):
    """Serve the JSON API (docs at /docs) and the listing pages (/, zh; /?lang=en) until interrupted."""
    if ctx.invoked_subcommand is not None:
        return
    with exit_codes():
        import uvicorn

        from lca.registry.db import open_registry
        from lca.service import demo as demo_data
        from lca.service.app import create_app
        from lca.service.uploads import Limits

        if demo:
            ids, skipped = demo_data.seed(open_registry(db, home), home)
            out.print(f"{len(ids)} example evaluation(s) in the registry: {', '.join(map(str, ids))}")
            for why in skipped:
                out.print(f"[dim]left out: {why}[/]")
        app = create_app(db, home, Limits(max_bytes=int(max_upload_mb * 2**20)))
        out.print(f"serving on http://{host}:{port}/ (API docs: /docs)")
        uvicorn.run(app, host=host, port=port, log_level="warning")


@token_app.command("add")
def token_add(role: Annotated[str, typer.Option(help="manufacturer, evaluator or authority.")],
              name: Annotated[str, typer.Option(help="Who holds it (a manufacturer's name is the one it submits "
                                                "for).")],
              db: Db = None, home: Home = None):
    """Create a bearer token; it is printed once and stored only as its sha256."""
    with exit_codes():
        from lca.registry.db import open_registry
        from lca.service.auth import add_token

        token = add_token(open_registry(db, home), role, name)
        out.print(f"{role} token for {name} (shown once; send it as 'Authorization: Bearer …'):")
        typer.echo(token)
