"""Opening the registry database: which one (--db, LCA_DATABASE_URL, else SQLite under LCA_HOME), how
(SQLite in WAL mode with a busy timeout and write transactions that take the lock up front; PostgreSQL
transactions), migrated to the current schema in place, and a corrupt or foreign database reported as
an input error."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from lca.core.errors import InputError
from lca.engine import project

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_S = 60
RETRIES = 5
T = TypeVar("T")


def url_for(db: str | None = None, home: str | Path | None = None) -> str:
    """The database URL: `db` (URL or SQLite file path), else $LCA_DATABASE_URL, else registry.sqlite in the home."""
    chosen = db or os.environ.get("LCA_DATABASE_URL")
    if not chosen:
        return f"sqlite:///{project.home(home) / 'registry.sqlite'}"
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return chosen


def _where(url: str) -> str:
    """The database as a message names it: the file for SQLite, the URL without password otherwise."""
    u = make_url(url)
    return u.database if u.get_backend_name() == "sqlite" else u.render_as_string(hide_password=True)


def _sqlite_pragmas(engine: Engine) -> None:
    """A busy timeout, foreign keys, and BEGIN IMMEDIATE for every transaction so
    that two writers queue for the lock instead of deadlocking on a read-to-write upgrade."""
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # SQLAlchemy, not the sqlite3 module, begins transactions
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _engine(url: str) -> Engine:
    try:
        u = make_url(url)
    except ArgumentError:
        raise InputError(f"'{url}' is not a database URL",
                         hint="use sqlite:///path/registry.sqlite or postgresql+psycopg://user:pass@host/db") from None
    if u.get_backend_name() == "postgresql" and u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(f"unsupported database '{u.get_backend_name()}' in {_where(url)}",
                         hint="the registry runs on SQLite or PostgreSQL")
    if u.get_backend_name() == "sqlite":
        if u.database in (None, "", ":memory:"):
            raise InputError("the registry needs a database file", hint="give sqlite:///path/registry.sqlite")
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_S})
        _sqlite_pragmas(engine)
        return engine
    return create_engine(u, pool_pre_ping=True)


def head() -> str:
    """The newest schema revision this software knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def revision_of(engine: Engine) -> str | None:
    """The schema revision the database is at (None: empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database in place to `revision`, in one transaction holding the migration lock."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:  # SQLite: BEGIN IMMEDIATE is the lock
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(1802200518)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _check(engine: Engine, where: str) -> None:
    """Refuse a database that is not a registry this software can open (input error, never a traceback)."""
    names = set(inspect(engine).get_table_names())
    known = set(ScriptDirectory(str(MIGRATIONS)).walk_revisions())
    revision = revision_of(engine)
    if revision is None and names - {"alembic_version"}:
        raise InputError(f"is not an lca registry (it holds other tables: {', '.join(sorted(names)[:5])})",
                         file=where, hint="name a new file or an empty database with --db")
    if revision is not None and revision not in {r.revision for r in known}:
        raise InputError(f"was made by a newer lca-ecodesign (schema revision {revision}; this one knows up to "
                         f"{head()})", file=where, hint="upgrade lca-ecodesign")


@lru_cache(maxsize=8)
def _opened(url: str) -> sessionmaker[Session]:
    where = _where(url)
    engine = _engine(url)
    try:
        _check(engine, where)
        if engine.dialect.name == "sqlite":  # readers never wait for the writer; set only once the file is ours
            raw = engine.raw_connection()  # outside SQLAlchemy's transaction: the mode cannot change inside one
            try:
                raw.cursor().execute("PRAGMA journal_mode = WAL")
            finally:
                raw.close()
        if revision_of(engine) != head():
            upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise InputError(f"cannot open the database: {exc.orig}", file=where) from None
    except DatabaseError as exc:
        engine.dispose()
        raise InputError(f"is not a readable registry database: {exc.orig}", file=where,
                         hint="name another file with --db, or restore this one") from None
    return sessionmaker(engine, expire_on_commit=False)


def open_registry(db: str | None = None, home: str | Path | None = None) -> sessionmaker[Session]:
    """A session factory on the registry's database, migrated to the current schema (opened once per process)."""
    return _opened(url_for(db, home))


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed at the end, rolled back on any error."""
    with sessions() as s, s.begin():
        yield s


def retrying(work: Callable[[], T]) -> T:
    """Run a transaction, again after a short pause when SQLite reports the database locked past its timeout."""
    for attempt in range(RETRIES - 1):
        try:
            return work()
        except OperationalError as exc:
            if "locked" not in str(exc.orig):
                raise
            time.sleep(0.1 * 2 ** attempt)
    return work()
