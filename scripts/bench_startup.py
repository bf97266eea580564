"""Wall time of whole `lca` processes on a built home (issue 22), against `python -c "import numpy, scipy.sparse"`
measured in the same run: median of several runs each, and the ratio to that baseline. Also the CPU seconds
(user + system) of each process: on a shared machine the wall time grows with the load, the CPU time much less.

    python scripts/bench_startup.py [--runs 7] [--home DIR]

Targets on the 2-core development machine: `lca --help` < 0.4 s, `lca evaluate` of the office chair < 1 s,
`lca setup` with nothing to do < 0.5 s. The home (default: a temporary one) is built first, untimed.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHAIR = str(REPO / "inventories" / "examples" / "office_chair" / "product.yaml")
LCA = [sys.executable, "-m", "lca"]
COMMANDS = {
    "baseline: import numpy, scipy.sparse": [sys.executable, "-c", "import numpy, scipy.sparse"],
    "lca --help": [*LCA, "--help"],
    "lca specs": [*LCA, "specs"],
    "lca setup (nothing to do)": [*LCA, "setup"],
    "lca evaluate office_chair": [*LCA, "evaluate", CHAIR],
    "lca evaluate --json office_chair": [*LCA, "evaluate", "--json", CHAIR],
    "python -c 'import bw2data'": [sys.executable, "-c", "import bw2data"],
}
TARGETS = {"lca --help": 0.4, "lca setup (nothing to do)": 0.5, "lca evaluate office_chair": 1.0,
           "lca evaluate --json office_chair": 1.0}


def cpu_of_children() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def wall(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process."""
    cpu, start = cpu_of_children(), time.perf_counter()
    subprocess.run(cmd, env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, cpu_of_children() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--home", type=Path, default=None)
    args = ap.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="lca-bench-home-"))
    env = {**os.environ, "LCA_HOME": str(home)}
    subprocess.run([*LCA, "setup"], env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    load = f"{os.getloadavg()[0]:.2f}"
    times = {name: [] for name in COMMANDS}
    for _ in range(args.runs):  # interleaved, so that a busy moment of the machine hits every command alike
        for name, cmd in COMMANDS.items():
            times[name].append(wall(cmd, env))
    base = statistics.median(w for w, _ in times["baseline: import numpy, scipy.sparse"])
    print(f"{'command':36} {'median s':>9} {'min s':>7} {'x baseline':>10} {'CPU s':>6}  target")
    for name, ts in times.items():
        med = statistics.median(w for w, _ in ts)
        target = TARGETS.get(name)
        verdict = "" if target is None else f"< {target} s: {'met' if med < target else 'NOT met'}"
        print(f"{name:36} {med:9.3f} {min(w for w, _ in ts):7.3f} {med / base:10.2f} "
              f"{statistics.median(c for _, c in ts):6.2f}  {verdict}")
    print(f"({args.runs} runs each, home {home}; load average before/after: {load} / {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
