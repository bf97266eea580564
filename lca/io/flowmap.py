"""User flow mappings (`lca import --flow-map FILE`): links for the flows the automatic tiers miss.

Every import writes the elementary flows it could not link as ``<report>.unlinked.csv`` with the
columns below. Fill in ``biosphere3_code`` for the flows you can map (``lca`` looks codes up in
biosphere3), and ``factor`` with its ``source`` when the units differ (e.g. natural gas in kg to
standard m³ needs the gas's density), then import again with ``--flow-map``. A mapped flow links
before every automatic tier and is counted as tier ``user``; rows left without a code stay
unlinked. A factor multiplies the source amount into biosphere3's unit.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from lca.core.errors import InputError
from lca.inventory.tables import read_table
from lca.io.flownames import norm_unit, user_key
from lca.io.linking import BiosphereLinker, Link

COLUMNS = ("name", "compartment", "unit", "exchanges", "biosphere3_code", "factor", "source")


def template(unlinked: list[dict]) -> str:
    """The CSV text listing unlinked flows, ready to be filled in."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for f in unlinked:
        w.writerow([f["name"], "/".join(f["categories"]), f["unit"], f["exchanges"], "", "", ""])
    return buf.getvalue()


def read(path: str | Path, linker: BiosphereLinker) -> dict[tuple, Link]:
    """Validated user links, keyed by `user_key`; the first bad cell is an InputError naming it."""
    path = Path(path)
    table = read_table(path)
    table.require("name", "compartment", "unit", "biosphere3_code")
    out: dict[tuple, Link] = {}
    first_row: dict[tuple, int] = {}
    for row in table.rows:
        c = row.cells
        code = c.get("biosphere3_code", "")
        if not code:
            continue
        if code not in linker.by_code:
            raise InputError(f"'{code}' is not a biosphere3 flow code", file=path, row=row.number,
                             column="biosphere3_code", hint="biosphere3 codes are the ecoinvent 3.9 flow UUIDs")
        target = linker.by_code[code]
        k = user_key(c["name"], c["compartment"].split("/"), c["unit"])
        if k in first_row:
            raise InputError(f"flow '{c['name']}' ({c['compartment']}, {c['unit']}) is mapped again "
                             f"(first in row {first_row[k]})", file=path, row=row.number, column="name")
        factor = _factor(c, target, path, row.number)
        out[k] = Link(code, "user", factor)
        first_row[k] = row.number
    return out


def _factor(cells: dict, target: dict, path: Path, row: int) -> float:
    text = cells.get("factor", "")
    if not text:
        factor = BiosphereLinker._factor(norm_unit(cells["unit"]), target)
        if factor is None:
            raise InputError(f"unit '{cells['unit']}' is not '{target['unit']}' of '{target['name']}' and no "
                             "factor converts it", file=path, row=row, column="factor",
                             hint="give the factor (source unit → biosphere3 unit) and its source")
        return factor
    try:
        factor = float(text)
    except ValueError:
        raise InputError(f"factor '{text}' is not a number", file=path, row=row, column="factor") from None
    if not math.isfinite(factor) or factor <= 0:
        raise InputError(f"factor {text} must be a positive number", file=path, row=row, column="factor")
    if factor != 1.0 and not cells.get("source"):
        raise InputError("a conversion factor needs its source", file=path, row=row, column="source",
                         hint="e.g. the document and table the density or heating value comes from")
    return factor
