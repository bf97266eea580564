"""The shipped background, recomputed from its YAML files with plain numpy (no Brightway).

For every process the engine's GWP100 of one unit equals a dense solve of the technosphere built
directly from the YAML exchanges, with IPCC 2021 GWP100 factors read from bw2io's LCIA data. Where
a source gives only a carbon footprint (a single CO2 exchange), that is the stated value itself.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lca.core import resources, units
from lca.inventory.background import load_background

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")


@pytest.fixture(scope="module")
def gwp_factors() -> dict[str, float]:
    import bw2io

    path = Path(bw2io.__file__).parent / "data" / "lcia" / "lcia_39_ecoinvent.zip"
    with zipfile.ZipFile(path) as zf:
        data = json.loads(zf.read("data.json"))
    method = next(m for m in data if tuple(m["name"]) == GWP)
    return {e["input"][1]: e["amount"] for e in method["exchanges"]}


def test_every_process_gwp_reproduced(engine, gwp_factors):
    procs = load_background(resources.background_dir())
    codes = list(procs)
    index = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    A = np.eye(n)
    direct = np.zeros(n)
    for c, p in procs.items():
        j = index[c]
        for e in p.exchanges:
            if e.process is not None:
                A[index[e.process], j] -= units.convert(e.amount, e.unit, procs[e.process].unit)
            else:
                direct[j] += units.convert(e.amount, e.unit, "kg") * gwp_factors.get(e.flow, 0.0) \
                    if units.same_dimension(e.unit, "kg") else 0.0
    expected = np.linalg.solve(A.T, direct)  # score of one unit of each process
    k = [i.id for i in engine.indicators.indicators].index("gwp100")
    got = engine.unit_scores()[[engine.m.catalogue.process_index[c] for c in codes], k]
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)  # Brightway stores float32

    co2 = "349b29d1-3e58-4c66-98b9-9d1a076efd2e"
    footprint_only = [c for c, p in procs.items()
                      if len(p.exchanges) == 1 and p.exchanges[0].flow == co2 and p.exchanges[0].unit == "kg"]
    assert len(footprint_only) > 100
    for c in footprint_only:
        stated = procs[c].exchanges[0].amount
        assert got[index[c]] == pytest.approx(stated, rel=1e-6), c


def test_background_is_large_and_sourced():
    procs = load_background(resources.background_dir())
    assert len(procs) >= 150
    for p in procs.values():
        assert p.provenance.publisher and p.provenance.document and p.provenance.licence
