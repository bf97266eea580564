"""The evaluation registry at 100,000 stored evaluations, SQLite against PostgreSQL in the same run.

Per backend: 100,000 synthetic records are bulk-inserted (nothing is evaluated) and the planner's
statistics gathered (ANALYZE, as after any bulk load), then timed: storing
one submission at a time through `store.record` (its own transaction, blobs, children and audit entry:
submits/s) and `lca registry list` queries (filtered count + newest 50; p50/p99 over repeats). Printed
as ratios PostgreSQL / SQLite. Then one example product is submitted for real (SQLite) and the
evaluation's share of the submit is stated: the registry's own work should be small beside it.
Usage: python scripts/bench_registry.py [--records N] [--pg URL]   (URL default: $LCA_TEST_DATABASE_URL)
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
QUERIES = {"no filter": {}, "status": {"status": "listed"},
           "category+status+verdict": {"category": "office_furniture", "status": "listed", "verdict": "pass"}}


def bulk_insert(sessions, n: int) -> float:
    from lca.registry import store, synthetic
    from lca.registry.models import Evaluation

    start = time.perf_counter()
    now = store.utc_now()
    statuses = ("submitted", "verified", "listed", "delisted")
    for lo in range(0, n, 20_000):
        rows = []
        for i in range(lo, min(n, lo + 20_000)):
            f = synthetic.submission(1_000_000 + i).fields
            rows.append({**f, "identity": store.identity(f), "status": statuses[i % 4], "created_at": now,
                         "updated_at": now})
        with sessions.begin() as s:
            s.execute(sa.insert(Evaluation), rows)
    return time.perf_counter() - start


def measure(url: str, n: int, submits: int, repeats: int) -> dict:
    from lca.registry import db, store, synthetic

    sessions = db.open_registry(url)
    out = {"bulk insert s": bulk_insert(sessions, n)}
    engine = sessions.kw["bind"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:  # as after any bulk load
        c.exec_driver_sql("VACUUM ANALYZE evaluations" if engine.dialect.name == "postgresql" else "ANALYZE")
    start = time.perf_counter()
    for i in range(submits):
        store.record(sessions, synthetic.submission(i))
    out["submits/s"] = submits / (time.perf_counter() - start)
    for name, where in QUERIES.items():
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            store.listing(sessions, **where)
            times.append((time.perf_counter() - t) * 1000)
        out[f"list {name} p50 ms"], out[f"list {name} p99 ms"] = np.percentile(times, [50, 99])
    sessions.kw["bind"].dispose()
    return out


def example_submit(tmp: Path) -> tuple[float, float]:
    """(evaluation seconds, whole submit seconds) of the hot-melt adhesive on a warm engine."""
    from lca.registry import db, store, submission

    home = os.environ.get("LCA_HOME") or str(tmp / "home")
    product = REPO / "inventories" / "examples" / "hot_melt_adhesive" / "product.yaml"
    sessions = db.open_registry(str(tmp / "example.sqlite"))
    submission.evaluate(product, "tcpcif_0086_2021_bulk", home=home)  # warm: project set up, engine cached
    t = time.perf_counter()
    sub = submission.evaluate(product, "tcpcif_0086_2021_bulk", "ACME", "bench", home)
    evaluation = time.perf_counter() - t
    store.record(sessions, sub)
    return evaluation, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--submits", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--pg", default=os.environ.get("LCA_TEST_DATABASE_URL"))
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = measure(f"sqlite:///{tmp}/bench.sqlite", args.records, args.submits, args.repeats)
        if args.pg:
            name = f"lca_bench_{uuid.uuid4().hex[:10]}"
            admin = sa.create_engine(args.pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.exec_driver_sql(f"CREATE DATABASE {name}")
            try:
                url = sa.engine.make_url(args.pg).set(database=name).render_as_string(hide_password=False)
                results["PostgreSQL"] = measure(url, args.records, args.submits, args.repeats)
            finally:
                from lca.registry import db

                db._opened.cache_clear()
                with admin.connect() as c:
                    c.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        evaluation, whole = example_submit(Path(tmp))
    print(f"{args.records:,} stored evaluations; {args.submits} submits; {args.repeats} queries each")
    names = list(results)
    print(f"{'':34}" + "".join(f"{n:>12}" for n in names) + ("   PostgreSQL/SQLite" if len(names) == 2 else ""))
    for key in results["SQLite"]:
        vals = [results[n][key] for n in names]
        ratio = f"{vals[1] / vals[0]:>17.2f}×" if len(vals) == 2 else ""
        print(f"{key:34}" + "".join(f"{v:>12.2f}" for v in vals) + ratio)
    print(f"submit of the example hot-melt adhesive (SQLite): {whole * 1000:.0f} ms, of which the evaluation "
          f"{evaluation * 1000:.0f} ms ({evaluation / whole:.1%}); storing {(whole - evaluation) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
