"""Where the shipped data lives: the repo's top-level folders, or their copy inside an installed wheel."""
from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # lca/


def data_root() -> Path:
    """Folder holding inventories/, methods/ and product_specs/ (LCA_DATA_DIR overrides, for tests)."""
    override = os.environ.get("LCA_DATA_DIR")
    if override:
        return Path(override).resolve()
    bundled = _PACKAGE / "_data"
    if (bundled / "methods").is_dir():
        return bundled
    return _PACKAGE.parent


def background_dir() -> Path:
    return data_root() / "inventories" / "background"


def methods_dir() -> Path:
    return data_root() / "methods"


def examples_dir() -> Path:
    return data_root() / "inventories" / "examples"


def specs_dir() -> Path:
    return data_root() / "product_specs"
