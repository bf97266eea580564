"""The evaluation registry (issue 18) on SQLite and PostgreSQL: stored records equal the engine's own
figures, submits are idempotent, re-checks reproduce or say what changed, status changes are audited in
an append-only log, migrations upgrade a revision-1 database in place, concurrent writers from real
processes lose and duplicate nothing, and a corrupt or foreign database is an input error (exit 2)."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml

from lca import api
from lca.assess.evaluate import evaluate as check
from lca.assess.specs import find
from lca.cli import app
from lca.core.errors import InputError
from lca.registry import db, store, submission, synthetic, verify
from lca.registry.models import Audit, Blob, Evaluation

REPO = Path(__file__).resolve().parents[1]
HOT_MELT = REPO / "inventories" / "examples" / "hot_melt_adhesive" / "product.yaml"
RAC = REPO / "inventories" / "examples" / "room_air_conditioner" / "product.yaml"
PG_ADMIN = os.environ.get("LCA_TEST_DATABASE_URL", "postgresql+psycopg://lca:lca@127.0.0.1:5432/lca")


def _pg_reachable() -> str | None:
    try:
        with sa.create_engine(PG_ADMIN, connect_args={"connect_timeout": 2}).connect():
            return None
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: no server here
        return f"no PostgreSQL server at {sa.engine.make_url(PG_ADMIN).render_as_string()} ({type(exc).__name__})"


PG_SKIP = _pg_reachable()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A fresh, empty registry database URL on each backend (PostgreSQL: a database made for the test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite'}"
        return
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    name = f"lca_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    yield sa.engine.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    db._opened.cache_clear()  # drop pooled connections before dropping the database
    with admin.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
    admin.dispose()


def words(text: str) -> str:
    """Terminal output with its line wrapping undone."""
    return " ".join(text.split())


def count(sessions, model) -> int:
    with sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model))


def test_submit_stores_the_engines_figures_once(database, home):
    sessions = db.open_registry(database)
    ev_id, new = submission.submit(sessions, HOT_MELT, "tcpcif_0086_2021_bulk", "ACME", "tester", home)
    assert new
    ev = store.load(sessions, ev_id)
    # the same product checked by lca.assess and scored by lca.api directly
    direct = check([HOT_MELT], find("tcpcif_0086_2021_bulk")[1], home)[0]
    ds, _ = api.evaluate([HOT_MELT], home=home)
    assert (ev.verdict, ev.status, ev.product_id, ev.manufacturer) == ("fail", "submitted", "hot_melt_adhesive_1t", "ACME")
    stored = {r.requirement: (r.value, r.status, r.threshold) for r in ev.requirements}
    assert stored == {**{b.id: (None, b.status, None) for b in direct.basic},
                      **{v.id: (v.value, v.status, v.threshold) for v in direct.indicators}}
    # README: (120 kWh × 3.6 + 4300 MJ) / 29.3076 MJ per kgce, per tonne
    assert stored["energy_per_tonne"][0] == pytest.approx((120 * 3.6 + 4300) / 29.3076, rel=1e-9)
    results = {(r.indicator, r.stage): r.value for r in ev.results}
    for ind in ds["indicator"].values:
        assert results[ind, "total"] == float(ds["total"].sel(product="hot_melt_adhesive_1t", indicator=ind))
        assert results[ind, "total"] == pytest.approx(sum(results[ind, st] for st in ds["stage"].values), rel=1e-12)
    assert {d.indicator: d.value for d in ev.declared} == {"raw_material_utilisation": 98.6,
                                                           "voc_content_per_mass": 3.2,
                                                           "halogenated_hydrocarbon_content": 0.4}
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in HOT_MELT.parent.glob("*.*")}
    assert {f.path: f.sha256 for f in ev.files} == {k: on_disk[k] for k in ("product.yaml", "bom.csv", "processes.csv")}
    assert ev.background_data_version == direct.background_data_version and ev.input_hash == direct.input_hash
    blobs = count(sessions, Blob)
    assert blobs == 4  # three input files and the specification
    # the same inputs and versions: the stored record; another manufacturer: a new record, the same blobs
    assert submission.submit(sessions, HOT_MELT, "tcpcif_0086_2021_bulk", "ACME", "someone else", home) == (ev_id, False)
    other, new = submission.submit(sessions, HOT_MELT, "tcpcif_0086_2021_bulk", "Other Co", "tester", home)
    assert new and other != ev_id
    assert (count(sessions, Evaluation), count(sessions, Blob)) == (2, blobs)


def test_verify_reproduces_exactly_or_says_what_changed(database, home):
    sessions = db.open_registry(database)
    ev_id, _ = submission.submit(sessions, HOT_MELT, "tcpcif_0086_2021_bulk", "ACME", "tester", home)
    check_ = verify.verify(sessions, ev_id, "evaluator", home)
    assert check_.reproduced and store.load(sessions, ev_id).status == "verified"
    # a stored number off by one part in 1e12 and an older data version: both named
    engine = sessions.kw["bind"]
    with engine.begin() as c:
        c.execute(sa.text("UPDATE requirements SET value = value * (1 + 1e-12) WHERE requirement = 'energy_per_tonne'"
                          " AND evaluation_id = :i"), {"i": ev_id})
        c.execute(sa.text("UPDATE stage_results SET value = value * (1 - 1e-12) WHERE indicator = 'gwp100' AND "
                          "stage = 'total' AND evaluation_id = :i"), {"i": ev_id})
        c.execute(sa.text("UPDATE evaluations SET background_data_version = 'older' WHERE id = :i"), {"i": ev_id})
    again = verify.verify(sessions, ev_id, "evaluator", home)
    assert not again.reproduced
    assert [(c.what, c.stored) for c in again.versions] == [("background_data_version", "older")]
    assert [c.what for c in again.numbers] == ["requirement energy_per_tonne value", "gwp100 total (kg CO2-Eq)"]
    assert again.numbers[0].now == pytest.approx((120 * 3.6 + 4300) / 29.3076, rel=1e-9)
    assert again.numbers[0].stored != again.numbers[0].now


def test_status_changes_are_checked_and_audited_in_an_append_only_log(database):
    sessions = db.open_registry(database)
    ids = [store.record(sessions, synthetic.submission(i))[0] for i in range(3)]  # verdicts pass, fail, incomplete
    with pytest.raises(InputError, match="only a verified one can become listed"):
        store.transition(sessions, ids[0], "listed", "evaluator")
    for i in ids:
        store.transition(sessions, i, "verified", "evaluator", "checked")
    with pytest.raises(InputError, match="fails its specification"):
        store.transition(sessions, ids[1], "listed", "evaluator")
    store.transition(sessions, ids[2], "listed", "evaluator")
    store.transition(sessions, ids[2], "delisted", "authority", "complaint upheld")
    with pytest.raises(InputError, match="only a listed one can become delisted"):
        store.transition(sessions, ids[0], "delisted", "authority", "x")
    log = [(a.actor, a.action, a.from_status, a.to_status, a.reason) for a in store.audit_log(sessions, ids[2])]
    assert log == [("synthetic", "submit", None, "submitted", None),
                   ("evaluator", "verified", "submitted", "verified", "checked"),
                   ("evaluator", "listed", "verified", "listed", None),
                   ("authority", "delisted", "listed", "delisted", "complaint upheld")]
    for statement in ("UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), sessions.kw["bind"].begin() as c:
            c.execute(sa.text(statement))
    assert count(sessions, Audit) == 3 + 3 + 1 + 1


def test_listing_filters_and_counts(database):
    sessions = db.open_registry(database)
    subs = [synthetic.submission(i) for i in range(40)]
    for sub in subs:
        store.record(sessions, sub)
    cat, verdict = synthetic.CATEGORIES[1], "fail"
    expected = sorted((i + 1 for i, s in enumerate(subs) if s.fields["category"] == cat
                       and s.fields["verdict"] == verdict), reverse=True)
    rows, total = store.listing(sessions, category=cat, verdict=verdict, status="submitted", limit=2)
    assert total == len(expected) == 4 and [r.id for r in rows] == expected[:2]
    assert store.listing(sessions, status="listed")[1] == 0


def test_migration_upgrades_a_revision_1_database_with_data_in_place(database):
    engine = db._engine(database)
    db.upgrade(engine, "0001")
    assert db.revision_of(engine) == "0001"
    cols = {c["name"] for c in sa.inspect(engine).get_columns("evaluations")}
    assert "exempt_until" not in cols and "inspection_batches" not in sa.inspect(engine).get_table_names()
    sub = synthetic.submission(7)
    row = {**sub.fields, "identity": store.identity(sub.fields), "status": "listed",
           "created_at": store.utc_now(), "updated_at": store.utc_now()}
    with engine.begin() as c:
        c.execute(sa.table("evaluations", *map(sa.column, row)).insert().values(row))
    engine.dispose()
    sessions = db.open_registry(database)  # opening migrates in place
    assert db.revision_of(sessions.kw["bind"]) == db.head() == "0003"
    ev = store.load(sessions, 1)
    assert (ev.product_id, ev.status, ev.conforming_streak, ev.exempt_until) == ("synthetic_7", "listed", 0, None)
    from lca.registry import inspection

    assert [i.evaluation_id for i in inspection.draw(sessions, 1.0, 1, "authority").items] == [1]


def test_concurrent_writers_in_real_processes_lose_and_duplicate_nothing(database):
    db.open_registry(database)  # migrated once; the writers race on records, not on the schema
    script = ("import sys; from lca.registry import db, store, synthetic\n"
              "s = db.open_registry(sys.argv[1]); w = int(sys.argv[2])\n"
              "for i in range(12):\n"
              "    store.record(s, synthetic.submission(i if i % 2 else 1000 * (w + 1) + i))\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, database, str(w)], cwd=REPO,
                              stderr=subprocess.PIPE, text=True) for w in range(4)]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    sessions = db.open_registry(database)
    with sessions() as s:
        ids = list(s.scalars(sa.select(Evaluation.product_id)))
    # 6 shared submissions (odd i) stored once, 6 own ones per writer
    assert len(ids) == len(set(ids)) == 6 + 4 * 6
    assert count(sessions, Audit) == len(ids)
    assert count(sessions, Blob) == len(ids) + 2  # a manifest each, the shared BOM, the specification


def test_concurrent_cli_submits_of_one_product_store_one_record(database, home):
    """Three `lca registry submit` processes racing on the same product and spec: one record, one audit entry."""
    cmd = [sys.executable, "-m", "lca", "registry", "submit", str(HOT_MELT), "--spec", "tcpcif_0086_2021_bulk",
           "--manufacturer", "ACME", "--db", database, "--home", str(home)]
    procs = [subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(3)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert all("evaluation 1 " in words(o) for o in outputs), outputs
    sessions = db.open_registry(database)
    assert (count(sessions, Evaluation), count(sessions, Audit), count(sessions, Blob)) == (1, 1, 4)


def test_corrupt_or_foreign_database_is_an_input_error(tmp_path, runner):
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database" * 100)
    foreign = tmp_path / "foreign.sqlite"
    with sa.create_engine(f"sqlite:///{foreign}").begin() as c:
        c.exec_driver_sql("CREATE TABLE customers (id INTEGER)")
    for path, message in ((corrupt, "is not a readable registry database"), (foreign, "is not an lca registry")):
        before = path.read_bytes()
        result = runner.invoke(app, ["registry", "list", "--db", str(path)])
        assert result.exit_code == 2, result.output
        assert message in words(result.output) and str(path) in words(result.output) and "Traceback" not in result.output
        assert path.read_bytes() == before
    result = runner.invoke(app, ["registry", "list", "--db", "mysql://x@localhost/y"])
    assert result.exit_code == 2 and "unsupported database 'mysql'" in result.output


def test_cli_submit_list_verify_show_export(database, home, runner, tmp_path):
    base = ["--db", database, "--home", str(home), "--by", "tester"]
    spec = tmp_path / "spec.yaml"
    doc = yaml.safe_load(find("tcpcif_0086_2021_bulk")[0].read_text(encoding="utf-8"))
    doc["indicator_requirements"] = [r for r in doc["indicator_requirements"] if r["id"] != "energy_per_tonne"]
    spec.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    r = runner.invoke(app, ["registry", "submit", str(HOT_MELT), "--spec", str(spec), "--manufacturer", "ACME", *base])
    assert r.exit_code == 0 and "incomplete; stored as evaluation 1 (submitted)" in words(r.output), r.output
    r = runner.invoke(app, ["registry", "submit", str(HOT_MELT), "--spec", str(spec), "--manufacturer", "ACME", *base])
    assert "already stored as evaluation 1" in words(r.output)
    assert runner.invoke(app, ["registry", "list-product", "1", *base]).exit_code == 2  # not verified yet
    r = runner.invoke(app, ["registry", "verify", "1", *base])
    assert r.exit_code == 0 and "reproduced exactly" in words(r.output) and "verified" in r.output, r.output
    assert runner.invoke(app, ["registry", "list-product", "1", *base]).exit_code == 0
    r = runner.invoke(app, ["registry", "list", "--status", "listed", *base[:4]])
    assert "1 evaluation(s) match" in r.output and "hot_melt_adhesive_1t" in r.output
    assert "0 evaluation(s) match" in runner.invoke(app, ["registry", "list", "--verdict", "pass", *base[:4]]).output
    r = runner.invoke(app, ["registry", "show", "1", "--json", *base[:4]])
    doc = __import__("json").loads(r.output)
    assert [a["action"] for a in doc["audit"]] == ["submit", "verify", "listed"]
    out = tmp_path / "registry.parquet"
    assert runner.invoke(app, ["registry", "export", "--out", str(out), *base[:4]]).exit_code == 0
    df = pd.read_parquet(out)
    assert len(df) == len(doc["requirements"]) == 8
    tvoc = df.set_index("requirement").loc["tvoc"]
    assert (tvoc["requirement_value"], tvoc["threshold"], tvoc["status"]) == (3.2, 20.0, "listed")
    r = runner.invoke(app, ["registry", "delist", "1", "--reason", "withdrawn by the manufacturer", *base])
    assert r.exit_code == 0 and "delisted" in r.output
