"""A report on a product linking an imported database (`DB:code`): the report builds on the joined system, its
GWP100 equals the figure worked out by hand from the imported fixture, and the imported processes are listed
among its sources (tests/data/simapro/small.csv: a three-process illustrative chain, invented numbers)."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_of
from lxml import html as lhtml
from typer.testing import CliRunner

from lca.cli import app
from lca.report import model

SIMAPRO = Path(__file__).resolve().parent / "data" / "simapro" / "small.csv"
DB = "sp-report"
# GWP100 of 1 kg of 'Bracket, steel, illustrative', IPCC 2021 factors (test_import_formats works it out):
# 1.1 × 2.72494 (steel sheet) + 0.9 × 0.6647 (electricity) + 0.03 (CO2) + 0.001 × 29.8 (CH4) = 3.655464
BRACKET_GWP = 1.1 * 2.72494 + 0.9 * 0.6647 + 0.03 + 0.001 * 29.8


@pytest.fixture(scope="module")
def linked_product(home, tmp_path_factory) -> tuple[Path, Path, str]:
    """A private project with the SimaPro fixture imported, and a product with 2 kg of brackets from it."""
    h = copy_of(home, tmp_path_factory, "report-linked-home")
    res = CliRunner().invoke(app, ["import", str(SIMAPRO), "--format", "simapro-csv", "--name", DB, "--home", str(h)])
    assert res.exit_code == 0, res.output
    from lca import api

    codes = [p["code"] for p in api.engine(h, databases=(DB,)).m.meta["processes"]
             if p["code"].startswith(f"{DB}:") and p["name"].startswith("Bracket")]
    assert len(codes) == 1, codes
    folder = tmp_path_factory.mktemp("linked-product")
    (folder / "product.yaml").write_text(
        "id: report_linked\nname: product linking an imported database (synthetic)\ncategory: test\n"
        "functional_unit: one unit\nreference_flow: {amount: 1, unit: piece}\n"
        "lifetime: {amount: 1, unit: year}\nbom: bom.csv\n", encoding="utf-8")
    (folder / "bom.csv").write_text(f"component,link,amount,unit,stage\nbracket,{codes[0]},2,kg,raw_materials\n",
                                    encoding="utf-8")
    return h, folder / "product.yaml", codes[0]


def test_report_on_a_product_linking_an_imported_database(linked_product, tmp_path):
    h, manifest, code = linked_product
    r = model.build(manifest, home=h)
    gwp = next(x for x in r.results if x.id == "gwp100")
    assert gwp.total == pytest.approx(2 * BRACKET_GWP, rel=1e-6)
    assert gwp.stages[0] == pytest.approx(2 * BRACKET_GWP, rel=1e-6)  # all in raw materials
    used = {s.code: s.supply for s in r.sources}
    assert used[code] == pytest.approx(2.0)
    assert {c.split(":", 1)[0] for c in used} == {DB}  # the imported chain only, nothing shipped
    # per 2 kg of brackets: steel 2 × 1.1, electricity 2 × 0.9 + 2.2 × 1.2, the cut-off input 2 × 0.005
    assert sorted(used.values()) == pytest.approx(sorted([2.0, 2 * 1.1, 2 * 0.9 + 2 * 1.1 * 1.2, 2 * 0.005]), rel=1e-6)
    out = tmp_path / "report.html"
    res = CliRunner().invoke(app, ["report", str(manifest), "--out", str(out), "--lang", "en", "--home", str(h)])
    assert res.exit_code == 0, res.output
    cell = lhtml.fromstring(out.read_bytes()).xpath('//tr[@data-indicator="gwp100"]/td[@data-stage="total"]')[0]
    assert float(cell.get("data-value")) == pytest.approx(2 * BRACKET_GWP, rel=1e-6)
