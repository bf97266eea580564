"""Time `lca import` of the vendored USLCI (openLCA JSON-LD) and its phases.

Baseline, measured in the same run: bw2data writing the imported records (processes and the
unlinked-flow database) into a fresh database, which any importer pays at least. The ratio says
how much reading the zip, linking flows and reporting add on top of that write.
Usage: python scripts/bench_import.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
USLCI = REPO / "inventories" / "uslci" / "uslci_fy17_olca1_5_json_ld.zip"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from lca.engine import project
    from lca.io.importer import import_database

    with tempfile.TemporaryDirectory() as home:
        project.setup(home)
        bd = project.brightway(Path(home), project.read_state(Path(home)).project)
        totals, phases, writes = [], [], []
        for _ in range(args.repeat):
            marks: list[tuple[str, float]] = []
            start = time.perf_counter()
            import_database(USLCI, "jsonld", "uslci", home=home, overwrite=True,
                            progress=lambda msg, _f: marks.append((msg, time.perf_counter())))
            totals.append(time.perf_counter() - start)
            phases.append({a[0]: b[1] - a[1] for a, b in zip(marks, marks[1:])})
            data = bd.Database("uslci").load()
            bio = bd.Database("uslci biosphere").load()
            with project.quiet():
                start = time.perf_counter()
                bd.Database("baseline biosphere").write({("baseline biosphere", k[1]): v for k, v in bio.items()})
                bd.Database("baseline").write(_renamed(data))
                writes.append(time.perf_counter() - start)
                del bd.databases["baseline"], bd.databases["baseline biosphere"]
        t, w = statistics.median(totals), statistics.median(writes)
        print(f"baseline  bw2data write of the imported records    {w:6.2f} s")
        print(f"lca import USLCI (766 processes, 33,048 exchanges) {t:6.2f} s  ({t / w:4.1f}x baseline)")
        for phase in phases[0]:
            print(f"  {phase:<40} {statistics.median(p[phase] for p in phases):6.2f} s")
        print(f"(median of {args.repeat} runs each)")


def _renamed(data: dict) -> dict:
    """The records re-keyed for database 'baseline', links pointing inside it."""
    rename = {"uslci": "baseline", "uslci biosphere": "baseline biosphere"}
    out = {}
    for (_, code), ds in data.items():
        ds = dict(ds, database="baseline")
        ds["exchanges"] = [dict(e, input=(rename.get(e["input"][0], e["input"][0]), e["input"][1]))
                           for e in ds["exchanges"]]
        out[("baseline", code)] = ds
    return out


if __name__ == "__main__":
    main()
