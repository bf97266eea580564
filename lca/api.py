"""The Python face of the engine, which the CLI, the tests and services call: set up on first use, read
products and score them (a Dataset, or the arrays it is built from).

    from lca import api
    ds, inventories = api.evaluate(["inventories/examples/office_chair/product.yaml"])
    res = api.results(["inventories/examples/office_chair/product.yaml"])  # no xarray: res.dataset() on demand
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lca.assess.results import Results, compute, score
from lca.engine import project
from lca.engine.methods import DEFAULT_SET
from lca.engine.session import engine, lcia_engine, read_inventories
from lca.inventory.resolve import Inventory

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["engine", "evaluate", "lcia_engine", "read_inventories", "results"]


def evaluate(paths: list[str | Path], indicator_set: str = DEFAULT_SET, home: str | Path | None = None,
             progress: project.Progress | None = None) -> tuple[xr.Dataset, list[Inventory]]:
    """Stage-resolved scores of products (YAML manifests) for an indicator set."""
    return score(paths, indicator_set, home, progress)


def results(paths: list[str | Path], indicator_set: str = DEFAULT_SET, home: str | Path | None = None,
            progress: project.Progress | None = None) -> Results:
    """The same scores as `evaluate`, as arrays (`Results.dataset()` gives the Dataset when it is needed)."""
    return compute(paths, indicator_set, home, progress)
