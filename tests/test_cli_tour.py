"""The README's tour through the CLI, part 1: set-up, the listings and one product (evaluate, export,
report). Every command and option runs once through `lca.cli.app`; its output is checked against
figures read from the shipped YAML/CSV files, a hand computation, or plain bw2calc on the same demand.
Part 2 (screen, calibrate, report-catalogue, import) is tests/test_cli_tour_population.py.
"""
from __future__ import annotations

import json
import re
import tomllib
from functools import cache
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr
import yaml
from conftest import REPO, brightway_of, copy_of
from lxml import html as lhtml

from lca.cli import app
from lca.engine import project

EXAMPLES = REPO / "inventories" / "examples"
HOT_MELT = EXAMPLES / "hot_melt_adhesive"
RAC = EXAMPLES / "room_air_conditioner"
STAGES = ["raw_materials", "production", "distribution", "use", "end_of_life"]
SIMAPRO = REPO / "tests" / "data" / "simapro" / "small.csv"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def background() -> dict[str, dict]:
    """Every shipped background process by code, as written in inventories/background/*.yaml."""
    return {p["code"]: p for f in sorted((REPO / "inventories" / "background").glob("*.yaml"))
            for p in _yaml(f)["processes"]}


def carbon_footprint() -> list[dict]:
    """The indicators of methods/carbon_footprint.yaml, in file order."""
    return _yaml(REPO / "methods" / "carbon_footprint.yaml")["indicators"]


def rows(output: str) -> list[list[str]]:
    """Body lines of the rich tables in `output`, split into cells (wrapped lines have empty cells)."""
    return [[c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines() if line.startswith("│")]


def invoke(runner, *args: str, code: int = 0):
    res = runner.invoke(app, [str(a) for a in args])
    assert res.exit_code == code, res.output
    return res


def hot_melt_demand() -> dict[str, dict[str, float]]:
    """Background demand per stage of the hot-melt example, worked out from its bom.csv and processes.csv.

    Every BOM row is in kg of its process's unit and has no recycled content; the truck row is km ×
    the shipped mass in t (all BOM rows); end-of-life shares apply to the mass of the named component.
    """
    bom = pd.read_csv(HOT_MELT / "bom.csv")
    procs = pd.read_csv(HOT_MELT / "processes.csv")
    assert set(bom["unit"]) == {"kg"} and not bom["recycled_content"].fillna(0).any()
    demand: dict[str, dict[str, float]] = {}

    def add(stage: str, code: str, amount: float) -> None:
        demand.setdefault(stage, {})[code] = demand.get(stage, {}).get(code, 0.0) + amount

    for r in bom.itertuples():
        add(r.stage, r.link, r.amount)
    shipped_t = bom["amount"].sum() / 1000  # 1000 kg adhesive + 18 kg cartons
    mass = dict(zip(bom["component"], bom["amount"]))
    for r in procs.itertuples():
        if pd.notna(r.share):
            add(r.stage, r.link, r.share * mass[r.applies_to])
        elif r.unit == "km":
            assert background()[r.link]["unit"] == "t*km"
            add(r.stage, r.link, r.amount * shipped_t)
        else:
            assert background()[r.link]["unit"] == r.unit
            add(r.stage, r.link, r.amount)
    return demand


@pytest.fixture(scope="module")
def bw2calc_scores(home) -> dict[str, dict[str, float]]:
    """Plain bw2calc per stage of the hot-melt demand, for each carbon_footprint indicator: {id: {stage: score}}."""
    import bw2calc as bc

    bd = brightway_of(home)
    nodes = {a["code"]: a for a in bd.Database(project.BACKGROUND_DB)}
    out: dict[str, dict[str, float]] = {i["id"]: {s: 0.0 for s in STAGES} for i in carbon_footprint()}
    for stage, demand in hot_melt_demand().items():
        lca = bc.LCA({nodes[c]: a for c, a in demand.items()}, method=tuple(carbon_footprint()[0]["method"]))
        lca.lci()
        for ind in carbon_footprint():
            lca.switch_method(tuple(ind["method"]))
            lca.lcia()
            out[ind["id"]][stage] = lca.score
    assert out["gwp100"]["raw_materials"] > 1000  # 1 t of polypropylene: something was computed
    return out


def test_version_is_the_packaged_version(runner):
    want = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert invoke(runner, "--version").output.strip() == f"lca-ecodesign {want}"


def test_setup_force_rebuilds_and_keeps_imported_databases(home, tmp_path_factory, runner):
    """`setup` on a current home does nothing; `--force` rebuilds every shipped process and keeps an
    import (a forced rebuild used to delete the current project before building a new one)."""
    h = copy_of(home, tmp_path_factory, "tour-setup")
    assert "already current" in invoke(runner, "setup", "--home", h).output
    invoke(runner, "import", SIMAPRO, "--format", "simapro-csv", "--name", "kept", "--home", h)
    before = project.read_state(h)
    res = invoke(runner, "setup", "--home", h, "--force")
    after = project.read_state(h)
    assert f"project {after.project} built in" in res.output
    assert f"data version {before.data_version[:12]}" in res.output
    assert after.data_version == before.data_version and (h / after.cache).is_file()
    bd = brightway_of(h)
    assert len(bd.Database(project.BACKGROUND_DB)) == len(background()) == 395  # README: 395 processes
    listed = invoke(runner, "processes", "--database", "kept", "--home", h).output
    assert "kept processes (3)" in listed  # tests/data/simapro/small.csv: three processes
    assert sorted((h / "cache").glob("*.npz")) == [h / after.cache]  # no cache of a replaced build left behind


def test_datasheet_names_every_process_with_its_source_and_amounts(runner, tmp_path):
    text = invoke(runner, "datasheet").stdout
    sections = dict(re.findall(r"### `([^`]+)`\n(.*?)(?=\n### |\n## |\Z)", text, flags=re.S))
    assert set(sections) == set(background())
    for code, p in background().items():
        prov = p["provenance"]
        assert f"**Source:** {' '.join(str(prov['publisher']).split())}" in " ".join(sections[code].split()), code
        for e in p["exchanges"]:
            assert f"| {float(e['amount']):.6g} | {e['unit']} |" in sections[code], (code, e)
    gasoline = sections["gasoline_combustion"]  # inventories/background/fuels.yaml: CO2 3.06999 kg per kg
    assert "| Carbon dioxide, fossil (air) | 3.06999 | kg |" in gasoline
    out = tmp_path / "sheet.md"
    assert f"data sheet written to {out}" in " ".join(invoke(runner, "datasheet", "--out", out).output.split())
    assert out.read_text(encoding="utf-8") == text


def test_processes_lists_every_background_code_with_its_unit(home, runner):
    out = invoke(runner, "processes", "--home", home).output
    assert f"background processes ({len(background())})" in out
    listed = {r[0]: r[2] for r in rows(out) if r[0]}
    assert listed == {code: p["unit"] for code, p in background().items()}


def test_methods_set_lists_exactly_the_yaml_indicators(runner):
    out = invoke(runner, "methods", "--set", "carbon_footprint").output
    assert [r[0] for r in rows(out) if r[0]] == [i["id"] for i in carbon_footprint()]
    assert {r[3] for r in rows(out) if r[0]} == {i["unit"] for i in carbon_footprint()}
    assert "gbt32161_default" not in out


def test_specs_lists_every_shipped_spec_with_its_requirement_counts(runner):
    groups: list[tuple[str, list[str]]] = []
    for r in rows(invoke(runner, "specs").output):  # long ids fold over lines; a row starts with its counts
        if r[3]:
            groups.append((r[0], r))
        else:
            groups[-1] = (groups[-1][0] + r[0], groups[-1][1])
    listed = dict(groups)
    files = sorted((REPO / "product_specs").glob("*.yaml"))
    assert len(listed) == len(files)
    for f in files:
        s = _yaml(f)
        row = listed[s["id"]]
        assert row[3] == f"{len(s.get('basic_requirements') or [])} / {len(s.get('indicator_requirements') or [])}"
        assert row[4] == ("yes" if s["complete"] else "partial")


def test_evaluate_json_equals_bw2calc(home, runner, bw2calc_scores):
    doc = json.loads(invoke(runner, "evaluate", HOT_MELT / "product.yaml", "--json", "--home", home).stdout)
    (p,) = doc["products"]
    assert p["mass_kg"] == 1018.0  # 1000 kg adhesive + 18 kg cartons (bom.csv)
    gwp = p["indicators"]["gwp100"]
    for stage in STAGES:
        assert gwp["stages"][stage] == pytest.approx(bw2calc_scores["gwp100"][stage], rel=1e-9, abs=1e-12), stage
    assert gwp["total"] == pytest.approx(sum(bw2calc_scores["gwp100"].values()), rel=1e-9)


def test_evaluate_set_carbon_footprint_gives_exactly_its_indicators(home, runner, bw2calc_scores):
    args = ["evaluate", HOT_MELT / "product.yaml", "--set", "carbon_footprint", "--json", "--home", home]
    doc = json.loads(invoke(runner, *args).stdout)
    assert doc["indicator_set"] == "carbon_footprint"
    inds = doc["products"][0]["indicators"]
    assert list(inds) == [i["id"] for i in carbon_footprint()]
    for ind in carbon_footprint():
        assert inds[ind["id"]]["unit"] == ind["unit"]
        for stage in STAGES:
            assert inds[ind["id"]]["stages"][stage] == pytest.approx(bw2calc_scores[ind["id"]][stage], rel=1e-9,
                                                                     abs=1e-12), (ind["id"], stage)


def _read_results(path: Path) -> dict[tuple[str, str, str], float]:
    """{(product, indicator, stage or 'total'): value} from an `evaluate --out` file, read back plainly."""
    if path.suffix == ".csv":
        df = pd.read_csv(path)
        return {(r.product, r.indicator, r.stage): r.value for r in df.itertuples()}
    if path.suffix == ".xlsx":
        df = pd.read_excel(path, sheet_name="scores")
        return {(r["product"], r["indicator"], s): r[s] for _, r in df.iterrows() for s in STAGES + ["total"]}
    ds = xr.load_dataset(path)
    got = {(str(p), str(i), str(s)): float(ds["score"].sel(product=p, indicator=i, stage=s))
           for p in ds["product"].values for i in ds["indicator"].values for s in ds["stage"].values}
    got.update({(str(p), str(i), "total"): float(ds["total"].sel(product=p, indicator=i))
                for p in ds["product"].values for i in ds["indicator"].values})
    return got


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".nc"])
def test_evaluate_out_file_holds_the_json_numbers(suffix, home, runner, tmp_path):
    out = tmp_path / f"results{suffix}"
    doc = json.loads(invoke(runner, "evaluate", HOT_MELT / "product.yaml", RAC / "product.yaml", "--json",
                            "--out", out, "--home", home).stdout)
    want = {}
    for p in doc["products"]:
        for ind, q in p["indicators"].items():
            want.update({(p["id"], ind, s): v for s, v in q["stages"].items()})
            want[(p["id"], ind, "total")] = q["total"]
    got = _read_results(out)
    assert set(got) == set(want) and len(want) == 2 * 10 * 6
    for key, v in want.items():
        assert got[key] == pytest.approx(v, rel=1e-12, abs=0), key
    assert got[("room_ac_35kw", "gwp100", "use")] > 3000  # 620 kWh/year × 10 years of grid power dominate


def _reachable(codes: set[str]) -> set[str]:
    """Background codes reachable from `codes` through the `process:` inputs written in the YAML."""
    seen, todo = set(), list(codes)
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo += [e["process"] for e in background()[c]["exchanges"] if e.get("process")]
    return seen


def test_export_writes_the_product_system(home, tmp_path_factory, runner, tmp_path):
    """The air conditioner's system: its links, the recycled twin of polypropylene (recycled content > 0)
    and everything upstream of them, plus the product and one activity per stage it uses."""
    bom, procs = pd.read_csv(RAC / "bom.csv"), pd.read_csv(RAC / "processes.csv")
    links = set(bom["link"].dropna()) | set(procs["link"].dropna())
    twins = {background()[r.link]["recycled_variant"] for r in bom.dropna(subset=["link"]).itertuples()
             if r.recycled_content > 0}
    want = _reachable(links | twins)
    assert twins == {"polypropylene_recycled_desnz"}
    stages = set(bom["stage"]) | set(procs["stage"])
    h = copy_of(home, tmp_path_factory, "tour-export")  # export writes a temporary database
    out = tmp_path / "rac.xlsx"
    res = invoke(runner, "export", RAC / "product.yaml", "--out", out, "--home", h)
    name = _yaml(RAC / "product.yaml")["name"]
    assert f"'{name}': {len(want) + 1 + len(stages)} activities ({len(want)} background) written to" in \
        " ".join(res.output.split())
    sheet = openpyxl.load_workbook(out).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    codes = {cells[i + 1] for i, v in enumerate(cells[:-1]) if v == "code"}
    assert codes & set(background()) == want


def test_report_options(home, runner, tmp_path, bw2calc_scores):
    """--set, --lang en, --pdf, --iterations/--seed: the results table holds the carbon-footprint
    indicators at the bw2calc values; on shipped data (no distributions) each pass probability is 0 or 1
    from the README's hand computation against the thresholds of the spec file."""
    out = tmp_path / "report.html"
    spec_id = "tcpcif_0086_2021_bulk"
    invoke(runner, "report", HOT_MELT / "product.yaml", "--spec", spec_id, "--set", "carbon_footprint", "--lang",
           "en", "--pdf", "--iterations", "20", "--seed", "4", "--out", out, "--home", home)
    doc = lhtml.fromstring(out.read_bytes())
    assert doc.get("lang") == "en"
    table = {r.get("data-indicator"): {c.get("data-stage"): float(c.get("data-value")) for c in r.xpath("td[@data-stage]")}
             for r in doc.xpath('//table[@id="results-table"]/tr[@data-indicator]')}
    assert list(table) == [i["id"] for i in carbon_footprint()]
    assert table["gwp100"]["total"] == pytest.approx(sum(bw2calc_scores["gwp100"].values()), rel=1e-9)
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")

    procs = pd.read_csv(HOT_MELT / "processes.csv").set_index("id")
    energy = (procs.loc["mixing_electricity", "amount"] * 3.6 + procs.loc["melt_tank_gas", "amount"]) / 29.3076
    assert energy == pytest.approx(161.46, abs=0.01)  # kgce per t, README (GB/T 2589: 29.3076 MJ/kgce)
    declared = {k: v["value"] for k, v in _yaml(HOT_MELT / "product.yaml")["declared"].items()}
    value = {"energy_kgce_per_mass": energy, **declared}
    ops = {"<=": np.less_equal, ">=": np.greater_equal}
    reqs = _yaml(REPO / "product_specs" / f"{spec_id}.yaml")["indicator_requirements"]
    want = {r["id"]: float(ops[r["operator"]](value[r["indicator"]], r["threshold"])) for r in reqs}
    want["all"] = min(want.values())
    got = {r.get("data-requirement"): float(r.xpath("td[@data-value]")[0].get("data-value"))
           for r in doc.xpath('//table[@id="uncertainty-table"]/tr[@data-requirement]')}
    assert got == want and want["energy_per_tonne"] == 0.0
