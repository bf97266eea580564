"""Resuming `lca screen`: part files of an interrupted run are reused only by a run with the same key.

lca/screen.py keeps the chunks of an interrupted run in `<out>.parts/` with the run key (catalogue
bytes, data version, indicator set, chunk size, spec) in `run.json`. A rerun with the same key continues
from the parts; any other key must start afresh. Each case below interrupts a run after its first chunk,
changes one element of the key, reruns into the same output, and compares the result with a fresh run
of the changed inputs into another folder: the same table, value for value, and no chunk resumed.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest
from conftest import copy_of
from specs_helpers import requirement, write_spec

from lca.assess.specs import load_spec
from lca.cli import app
from lca.core import resources
from lca.engine import project
from lca.population import synthetic
from lca.population.screen import screen

N, CHUNK = 60, 20  # 3 chunks


class Interrupted(Exception):
    """Raised from the progress callback to stop a run after its first chunk."""


def _stop_after_first_chunk(done: int, total: int) -> None:
    if 0 < done < total:  # the first call reports 0 done; the next one follows the first chunk written
        raise Interrupted


def _interrupt(run: Callable[..., object], out: Path) -> None:
    """Start a run and stop it after one chunk: the parts folder holds exactly that chunk."""
    with pytest.raises(Interrupted):
        run(out, progress=_stop_after_first_chunk)
    assert not out.exists()
    assert [p.name for p in sorted(out.with_name(out.name + ".parts").glob("chunk-*"))] == ["chunk-000000.parquet"]


def _finish_and_compare(run: Callable[..., object], out: Path, fresh: Path, chunks: int) -> pd.DataFrame:
    """Rerun into `out` (where the stale parts are), run afresh into `fresh`: same values, nothing resumed."""
    summary = run(out)
    assert summary.resumed_chunks == 0 and summary.chunks == chunks
    assert not out.with_name(out.name + ".parts").exists()
    clean = run(fresh)
    assert clean.resumed_chunks == 0
    got, want = pd.read_parquet(out), pd.read_parquet(fresh)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert summary.indicators == clean.indicators and summary.requirements == clean.requirements
    return got


def _catalogue(engine, path: Path, seed: int) -> Path:
    synthetic.catalogue(engine.m.catalogue, N, seed=seed).to_parquet(path)
    return path


def _spec(folder: Path, gwp_threshold: float):
    folder.mkdir(parents=True, exist_ok=True)
    return load_spec(write_spec(folder, indicators=[
        requirement("gwp", "gwp100", "<=", gwp_threshold, "kgCO2e", group="environment")]))


def test_same_key_resumes_and_equals_a_fresh_run(engine, home, tmp_path):
    """The control: with nothing changed the rerun takes the first chunk from the parts."""
    cat = _catalogue(engine, tmp_path / "c.parquet", 1)
    run = lambda out, **kw: screen(cat, out, home=home, chunk_size=CHUNK, **kw)  # noqa: E731
    _interrupt(run, tmp_path / "r.parquet")
    summary = run(tmp_path / "r.parquet")
    assert summary.resumed_chunks == 1 and summary.chunks == 3
    run(tmp_path / "fresh" / "r.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r.parquet"),
                                  pd.read_parquet(tmp_path / "fresh" / "r.parquet"), check_exact=True)


def test_changed_catalogue_starts_afresh(engine, home, tmp_path):
    """Same file name, same product ids and count, other lines: the old chunk 0 must not be reused."""
    cat = _catalogue(engine, tmp_path / "c.parquet", 1)
    run = lambda out, **kw: screen(cat, out, home=home, chunk_size=CHUNK, **kw)  # noqa: E731
    _interrupt(run, tmp_path / "r.parquet")
    before = pd.read_parquet(tmp_path / "r.parquet.parts" / "chunk-000000.parquet")
    _catalogue(engine, cat, 2)
    got = _finish_and_compare(run, tmp_path / "r.parquet", tmp_path / "fresh" / "r.parquet", 3)
    # the stale chunk held other values for the same products
    assert list(got["product"][:CHUNK]) == list(before["product"])
    assert (got["gwp100.total"][:CHUNK].to_numpy() != before["gwp100.total"].to_numpy()).any()


def test_changed_spec_starts_afresh(engine, home, tmp_path):
    """Same catalogue, another threshold: verdicts of the old spec must not be reused."""
    cat = _catalogue(engine, tmp_path / "c.parquet", 3)
    loose, strict = _spec(tmp_path / "loose", 1e9), _spec(tmp_path / "strict", 0.0)
    _interrupt(lambda out, **kw: screen(cat, out, home=home, chunk_size=CHUNK, spec=loose, **kw),
               tmp_path / "r.parquet")
    run = lambda out, **kw: screen(cat, out, home=home, chunk_size=CHUNK, spec=strict, **kw)  # noqa: E731
    got = _finish_and_compare(run, tmp_path / "r.parquet", tmp_path / "fresh" / "r.parquet", 3)
    # every product emits some CO2-eq, so none meets "<= 0"; a reused loose chunk would pass 20 of them
    assert (got["value.gwp"] > 0).all() and not got["pass.gwp"].any()


def test_changed_indicator_set_starts_afresh(engine, home, tmp_path):
    cat = _catalogue(engine, tmp_path / "c.parquet", 4)
    _interrupt(lambda out, **kw: screen(cat, out, home=home, chunk_size=CHUNK, **kw), tmp_path / "r.parquet")
    run = lambda out, **kw: screen(cat, out, "carbon_footprint", home=home, chunk_size=CHUNK, **kw)  # noqa: E731
    got = _finish_and_compare(run, tmp_path / "r.parquet", tmp_path / "fresh" / "r.parquet", 3)
    assert "gwp100_fossil.total" in got.columns and "acidification.total" not in got.columns


def test_changed_chunk_size_starts_afresh(engine, home, tmp_path):
    """Chunk 0 of 20 products must not stand in for chunk 0 of 25."""
    cat = _catalogue(engine, tmp_path / "c.parquet", 5)
    _interrupt(lambda out, **kw: screen(cat, out, home=home, chunk_size=CHUNK, **kw), tmp_path / "r.parquet")
    run = lambda out, **kw: screen(cat, out, home=home, chunk_size=25, **kw)  # noqa: E731
    got = _finish_and_compare(run, tmp_path / "r.parquet", tmp_path / "fresh" / "r.parquet", 3)
    assert len(got) == N and got["product"].is_unique



def test_changed_background_data_starts_afresh(engine, home, tmp_path, tmp_path_factory, monkeypatch):
    """Same catalogue and options, edited background data (a new data version, the project rebuilt):
    chunks scored on the old data must not be reused."""
    cat = _catalogue(engine, tmp_path / "c.parquet", 7)
    h = copy_of(home, tmp_path_factory, "resume-data")
    run = lambda out, **kw: screen(cat, out, home=h, chunk_size=CHUNK, **kw)  # noqa: E731
    _interrupt(run, tmp_path / "r.parquet")
    old_version = project.read_state(h).data_version
    root = tmp_path / "data"  # a copy of the shipped data with the national grid factor changed
    shutil.copytree(resources.background_dir(), root / "inventories" / "background")
    shutil.copytree(resources.methods_dir(), root / "methods")
    energy = root / "inventories" / "background" / "seed_energy.yaml"
    text = energy.read_text(encoding="utf-8")
    assert "amount: 0.5366" in text
    energy.write_text(text.replace("amount: 0.5366", "amount: 0.6366", 1), encoding="utf-8")
    monkeypatch.setenv("LCA_DATA_DIR", str(root))
    got = _finish_and_compare(run, tmp_path / "r.parquet", tmp_path / "fresh" / "r.parquet", 3)
    assert project.read_state(h).data_version != old_version
    assert len(got) == N

VARIANTS = "product,use_electricity.amount\n" + "".join(f"v{i},{500 + 10 * i}\n" for i in range(6))


@pytest.mark.parametrize("change", ["variations", "template"])
def test_changed_template_or_variations_start_afresh(home, tmp_path, example_copy, change):
    """Design variants: the key covers the template's files and the variations table."""
    folder = example_copy("room_air_conditioner")
    variations = folder / "variants.csv"
    variations.write_text(VARIANTS, encoding="utf-8")
    manifest = folder / "product.yaml"
    run = lambda out, **kw: screen(manifest, out, home=home, chunk_size=2, variations=variations, **kw)  # noqa: E731
    _interrupt(run, tmp_path / "r.parquet")
    if change == "variations":
        variations.write_text(VARIANTS.replace(",5", ",4"), encoding="utf-8")  # 500.. kWh/year -> 400..
    else:
        bom = folder / "bom.csv"
        bom.write_text(bom.read_text(encoding="utf-8").replace(",9.5,kg,", ",7.5,kg,"), encoding="utf-8")
    _finish_and_compare(run, tmp_path / "r.parquet", tmp_path / "fresh" / "r.parquet", 3)


def test_cli_reports_resumed_chunks_only_for_the_same_key(engine, home, runner, tmp_path):
    cat = _catalogue(engine, tmp_path / "c.parquet", 6)
    out = tmp_path / "r.parquet"
    args = ["screen", str(cat), "--out", str(out), "--home", str(home), "--json"]
    _interrupt(lambda o, **kw: screen(cat, o, home=home, chunk_size=CHUNK, **kw), out)
    res = runner.invoke(app, [*args, "--chunk-size", "30"])  # another key: nothing resumed
    assert res.exit_code == 0, res.output
    assert '"resumed_chunks": 0' in res.stdout and '"chunks": 2' in res.stdout
    out.unlink()
    _interrupt(lambda o, **kw: screen(cat, o, home=home, chunk_size=CHUNK, **kw), out)
    res = runner.invoke(app, [*args, "--chunk-size", str(CHUNK)])  # the same key: chunk 0 resumed
    assert res.exit_code == 0, res.output
    assert '"resumed_chunks": 1' in res.stdout and '"chunks": 3' in res.stdout
