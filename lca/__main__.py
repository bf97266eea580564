"""`python -m lca` runs the CLI."""
from lca.cli import run

run()
