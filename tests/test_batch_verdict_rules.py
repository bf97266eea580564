"""Catalogue verdict rules (lca.batch_verdicts), each value worked out by hand.

Two halves: BatchSpec.values/passes on hand-made arrays (stage scope, per-mass division, mass
requirements, massless products), and compile_spec against the shipped background, whose vectors
are checked against figures read from inventories/background/*.yaml, the GB/T 2589 kgce
definition (1 kgce = 29.3076 MJ) and the LCIA method as written in the Brightway project.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import yaml
from conftest import brightway_of
from specs_helpers import requirement, write_spec

from lca.assess.specs import load_spec
from lca.core import resources
from lca.engine.methods import registry
from lca.population.batch_verdicts import BatchSpec, compile_spec
from lca.population.catalogue import Lines

KGCE_MJ = 29.3076  # GB/T 2589-2020
RAW, PROD, DIST, USE, EOL = range(5)  # lca.inventory.product.STAGES order


def _lines(rows: list[tuple[int, int, int, float]], product_mass: list[float]) -> Lines:
    """Lines from (product, process, stage, amount) rows; product masses in kg."""
    p, proc, st, amt = (np.array(c) for c in zip(*rows))
    n = len(product_mass)
    return Lines(np.array([f"p{i}" for i in range(n)], dtype=object), np.array([""] * n, dtype=object),
                 p.astype(np.int64), proc.astype(np.int64), st.astype(np.int8), amt.astype(float),
                 np.array(product_mass, dtype=float), np.array(product_mass, dtype=float))


def _spec(vectors: list[list[float]], scope: list[int], per_mass: list[bool], is_mass: list[bool],
          mass_factor: list[float], ops: list[str], thresholds: list[float]) -> BatchSpec:
    """A BatchSpec built by hand: `vectors` is one list per requirement (over processes)."""
    r = len(scope)
    return BatchSpec("hand", [f"r{j}" for j in range(r)], ops, np.array(thresholds, dtype=float),
                     np.array(scope, dtype=int), np.array(vectors, dtype=float).T, np.array(per_mass),
                     np.array(is_mass), np.array(mass_factor, dtype=float), [])


# Two processes. Product 0 (2 kg): 3 of process 0 in raw materials, 5 of process 1 in production.
# Product 1 (0.5 kg): 1 of process 1 in raw materials, 4 of process 0 in production.
# Product 2 (no mass): 1 of process 0 in production, 7 of process 0 in use.
# Product 3 (no mass): 2 of process 1 in use, nothing in production.
LINES = [(0, 0, RAW, 3.0), (0, 1, PROD, 5.0), (1, 1, RAW, 1.0), (1, 0, PROD, 4.0),
         (2, 0, PROD, 1.0), (2, 0, USE, 7.0), (3, 1, USE, 2.0)]
MASS = [2.0, 0.5, 0.0, 0.0]


def test_values_by_stage_scope_per_mass_and_mass_by_hand():
    spec = _spec(vectors=[[1, 10], [1, 10], [2, 3], [0, 0]],
                 scope=[RAW, -1, PROD, -1], per_mass=[False, False, True, False],
                 is_mass=[False, False, False, True], mass_factor=[1.0, 1.0, 1.0, 1000.0],
                 ops=["<=", "<=", "<=", "<="], thresholds=[5, 20, 10, 1000])
    # a massless product divides by zero silently: NaN, no warning, whatever numpy's error state
    # the caller left (some imports set invalid='ignore' process-wide)
    with np.errstate(all="warn"), warnings.catch_warnings():
        warnings.simplefilter("error")
        got = spec.values(_lines(LINES, MASS))
    nan = np.nan
    expected = np.array([
        # raw materials only    whole life cycle       production per kg      mass in g
        [3 * 1,                 3 * 1 + 5 * 10,        5 * 3 / 2.0,           2.0 * 1000],
        [1 * 10,                1 * 10 + 4 * 1,        4 * 2 / 0.5,           0.5 * 1000],
        [0.0,                   1 * 1 + 7 * 1,         nan,                   0.0],  # 2 / 0 kg: not computable
        [0.0,                   2 * 10,                nan,                   0.0],  # 0 / 0 kg: not computable
    ])
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # pass flags against thresholds 5, 20, 10, 1000 (<=); NaN stays NaN
    np.testing.assert_array_equal(spec.passes(got), np.array([
        [1, 0, 1, 0], [0, 1, 0, 1], [1, 1, nan, 1], [1, 1, nan, 1]]))


def test_a_single_requirement_is_computed():
    spec = _spec(vectors=[[1, 10]], scope=[-1], per_mass=[False], is_mass=[False], mass_factor=[1.0],
                 ops=[">="], thresholds=[14])
    got = spec.values(_lines(LINES, MASS))
    np.testing.assert_allclose(got[:, 0], [53, 14, 8, 20], rtol=1e-12)
    np.testing.assert_array_equal(spec.passes(got)[:, 0], [1, 1, 0, 1])


# ---- compile_spec against the shipped background -------------------------------------------------

def _yaml_amount(file: str, code: str, flow: str) -> float:
    doc = yaml.safe_load((resources.background_dir() / file).read_text(encoding="utf-8"))
    proc = next(p for p in doc["processes"] if p["code"] == code)
    return sum(e["amount"] for e in proc["exchanges"] if e.get("name") == flow)


BASIC = [{"id": b, "text_zh": "合成", "text_en": "synthetic", "clause": "4.1", "evidence": "a document"}
         for b in ("management", "emissions")]


@pytest.fixture
def compiled(engine, tmp_path):
    """Compiled per test (not per module): mutmut runs for a mutant only the tests during which the
    mutated function ran, and a module-scoped fixture runs during the first test alone."""
    spec = load_spec(write_spec(tmp_path, basic=BASIC, indicators=[
        requirement("gwp_t", "gwp100", "<=", 1.0, "t", group="environment"),
        requirement("rc", "recycled_content", ">=", 30, "%"),  # a BOM rule other than mass: not assessed
        requirement("energy_tce", "energy_kgce", "<=", 1.0, "tce", stage="production", group="energy"),
        requirement("voc", "voc_content_per_volume", "<=", 50, "g/L", group="product"),  # declared
        requirement("energy_pt", "energy_kgce_per_mass", "<=", 100, "kgce/t", stage="use", group="energy"),
        requirement("mass_g", "product_mass", "<=", 5000, "g"),
        requirement("acid", "acidification", "<=", 1.0, "mol H+-Eq", group="environment"),
    ], id="batch_rules"))
    return spec, compile_spec(spec, engine)


def test_compiled_requirements_and_what_is_not_assessed(compiled):
    spec, b = compiled
    assert b.spec_id == "batch_rules"
    assert b.ids == ["gwp_t", "energy_tce", "energy_pt", "mass_g", "acid"]
    assert b.operators == ["<=", "<=", "<=", "<=", "<="]
    np.testing.assert_array_equal(b.thresholds, [1.0, 1.0, 100, 5000, 1.0])
    np.testing.assert_array_equal(b.scope, [-1, PROD, USE, -1, -1])  # -1: whole life cycle
    np.testing.assert_array_equal(b.per_mass, [False, False, True, False, False])
    np.testing.assert_array_equal(b.is_mass, [False, False, False, True, False])
    assert b.mass_factor[3] == 1000.0  # kg -> g
    # indicator requirements a catalogue cannot check first, then every basic requirement
    assert b.not_assessed == ["rc", "voc", "management", "emissions"]
    # the spec's completeness rides along (specs_helpers.write_spec: complete, standard TEST 0001-2024)
    assert b.complete is True
    assert b.status == "complete (every requirement of TEST 0001-2024 within its scope transcribed)"


def test_lcia_vectors_are_converted_to_the_threshold_unit(compiled, engine):
    _, b = compiled
    procs = engine.m.catalogue.process_index
    n = len(procs)
    assert b.vectors.shape == (n + engine.C.shape[1], 5)
    # seed_materials.yaml, steel_crude_worldsteel: 1.91 kg CO2 fossil per kg and nothing upstream,
    # GWP100 1 -> t CO2e
    co2 = _yaml_amount("seed_materials.yaml", "steel_crude_worldsteel", "Carbon dioxide, fossil")
    assert b.vectors[procs["steel_crude_worldsteel"], 0] == pytest.approx(co2 / 1000, rel=1e-6)
    # direct CO2 (fossil) emissions to air: 1 kg CO2e per kg, in t
    cat = engine.m.catalogue
    co2_air = [j for j, (name, comp) in enumerate(zip(cat.flow_name, cat.flow_categories))
               if name == "Carbon dioxide, fossil" and comp[0] == "air"]
    assert co2_air
    np.testing.assert_allclose(b.vectors[n + np.array(co2_air), 0], 1e-3, rtol=1e-9)


def test_lcia_vector_of_a_unit_pint_cannot_read_is_taken_verbatim(compiled, engine, home):
    """acidification (mol H+-Eq) has no pint unit: its factors are those of the method as written."""
    _, b = compiled
    bd = brightway_of(home)
    method = registry()["acidification"].method
    cfs = [(bd.get_node(id=k).get("code") if isinstance(k, int) else k[1], cf)
           for k, cf in bd.Method(method).load()]
    cfs = [(code, cf) for code, cf in cfs if cf != 0][:20]
    assert cfs
    n = len(engine.m.catalogue.process_index)
    flows = engine.m.catalogue.flow_index
    got = np.array([b.vectors[n + flows[code], 4] for code, _ in cfs])
    np.testing.assert_allclose(got, [cf for _, cf in cfs], rtol=1e-6)


def test_energy_vectors_in_tce_by_hand(compiled, engine):
    _, b = compiled
    procs = engine.m.catalogue.process_index
    n = len(procs)
    e = b.vectors[:, 1]
    assert e[procs["electricity_grid_cn"]] == pytest.approx(3.6 / KGCE_MJ / 1000, rel=1e-12)  # kWh -> tce
    assert e[procs["natural_gas_combustion"]] == pytest.approx(1 / KGCE_MJ / 1000, rel=1e-12)  # MJ -> tce
    assert np.isnan(e[procs["diesel_combustion"]])  # fuel in kg: no calorific value, not computable
    assert e[procs["steel_crude_worldsteel"]] == 0.0  # not an energy carrier
    assert not e[n:].any()  # direct flows carry no energy
    # per mass: kgce per t of product, the division by mass happens in values()
    assert b.vectors[procs["electricity_grid_cn"], 2] == pytest.approx(3.6 / KGCE_MJ * 1000, rel=1e-12)


def test_spec_without_lcia_requirements(engine, tmp_path):
    spec = load_spec(write_spec(tmp_path, indicators=[
        requirement("e", "energy_kgce", "<=", 10, "kgce", stage="production", group="energy")]))
    b = compile_spec(spec, engine)
    assert b.ids == ["e"]
    procs = engine.m.catalogue.process_index
    assert b.vectors[procs["electricity_grid_cn"], 0] == pytest.approx(3.6 / KGCE_MJ, rel=1e-12)


def test_spec_with_nothing_a_catalogue_can_check(engine, tmp_path):
    spec = load_spec(write_spec(tmp_path, basic=BASIC, complete=False, indicators=[
        requirement("rc", "recycled_content", ">=", 30, "%")]))
    b = compile_spec(spec, engine)
    assert b.ids == [] and b.not_assessed == ["rc", "management", "emissions"]
    # partial, with the coverage write_spec gives and no 'not verified' notes
    assert b.complete is False and b.status == "partial: synthetic thresholds for tests"
    assert b.vectors.shape == (len(engine.m.catalogue.process_index) + engine.C.shape[1], 0)
    lines = _lines(LINES, MASS)
    assert b.values(lines).shape == (4, 0)
