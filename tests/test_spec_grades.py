"""Grade tables and the complete EU 206/2012 spec: bands, grades, honest verdicts, end to end."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from lca.assess.evaluate import evaluate
from lca.assess.grades import load_table, shipped_tables
from lca.assess.specs import find
from lca.cli import app

SPEC = "eu_206_2012_reversible_ac"


def _product(kind: str):
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "inventories" / "examples" / f"room_ac_eu_{kind}" / "product.yaml"


def test_shipped_grade_tables_quote_every_limit():
    for t in shipped_tables():
        assert t.provenance.status == "primary" and t.provenance.url.startswith("http")
        for b in t.bands:
            for lim in b.limits.values():  # the regulation prints decimal commas: 4,60
                assert (f"{lim:.2f}".replace(".", ",") in t.provenance.quote
                        or f"{lim:g}" in t.provenance.quote), (t.id, b.id, lim)


def test_band_edges_as_printed():
    seer = load_table("eu_206_2012_table6_seer")[1]
    sound = load_table("eu_206_2012_table5_sound_indoor")[1]
    # Table 6: '< 6 kW' and '6-12 kW' (6 kW is in the upper band); Table 5: '≤ 6 kW' (6 kW is in the lower one)
    assert seer.band({"refrigerant_gwp": 550, "rated_cooling_capacity": 6.0}).limits == {"limit": 4.30}
    assert seer.band({"refrigerant_gwp": 150, "rated_cooling_capacity": 5.99}).limits == {"limit": 4.14}
    assert sound.band({"rated_cooling_capacity": 6.0}).limits == {"limit": 60}
    assert sound.band({"rated_cooling_capacity": 6.01}).limits == {"limit": 65}
    assert seer.band({"refrigerant_gwp": 550, "rated_cooling_capacity": 12.5}) is None


ILLUSTRATIVE = {
    "id": "illustrative_apf", "title_en": "Illustrative APF grades (not a standard's figures)", "standard": "TEST 1",
    "indicator": "apf", "unit": "W/W", "direction": "higher", "grades": ["1", "2", "3"],
    "keys": {"capacity": "W"},
    "bands": [{"id": "small", "label": "CC ≤ 4500 W", "when": {"capacity": {"le": 4500}},
               "limits": {"1": 5.0, "2": 4.5, "3": 4.0}},
              {"id": "large", "label": "4500 W < CC", "when": {"capacity": {"gt": 4500}},
               "limits": {"1": 4.5, "2": 4.0, "3": 3.5}}],
    "provenance": {"publisher": "tests", "document": "illustrative", "year": 2026, "clause": "-", "url": "-",
                   "licence": "-", "read_in": "-", "quote": "illustrative", "status": "illustrative"}}


@pytest.mark.parametrize("capacity, value, grade", [
    (3500, 5.0, "1"), (3500, 4.99, "2"), (3500, 4.0, "3"), (3500, 3.99, None), (5000, 4.5, "1"), (5000, 3.6, "3"),
])
def test_grade_reached_by_hand(tmp_path, capacity, value, grade):
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(ILLUSTRATIVE), encoding="utf-8")
    t = load_table(str(path))[1]
    assert t.reached(t.band({"capacity": capacity}), value) == grade


def test_a_better_grade_must_be_stricter(tmp_path):
    from lca.core.errors import InputError

    bad = json.loads(json.dumps(ILLUSTRATIVE))
    bad["bands"][0]["limits"] = {"1": 4.0, "2": 4.5, "3": 4.0}
    (tmp_path / "t.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(InputError, match="stricter"):
        load_table(str(tmp_path / "t.yaml"))


@pytest.fixture(scope="module")
def verdicts(home):
    spec = find(SPEC)[1]
    return {k: evaluate([_product(k)], spec, home)[0] for k in ("pass", "fail")}


def test_complete_spec_passes_and_fails_by_hand(verdicts):
    ok, bad = verdicts["pass"], verdicts["fail"]
    assert ok.spec_complete and ok.verdict == "pass" and ok.spec_status.startswith("complete")
    got = {i.id: (i.value, i.threshold, i.status, i.band, i.grade_reached) for i in ok.indicators}
    # declared 3.5 kW and GWP 550 (> 150): Table 6 '< 6 kW' SEER 4,60, SCOP 3,80; Table 5 '≤ 6 kW' 60 / 65 dB(A)
    assert got["seer_min"] == (6.1, 4.6, "pass", "GWP of refrigerant > 150, < 6 kW", "limit")
    assert got["scop_min"] == (4.0, 3.8, "pass", "GWP of refrigerant > 150, < 6 kW", "limit")
    assert got["sound_power_indoor_max"][:3] == (56, 60, "pass")
    assert got["sound_power_outdoor_max"][:3] == (62, 65, "pass")
    seer = next(i for i in ok.indicators if i.id == "seer_min")
    assert seer.margin_pct == pytest.approx((6.1 - 4.6) / 4.6 * 100)
    assert bad.verdict == "fail"
    status = {i.id: (i.status, i.grade_reached) for i in bad.indicators}
    assert status == {"seer_min": ("fail", None), "scop_min": ("pass", "limit"),
                      "sound_power_indoor_max": ("pass", "limit"), "sound_power_outdoor_max": ("fail", None)}
    outdoor = next(i for i in bad.indicators if i.id == "sound_power_outdoor_max")
    assert outdoor.margin_pct == pytest.approx((65 - 66) / 65 * 100)
    assert "grade required limit" in outdoor.reason and "band 'Rated capacity ≤ 6 kW'" in outdoor.reason


def test_missing_band_value_is_never_a_pass(home, tmp_path):
    data = yaml.safe_load(_product("pass").read_text(encoding="utf-8"))
    del data["declared"]["rated_cooling_capacity"]
    for k in ("bom", "processes"):
        data[k] = str(_product("pass").parent / data[k])
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ev = evaluate([tmp_path / "p.yaml"], find(SPEC)[1], home)[0]
    assert ev.verdict == "incomplete"
    assert {i.status for i in ev.indicators} == {"missing evidence"}
    assert all("rated_cooling_capacity" in i.reason and i.threshold is None for i in ev.indicators)


def test_cli_evaluate_report_and_exit_codes(runner, home, tmp_path):
    res = runner.invoke(app, ["evaluate", str(_product("pass")), "--spec", SPEC, "--home", str(home)])
    assert res.exit_code == 0, res.output
    assert "grade reached limit, grade required limit" in " ".join(res.output.split())
    res = runner.invoke(app, ["evaluate", str(_product("fail")), "--spec", SPEC, "--home", str(home)])
    assert res.exit_code == 1, res.output
    assert "seer_min: band 'GWP of refrigerant > 150, < 6 kW': grade reached none" in " ".join(res.output.split())
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", str(_product("fail")), "--spec", SPEC, "--out", str(out), "--lang", "en",
                              "--home", str(home)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert "sound_power_outdoor_max" in html and 'data-threshold="65' in html


def _screen(runner, home, tmp_path, spec: str):
    from lca.engine import session
    from lca.population import synthetic

    cat = synthetic.catalogue(session.engine(home).m.catalogue, 30, seed=3)
    cat.to_parquet(tmp_path / "c.parquet")
    res = runner.invoke(app, ["screen", str(tmp_path / "c.parquet"), "--out", str(tmp_path / "r.parquet"),
                              "--spec", spec, "--home", str(home)])
    assert res.exit_code == 0, res.output
    return " ".join(res.output.split()), pd.read_parquet(tmp_path / "r.parquet")


@pytest.mark.parametrize("spec", ["tcagp_0001_2016", SPEC])
def test_screen_with_no_assessable_requirement_says_so(runner, home, tmp_path, spec):
    text, res = _screen(runner, home, tmp_path, spec)
    assert "no requirement assessable per product" in text and "pass jointly" not in text
    assert res["indicators_pass"].isna().all()  # not a vacuous 100 % pass
    assert (res["verdict"] == "incomplete").all()
    status = "complete" if spec == SPEC else "partial"
    assert f"specification {spec}: {status}" in text
    meta = json.loads(pq.read_schema(tmp_path / "r.parquet").metadata[b"lca.spec"])
    assert meta["assessed"] == [] and meta["id"] == spec

    from lca.report.catalogue import summarise

    s = summarise(tmp_path / "r.parquet")
    assert s.joint is None and s.pass_rates == []
    assert "no requirement assessable per product" in s.spec_status and s.verdicts["incomplete"] == 1.0
    out = tmp_path / "summary.html"
    r = runner.invoke(app, ["report-catalogue", str(tmp_path / "r.parquet"), "--out", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "no requirement assessable per product" in out.read_text(encoding="utf-8")
