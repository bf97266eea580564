"""Writes the shipped data into the current Brightway project and builds the matrix cache.

Called by `lca.engine.project.setup` only, inside a fresh project, so a failure never touches the
project in use.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from lca.core import resources, units
from lca.core.errors import DataError
from lca.engine.bw_matrices import extract
from lca.engine.methods import required_methods
from lca.engine.names import BACKGROUND_DB, BIOSPHERE_DB
from lca.inventory.background import Exchange, load_background

LCIA_ZIP = "lcia_39_ecoinvent.zip"


def write_biosphere() -> None:
    """biosphere3: the ecoinvent 3.9 elementary flows shipped in bw2io (works offline)."""
    import bw2io

    bw2io.create_default_biosphere3()


def _lcia_data() -> list[dict]:
    import bw2io

    path = Path(bw2io.__file__).parent / "data" / "lcia" / LCIA_ZIP
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("data.json"))


def write_methods() -> None:
    """Write the LCIA methods the indicator sets use, with tuple flow keys.

    bw2io.bw2setup() fails with bw2data 4.8 because the zip stores flow keys as lists; writing
    them as tuples ourselves works, and writing only the used methods keeps set-up fast.
    """
    import bw2data as bd

    wanted = set(required_methods())
    known = {f["code"] for f in bd.Database(BIOSPHERE_DB)}
    found = set()
    for raw in _lcia_data():
        name = tuple(raw["name"])
        if name not in wanted:
            continue
        cfs = [((BIOSPHERE_DB, exc["input"][1]), exc["amount"]) for exc in raw["exchanges"]
               if exc["input"][1] in known]
        method = bd.Method(name)
        method.register(unit=raw["unit"], description=raw.get("description", ""),
                        filename=raw.get("filename"), source="bw2io " + LCIA_ZIP)
        method.write(cfs)
        found.add(name)
    missing = wanted - found
    if missing:
        raise DataError(f"methods/*.yaml name LCIA methods not in bw2io's {LCIA_ZIP}: "
                        + "; ".join(" | ".join(m) for m in sorted(missing)))


def _biosphere_index() -> dict[str, dict]:
    import bw2data as bd

    return {f["code"]: f for f in bd.Database(BIOSPHERE_DB)}


def _uncertainty(e: Exchange, factor: float) -> dict:
    """stats_arrays fields of an exchange with a distribution (none when it has no `uncertainty`)."""
    return {} if e.uncertainty is None else e.uncertainty.brightway(e.amount * factor, factor)


def background_records() -> dict[tuple[str, str], dict]:
    """The shipped background as Brightway records, every amount in its target's unit."""
    procs = load_background(resources.background_dir())
    flows = _biosphere_index()
    data = {}
    for p in procs.values():
        exchanges = [{"input": (BACKGROUND_DB, p.code), "amount": 1.0, "type": "production"}]
        for e in p.exchanges:
            where = f"{p.file}: process {p.code}"
            if e.process is not None:
                target = procs[e.process]
                factor = units.factor(e.unit, target.unit)
                exchanges.append({"input": (BACKGROUND_DB, e.process), "amount": e.amount * factor,
                                  "type": "technosphere", "unit": units.brightway_unit(target.unit),
                                  **_uncertainty(e, factor)})
                continue
            flow = flows.get(e.flow)
            if flow is None:
                raise DataError(f"{where}: flow {e.flow} ({e.name}) is not in biosphere3")
            if flow["name"] != e.name or tuple(flow["categories"]) != tuple(e.compartment):
                raise DataError(f"{where}: flow {e.flow} is '{flow['name']}' {list(flow['categories'])} "
                                f"in biosphere3, not '{e.name}' {e.compartment}")
            try:
                factor = units.factor(e.unit, flow["unit"])
            except Exception as exc:
                raise DataError(f"{where}: flow {e.name}: {exc}") from exc
            exchanges.append({"input": (BIOSPHERE_DB, e.flow), "amount": e.amount * factor, "type": "biosphere",
                              **_uncertainty(e, factor)})
        data[(BACKGROUND_DB, p.code)] = {
            "name": p.name,
            "reference product": p.reference_product,
            "unit": units.brightway_unit(p.unit),
            "location": p.location,
            "type": "process",
            "exchanges": exchanges,
            "provenance": p.provenance.model_dump(exclude_none=True),
            "source_file": p.file,
            "lca_unit": p.unit,
            "recycled_variant": p.recycled_variant,
        }
    return data


def write_background() -> None:
    import bw2data as bd

    bd.Database(BACKGROUND_DB).write(background_records())


def write_matrix_cache(path: Path) -> None:
    """Build A, B, C with bw2calc once per data version and store them with their labels.

    Rows of B and columns of C span *all* biosphere3 flows, so a product's direct emissions can
    use flows that no background process emits.
    """
    import bw2data as bd

    methods = required_methods()
    flows = sorted(bd.Database(BIOSPHERE_DB), key=lambda f: f.id)
    tech, bio_full, char, col_ids = extract(BACKGROUND_DB, flows, methods)
    if tech.shape[0] != tech.shape[1]:
        raise DataError(f"technosphere matrix is not square: {tech.shape}")
    acts = list(bd.Database(BACKGROUND_DB))
    by_id = {a.id: a for a in acts}
    meta = {
        "methods": [list(m) for m in methods],
        "method_units": [bd.methods[m].get("unit", "") for m in methods],
        "processes": [{"code": by_id[i]["code"], "name": by_id[i]["name"],
                       "unit": by_id[i]["lca_unit"], "location": by_id[i]["location"],
                       "recycled_variant": by_id[i].get("recycled_variant"),
                       "provenance": by_id[i].get("provenance", {})} for i in col_ids],
        "flows": [{"code": f["code"], "name": f["name"], "categories": list(f["categories"]),
                   "unit": f["unit"]} for f in flows],
    }
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp, A_data=tech.data, A_indices=tech.indices, A_indptr=tech.indptr, A_shape=tech.shape,
        B_data=bio_full.data, B_indices=bio_full.indices, B_indptr=bio_full.indptr,
        B_shape=bio_full.shape, C=char, meta=np.array(json.dumps(meta)),
    )
    tmp.replace(path)
