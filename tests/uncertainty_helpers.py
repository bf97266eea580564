"""A copy of the shipped data with synthetic exchange uncertainty (for Monte Carlo tests and the benchmark)."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from lca import resources


def uncertain_data_root(dst: Path, spreads: dict[str, dict]) -> Path:
    """Copy inventories/, methods/ and product_specs/ to `dst`; give every exchange of each process code
    in `spreads` that `uncertainty` (a dict, or a callable of the exchange amount returning one)."""
    src = resources.data_root()
    for part in ("inventories/background", "inventories/examples", "methods", "product_specs"):
        shutil.copytree(src / part, dst / part)
    for path in (dst / "inventories" / "background").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        touched = False
        for proc in doc["processes"]:
            spread = spreads.get(proc["code"])
            for exc in proc["exchanges"] if spread else ():
                u = spread(exc["amount"]) if callable(spread) else spread
                exc["uncertainty"] = {**u, "source": "synthetic spread for tests"}
                touched = True
        if touched:
            path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst
