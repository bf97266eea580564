"""The embedded Brightway project: where it lives, offline set-up, and the data-version stamp.

A rebuild writes a *new* Brightway project (named after the data version), builds the matrix
cache, and only then points `state.json` at it and deletes the old one: an interrupted or failed
set-up leaves the previous project in use and untouched. Building and writing hold the home's
inter-process lock, so processes started at once build it once; reading a current build takes no lock.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from platformdirs import user_data_dir

from lca.core import resources
from lca.core.errors import InputError
from lca.engine.names import BACKGROUND_DB, BIOSPHERE_DB

SCHEMA_VERSION = "1"  # bump when the way shipped data is written to Brightway changes
LOCK_FILE = "setup.lock"
Progress = Callable[[str, float], None]  # (step description, fraction done)


def home(override: str | Path | None = None) -> Path:
    """The per-user data folder: `override`, else $LCA_HOME, else the platform's user data dir."""
    chosen = override or os.environ.get("LCA_HOME") or user_data_dir("lca-ecodesign", appauthor=False)
    return Path(chosen).expanduser().resolve()


def data_version() -> str:
    """Hash of everything the project is built from: shipped data files, schema, bw2io's flow list."""
    from importlib.metadata import version

    h = hashlib.sha256()
    h.update(f"schema={SCHEMA_VERSION};bw2io={version('bw2io')};bw2data={version('bw2data')}".encode())
    for folder in (resources.background_dir(), resources.methods_dir()):
        for path in sorted(folder.glob("*.yaml")):
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@dataclass(frozen=True)
class State:
    """What `state.json` records about the current build."""

    project: str
    data_version: str
    cache: str
    built_at: str
    seconds: float
    project_dir: str = ""  # the Brightway project's folder, relative to the home ("" in older builds)


def _state_path(home_dir: Path) -> Path:
    return home_dir / "state.json"


def read_state(home_dir: Path) -> State | None:
    try:
        raw = json.loads(_state_path(home_dir).read_text(encoding="utf-8"))
        return State(**raw)
    except (OSError, ValueError, TypeError):
        return None


def _write_state(home_dir: Path, state: State) -> None:
    tmp = _state_path(home_dir).with_suffix(".json.tmp")
    tmp.write_text(json.dumps(state.__dict__, indent=2), encoding="utf-8")
    os.replace(tmp, _state_path(home_dir))


def is_current(home_dir: Path, version: str | None = None) -> bool:
    """True when the home holds a complete build of the shipped data (project folder and matrix cache)."""
    state = read_state(home_dir)
    version = version or data_version()
    return bool(state and state.data_version == version and (home_dir / state.cache).is_file()
                and _project_present(home_dir, state))


def _project_present(home_dir: Path, state: State) -> bool:
    return not state.project_dir or (home_dir / state.project_dir).is_dir()


def unwritable(home_dir: Path, exc: Exception) -> InputError:
    """An environment fault (read-only folder, full disk) as one message naming the path and the fix."""
    full = getattr(exc, "errno", None) == errno.ENOSPC or "disk is full" in str(exc)
    return InputError(f"cannot write the project home: {getattr(exc, 'strerror', None) or exc}",
                      file=getattr(exc, "filename", None) or home_dir,
                      hint="free some disk space and run again" if full else
                      "choose a writable folder with --home or LCA_HOME")


def _is_write_fault(exc: Exception) -> bool:
    """OS write errors, and SQLite's (Brightway's) words for the same faults."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EPERM, errno.EDQUOT)
    return any(t in str(exc) for t in ("disk is full", "readonly database", "unable to open database file"))


@functools.lru_cache(maxsize=None)
def _lock(path: Path):
    from filelock import FileLock

    return FileLock(path)  # one object per path: re-entrant within this process


@contextlib.contextmanager
def locked(home_dir: Path):
    """Hold the home's inter-process lock (re-entrant) while building or writing the project.

    Later arrivals wait, saying so on stderr. The lock is an OS file lock: the OS releases it when its
    holder dies, even by kill -9, so a stale lock never blocks.
    """
    from filelock import Timeout

    try:
        home_dir.mkdir(parents=True, exist_ok=True)
        lock = _lock(home_dir / LOCK_FILE)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            print(f"lca: another lca process is setting up or writing {home_dir}; waiting for it to finish",
                  file=sys.stderr, flush=True)
            lock.acquire()
    except OSError as exc:
        raise unwritable(home_dir, exc) from None
    try:
        yield
    finally:
        lock.release()


def holding_lock(func):
    """Run `func(..., home=...)` under the lock of its project home (e.g. an import writing a database)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with locked(home(kwargs.get("home"))):
            return func(*args, **kwargs)
    return wrapper


@contextlib.contextmanager
def quiet():
    """Silence bw2io's prints (stdout) and tqdm bars; our own progress bar (stderr) reports instead."""
    old = os.environ.get("TQDM_DISABLE")
    os.environ["TQDM_DISABLE"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        if old is None:
            os.environ.pop("TQDM_DISABLE", None)
        else:
            os.environ["TQDM_DISABLE"] = old


def brightway(home_dir: Path, project: str | None = None):
    """Import bw2data pointed at `home_dir`/brightway and switch to `project` (if given)."""
    base = home_dir / "brightway"
    (base / "logs").mkdir(parents=True, exist_ok=True)
    first = "bw2data" not in sys.modules
    if first:
        os.environ["BRIGHTWAY2_DIR"] = str(base)
    with quiet():
        import bw2data as bd

        if not first and Path(bd.projects._base_data_dir).resolve() != base.resolve():
            bd.projects.change_base_directories(base, base / "logs", project_name="default")
        if project is not None:
            if project not in bd.projects:  # deleted under a built home: never let bw2data create it empty
                raise InputError(f"the Brightway project '{project}' is missing (deleted while the home was in use?)",
                                 file=base, hint="run `lca setup` to rebuild it")
            bd.projects.set_current(project)
    return bd


def _note(message: str) -> None:
    """Why set-up has work to do (or waits), on stderr so that --json output stays clean."""
    print(f"lca: {message}", file=sys.stderr, flush=True)


def setup(home_override: str | Path | None = None, progress: Progress | None = None,
          force: bool = False) -> tuple[State, bool]:
    """Build the project if the shipped data changed (or `force`). Returns (state, rebuilt)."""
    home_dir = home(home_override)
    version = data_version()
    if not force and is_current(home_dir, version):
        return read_state(home_dir), False
    with locked(home_dir):
        if not force and is_current(home_dir, version):  # built meanwhile by the process we waited for
            return read_state(home_dir), False
        try:
            return _build(home_dir, version, progress or (lambda _msg, _frac: None), force)
        except Exception as exc:
            if _is_write_fault(exc):
                raise unwritable(home_dir, exc) from None
            raise


def _build(home_dir: Path, version: str, report: Progress, force: bool) -> tuple[State, bool]:
    """Build under the lock: only the matrix cache when that is all that is missing, else a new project."""
    from lca.engine import build

    start = time.perf_counter()
    old = read_state(home_dir)
    if not force and old and old.data_version == version and old.project_dir and _project_present(home_dir, old):
        _note(f"the matrix cache {home_dir / old.cache} is missing or unreadable; rebuilding it")
        report("matrices", 0.8)
        brightway(home_dir, old.project)
        (home_dir / old.cache).parent.mkdir(exist_ok=True)
        with quiet():
            build.write_matrix_cache(home_dir / old.cache)
        return old, True
    if old and not _project_present(home_dir, old):
        _note(f"the Brightway project {old.project} is missing from {home_dir / 'brightway'}; rebuilding it "
              "(databases imported into it are lost: import them again)")
    name = f"lca-{version[:16]}"
    if old and old.project == name:  # a forced rebuild of the current data: build beside it, never over it
        name += "-rebuilt"
    bd = brightway(home_dir)
    with quiet():
        if name in bd.projects:
            bd.projects.set_current(name)
            bd.projects.delete_project(name, delete_dir=True)
        bd.projects.set_current(name)
    project_dir = Path(bd.projects.dir).resolve().relative_to(home_dir).as_posix()

    report("biosphere3 elementary flows (ecoinvent 3.9)", 0.05)
    with quiet():
        build.write_biosphere()
    report("LCIA methods", 0.35)
    with quiet():
        build.write_methods()
    report("background inventory", 0.55)
    with quiet():
        build.write_background()
    if old and old.project != name and old.project in bd.projects and _project_present(home_dir, old):
        report("databases imported into the previous build", 0.7)
        with quiet():
            _carry_over(bd, old.project, name)
    report("matrices", 0.8)
    cache_name = f"cache/matrices-{name.removeprefix('lca-')}.npz"  # one cache per project
    (home_dir / "cache").mkdir(exist_ok=True)
    with quiet():
        build.write_matrix_cache(home_dir / cache_name)
    state = State(project=name, data_version=version, cache=cache_name,
                  built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  seconds=round(time.perf_counter() - start, 2), project_dir=project_dir)
    _write_state(home_dir, state)
    report("cleaning up the previous build", 0.95)
    if old and old.project != name:
        with quiet(), contextlib.suppress(Exception):
            bd.projects.delete_project(old.project, delete_dir=True)
        with contextlib.suppress(OSError):
            (home_dir / old.cache).unlink()
    report("done", 1.0)
    return state, True


def _carry_over(bd, old_project: str, new_project: str) -> None:
    """Copy databases the user imported (`lca import`) from the previous build into the new one,
    suppliers first, so a rebuild of the shipped data does not lose them."""
    bd.projects.set_current(old_project)
    shipped = {BIOSPHERE_DB, BACKGROUND_DB}
    deps = {n: set(bd.databases[n].get("depends", [])) for n in bd.databases if n not in shipped}
    data = {n: bd.Database(n).load() for n in deps}
    bd.projects.set_current(new_project)
    written: set[str] = set()
    while len(written) < len(deps):
        ready = [n for n in deps if n not in written and deps[n] - shipped <= written]
        if not ready:  # mutually dependent databases: write the rest together in one pass
            ready = [n for n in deps if n not in written]
        for n in sorted(ready):
            bd.Database(n).write(data[n])
            written.add(n)


def ensure(home_override: str | Path | None = None, progress: Progress | None = None) -> State:
    """Set-up on first use: the current state, building it first when needed."""
    return setup(home_override, progress)[0]
