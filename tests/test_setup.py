"""Offline set-up: idempotent, rebuilt only when shipped data change, never half-applied."""
from __future__ import annotations

import shutil

import pytest
from conftest import snapshot

from lca.core import resources
from lca.core.errors import DataError
from lca.engine import project


def test_second_setup_does_nothing(home):
    before = snapshot(home)
    state, rebuilt = project.setup(home)
    assert not rebuilt
    assert state == project.read_state(home)
    assert snapshot(home) == before


def test_project_holds_biosphere_methods_and_background(home):
    from lca.engine.methods import required_methods

    state = project.read_state(home)
    bd = project.brightway(home, state.project)
    assert len(bd.Database(project.BIOSPHERE_DB)) == 4709  # ecoinvent 3.9 elementary flows in bw2io
    assert set(required_methods()) <= set(bd.methods)
    from lca.inventory.background import load_background

    shipped = load_background(resources.background_dir())
    assert {a["code"] for a in bd.Database(project.BACKGROUND_DB)} == set(shipped)


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the shipped data that a test may change (LCA_DATA_DIR points at it)."""
    root = tmp_path / "data"
    shutil.copytree(resources.background_dir(), root / "inventories" / "background")
    shutil.copytree(resources.methods_dir(), root / "methods")
    monkeypatch.setenv("LCA_DATA_DIR", str(root))
    return root


def test_changed_data_rebuilds_and_bad_data_keeps_the_old_build(data_copy, tmp_path):
    h = tmp_path / "home"
    first, rebuilt = project.setup(h)
    assert rebuilt
    from lca import api

    def grid_gwp() -> float:
        eng = api.engine(h)
        k = eng.m.catalogue.process_index["electricity_grid_cn"]
        return eng.unit_scores()[k, [i.id for i in eng.indicators.indicators].index("gwp100")]

    old = grid_gwp()
    energy = data_copy / "inventories" / "background" / "seed_energy.yaml"
    text = energy.read_text(encoding="utf-8")
    assert "amount: 0.5366" in text

    # A broken data file: set-up fails, the previous build stays current and untouched.
    energy.write_text(text.replace("amount: 0.5366", "amount: 0.5366\n        unit: kilogramz"), encoding="utf-8")
    before = snapshot(h)
    with pytest.raises(DataError):
        project.setup(h)
    assert project.read_state(h) == first
    assert {k for k in snapshot(h) if first.project in k or k == "state.json"} <= set(before)

    # A real change: new version, new project, old project and cache removed.
    energy.write_text(text.replace("amount: 0.5366", "amount: 0.6"), encoding="utf-8")
    second, rebuilt = project.setup(h)
    assert rebuilt and second.data_version != first.data_version and second.project != first.project
    assert not (h / first.cache).exists()
    bd = project.brightway(h, second.project)
    assert first.project not in bd.projects
    # the grid's direct CO2 moved from 0.5366 to 0.6 kg/kWh; its other flows (CH4, N2O upstream) did not
    assert grid_gwp() - old == pytest.approx(0.6 - 0.5366, rel=1e-5)


def test_imported_databases_survive_a_rebuild(data_copy, tmp_path):
    """A database written next to the shipped ones (as `lca import` does) is carried into a new build."""
    h = tmp_path / "home"
    first, _ = project.setup(h)
    bd = project.brightway(h, first.project)
    flow = next(iter(bd.Database(project.BIOSPHERE_DB)))
    bd.Database("my-import").write({("my-import", "widget"): {
        "name": "widget", "unit": "unit", "exchanges": [
            {"input": ("my-import", "widget"), "amount": 1.0, "type": "production"},
            {"input": (project.BACKGROUND_DB, "electricity_grid_cn"), "amount": 2.0, "type": "technosphere"},
            {"input": flow.key, "amount": 0.5, "type": "biosphere"}]}})
    energy = data_copy / "inventories" / "background" / "seed_energy.yaml"
    energy.write_text(energy.read_text(encoding="utf-8").replace("amount: 0.5366", "amount: 0.6"), encoding="utf-8")
    second, rebuilt = project.setup(h)
    assert rebuilt and second.project != first.project
    bd = project.brightway(h, second.project)
    act = bd.get_node(database="my-import", code="widget")
    got = sorted((e.input.key, e.amount) for e in act.exchanges())
    assert got == sorted([(("my-import", "widget"), 1.0), ((project.BACKGROUND_DB, "electricity_grid_cn"), 2.0),
                          (flow.key, 0.5)])
    assert first.project not in bd.projects
