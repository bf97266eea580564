"""Reading a variations table: each cell's ratio to the template worked out by hand, and each bad cell named."""
from __future__ import annotations

import pytest
from specs_helpers import write_product
from test_variations import BOM  # the same template BOM

from lca.core.errors import InputError
from lca.inventory.product import load_product
from lca.population.variations import read_variations

# 'spare' has a template amount of 0 (cannot be scaled); 'leak' a template amount below 1
PROCS = """id,stage,link,flow,compartment,amount,unit,share,applies_to
spare,production,electricity_grid_cn,,,0,kWh,,
power,use,electricity_grid_cn,,,40,kWh/year,,
leak,use,,"Methane, fossil",air,0.01,kg,,
plastics_landfill,end_of_life,landfill_plastics_desnz,,,,,0.4,body
"""


@pytest.fixture
def read(engine, tmp_path):
    template = load_product(write_product(tmp_path / "template", BOM, PROCS))

    def run(csv: str):
        path = tmp_path / "variants.csv"
        path.write_text(csv, encoding="utf-8")
        return path, read_variations(path, template, engine.m.catalogue)
    return run


def test_ratios_by_hand(read):
    # 'spare' first: a template value of 0 is skipped without skipping the columns after it
    _, (ids, cats, ratios, links) = read(
        "product,category,spare.amount,frame.amount,leak.amount,plastics_landfill.share,lifetime,power.amount\n"
        "a,x,0,6,0.02,20%,,\n"
        "b,y,,1.5,0,100%,5,\n"
        "c,,,,,1,,\n"
        "d,,,,,0,,\n")
    assert list(ids) == ["a", "b", "c", "d"] and list(cats) == ["x", "y", "", ""]
    assert "spare.amount" not in ratios
    assert list(ratios["frame.amount"]) == [6 / 3, 1.5 / 3, 1.0, 1.0]          # template 3 kg
    assert list(ratios["leak.amount"]) == pytest.approx([0.02 / 0.01, 0.0, 1.0, 1.0])  # 0 is allowed
    assert list(ratios["plastics_landfill.share"]) == pytest.approx([0.2 / 0.4, 1 / 0.4, 1 / 0.4, 0.0])
    assert list(ratios["lifetime"]) == [1.0, 5 / 2, 1.0, 1.0]                   # template 2 years
    assert list(ratios["power.amount"]) == [1.0] * 4                            # blank column: template value
    assert list(links.columns) == []  # no link column given


def test_supplier_cells_become_supplier_links(read):
    _, (_, _, _, links) = read("product,frame.supplier,shell.link\na,acme,\nb,acme/f-9,pet_primary_desnz\nc,,\n")
    # frame's template link is a plain process, so a bare supplier takes the component id as its part
    assert list(links["frame.supplier"]) == ["supplier:acme/frame", "supplier:acme/f-9", "hdpe_primary_desnz"]
    assert list(links["shell.link"]) == ["polypropylene_primary_desnz", "pet_primary_desnz",
                                         "polypropylene_primary_desnz"]


PARAMETERS = ("body.amount, carton.amount, frame.amount, leak.amount, lifetime, plastics_landfill.share, "
              "power.amount, shell.amount, spare.amount, carton.link, carton.supplier, frame.link, frame.supplier, "
              "plastics_landfill.link, power.link, shell.link, shell.supplier, spare.link")


@pytest.mark.parametrize("csv, row, column, message, hint", [
    ("frame.amount\n1\n", 1, None, "missing column 'product' (the variant id)", None),
    ("product,frame.amount\n", None, None, "the variations table has no rows", None),
    ("product,colour\na,red\n", 1, "colour", "unknown column 'colour': not a parameter of the template",
     f"the template's parameters: {PARAMETERS}"),
    ("product,spare.amount\na,\nb,2\n", 3, "spare.amount", "the template's spare.amount is 0, so it cannot be scaled",
     "give the template row a non-zero value"),
    ("product,spare.amount\na,-1\n", 2, "spare.amount", "negative spare.amount is not allowed", None),
    ("product,leak.amount\na,0.01\nb,-0.01\n", 3, "leak.amount", "negative leak.amount is not allowed", None),
    ("product,plastics_landfill.share\na,1\nb,1.2\n", 3, "plastics_landfill.share",
     "a share must lie between 0 and 1", None),
    ("product,plastics_landfill.share\na,-1%\n", 2, "plastics_landfill.share", "a share must lie between 0 and 1",
     None),
    ("product,frame.amount\na,3\nb,three\n", 3, "frame.amount", "'frame.amount' is not a finite number", None),
    ("product,frame.amount\na,\n,3\n", 3, "product", "variant id is missing", None),
    ("product,frame.amount\na,1\na,2\n", 3, "product", "variant id used twice", "give each variant its own id"),
    ("product,frame.link\na,no_such_process\n", 2, "frame.link", "unknown process 'no_such_process'",
     "run `lca processes` for the list"),
])
def test_bad_cell_is_named(read, csv, row, column, message, hint):
    with pytest.raises(InputError) as exc:
        read(csv)
    e = exc.value
    assert (e.message, e.row, e.column, e.hint) == (message, row, column, hint)
    assert e.file is not None and e.file.endswith("variants.csv")


@pytest.fixture
def template(tmp_path):
    return load_product(write_product(tmp_path / "template", BOM, PROCS))


def test_other_table_formats_read_as_text(engine, template, tmp_path):
    import pandas as pd

    # Parquet: a missing number (NaN) and a missing text (None) are blank cells; XLSX: '007' stays an id
    pq_path = tmp_path / "v.parquet"
    pd.DataFrame({"product": ["a", "b"], "frame.amount": [6.0, float("nan")],
                  "lifetime": ["4", None]}).to_parquet(pq_path)
    ids, _, ratios, _ = read_variations(pq_path, template, engine.m.catalogue)
    assert list(ids) == ["a", "b"]
    assert list(ratios["frame.amount"]) == [2.0, 1.0] and list(ratios["lifetime"]) == [2.0, 1.0]
    xlsx = tmp_path / "v.xlsx"
    pd.DataFrame({"product": ["007", "008"], "frame.amount": ["1.5", ""]}).to_excel(xlsx, index=False)
    ids, _, ratios, _ = read_variations(xlsx, template, engine.m.catalogue)
    assert list(ids) == ["007", "008"] and list(ratios["frame.amount"]) == [0.5, 1.0]
    (tmp_path / "v.ods").write_bytes(b"")
    with pytest.raises(InputError, match="unsupported variations type '.ods'"):
        read_variations(tmp_path / "v.ods", template, engine.m.catalogue)
    with pytest.raises(InputError, match="variations file not found"):
        read_variations(tmp_path / "none.csv", template, engine.m.catalogue)


def test_a_nan_cell_in_a_csv_is_not_a_blank(read):
    with pytest.raises(InputError) as exc:
        read("product,frame.amount\na,nan\n")
    assert (exc.value.message, exc.value.row) == ("'frame.amount' is not a finite number", 2)


def test_a_link_combination_that_cannot_resolve_names_its_links_and_row(engine, tmp_path):
    from lca.population.variations import variant_lines

    template = write_product(tmp_path / "template", BOM, PROCS)
    table = tmp_path / "variants.csv"
    # frame (kg) linked to electricity (kWh) cannot resolve; the first variant with that link is row 3
    table.write_text("product,frame.link,power.link\na,,\nb,electricity_grid_cn,electricity_grid_cn_east\n",
                     encoding="utf-8")
    with pytest.raises(InputError) as exc:
        variant_lines(template, table, engine.m.catalogue)
    e = exc.value
    assert e.message.startswith("with frame.link = electricity_grid_cn, power.link = electricity_grid_cn_east: ")
    assert (e.row, e.column, e.file) == (3, "frame.link", str(table))
    assert e.hint is not None and e.hint in str(e)
