"""The Python face of the engine, which the CLI, the tests and services call: set up on first use, read
products and score them (a Dataset).

    from lca import api
    ds, inventories = api.evaluate(["inventories/examples/office_chair/product.yaml"])
"""
from __future__ import annotations

from pathlib import Path

import xarray as xr

from lca.assess.results import score
from lca.engine import project
from lca.engine.methods import DEFAULT_SET
from lca.engine.session import engine, lcia_engine, read_inventories
from lca.inventory.resolve import Inventory

__all__ = ["engine", "evaluate", "lcia_engine", "read_inventories"]


def evaluate(paths: list[str | Path], indicator_set: str = DEFAULT_SET, home: str | Path | None = None,
             progress: project.Progress | None = None) -> tuple[xr.Dataset, list[Inventory]]:
    """Stage-resolved scores of products (YAML manifests) for an indicator set."""
    return score(paths, indicator_set, home, progress)

