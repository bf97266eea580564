"""`lca import` of EcoSpold 2 and SimaPro CSV files: small illustrative fixtures written for these
tests (tests/data/ecospold2, tests/data/simapro; invented numbers, not real inventory).

Each fixture is a three-process chain (product <- material <- electricity) with one input whose
provider is not in the source (a zero-burden cut-off node), emissions linked by UUID (EcoSpold 2)
or by name + compartment + unit, and one invented substance that must stay unlinked. The GWP100
of the top process computed by bw2calc on the imported database must equal the value worked out
here from the fixture's amounts and the IPCC 2021 factors of the Brightway method.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import brightway_of, copy_of, snapshot
from typer.testing import CliRunner

from lca.cli import app

DATA = Path(__file__).resolve().parent / "data"
ES2 = DATA / "ecospold2"
SIMAPRO = DATA / "simapro" / "small.csv"
CUTOFF = None  # an input with no provider in the source: zero burden

URBAN = ("air", "urban air close to ground")
NON_URBAN = ("air", "non-urban air or from high stacks")
AIR = ("air",)
RIVER = ("natural resource", "in water")
TRACER = "Illustrative tracer compound X"

# The fixtures' numbers: process -> (technosphere inputs {provider: amount}, elementary flows
# [(name, biosphere3 categories, amount)]), per unit of reference product.
ES2_CHAIN = {
    "electricity production, illustrative grid mix": ({}, [
        ("Carbon dioxide, fossil", NON_URBAN, 0.62),
        ("Methane, fossil", NON_URBAN, 0.0015),
        (TRACER, AIR, 0.0005)]),
    "steel sheet production": ({"electricity production, illustrative grid mix": 1.2}, [
        ("Carbon dioxide, fossil", NON_URBAN, 1.9),
        ("Dinitrogen monoxide", NON_URBAN, 0.0001),
        ("Water, river", RIVER, 0.003)]),
    "widget assembly": ({"steel sheet production": 0.8, "electricity production, illustrative grid mix": 2.5,
                         CUTOFF: 0.01}, [
        ("Carbon dioxide, fossil", URBAN, 0.05),
        ("Methane, fossil", URBAN, 0.002)]),  # flow UUID not in biosphere3: linked by name
}
SP_CHAIN = {
    "Electricity, illustrative grid": ({}, [
        ("Carbon dioxide, fossil", AIR, 0.62),  # empty sub-compartment
        ("Methane, fossil", AIR, 0.0015),
        (TRACER, AIR, 0.0005)]),
    "Steel sheet, illustrative": ({"Electricity, illustrative grid": 1.2}, [
        ("Carbon dioxide, fossil", NON_URBAN, 1.9),  # SimaPro "low. pop."
        ("Dinitrogen monoxide", NON_URBAN, 0.0001),
        ("Water, river", RIVER, 0.004)]),
    "Bracket, steel, illustrative": ({"Steel sheet, illustrative": 1.1, "Electricity, illustrative grid": 0.9,
                                      CUTOFF: 0.005}, [
        ("Carbon dioxide, fossil", URBAN, 0.03),  # SimaPro "high. pop."
        ("Methane, fossil", URBAN, 0.001)]),
}

# Expected linking report per fixture: distinct elementary flows and exchanges by tier.
CASES = {
    "ecospold2": dict(
        path=ES2, name="es2-widget", top="widget assembly", chain=ES2_CHAIN,
        flows={"user": 0, "map": 0, "uuid": 5, "name": 1, "name-top": 0, "cas": 0, "unlinked": 1},
        exchanges={"user": 0, "map": 0, "uuid": 6, "name": 1, "name-top": 0, "cas": 0, "unlinked": 1}),
    "simapro-csv": dict(
        path=SIMAPRO, name="sp-bracket", top="Bracket, steel, illustrative", chain=SP_CHAIN,
        flows={"user": 0, "map": 0, "uuid": 0, "name": 7, "name-top": 0, "cas": 0, "unlinked": 1},
        exchanges={"user": 0, "map": 0, "uuid": 0, "name": 7, "name-top": 0, "cas": 0, "unlinked": 1}),
}


@pytest.fixture(scope="module")
def fmt_home(home, tmp_path_factory) -> Path:
    """A copy of the session's built project for this module's imports."""
    return copy_of(home, tmp_path_factory, "formats-home")


def _gwp_factors(bd, method) -> dict[tuple, float]:
    """IPCC 2021 GWP100 factors of the Brightway method, by (flow name, categories)."""
    out = {}
    for key, cf in bd.Method(method).load():
        node = bd.get_node(id=key) if isinstance(key, int) else bd.get_node(database=key[0], code=key[1])
        out[(node["name"], tuple(node["categories"]))] = cf
    return out


def _by_hand(chain: dict, process: str, cf: dict) -> float:
    """GWP100 per unit of `process`: its own emissions times the factors, plus its inputs' GWP."""
    inputs, flows = chain[process]
    direct = sum(amount * cf.get((name, cats), 0.0) for name, cats, amount in flows)
    return direct + sum(amount * _by_hand(chain, p, cf) for p, amount in inputs.items() if p is not CUTOFF)


def _import(home: Path, path: Path, fmt: str, name: str):
    return CliRunner().invoke(app, ["import", str(path), "--format", fmt, "--name", name, "--home", str(home)])


@pytest.mark.parametrize("fmt", CASES, ids=list(CASES))
def test_import_links_and_scores(fmt, fmt_home):
    import bw2calc as bc

    from lca.engine.methods import get_set

    case = CASES[fmt]
    result = _import(fmt_home, case["path"], fmt, case["name"])
    assert result.exit_code == 0, result.output
    report = json.loads((fmt_home / "imports" / f"{case['name']}.json").read_text(encoding="utf-8"))
    assert report["processes"] == 3
    assert report["cutoff_nodes"] == 1
    tech = report["technosphere"]
    assert (tech["inputs"], tech["resolved"], tech["cut_off"]) == (4, 3, 1), tech
    assert report["elementary_flows"] == case["flows"]
    assert report["elementary_exchanges"] == case["exchanges"]
    assert [(f["name"], f["unit"], f["exchanges"]) for f in report["unlinked_flows"]] == [(TRACER, "kilogram", 1)]
    assert report["biosphere_database"] == f"{case['name']} biosphere"

    bd = brightway_of(fmt_home)
    acts = {a["name"]: a for a in bd.Database(case["name"])}
    assert len(acts) == 4 and sum(bool(a.get("cutoff")) for a in acts.values()) == 1
    top = acts[case["top"]]
    # Methane, fossil to urban air: by UUID-less name + compartment + unit, to the urban-air flow.
    ch4 = [e.input for e in top.biosphere() if e.input["name"] == "Methane, fossil"]
    assert [(n["database"], tuple(n["categories"])) for n in ch4] == [("biosphere3", URBAN)]
    assert [e.input["database"] for e in acts[next(iter(case["chain"]))].biosphere()
            if e.input["name"] == TRACER] == [f"{case['name']} biosphere"]

    gwp = next(i for i in get_set().indicators if i.id == "gwp100")
    cf = _gwp_factors(bd, gwp.method)
    # IPCC 2021 GWP100 (AR6): CO2 fossil 1, CH4 fossil 29.8, N2O 273; river water none.
    assert {cf[k] for k in (("Carbon dioxide, fossil", URBAN), ("Methane, fossil", NON_URBAN),
                            ("Dinitrogen monoxide", NON_URBAN))} == {1.0, 29.8, 273.0}
    expected = _by_hand(case["chain"], case["top"], cf)
    lca = bc.LCA({top: 1}, method=gwp.method)
    lca.lci()
    lca.lcia()
    # es2 widget: 0.8 × 2.72494 + 2.5 × 0.6647 + 0.05 + 0.002 × 29.8 = 3.951302 kg CO2-eq
    # SimaPro bracket: 1.1 × 2.72494 + 0.9 × 0.6647 + 0.03 + 0.001 × 29.8 = 3.655464 kg CO2-eq
    assert expected == pytest.approx({"ecospold2": 3.951302, "simapro-csv": 3.655464}[fmt], rel=1e-9)
    assert lca.score == pytest.approx(expected, rel=1e-6, abs=0)


def test_import_single_spold_file(fmt_home):
    """One .spold file (not a folder): its input-free electricity dataset alone."""
    f = next(ES2.glob("535b4e19-*.spold"))
    result = _import(fmt_home, f, "ecospold2", "es2-one")
    assert result.exit_code == 0, result.output
    report = json.loads((fmt_home / "imports" / "es2-one.json").read_text(encoding="utf-8"))
    assert (report["processes"], report["cutoff_nodes"]) == (1, 0)
    assert report["elementary_flows"] == {"user": 0, "map": 0, "uuid": 2, "name": 0, "name-top": 0, "cas": 0, "unlinked": 1}


def _spold_without_reference(tmp: Path) -> Path:
    folder = tmp / "spold"
    folder.mkdir()
    src = next(ES2.glob("535b4e19-*.spold"))
    text = src.read_text(encoding="utf-8")
    broken = text.replace('amount="1" intermediateExchangeId', 'amount="0" intermediateExchangeId')
    assert broken != text
    (folder / src.name).write_text(broken, encoding="utf-8")
    return folder


def _spold_in_subfolder(tmp: Path) -> Path:
    shutil.copytree(ES2, tmp / "export" / "datasets")
    return tmp / "export"


def _csv_not_simapro(tmp: Path) -> Path:
    p = tmp / "bom.csv"
    p.write_text("part;material;mass_kg\nbracket;steel;1.1\n", encoding="utf-8")
    return p


BAD = {
    "spold without reference product": (_spold_without_reference, "ecospold2",
                                        "has 0 reference products with a non-zero amount"),
    "spold files one folder down": (_spold_in_subfolder, "ecospold2", "no .spold files directly in this folder"),
    "csv that is not simapro": (_csv_not_simapro, "simapro-csv",
                                "not a SimaPro CSV export: it starts with 'part;material;mass_kg'"),
    "folder given as simapro": (lambda t: ES2, "simapro-csv", "reads one exported .csv file, not a folder"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_format_input_changes_nothing(case, fmt_home, tmp_path):
    make, fmt, words = BAD[case]
    path = make(tmp_path)
    before = snapshot(fmt_home)
    result = _import(fmt_home, path, fmt, "bad-db")
    assert result.exit_code == 2, result.output
    assert words in " ".join(result.output.split()), result.output
    assert snapshot(fmt_home) == before, "the project changed"


def test_format_detected_from_the_file(tmp_path):
    """Without --format, each fixture is recognised by its name and first bytes."""
    from conftest import USLCI

    from lca.core.errors import InputError
    from lca.io.detect import detect_format

    assert detect_format(USLCI) == "jsonld"
    assert detect_format(ES2) == "ecospold2"
    assert detect_format(next(ES2.glob("*.spold"))) == "ecospold2"
    assert detect_format(SIMAPRO) == "simapro-csv"
    es1 = tmp_path / "one.xml"
    es1.write_text('<?xml version="1.0"?>\n<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold01"/>', encoding="utf-8")
    assert detect_format(es1) == "ecospold1"
    (tmp_path / "book.xlsx").write_bytes(b"")
    assert detect_format(tmp_path / "book.xlsx") == "excel"
    bom = tmp_path / "bom.csv"
    bom.write_text("component,link,amount,unit\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the format"):
        detect_format(bom)
    empty_zip = tmp_path / "empty.zip"
    import zipfile

    with zipfile.ZipFile(empty_zip, "w") as zf:
        zf.writestr("readme.txt", "nothing")
    with pytest.raises(InputError, match="no openLCA JSON-LD export"):
        detect_format(empty_zip)


def test_import_without_format_flag(fmt_home):
    result = CliRunner().invoke(app, ["import", str(SIMAPRO), "--name", "sp-detected", "--home", str(fmt_home)])
    assert result.exit_code == 0, result.output
    assert "(simapro-csv)" in result.output
