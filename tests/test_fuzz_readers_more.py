"""Issue 15 item 5, the remaining readers: spec YAML, XLSX and Parquet catalogues, the variations table, the
flow map, the JSON-LD and EcoSpold 1 importers — each mutated input ends in a result or an InputError
naming the file. And at the command line: a broken import is exit 2 without a traceback, and the
Brightway project is exactly as before.
"""
from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, brightway_of, copy_of, project_snapshot
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ecospold1_real import _dataset
from test_fuzz_readers import (
    CELLS,
    FUZZ,
    THOROUGH,
    _only_input_errors,
    mutate,
    mutation,
)
from test_import_jsonld_v2 import write_v2_zip
from typer.testing import CliRunner

from lca.assess.specs import load_spec
from lca.cli import app
from lca.core import resources
from lca.io import bwformats, flowmap, jsonld
from lca.io.linking import BiosphereLinker
from lca.population import synthetic
from lca.population.catalogue import read_catalogue
from lca.population.variations import variant_lines

SPEC = REPO / "product_specs" / "tcpcif_0086_2021_bulk.yaml"
AC = resources.examples_dir() / "room_air_conditioner"


def _es1(n: int = 5) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold01">'
            + "".join(_dataset(i) for i in range(n)) + "</ecoSpold>").encode()


def _binary(data, raw: bytes) -> bytes:
    """A byte-level mutation (truncation or spliced bytes) of a binary file, at a share of its length (an
    xlsx's length changes with the time it is written, so the draw must not depend on it)."""
    at = int(data.draw(st.floats(0, 1)) * len(raw))
    if data.draw(st.booleans()):
        return raw[:at]
    return raw[:at] + data.draw(st.binary(min_size=1, max_size=12)) + raw[at:]


@FUZZ
@given(data=st.data())
def test_spec_yaml(data):
    raw = SPEC.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / SPEC.name
        path.write_bytes(mutate(raw, data.draw(mutation(len(raw)))))
        _only_input_errors(lambda: load_spec(path), path)


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
@FUZZ
@given(data=st.data())
def test_catalogue_tables(engine, suffix, data):
    """A cell replaced by odd text or numbers (the column then holds text), or the file's bytes broken."""
    df = synthetic.catalogue(engine.m.catalogue, 4, seed=2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"catalogue{suffix}"
        if data.draw(st.booleans()):
            row, col = data.draw(st.integers(0, len(df) - 1)), data.draw(st.sampled_from(list(df.columns)))
            df[col] = df[col].astype(object)
            df.loc[row, col] = data.draw(CELLS)
            df[col] = df[col].astype(str)
            df.to_excel(path, index=False) if suffix == ".xlsx" else df.to_parquet(path)
        else:
            buf = io.BytesIO()
            df.to_excel(buf, index=False) if suffix == ".xlsx" else df.to_parquet(buf)
            path.write_bytes(_binary(data, buf.getvalue()))
        _only_input_errors(lambda: read_catalogue(path, engine.m.catalogue), path)


@FUZZ
@given(data=st.data())
def test_variations_table(engine, data):
    raw = (AC / "design_options.csv").read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "p"
        shutil.copytree(AC, d)
        path = d / "design_options.csv"
        path.write_bytes(mutate(raw, data.draw(mutation(len(raw)))))
        _only_input_errors(lambda: variant_lines(d / "product.yaml", path, engine.m.catalogue), path)


@pytest.fixture(scope="module")
def linker(home) -> BiosphereLinker:
    brightway_of(home)
    return BiosphereLinker.from_project()


@pytest.fixture(scope="module")
def flow_map(home) -> bytes:
    code = next(iter(brightway_of(home).Database("biosphere3"))).get("code")
    return (flowmap.template([]) + f"tracer,air,kilogram,1,{code},0.5,illustrative: test mapping\n").encode()


@FUZZ
@given(data=st.data())
def test_flow_map(linker, flow_map, data):
    raw = flow_map
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.csv"
        path.write_bytes(mutate(raw, data.draw(mutation(len(raw)))))
        _only_input_errors(lambda: flowmap.read(path, linker), path)


def test_unmutated_inputs_read(engine, linker, flow_map, tmp_path):
    """The fuzzed inputs are valid before mutation, so the properties above start from a result."""
    assert load_spec(SPEC).id
    variants = len(pd.read_csv(AC / "design_options.csv"))
    assert variant_lines(AC / "product.yaml", AC / "design_options.csv", engine.m.catalogue).n_products == variants
    path = tmp_path / "map.csv"
    path.write_bytes(flow_map)
    assert len(flowmap.read(path, linker)) == 1
    (tmp_path / "es1.xml").write_bytes(_es1())
    assert len(bwformats.read(tmp_path / "es1.xml", "ecospold1", "fuzz")[0]) == 5


@FUZZ
@given(data=st.data())
def test_ecospold1(home, data):
    raw = _es1()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xml"
        path.write_bytes(_binary(data, raw))
        _only_input_errors(lambda: bwformats.read(path, "ecospold1", "fuzz"), path)


@FUZZ
@given(data=st.data())
def test_jsonld(home, data):
    """One member of an openLCA 2 zip mutated (truncated, bytes spliced in), or the zip's own bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_v2_zip(Path(tmp) / "export.zip")
        if data.draw(st.booleans()):
            with zipfile.ZipFile(path) as zf:
                members = {n: zf.read(n) for n in zf.namelist()}
            name = data.draw(st.sampled_from(sorted(members)))
            members[name] = _binary(data, members[name])
            with zipfile.ZipFile(path, "w") as zf:
                for n, b in members.items():
                    zf.writestr(n, b)
        else:
            path.write_bytes(_binary(data, path.read_bytes()))
        _only_input_errors(lambda: jsonld.read(path, "fuzz"), path)


@pytest.fixture(scope="module")
def cli_home(home, tmp_path_factory) -> Path:
    return copy_of(home, tmp_path_factory, "fuzz-cli")


@pytest.mark.parametrize("fmt,name,raw", [("ecospold1", "export.xml", _es1()),
                                          ("simapro-csv", "small.csv", (REPO / "tests/data/simapro/small.csv").read_bytes())])
@settings(FUZZ, max_examples=30 if THOROUGH else 4)  # a whole import per example
@given(data=st.data())
def test_cli_import_is_exit_2_and_changes_nothing(cli_home, fmt, name, raw, data):
    """`lca import` of a broken file: exit 0 (then the database is removed again), or exit 2 naming the
    file with the project exactly as before — never exit 3 or a traceback."""
    before = project_snapshot(cli_home)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(_binary(data, raw))
        res = CliRunner().invoke(app, ["import", str(path), "--format", fmt, "--name", "fz", "--home", str(cli_home),
                                       "--report", str(Path(tmp) / "r.json")])
        assert res.exit_code in (0, 2), res.output
        assert "Traceback" not in res.output
        if res.exit_code == 2:
            assert name in res.output.replace("\n", "")
            assert project_snapshot(cli_home) == before
        else:
            bd = brightway_of(cli_home)
            for db in ("fz", "fz biosphere"):
                if db in bd.databases:
                    del bd.databases[db]
