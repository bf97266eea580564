"""Monte Carlo benchmark: 1,000 iterations of one example product, against bw2calc's Monte Carlo in the same run.

The shipped background carries no exchange uncertainty, so for timing every background exchange gets a
synthetic lognormal spread (GSD² 1.2) in a temporary copy of the data (lca.population.synthetic.uncertain_data_root),
built into a temporary project. Both engines then sample every exchange of the same Brightway data:

- lca: `lca.uncertainty.sample_scores` (all draws up front from stats_arrays, refactorise A per
  iteration in the cached upstream-first order), every indicator of the set × 5 stages;
- bw2calc 3.1: `LCA(demand, method, use_distributions=True, seed_override=...)` then `next(lca)` per
  iteration (bw2calc 3's form of MonteCarloLCA), one method, total score only.

Usage: python scripts/bench_montecarlo.py [--iterations 1000] [--product office_chair]
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--product", default="office_chair")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lca-bench-mc-"))

    from lca.population.synthetic import uncertain_data_root

    os.environ["LCA_DATA_DIR"] = str(uncertain_data_root(tmp / "data", {"*": {"type": "lognormal", "gsd2": 1.2}}))
    import numpy as np

    from lca import api
    from lca.core.stages import STAGES
    from lca.engine import project
    from lca.uncertainty import sampling

    home = tmp / "home"
    start = time.perf_counter()
    project.setup(home)
    print(f"temporary project with spreads on every exchange built in {time.perf_counter() - start:.1f} s")
    eng = api.engine(home)
    manifest = tmp / "data" / "inventories" / "examples" / args.product / "product.yaml"
    inv = api.read_inventories([manifest], eng)[0]
    start = time.perf_counter()
    entries = sampling.uncertain_entries(eng)
    prep = time.perf_counter() - start
    start = time.perf_counter()
    samples, _ = sampling.sample_scores(eng, [inv], args.iterations, args.seed, entries)
    ours = time.perf_counter() - start
    gwp = samples[:, 0, 0].sum(axis=1)
    print(f"lca:     {args.iterations} iterations, {entries.size} uncertain exchanges, "
          f"{len(eng.indicators.indicators)} indicators x {len(STAGES)} stages: {ours:.2f} s, "
          f"{ours / args.iterations * 1e3:.3f} ms/iteration (+ {prep:.2f} s reading the distributions once); "
          f"gwp100 mean {gwp.mean():.4g}, sd {gwp.std(ddof=1):.3g}")

    import bw2calc as bc

    bd = project.brightway(home, project.read_state(home).project)
    codes = [p["code"] for p in eng.m.meta["processes"]]
    nodes = {a["code"]: a for a in bd.Database(project.BACKGROUND_DB)}
    demand: dict = {}
    for ln in inv.lines:
        if ln.kind == "process":
            node = nodes[codes[ln.index]]
            demand[node] = demand.get(node, 0.0) + ln.amount
    start = time.perf_counter()
    lca = bc.LCA(demand, method=eng.indicators.indicators[0].method, use_distributions=True,
                 seed_override=args.seed)
    lca.lci()
    lca.lcia()
    setup_bc = time.perf_counter() - start
    scores = np.empty(args.iterations)
    start = time.perf_counter()
    for i in range(args.iterations):
        next(lca)
        scores[i] = lca.score
    theirs = time.perf_counter() - start
    print(f"bw2calc: {args.iterations} iterations, 1 method, total only: {theirs:.2f} s, "
          f"{theirs / args.iterations * 1e3:.3f} ms/iteration (+ {setup_bc:.2f} s set-up); "
          f"gwp100 mean {scores.mean():.4g}, sd {scores.std(ddof=1):.3g}")
    print(f"ratio (bw2calc time / lca time, per iteration): {theirs / ours:.1f}x")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
