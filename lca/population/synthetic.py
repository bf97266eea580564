"""Synthetic but realistic catalogues and data spreads for benchmarks and tests (clearly not real products).

Each product has 10–40 lines drawn from the shipped background: materials in kg in the raw
material stage, electricity and fuels in production and use, t·km transport in distribution,
and waste treatment in kg at end of life. Amounts are log-uniform within plausible ranges.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import yaml

from lca.core import resources, units
from lca.inventory.resolve import Catalogue

TREATMENT_WORDS = ("landfill", "recycling", "incineration", "treatment", "wastewater")


def _pools(bg: Catalogue) -> dict[str, list[str]]:
    """Background codes by the stage they plausibly serve, judged by unit and name."""
    pools = {"raw_materials": [], "production": [], "distribution": [], "use": [], "end_of_life": []}
    for code, i in bg.process_index.items():
        unit = bg.process_unit[i]
        if any(w in code for w in TREATMENT_WORDS) and units.same_dimension(unit, "kg"):
            pools["end_of_life"].append(code)
        elif units.same_dimension(unit, "tkm"):
            pools["distribution"].append(code)
        elif units.same_dimension(unit, "kWh") or units.same_dimension(unit, "kg") and "combustion" in code:
            pools["production"].append(code)
            pools["use"].append(code)
        elif units.same_dimension(unit, "kg"):
            pools["raw_materials"].append(code)
    return {k: v for k, v in pools.items() if v}


RANGES = {"raw_materials": (0.01, 20.0), "production": (0.1, 50.0), "distribution": (0.001, 5.0),
          "use": (1.0, 5000.0), "end_of_life": (0.01, 20.0)}
STAGE_WEIGHTS = {"raw_materials": 0.55, "production": 0.15, "distribution": 0.1, "use": 0.05, "end_of_life": 0.15}


def catalogue(bg: Catalogue, n_products: int, seed: int = 0, lines: tuple[int, int] = (10, 40)) -> pd.DataFrame:
    """A catalogue table (product, category, link, amount, unit, stage) of `n_products` products."""
    rng = np.random.default_rng(seed)
    pools = _pools(bg)
    stages = list(pools)
    codes = np.array(list(bg.process_index), dtype=object)
    code_id = {c: i for i, c in enumerate(codes)}
    weights = np.array([STAGE_WEIGHTS[s] for s in stages])
    per_product = rng.integers(lines[0], lines[1] + 1, n_products)
    n = int(per_product.sum())
    product = np.repeat(np.arange(n_products), per_product)
    stage_idx = rng.choice(len(stages), n, p=weights / weights.sum())
    link = np.empty(n, dtype=np.int64)
    amount = np.empty(n)
    for s, name in enumerate(stages):
        mask = stage_idx == s
        pool = np.array([code_id[c] for c in pools[name]])
        link[mask] = pool[rng.integers(0, len(pool), int(mask.sum()))]
        lo, hi = RANGES[name]
        amount[mask] = np.exp(rng.uniform(np.log(lo), np.log(hi), int(mask.sum())))
    unit_names, unit_of_link = np.unique([bg.process_unit[bg.process_index[c]] for c in codes], return_inverse=True)
    return pd.DataFrame({
        "product": pd.Categorical.from_codes(product, [f"P{i:07d}" for i in range(n_products)]),
        "category": pd.Categorical.from_codes(product % 3, ["appliance", "furniture", "packaging"]),
        "link": pd.Categorical.from_codes(link, codes),
        "amount": amount,
        "unit": pd.Categorical.from_codes(unit_of_link[link], unit_names),
        "stage": pd.Categorical.from_codes(stage_idx, stages),
    })


def uncertain_data_root(dst: Path, spreads: dict[str, dict | Callable[[float], dict]]) -> Path:
    """A copy of the shipped data (for LCA_DATA_DIR) whose listed processes carry synthetic exchange spreads.

    Every exchange of each process code in `spreads` gets that `uncertainty` (a dict, or a callable
    of the exchange amount returning one); "*" applies to every process. For tests and benchmarks only.
    """
    src = resources.data_root()
    for part in ("inventories/background", "inventories/examples", "methods", "product_specs"):
        shutil.copytree(src / part, dst / part)
    for path in (dst / "inventories" / "background").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for proc in doc["processes"]:
            spread = spreads.get(proc["code"], spreads.get("*"))
            for exc in proc["exchanges"] if spread else ():
                u = spread(exc["amount"]) if callable(spread) else spread
                exc["uncertainty"] = {**u, "source": "synthetic spread (tests and benchmarks only)"}
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst
