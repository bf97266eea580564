"""The `lca` command line: the command list (lca.cli.main), shared helpers (lca.cli.common), one module
per command group, and the terminal views. `lca.cli:app` and `lca.cli:run` stay the entry points."""
from lca.cli.main import app, run

__all__ = ["app", "run"]
