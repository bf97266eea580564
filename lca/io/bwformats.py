"""EcoSpold 1, EcoSpold 2, SimaPro CSV and Excel through bw2io's importers, in memory.

bw2io extracts, applies its default strategies (unit normalisation, internal technosphere
linking, ...) and leaves the data in memory; nothing is written here. Elementary flows are all
(re)linked by `lca.io.linking`, so the report counts each one by tier; technosphere inputs with
no provider in the source get zero-burden cut-off nodes (bw2io's EcoSpold 2 strategies would
delete them silently). Three bw2io gaps are filled here: EcoSpold 2 compartments (bw2io reads
only flow UUIDs), single .spold files (bw2io reads folders) and the SimaPro migrations bw2io
expects installed in the project (applied in memory instead).
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from lca.core.errors import InputError
from lca.engine.project import quiet
from lca.io import sources, thirdparty
from lca.io.jsonld import CUTOFF_PREFIX, TechStats

ECOSPOLD_NS = {"ecospold1": "http://www.EcoInvent.org/EcoSpold01", "ecospold2": "http://www.EcoInvent.org/EcoSpold02"}
# bw2io strategies that silently delete technosphere inputs with no provider in the source; we
# keep those inputs and give them zero-burden cut-off nodes instead (reported as cut off).
_DROPS_UNPROVIDED = {"delete_exchanges_missing_activity", "delete_ghost_exchanges"}


def _xml_files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    files = [p for p in sorted(path.rglob("*")) if p.suffix.lower() in suffixes] if path.is_dir() else [path]
    if not files:
        raise InputError(f"no {'/'.join(suffixes)} files found", file=path)
    return files


def check_ecospold(path: Path, fmt: str, warnings: list[str] | None = None) -> list[Path]:
    """Every file parses as XML with the EcoSpold root element of `fmt` (before bw2io sees it); in a
    folder, the side files an export ships beside its datasets (categories.xml, ...) are skipped."""
    from lxml import etree

    files = _xml_files(path, (".xml", ".spold"))
    if path.is_dir():
        side = [f for f in files if sources.is_side_file(f)]
        files = [f for f in files if not sources.is_side_file(f)]
        for f in side:
            (warnings if warnings is not None else []).append(f"skipped {f.name}: not a dataset (a list that "
                                                              "EcoSpold exports ship beside the datasets)")
        if not files:
            raise InputError("no EcoSpold datasets in this folder (only side files)", file=path)
    want = f"{{{ECOSPOLD_NS[fmt]}}}ecoSpold"
    for f in files:
        try:
            root = next(etree.iterparse(str(f), events=("start",)))[1]
        except (etree.XMLSyntaxError, StopIteration, OSError) as exc:
            raise InputError(f"not well-formed XML ({exc})", file=f) from None
        if root.tag != want:
            other = [k for k, ns in ECOSPOLD_NS.items() if root.tag == f"{{{ns}}}ecoSpold"]
            hint = f"this is {other[0]}: use --format {other[0]}" if other else "expected an EcoSpold document"
            raise InputError(f"root element is <{etree.QName(root).localname}> in namespace "
                             f"'{etree.QName(root).namespace or ''}', not {fmt}'s <ecoSpold>", file=f, hint=hint)
    return files


def check_simapro(path: Path) -> None:
    """The file starts like a SimaPro CSV export: '{SimaPro 9.5.0.2}' (before bw2io sees it)."""
    if not path.is_file():
        raise InputError("SimaPro CSV import reads one exported .csv file, not a folder", file=path)
    with path.open(encoding="latin-1", newline="") as f:
        first = f.readline().strip()
    if not (first.startswith("{SimaPro") or "CSV separator" in first):
        raise InputError(f"not a SimaPro CSV export: it starts with {first[:60]!r}", file=path, row=1,
                         hint="SimaPro CSV exports start with a '{SimaPro …}' line")


def _es2_extractor():
    """bw2io's EcoSpold 2 extractor, plus each elementary exchange's compartment as `categories`.

    bw2io reads only the flow UUID of an elementary exchange (enough for ecoinvent's own data);
    without the compartment a flow whose UUID is not in biosphere3 cannot be linked by name.
    """
    from bw2io.extractors import Ecospold2DataExtractor

    class Extractor(Ecospold2DataExtractor):
        @classmethod
        def extract_exchange(cls, exc):
            data = super().extract_exchange(exc)
            comp = getattr(exc, "compartment", None) if data["type"] == "biosphere" else None
            if comp is not None:
                parts = [getattr(comp, tag, None) for tag in ("compartment", "subcompartment")]
                data["categories"] = tuple(str(p.text).strip() for p in parts if p is not None and p.text)
            return data

    return Extractor


def _check_es2_reference(data: list[dict], path: Path) -> None:
    for ds in data:
        products = [e for e in ds.get("exchanges", []) if e.get("type") == "production" and e.get("amount")]
        if len(products) != 1:
            raise InputError(f"dataset '{ds.get('name')}' has {len(products)} reference products with a "
                             "non-zero amount, needs exactly one",
                             file=path if path.is_file() else path / ds.get("filename", ""),
                             hint="one <intermediateExchange> with <outputGroup>0</outputGroup>")


def _migrate_in_memory(db: list[dict], data: dict, exchanges: bool) -> list[dict]:
    """bw2io's `migrate_datasets` / `migrate_exchanges` with the migration data passed in."""
    from bw2io.utils import activity_hash, rescale_exchange

    fields = data["fields"]
    mapping = {activity_hash(dict(zip(fields, key)), fields=fields): new for key, new in data["data"]}
    for ds in db:
        for obj in ds.get("exchanges", []) if exchanges else [ds]:
            new = mapping.get(activity_hash(obj, fields=fields))
            for field, value in (new or {}).items():
                if field != "multiplier":
                    obj[field] = value
                elif exchanges:
                    rescale_exchange(obj, value)
    return db


def _offline_migration(strategy):
    """A bw2io migration strategy that reads its data from bw2io instead of the project.

    bw2io's `migrate_*` strategies need the migration installed in the Brightway project
    (`bw2setup()`), which the offline project does not do; importing must not write to it either.
    """
    import functools

    from bw2io.data import get_simapro_water_migration_data
    from bw2io.units import get_default_units_migration_data

    getters = {"default-units": get_default_units_migration_data, "simapro-water": get_simapro_water_migration_data}
    func = getattr(strategy, "func", None)
    name = getattr(strategy, "keywords", {}).get("migration")
    if getattr(func, "__name__", "") not in ("migrate_datasets", "migrate_exchanges") or name not in getters:
        return strategy
    return functools.partial(_migrate_in_memory, data=getters[name](),
                             exchanges=func.__name__ == "migrate_exchanges")


def _importer(path: Path, fmt: str, db_name: str, tmp: Path, warnings: list[str], zipped: bool = False):
    bw2io = thirdparty.bw2io()

    if fmt == "ecospold1":
        files = check_ecospold(path, fmt, warnings)
        folder = sources.fit_ecospold1(files, tmp / "ecospold1", warnings)
        return bw2io.SingleOutputEcospold1Importer(str(folder), db_name, use_mp=False)
    if fmt == "ecospold2":
        files = check_ecospold(path, fmt, warnings)
        folder = path
        if path.is_file() or zipped:  # bw2io reads the .spold files of one folder only
            folder = tmp / "ecospold2"
            folder.mkdir()
            for i, f in enumerate(files):
                shutil.copy(f, folder / f"{i:05d}-{f.stem}.spold")
        elif not any(f.parent == path and f.suffix.lower() == ".spold" for f in files):
            raise InputError("no .spold files directly in this folder", file=path,
                             hint="give the folder that holds the .spold files (e.g. 'datasets')")
        imp = bw2io.SingleOutputEcospold2Importer(str(folder), db_name, use_mp=False,
                                                  extractor=_es2_extractor())
        _check_es2_reference(imp.data, path)
        imp.strategies = [s for s in imp.strategies if getattr(s, "__name__", "") not in _DROPS_UNPROVIDED]
        return imp
    if fmt == "simapro-csv":
        check_simapro(path)
        imp = bw2io.SimaProCSVImporter(str(path), db_name)
        imp.strategies = [_offline_migration(s) for s in imp.strategies]
        return imp
    if fmt == "excel":
        return bw2io.ExcelImporter(str(path))  # keeps the file's database name; renamed in read()
    raise InputError(f"unknown format '{fmt}'")


def read(path: str | Path, fmt: str, db_name: str) -> tuple[list[dict], TechStats, dict]:
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    warnings: list[str] = []
    try:
        with quiet(), tempfile.TemporaryDirectory() as tmp:
            zipped = fmt in ("ecospold1", "ecospold2") and path.suffix.lower() == ".zip"
            source = sources.unzip(path, Path(tmp)) if zipped else path
            imp = _importer(source, fmt, db_name, Path(tmp), warnings, zipped)
            imp.apply_strategies()
            if fmt == "excel":
                # bw2io's Excel export writes exchanges without 'reference product', so its default
                # internal linking (which includes that field) leaves them all unlinked.
                imp.match_database(fields=("name", "unit", "location"))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - bw2io raises anything on malformed input
        raise InputError(f"could not be read as {fmt}: {type(exc).__name__}: {exc}", file=path,
                         hint="check --format and the file") from None
    data = [dict(ds) for ds in imp.data]
    if not data:
        raise InputError(f"no datasets found when reading as {fmt}", file=path, hint="check --format")
    old = getattr(imp, "db_name", None) or db_name  # the source's own database name
    stats = TechStats()
    cutoffs: dict[str, dict] = {}
    records = []
    for ds in data:
        if ds.get("type") not in (None, "process", "processwithreferenceproduct"):
            continue  # parameters / product nodes are not processes
        ds = {k: v for k, v in ds.items() if k not in ("database", "id")}
        ds.setdefault("code", ds.get("name"))
        excs = []
        has_production = False
        for exc in ds.get("exchanges", []):
            exc = dict(exc)
            inp = exc.get("input")
            if inp and inp[0] == old:
                exc["input"] = (db_name, inp[1])
            kind = exc.get("type")
            if kind == "production":
                has_production = True
                exc["input"] = (db_name, ds["code"])
            elif kind in ("technosphere", "substitution"):
                stats.inputs += 1
                if exc.get("input"):
                    stats.by_unique_producer += 1
                else:
                    code = CUTOFF_PREFIX + "|".join(str(exc.get(k, "")) for k in ("name", "reference product",
                                                                                   "location", "unit"))
                    cutoffs.setdefault(code, {
                        "code": code, "name": f"{exc.get('name')} (cut-off: no provider in the source)",
                        "reference product": exc.get("reference product", exc.get("name")),
                        "unit": exc.get("unit", ""), "location": exc.get("location") or "GLO",
                        "type": "process", "cutoff": True,
                        "exchanges": [{"input": (db_name, code), "amount": 1.0, "type": "production"}]})
                    exc["input"] = (db_name, code)
                    stats.cut_off += 1
            elif kind == "biosphere" and exc.get("input"):
                # Linked by bw2io: relink with lca.io.linking, which links at least what bw2io does
                # (same UUID / name keys) and counts every flow by tier for the report.
                exc["input"] = None
            excs.append(exc)
        if not has_production:
            excs.insert(0, {"input": (db_name, ds["code"]), "amount": 1.0, "type": "production"})
        ds["exchanges"] = excs
        ds["type"] = "process"
        records.append(ds)
    if not records:
        raise InputError(f"no processes found when reading as {fmt}", file=path, hint="check --format")
    records.extend(cutoffs.values())
    return records, stats, {"format": fmt, "source_processes": len(records) - len(cutoffs), "warnings": warnings}
