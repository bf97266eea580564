"""Bad input: one clear message naming file, row and column; exit code 2; nothing written."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import snapshot

from lca.cli import app


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


CASES = {
    # name: (edit function, expected file, row, column, words in the message)
    "unknown unit": (lambda d: _edit(d / "bom.csv", "7.5,g,", "7.5,gramz,"), "bom.csv", 3, "unit",
                     "unknown unit 'gramz'"),
    "wrong dimension": (lambda d: _edit(d / "processes.csv", "0.11,kWh", "0.11,kg"), "processes.csv", 2,
                        "unit", "does not fit the linked unit 'kWh'"),
    "negative mass": (lambda d: _edit(d / "bom.csv", "7.5,g,", "-7.5,g,"), "bom.csv", 3, "amount",
                      "negative amount"),
    "unknown process link": (lambda d: _edit(d / "bom.csv", "cap,polypropylene_primary_desnz",
                                             "cap,polypropylen_primary_desnz"), "bom.csv", 3, "link",
                             "unknown process 'polypropylen_primary_desnz'"),
    "duplicate component": (lambda d: _edit(d / "bom.csv", "cap,", "bottle_body,"), "bom.csv", 3,
                            "component", "duplicate component id 'bottle_body'"),
    "missing column": (lambda d: _edit(d / "bom.csv", "component,link,amount,unit,",
                                       "component,link,amount,unitt,"), "bom.csv", 1, None,
                       "missing column 'unit'"),
    "empty bom": (lambda d: (d / "bom.csv").write_text("component,link,amount,unit,stage\n", encoding="utf-8"),
                  "bom.csv", 2, None, "no component rows"),
    "gbk csv": (lambda d: (d / "bom.csv").write_bytes(
        (d / "bom.csv").read_text(encoding="utf-8").replace("blow-moulded body", "吹塑瓶身").encode("gbk")),
        "bom.csv", 2, None, "not UTF-8"),
    "references itself": (lambda d: _edit(d / "bom.csv", "cap,polypropylene_primary_desnz", "cap,cap"),
                          "bom.csv", 3, "link", "references itself"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_reported_and_changes_nothing(case, home, runner, example_copy, tmp_path):
    folder = example_copy("detergent_bottle")
    edit, fname, row, column, words = CASES[case]
    edit(folder)
    out_file = tmp_path / "results.csv"
    before = snapshot(home)
    result = runner.invoke(app, ["evaluate", str(folder / "product.yaml"), "--home", str(home),
                                 "--out", str(out_file)])
    assert result.exit_code == 2, result.output
    message = result.stderr if hasattr(result, "stderr") else result.output
    lines = [ln for ln in message.strip().splitlines() if ln.strip()]
    text = " ".join(lines)
    assert fname in text and f"row {row}" in text and words in text, text
    if column:
        assert f"column '{column}'" in text, text
    assert snapshot(home) == before, "the Brightway project or state changed"
    assert not out_file.exists(), "a partial output file was written"


def test_parent_cycle_is_named(home, runner, example_copy):
    folder = example_copy("room_air_conditioner")
    _edit(folder / "bom.csv", "outdoor_unit,,,1,piece", "outdoor_unit,indoor_unit,,1,piece")
    _edit(folder / "bom.csv", "indoor_unit,,,1,piece", "indoor_unit,outdoor_unit,,1,piece")
    result = runner.invoke(app, ["evaluate", str(folder / "product.yaml"), "--home", str(home)])
    assert result.exit_code == 2
    assert "parent cycle" in result.output and "outdoor_unit -> indoor_unit" in result.output.replace("\n", "")


def test_declared_gbk_encoding_is_read(home, runner, example_copy):
    folder = example_copy("detergent_bottle")
    text = (folder / "bom.csv").read_text(encoding="utf-8").replace("blow-moulded body", "吹塑瓶身")
    (folder / "bom.csv").write_bytes(text.encode("gbk"))
    (folder / "processes.csv").write_bytes((folder / "processes.csv").read_bytes())
    _edit(folder / "product.yaml", "bom: bom.csv", "bom: bom.csv\nencoding: gbk")
    result = runner.invoke(app, ["evaluate", str(folder / "product.yaml"), "--home", str(home), "--json"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("example,old,new,words", [
    ("detergent_bottle", ",0.7,polypropylene_primary_desnz", ",0.8,polypropylene_primary_desnz",
     ["add up to 1.1", "row 5", "column 'share'"]),
    ("room_air_conditioner", '"Methane, difluoro-, HFC-32",air,', '"Methane, difluoro-, HFC-32",,',
     ["ambiguous", "row 6", "column 'compartment'"]),
    ("room_air_conditioner", "620,kWh/year", "620,kg/year", ["does not fit the linked unit 'kWh'", "row 5"]),
], ids=["eol shares above one", "ambiguous flow", "per-year unit of the wrong kind"])
def test_process_row_errors(home, runner, example_copy, example, old, new, words):
    folder = example_copy(example)
    _edit(folder / "processes.csv", old, new)
    result = runner.invoke(app, ["evaluate", str(folder / "product.yaml"), "--home", str(home)])
    assert result.exit_code == 2
    assert all(w in result.output for w in words), result.output
