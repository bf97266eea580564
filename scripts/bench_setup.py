"""Time `lca setup` on an empty home and again on a built one (issue 3 targets: < 15 s and < 2 s).

Prints the times and their ratio to a baseline measured in the same run: the bare start-up of a
Python process that imports bw2data (what any Brightway tool pays before doing anything).
Usage: python scripts/bench_setup.py [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lca = [sys.executable, "-m", "lca", "setup"]
    cold, warm, base = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "LCA_HOME": home, "BRIGHTWAY2_DIR": home}
            base.append(timed([sys.executable, "-c", "import bw2data"], env))
            env.pop("BRIGHTWAY2_DIR")
            cold.append(timed(lca, env))
            warm.append(timed(lca, env))
    b, c, w = (statistics.median(x) for x in (base, cold, warm))
    print(f"baseline  python -c 'import bw2data'   {b:6.2f} s")
    print(f"lca setup, empty home                  {c:6.2f} s  ({c / b:5.1f}x baseline; target < 15 s: "
          f"{'met' if c < 15 else 'MISSED'})")
    print(f"lca setup, already built               {w:6.2f} s  ({w / b:5.2f}x baseline; target < 2 s: "
          f"{'met' if w < 2 else 'MISSED'})")
    print(f"(median of {args.repeat} runs each)")


if __name__ == "__main__":
    main()
