"""lca spec import / export / template: thresholds as standards print them, round trips, bad input."""
from __future__ import annotations

import openpyxl
import pytest
import yaml

from lca.assess.specs import find, load_spec
from lca.assess.thresholds import parse
from lca.cli import app
from lca.engine.methods import registry


@pytest.mark.parametrize("text, kind, op, value, upper, unit, grade", [
    ("≥ 95", "bound", ">=", 95, None, None, None),
    ("≤140 kgce/t", "bound", "<=", 140, None, "kgce/t", None),
    ("不低于 98%", "bound", ">=", 98, None, "%", None),
    ("不高于 2,5", "bound", "<=", 2.5, None, None, None),
    ("低于 3", "bound", "<", 3, None, None, None),
    ("６～８", "range", None, 6, 8, None, None),
    ("95%～100%", "range", None, 95, 100, "%", None),
    ("不低于 2 级", "grade", None, None, None, None, "2"),
    ("符合 GB 21455 中 1 级", "grade", None, None, None, None, "1"),
    ("—", "none", None, None, None, None, None),
    ("符合 GB/T 24001 要求", "evidence", None, None, None, None, None),
])
def test_thresholds_as_printed(text, kind, op, value, upper, unit, grade):
    t = parse(text)
    assert (t.kind, t.operator, t.value, t.upper, t.unit, t.grade) == (kind, op, value, upper, unit, grade)
    if "GB 21455" in text:
        assert t.standard == "GB 21455"


def test_unreadable_threshold():
    with pytest.raises(ValueError, match="cannot read the threshold 'about 12'"):
        parse("about 12")


TABLE = """类型,编号,一级指标,二级指标,单位,基准值,判定依据,所属阶段,条款
基本要求,emissions,,,,污染物排放应符合国家和地方排放标准,提供监测报告,,4.1.1
评价指标要求,energy,能源属性,energy_kgce_per_mass,kgce/t,≤ 140,依据附录A计算,产品生产,表1
评价指标要求,util,资源属性,原材料利用率,,≥ 98%,提供计算报告,,表1
评价指标要求,ph,产品属性,pH值,,6～8,检测报告,,表1
评价指标要求,apf,能源属性,全年能源消耗效率,,符合 GB 21455 中 2 级,检测报告,,表1
评价指标要求,vol,产品属性,voc_content_per_volume,g/L,—,,,表1
"""


def test_import_maps_every_row(runner, tmp_path):
    (tmp_path / "t.csv").write_text(TABLE, encoding="utf-8")
    res = runner.invoke(app, ["spec", "import", str(tmp_path / "t.csv"), "--out", str(tmp_path / "s.yaml"),
                              "--id", "demo", "--standard", "T/X 1-2020", "--year", "2020"])
    assert res.exit_code == 0, res.output
    s = load_spec(tmp_path / "s.yaml")
    reqs = {r.id: r for r in s.indicator_requirements}
    # ≤ 140 kgce/t in production on the computed energy indicator
    assert (reqs["energy"].indicator, reqs["energy"].stage, reqs["energy"].operator, reqs["energy"].threshold,
            reqs["energy"].unit) == ("energy_kgce_per_mass", "production", "<=", 140, "kgce/t")
    # the Chinese name 原材料利用率 is the registry's raw_material_utilisation; the % came from the cell
    assert (reqs["util"].indicator, reqs["util"].threshold, reqs["util"].unit) == ("raw_material_utilisation", 98, "%")
    # an unknown name with a test report as basis becomes a declared value; the range two bounds
    assert [d.id for d in s.declared_indicators] == ["ph"]
    assert [(reqs[i].operator, reqs[i].threshold) for i in ("ph.min", "ph.max")] == [(">=", 6), ("<=", 8)]
    # a grade of a standard no shipped grade table holds is an evidence requirement; '—' is no requirement
    assert {b.id for b in s.basic_requirements} == {"emissions", "apf"}
    assert "vol" not in reqs and any("'—'" in n for n in s.notes)
    assert not s.complete and "partial" in res.output


def test_import_export_import_is_identical(runner, tmp_path):
    (tmp_path / "t.csv").write_text(TABLE, encoding="utf-8")
    first, table, second = tmp_path / "a.yaml", tmp_path / "a.xlsx", tmp_path / "b.yaml"
    for args in (["import", str(tmp_path / "t.csv"), "--out", str(first), "--id", "demo", "--year", "2020"],
                 ["export", str(first), "--out", str(table)], ["import", str(table), "--out", str(second)]):
        res = runner.invoke(app, ["spec", *args])
        assert res.exit_code == 0, res.output
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_shipped_complete_spec_survives_export_and_import(runner, tmp_path):
    res = runner.invoke(app, ["spec", "export", "eu_206_2012_reversible_ac", "--out", str(tmp_path / "eu.xlsx")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["spec", "import", str(tmp_path / "eu.xlsx"), "--out", str(tmp_path / "eu.yaml")])
    assert res.exit_code == 0, res.output
    assert load_spec(tmp_path / "eu.yaml").model_dump() == find("eu_206_2012_reversible_ac")[1].model_dump()


def test_unknown_indicator_names_row_column_and_closest(runner, tmp_path):
    (tmp_path / "t.csv").write_text("类型,二级指标,单位,基准值,所属阶段\n评价指标要求,product_mas,kg,≤ 5,\n",
                                    encoding="utf-8")
    res = runner.invoke(app, ["spec", "import", str(tmp_path / "t.csv"), "--out", str(tmp_path / "s.yaml"),
                              "--id", "d", "--year", "2020"])
    assert res.exit_code == 2
    msg = " ".join(res.output.split())
    assert "row 2" in msg and "二级指标 / indicator" in msg and "unknown indicator 'product_mas'" in msg
    assert "closest known: product_mass" in msg
    assert not (tmp_path / "s.yaml").exists()


def test_unit_that_does_not_convert_is_an_input_error(runner, tmp_path):
    (tmp_path / "t.csv").write_text("类型,二级指标,单位,基准值\n评价指标要求,product_mass,kWh,≤ 5\n", encoding="utf-8")
    res = runner.invoke(app, ["spec", "import", str(tmp_path / "t.csv"), "--out", str(tmp_path / "s.yaml"),
                              "--id", "d", "--year", "2020"])
    assert res.exit_code == 2 and "单位 / unit" in res.output and "row 2" in res.output


def test_template_has_drop_down_lists(runner, tmp_path):
    out = tmp_path / "tpl.xlsx"
    res = runner.invoke(app, ["spec", "template", "room_air_conditioner", "--out", str(out)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    ws = next(w for w in wb.worksheets if "评价指标要求" in w.title)
    assert [c.value for c in ws[1]][:3] == ["编号 / id", "一级指标 / group", "二级指标 / indicator"]
    lists = wb["lists"]
    assert lists.sheet_state == "hidden"
    cols = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    values = {k: [c.value for c in lists[f[f.index("$") + 1]] if c.value] for k, f in cols.items()}
    assert values["B"] == ["资源属性 / resource", "能源属性 / energy", "环境属性 / environment", "产品属性 / product"]
    assert values["C"] == sorted(registry())
    assert values["G"][-1] == "全生命周期 / total" and len(values["G"]) == 6
    meta = next(w for w in wb.worksheets if "规范信息" in w.title)
    assert ["category", "room_air_conditioner"] in [[c.value for c in r] for r in meta.iter_rows()]


def test_shipped_illustrative_table_imports(runner, tmp_path):
    from lca.core import resources

    table = resources.specs_dir() / "templates" / "illustrative_adhesive_table.csv"
    res = runner.invoke(app, ["spec", "import", str(table), "--out", str(tmp_path / "s.yaml"), "--id", "demo",
                              "--standard", "ILLUSTRATIVE", "--year", "2021"])
    assert res.exit_code == 0, res.output
    s = yaml.safe_load((tmp_path / "s.yaml").read_text(encoding="utf-8"))
    assert [r["threshold"] for r in s["indicator_requirements"]] == [140.0, 98.0, 20.0]


def test_inspection_tolerances_survive_export_and_import(runner, tmp_path):
    """The spec's inspection tolerance (in the 规范信息 sheet) and a requirement's own (a column of the requirement
    table) come back from `lca spec export` → `lca spec import` as they were; the others stay unset."""
    doc = yaml.safe_load(find("eu_206_2012_reversible_ac")[0].read_text(encoding="utf-8"))
    doc["inspection_tolerance_pct"] = 10.0
    doc["indicator_requirements"][0]["inspection_tolerance_pct"] = 5.0
    doc["indicator_requirements"][1]["inspection_tolerance_pct"] = 0.0  # 0 is a tolerance, not a blank
    (tmp_path / "tol.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    for args in (["export", str(tmp_path / "tol.yaml"), "--out", str(tmp_path / "tol.xlsx")],
                 ["import", str(tmp_path / "tol.xlsx"), "--out", str(tmp_path / "back.yaml")]):
        res = runner.invoke(app, ["spec", *args])
        assert res.exit_code == 0, res.output
    back, original = load_spec(tmp_path / "back.yaml"), load_spec(tmp_path / "tol.yaml")
    assert back.model_dump() == original.model_dump()
    reqs = back.indicator_requirements
    assert (back.inspection_tolerance_pct, reqs[0].inspection_tolerance_pct, reqs[1].inspection_tolerance_pct,
            reqs[2].inspection_tolerance_pct) == (10.0, 5.0, 0.0, None)


@pytest.mark.parametrize("cell, words", [("five", "is not a number"), ("-1", "is negative")])
def test_bad_inspection_tolerance_names_row_and_column(runner, tmp_path, cell, words):
    (tmp_path / "t.csv").write_text("类型,二级指标,单位,基准值,所属阶段,检验容差（%）\n"
                                    f"评价指标要求,product_mass,kg,≤ 5,,{cell}\n", encoding="utf-8")
    res = runner.invoke(app, ["spec", "import", str(tmp_path / "t.csv"), "--out", str(tmp_path / "s.yaml"),
                              "--id", "x", "--year", "2020"])
    text = " ".join(res.output.split())
    assert res.exit_code == 2 and "row 2" in text and "inspection tolerance" in text and words in text, text
    assert not (tmp_path / "s.yaml").exists()
