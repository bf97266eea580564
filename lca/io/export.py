"""`lca export`: one product as a self-contained product system in bw2io's Excel or EcoSpold 1.

The system holds the product (a root activity), one activity per life-cycle stage with the
product's foreground rows (technosphere inputs and direct elementary flows), and every background
or imported process the product reaches, copied with its exchanges. Other tools (openLCA, SimaPro,
Brightway) and `lca import` read it back; background exchanges keep their Brightway amounts, so a
re-import scores the same as the original database does.

bw2io's writers read a Brightway database, so the system is written to a temporary database of
the project, exported, and the temporary database removed again (also on failure).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from scipy import sparse

from lca.core.errors import InputError
from lca.core.files import atomic_write
from lca.core.stages import STAGES
from lca.engine import linked, project, session
from lca.inventory.product import load_product
from lca.io import thirdparty

FORMATS = {"excel": ".xlsx", "ecospold1": ".xml"}
UNCERTAINTY_FIELDS = ("uncertainty type", "loc", "scale", "shape", "minimum", "maximum", "negative")
STAGE_NAMES = {"raw_materials": "raw materials", "production": "production", "distribution": "distribution",
               "use": "use", "end_of_life": "end of life"}


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    format: str
    root: str  # name of the product's activity in the file
    activities: int
    background_processes: int


def reachable(A: sparse.spmatrix, start: np.ndarray) -> np.ndarray:
    """Indices of the processes `start` (boolean, per column) needs, directly or further upstream."""
    pattern = (abs(A) > 0).astype(np.int8).tocsr()
    seen = start.astype(bool).copy()
    frontier = seen.copy()
    while frontier.any():
        nxt = (pattern @ frontier.astype(np.int8)) > 0
        frontier = nxt & ~seen
        seen |= nxt
    return np.flatnonzero(seen)


def _source_node(bd, proc: dict):
    """The Brightway activity behind a matrix column (background or imported database)."""
    db = proc.get("database", project.BACKGROUND_DB)
    code = proc["code"].split(linked.SEPARATOR, 1)[1] if db != project.BACKGROUND_DB else proc["code"]
    return bd.get_node(database=db, code=code)


def product_system(path: str | Path, db_name: str, home: str | Path | None = None) -> tuple[dict, str, int]:
    """Brightway records of the product system (keyed for `db_name`), the root's code, and how
    many background/imported processes it holds."""
    import bw2data as bd

    product = load_product(path)
    eng = session.engine(home, databases=linked.databases_in([path]))
    inv = session.read_inventories([path], eng)[0]
    procs, flows = eng.m.meta["processes"], eng.m.meta["flows"]
    F = inv.stage_matrix("process", eng.n_processes, STAGES)
    used = reachable(eng.m.A, (F != 0).any(axis=1))

    m = product.manifest
    location = "GLO"
    root_code = f"{inv.product_id}"
    records: dict = {}
    root_exchanges = [{"input": (db_name, root_code), "amount": 1.0, "type": "production"}]
    for stage in STAGES:
        lines = [ln for ln in inv.lines if ln.stage == stage and ln.amount != 0]
        if not lines:
            continue
        code = f"{inv.product_id} | {stage}"
        excs = [{"input": (db_name, code), "amount": 1.0, "type": "production"}]
        excs += [_line_exchange(ln, inv, db_name, procs, flows) for ln in lines]
        records[(db_name, code)] = {
            "name": f"{inv.name} — {STAGE_NAMES[stage]}", "reference product": f"{inv.name}, {STAGE_NAMES[stage]}",
            "unit": "unit", "location": location, "type": "process", "exchanges": excs,
            "comment": f"Foreground rows of life-cycle stage '{stage}' for one {m.functional_unit}."}
        root_exchanges.append({"input": (db_name, code), "amount": 1.0, "type": "technosphere"})
    records[(db_name, root_code)] = {
        "name": inv.name, "reference product": inv.name, "unit": "unit", "location": location,
        "type": "process", "exchanges": root_exchanges,
        "comment": (f"Product system exported by lca-ecodesign from {Path(path).name}: functional unit "
                    f"{m.functional_unit}; category {m.category}; background data version {eng.m.version}."
                    + (" Illustrative example data." if m.illustrative else ""))}
    index = {(p.get("database", project.BACKGROUND_DB), p["code"]): p["code"] for p in procs}
    for j in used:
        node = _source_node(bd, procs[j])
        excs = []
        for e in node.exchanges():
            inp = e.input.key
            if e["type"] in ("production", "technosphere", "substitution"):
                code = index.get(inp) or index[(inp[0], f"{inp[0]}{linked.SEPARATOR}{inp[1]}")]
                inp = (db_name, code)
            excs.append({"input": inp, "amount": float(e["amount"]), "type": e["type"],
                         **{k: e[k] for k in UNCERTAINTY_FIELDS if e.get(k) is not None}})
        records[(db_name, procs[j]["code"])] = {
            **{k: node.get(k) for k in ("name", "reference product", "unit", "location", "comment") if node.get(k)},
            "type": "process", "exchanges": excs}
    return records, root_code, len(used)


def _line_exchange(ln, inv, db_name: str, procs: list[dict], flows: list[dict]) -> dict:
    """One foreground row's line as an exchange, with its row's distribution scaled to the line."""
    if ln.kind == "process":
        exc = {"input": (db_name, procs[ln.index]["code"]), "type": "technosphere"}
    else:
        f = flows[ln.index]
        exc = {"input": (f.get("database", project.BIOSPHERE_DB), f["code"]), "type": "biosphere"}
    exc.update(amount=ln.amount, comment=f"{ln.origin}: {ln.label}")
    if ln.uncertain is not None:
        row = inv.uncertain[ln.uncertain]
        exc.update(row.distribution.brightway(ln.amount, ln.amount / row.center))
    return exc


def _free_name(bd, base: str) -> str:
    name, k = base, 1
    while name in bd.databases:
        k += 1
        name = f"{base} ({k})"
    return name


def export_product(path: str | Path, out: str | Path, fmt: str = "excel",
                   home: str | Path | None = None) -> ExportSummary:
    """Write the product system of the product at `path` to `out` (written whole or not at all)."""
    out = Path(out)
    if fmt not in FORMATS:
        raise InputError(f"--format: unknown export format '{fmt}'", hint=f"choose one of {', '.join(FORMATS)}")
    if out.suffix.lower() != FORMATS[fmt]:
        raise InputError(f"a {fmt} export is written to a {FORMATS[fmt]} file", file=out)
    state = project.ensure(home)
    bd = project.brightway(project.home(home), state.project)
    product = load_product(path)
    db_name = _free_name(bd, f"{product.id} product system")
    records, root_code, n_used = product_system(path, db_name, home)
    try:
        with project.quiet():
            bd.Database(db_name).write(records)
            atomic_write(out, lambda tmp: _write(bd, db_name, fmt, tmp))
    finally:
        with project.quiet():
            if db_name in bd.databases:
                del bd.databases[db_name]
    return ExportSummary(out, fmt, records[(db_name, root_code)]["name"], len(records), n_used)


def _write(bd, db_name: str, fmt: str, target: Path) -> None:
    thirdparty.bw2io()  # first import without its install advice on screen
    if fmt == "excel":
        from bw2io.export.excel import write_lci_excel

        with tempfile.TemporaryDirectory() as d:
            Path(write_lci_excel(db_name, dirpath=d)).replace(target)
        return
    from bw2io.export.ecospold1 import Ecospold1Exporter

    exporter = Ecospold1Exporter()
    nodes = [_ecospold1_node(act) for act in bd.Database(db_name)]
    for node in nodes:
        exporter.add_dataset(node)
    # Three repairs to bw2io's writer: it prints amounts with 6 decimals (0.0123456789 → 0.012346),
    # files resources under inputGroup 5 (technosphere) where EcoSpold 1 says 4 (from nature), so a
    # re-import cut them off as inputs without a provider, and gives dataEntryBy a 'number' where the
    # EcoSpold 1 schema requires 'person'.
    for dataset, node in zip(exporter.root.iter("dataset"), nodes):
        for element, exc in zip(dataset.iter("exchange"), node["exchanges"]):
            element.set("meanValue", repr(float(exc["amount"])))
            if exc["type"] == "biosphere":
                for group in element.iter("inputGroup"):
                    group.text = "4"
    for entry in exporter.root.iter("dataEntryBy"):
        entry.attrib.pop("number", None)
        entry.set("person", "1")
    exporter.write_to_file(target)


def _ecospold1_node(act) -> dict:
    """An activity in the extracted-dict form bw2io's EcoSpold 1 writer takes (exchanges named by
    their input's name, unit, location or compartment, as EcoSpold 1 links them)."""
    excs = []
    for e in act.exchanges():
        node = e.input
        exc = {"name": node["name"], "unit": node["unit"], "amount": e["amount"], "type": e["type"],
               "categories": []}
        if e["type"] == "biosphere":
            exc["categories"] = list(node["categories"])
            if node.get("CAS number"):
                exc["CAS number"] = node["CAS number"]
        else:
            exc["location"] = node.get("location") or "GLO"
        excs.append(exc)
    # bw2io's writer needs one source and one person (it numbers dataEntryBy from the last source).
    return {"name": act["name"], "unit": act["unit"], "location": act.get("location") or "GLO",
            "comments": {"generalComment": act.get("comment", "")}, "exchanges": excs,
            "references": [{"identifier": 1, "authors": ["lca-ecodesign"], "year": str(date.today().year),
                            "place_of_publication": "lca-ecodesign export",
                            "title": act.get("comment") or act["name"]}],
            "authors": {"people": [{"identifier": 1, "name": "lca-ecodesign export", "address": "not given",
                                    "company": "lca", "country": "CN"}]}}  # schema: a listed ISO code
