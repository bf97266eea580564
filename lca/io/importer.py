"""`lca import`: read a foreign database fully in memory, link it, then write it.

Nothing touches the Brightway project until the source has been read, every exchange linked and
every record checked; bad input therefore leaves the project unchanged. A database of the same
name is replaced only with ``overwrite``. While the project is written a marker names the databases
being written; a process killed meanwhile leaves it behind and the next import removes those
half-written databases before anything else (see `recover`).
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

from lca.core.errors import InputError
from lca.core.files import atomic_write
from lca.core.testpoint import pause
from lca.engine import project
from lca.io import flowmap, thirdparty
from lca.io.detect import detect_format
from lca.io.linking import BiosphereLinker, biosphere_name, link_records
from lca.io.report import ImportReport, indicator_reach

FORMATS = ("jsonld", "ecospold1", "ecospold2", "simapro-csv", "excel")
RESERVED = {project.BIOSPHERE_DB, project.BACKGROUND_DB}


def _check_name(name: str) -> None:
    if not name or not name.strip() or name != name.strip():
        raise InputError(f"--name: database name {name!r} is empty or has surrounding spaces")
    if name in RESERVED or name.endswith(" biosphere"):
        raise InputError(f"--name: database name '{name}' is reserved",
                         hint="choose another --name")


def read_source(path: Path, fmt: str, name: str, allocation: str | None = None):
    if fmt == "jsonld":
        from lca.io import jsonld

        return jsonld.read(path, name, allocation)
    from lca.io import bwformats

    return bwformats.read(path, fmt, name)


def _validate(records: list[dict], own_bio: list[dict], name: str, bd) -> None:
    """Every exchange points at a node that exists (or will) and has a finite amount."""
    codes = {r["code"] for r in records}
    if len(codes) != len(records):
        raise InputError("duplicate activity codes in the source", hint="each process needs a unique id")
    bio_codes = {f["code"] for f in own_bio}
    bio = biosphere_name(name)
    external: set[tuple] = set()
    for r in records:
        for exc in r["exchanges"]:
            inp = exc.get("input")
            if not inp:
                raise InputError(f"process '{r.get('name')}': exchange '{exc.get('name')}' is not linked")
            if not isinstance(exc.get("amount"), (int, float)) or not math.isfinite(exc["amount"]):
                raise InputError(f"process '{r.get('name')}': exchange '{exc.get('name')}' has amount "
                                 f"{exc.get('amount')!r}")
            db, code = inp
            if (db == name and code not in codes) or (db == bio and code not in bio_codes):
                raise InputError(f"process '{r.get('name')}': exchange links to missing node {inp}")
            if db not in (name, bio):
                external.add(tuple(inp))
    for db in {d for d, _ in external}:
        if db not in bd.databases:
            raise InputError(f"exchanges link to database '{db}', which is not in the project")


def _marker(home_dir: Path) -> Path:
    return home_dir / "imports" / ".incomplete.json"


def recover(home_dir: Path, bd) -> list[str]:
    """Remove the databases an import killed while writing them left half-written; returns their names."""
    marker = _marker(home_dir)
    if not marker.exists():
        return []
    try:
        pending = json.loads(marker.read_text(encoding="utf-8"))
        names = [n for n in pending["databases"] if isinstance(n, str)]
    except (OSError, ValueError, KeyError, TypeError):
        names = []  # a marker cut short by the kill: it was written before any database was touched
    if names and pending.get("project") in bd.projects:
        bd.projects.set_current(pending["project"])
        with project.quiet():
            for n in names:
                if n in bd.databases:
                    del bd.databases[n]
    marker.unlink()
    return names


@project.holding_lock  # one writer per home: concurrent imports (and set-up) queue, none loses another's database
def import_database(path: str | Path, fmt: str | None, name: str, *, home: str | Path | None = None,
                    overwrite: bool = False, allocation: str | None = None,
                    report_path: str | Path | None = None, flow_map: str | Path | None = None,
                    progress=None) -> ImportReport:
    """Import `path` (format `fmt`, detected when None) as database `name`; returns the linking report (also written as JSON, with
    the unlinked flows as a CSV to fill in and pass back as `flow_map`)."""
    start = time.perf_counter()
    path = Path(path)
    if fmt is None:
        fmt = detect_format(path)
    if fmt not in FORMATS:
        raise InputError(f"--format: unknown format '{fmt}'", hint=f"choose one of {', '.join(FORMATS)}")
    _check_name(name)
    if not path.exists():
        raise InputError("no such file or folder", file=path)
    state = project.ensure(home, progress)
    bd = project.brightway(project.home(home), state.project)
    if recover(project.home(home), bd):
        bd = project.brightway(project.home(home), state.project)
    thirdparty.bw2io()  # first import of bw2io without its install advice on screen
    bio_name = biosphere_name(name)
    if not overwrite and (name in bd.databases or bio_name in bd.databases):
        raise InputError(f"--name: database '{name}' already exists in the project",
                         hint="use --overwrite to replace it, or another --name")
    linker = BiosphereLinker.from_project()
    if flow_map is not None:
        linker.user = flowmap.read(flow_map, linker)
    report = progress or (lambda _m, _f: None)
    report(f"reading {path.name}", 0.1)
    records, tech, info = read_source(path, fmt, name, allocation)
    report("linking elementary flows", 0.4)
    own_bio, flow_stats = link_records(records, name, linker)
    _validate(records, own_bio, name, bd)

    report("writing the database", 0.6)
    marker = _marker(project.home(home))
    atomic_write(marker, lambda p: p.write_text(json.dumps({"project": state.project, "databases": [name, bio_name]}),
                                                encoding="utf-8"))
    try:
        with project.quiet():
            for db in (name, bio_name):
                if db in bd.databases:
                    del bd.databases[db]
            if own_bio:
                bd.Database(bio_name).write({(bio_name, f["code"]): f for f in own_bio})
                pause("import.biosphere_written")
            dependents = [project.BIOSPHERE_DB] + ([bio_name] if own_bio else [])
            db = bd.Database(name)
            db.register(format=info["format"], source=str(path), depends=dependents)
            pause("import.registered")
            db.write({(name, r["code"]): r for r in records})
            pause("import.written")
        marker.unlink()
    except Exception:
        with project.quiet():
            for n in (name, bio_name):
                if n in bd.databases:  # a replaced database was deleted above: none half-written is kept
                    del bd.databases[n]
        marker.unlink()
        raise

    report("report", 0.9)
    from lca.engine.methods import get_set

    cutoff = sum(1 for r in records if r.get("cutoff"))
    t = dict(vars(tech))
    t["ambiguous"] = [list(a) for a in tech.ambiguous]
    t["resolved"] = tech.by_default_provider + tech.by_unique_producer + tech.by_chosen_producer
    result = ImportReport(
        database=name, biosphere_database=bio_name if own_bio else None, source=str(path),
        format=info["format"], processes=len(records) - cutoff, cutoff_nodes=cutoff,
        exchanges=sum(len(r["exchanges"]) for r in records), technosphere=t,
        elementary_flows=flow_stats.flows, elementary_exchanges=flow_stats.exchanges,
        unlinked_flows=flow_stats.unlinked, indicators=indicator_reach(flow_stats, get_set().indicators),
        warnings=info.get("warnings", []),
    )
    result.seconds = round(time.perf_counter() - start, 2)
    out = Path(report_path) if report_path else project.home(home) / "imports" / f"{_safe(name)}.json"
    result.write(out)
    result.report_file = str(out)
    result.unlinked_file = str(out.with_suffix(".unlinked.csv"))
    atomic_write(Path(result.unlinked_file),
                 lambda p: p.write_text(flowmap.template(flow_stats.unlinked), encoding="utf-8"))
    report("done", 1.0)
    return result


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
