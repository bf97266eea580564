"""EcoSpold 1, EcoSpold 2, SimaPro CSV and Excel through bw2io's importers, in memory.

bw2io extracts, applies its default strategies (unit normalisation, internal technosphere
linking, biosphere linking by name/compartment/unit against biosphere3) and leaves the data in
memory; nothing is written here. What bw2io leaves unlinked is handled by `lca.io.linking`
(elementary flows) and by zero-burden cut-off nodes (technosphere inputs with no provider).
"""
from __future__ import annotations

from pathlib import Path

from lca.errors import InputError
from lca.project import quiet
from lca.io.jsonld import CUTOFF_PREFIX, TechStats

ECOSPOLD_NS = {"ecospold1": "http://www.EcoInvent.org/EcoSpold01", "ecospold2": "http://www.EcoInvent.org/EcoSpold02"}


def _xml_files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    files = [p for p in sorted(path.rglob("*")) if p.suffix.lower() in suffixes] if path.is_dir() else [path]
    if not files:
        raise InputError(f"no {'/'.join(suffixes)} files found", file=path)
    return files


def check_ecospold(path: Path, fmt: str) -> list[Path]:
    """Every file parses as XML with the EcoSpold root element of `fmt` (before bw2io sees it)."""
    from lxml import etree

    files = _xml_files(path, (".xml", ".spold"))
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


def _importer(path: Path, fmt: str, db_name: str):
    import bw2io

    if fmt == "ecospold1":
        check_ecospold(path, fmt)
        return bw2io.SingleOutputEcospold1Importer(str(path), db_name, use_mp=False)
    if fmt == "ecospold2":
        check_ecospold(path, fmt)
        return bw2io.SingleOutputEcospold2Importer(str(path), db_name, use_mp=False)
    if fmt == "simapro-csv":
        return bw2io.SimaProCSVImporter(str(path), db_name)
    if fmt == "excel":
        imp = bw2io.ExcelImporter(str(path))
        imp.db_name = db_name
        return imp
    raise InputError(f"unknown format '{fmt}'")


def read(path: str | Path, fmt: str, db_name: str) -> tuple[list[dict], TechStats, dict]:
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    try:
        with quiet():
            imp = _importer(path, fmt, db_name)
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
    old = getattr(imp, "db_name", db_name)
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
            elif kind == "biosphere" and exc.get("input") and exc["input"][0] != "biosphere3":
                exc["input"] = None  # linked by bw2io to something other than biosphere3: relink ourselves
            excs.append(exc)
        if not has_production:
            excs.insert(0, {"input": (db_name, ds["code"]), "amount": 1.0, "type": "production"})
        ds["exchanges"] = excs
        ds["type"] = "process"
        records.append(ds)
    if not records:
        raise InputError(f"no processes found when reading as {fmt}", file=path, hint="check --format")
    records.extend(cutoffs.values())
    return records, stats, {"format": fmt, "source_processes": len(records) - len(cutoffs)}
