"""Load on a real `lca serve` process (loopback only, bounded): N concurrent submissions of distinct products
(plus each resubmitted once) and M concurrent reads; no 5xx, nothing lost or duplicated, p50/p99 latency,
on SQLite and on PostgreSQL ($LCA_TEST_DATABASE_URL, skipped with a reason when unreachable).

    python scripts/bench_service.py [--submissions 50 --reads 500 --home DIR]

The reads' latency is also printed as a ratio to a baseline measured in the same run (GET /openapi.json,
which touches no database)."""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "inventories" / "examples" / "room_air_conditioner"
SPEC = "tcagp_0001_2016"
STARTUP_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(db: str, home: Path):
    """`lca serve` in its own process on a free loopback port; always stopped."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "lca", "serve", "--db", db, "--home", str(home), "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            try:
                httpx.get(base + "/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"lca serve did not start: {proc.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def product(k: int) -> list[tuple[str, tuple[str, bytes]]]:
    """The example with product id k: a distinct product with the same files otherwise."""
    manifest = (EXAMPLE / "product.yaml").read_text(encoding="utf-8").replace("id: room_ac_35kw", f"id: room_ac_{k}")
    return [("files", ("product.yaml", manifest.encode()))] + [
        ("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLE.glob("*.csv"))]


def timed(call) -> tuple[float, httpx.Response]:
    t = time.perf_counter()
    r = call()
    return time.perf_counter() - t, r


def load(base: str, token: str, submissions: int, reads: int, threads: int = 50) -> dict:
    """Submit `submissions` distinct products, each twice, all at once; then `reads` concurrent GETs."""
    headers = {"Authorization": f"Bearer {token}"}
    # idle connections expire on the client before uvicorn's 5 s keep-alive closes them on the server: reusing one
    # the server has just closed failed once under load (httpx.ReadError, errno 9)
    limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads, keepalive_expiry=2.0)
    with httpx.Client(base_url=base, timeout=600, limits=limits) as c, ThreadPoolExecutor(threads) as pool:
        subs = list(pool.map(lambda k: timed(lambda: c.post("/api/evaluations", headers=headers, data={"spec": SPEC},
                                                            files=product(k % submissions))),
                             range(2 * submissions)))
        ids = [r.json().get("id") for _, r in subs]
        paths = [f"/api/evaluations/{ids[k % len(ids)]}" if k % 2 else "/api/evaluations?per_page=20"
                 for k in range(reads)]
        got = list(pool.map(lambda p: timed(lambda: c.get(p, headers=headers)), paths))
        base_t = list(pool.map(lambda _: timed(lambda: c.get("/openapi.json")), range(reads)))
        total = c.get("/api/evaluations", headers=headers, params={"per_page": 1}).json()["total"]
    statuses = [r.status_code for _, r in subs + got]
    return {"server_errors": sum(s >= 500 for s in statuses), "statuses": sorted(set(statuses)),
            "distinct_ids": len(set(ids[:submissions])), "repeat_same_id": ids[:submissions] == ids[submissions:],
            "created": sum(r.json().get("created") is True for _, r in subs), "stored": total,
            "submit_s": np.percentile([t for t, _ in subs], [50, 99]),
            "read_s": np.percentile([t for t, _ in got], [50, 99]),
            "baseline_s": np.percentile([t for t, _ in base_t], [50, 99])}


def run(db: str, home: Path, submissions: int, reads: int) -> dict:
    """Tokens on a fresh registry, a server on it, the load."""
    from lca.registry.db import open_registry
    from lca.service.auth import add_token

    token = add_token(open_registry(db, home), "manufacturer", "load test")
    with server(db, home) as base:
        return load(base, token, submissions, reads)


def postgres_database() -> tuple[str | None, str]:
    """A fresh PostgreSQL database for the run, or None and why not."""
    import sqlalchemy as sa

    admin_url = os.environ.get("LCA_TEST_DATABASE_URL", "postgresql+psycopg://lca:lca@127.0.0.1:5432/lca")
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
        name = f"lca_bench_{os.getpid()}_{time.monotonic_ns() % 10**6}"
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
    except Exception as exc:  # noqa: BLE001 - no server: the PostgreSQL run is skipped, saying why
        return None, f"no PostgreSQL server ({type(exc).__name__})"
    return sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


def drop_database(url: str) -> None:
    """Remove a database made by postgres_database (connections of this process are closed first)."""
    import sqlalchemy as sa

    from lca.registry import db

    db._opened.cache_clear()
    u = sa.engine.make_url(url)
    admin = sa.create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE {u.database} WITH (FORCE)")
    admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=50)
    ap.add_argument("--reads", type=int, default=500)
    ap.add_argument("--home", type=Path, help="a built project home (default: build one in a temporary folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home
        if home is None:
            from lca.engine import project

            home = Path(tmp) / "home"
            project.setup(home)
        backends = {"sqlite": f"sqlite:///{Path(tmp) / 'registry.sqlite'}"}
        pg, why = postgres_database()
        if pg:
            backends["postgresql"] = pg
        else:
            print(f"postgresql: skipped, {why}")
        for name, url in backends.items():
            try:
                r = run(url, home, args.submissions, args.reads)
            finally:
                if name == "postgresql":
                    drop_database(url)
            ok = (r["server_errors"] == 0 and r["distinct_ids"] == r["stored"] == r["created"] == args.submissions
                  and r["repeat_same_id"])
            print(f"{name}: {args.submissions} submissions (+{args.submissions} repeats) and {args.reads} reads, "
                  f"concurrent: {'OK' if ok else 'FAILED'} (5xx: {r['server_errors']}, statuses {r['statuses']}, "
                  f"stored {r['stored']}, created {r['created']}, repeats returned the same id: {r['repeat_same_id']})")
            print(f"  submit p50 {r['submit_s'][0] * 1e3:.0f} ms, p99 {r['submit_s'][1] * 1e3:.0f} ms; "
                  f"read p50 {r['read_s'][0] * 1e3:.1f} ms, p99 {r['read_s'][1] * 1e3:.1f} ms "
                  f"(= {r['read_s'][0] / r['baseline_s'][0]:.1f}× / {r['read_s'][1] / r['baseline_s'][1]:.1f}× the "
                  f"no-database baseline p50 {r['baseline_s'][0] * 1e3:.1f} / p99 {r['baseline_s'][1] * 1e3:.1f} ms)")


if __name__ == "__main__":
    main()
