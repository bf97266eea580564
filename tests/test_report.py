"""Product reports: every number in the HTML equals the engine's, the verdict equals lca.assess.evaluate's,
the document is self-contained and reproducible, and bad options change nothing."""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import EXAMPLES, REPO
from lxml import html as lhtml

from lca import api
from lca.assess.evaluate import evaluate as check
from lca.assess.specs import find
from lca.cli import app
from lca.core.stages import STAGES
from lca.report import model, render
from lca.report.i18n import LANGS, labels

HOT_MELT = REPO / "inventories" / "examples" / "hot_melt_adhesive" / "product.yaml"
SPEC = "tcpcif_0086_2021_bulk"


def _report(runner, home, out, product=HOT_MELT, *extra: str):
    res = runner.invoke(app, ["report", str(product), "--out", str(out), "--home", str(home), *extra])
    return res, (lhtml.fromstring(out.read_bytes()) if out.exists() else None)


@pytest.fixture(scope="module")
def hot_melt(home, tmp_path_factory):
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("report") / "report.html"
    res, doc = _report(CliRunner(), home, out, HOT_MELT, "--spec", SPEC, "--lang", "en", "--pdf")
    assert res.exit_code == 0, res.output
    return out, doc


def _value(cell) -> float | None:
    v = cell.get("data-value")
    return None if v == "None" else float(v)


def test_stage_table_equals_engine(hot_melt, home):
    _, doc = hot_melt
    ds, _ = api.evaluate([HOT_MELT], home=home)
    p = ds.isel(product=0)
    rows = doc.xpath('//table[@id="results-table"]/tr[@data-indicator]')
    assert [r.get("data-indicator") for r in rows] == list(ds.indicator.values)
    for r in rows:
        q = p.sel(indicator=r.get("data-indicator"))
        cells = {c.get("data-stage"): _value(c) for c in r.xpath("td[@data-stage]")}
        assert [cells[s] for s in STAGES] == [float(v) for v in q.score.values]
        assert cells["total"] == float(q.total.item())


def test_charts_carry_the_engine_numbers(hot_melt, home):
    _, doc = hot_melt
    ds, _ = api.evaluate([HOT_MELT], home=home)
    p = ds.isel(product=0)
    bars = doc.xpath('//svg[contains(@class, "chart")]//rect[@data-stage and @data-indicator]')
    assert bars
    for b in bars:
        want = float(p.sel(indicator=b.get("data-indicator"), stage=b.get("data-stage")).score)
        assert float(b.get("data-value")) == want != 0
    gwp = p.sel(indicator="gwp100")
    drawn = [(b.get("data-label"), float(b.get("data-value")))
             for b in doc.xpath('//svg//rect[@data-indicator="gwp100" and @data-label]')]
    assert drawn == [(str(n), float(v)) for n, v in zip(gwp.top_process.values, gwp.top_value.values) if v]


def test_contribution_tables_equal_engine_top_processes(hot_melt, home):
    _, doc = hot_melt
    ds, _ = api.evaluate([HOT_MELT], home=home)
    tables = doc.xpath('//table[contains(@class, "contrib-table")]')
    assert tables
    for t in tables:
        q = ds.isel(product=0).sel(indicator=t.get("data-indicator"))
        got = [(r.get("data-process"), _value(r.xpath("td[@data-value]")[0])) for r in t.xpath("tr[@data-process]")]
        assert got == [(str(n), float(v)) for n, v in zip(q.top_process.values, q.top_value.values) if v]


def test_verdict_table_equals_evaluation(hot_melt, home):
    _, doc = hot_melt
    ev = check([HOT_MELT], find(SPEC)[1], home)[0]
    rows = doc.xpath('//table[@id="verdict-table"]/tr[@data-requirement]')
    assert [r.get("data-requirement") for r in rows] == [i.id for i in ev.indicators]
    for r, i in zip(rows, ev.indicators):
        assert _value(r.xpath("td[@data-value]")[0]) == i.value
        assert float(r.xpath("td[@data-threshold]")[0].get("data-threshold")) == i.threshold
        assert float(r.xpath("td[@data-margin]")[0].get("data-margin")) == i.margin_pct
        assert r.xpath(".//*[@data-status]")[0].get("data-status") == i.status
    basic = doc.xpath('//table[@id="basic-table"]/tr[@data-requirement]')
    assert [(b.get("data-requirement"), b.xpath(".//*[@data-status]")[0].get("data-status")) for b in basic] == \
        [(b.id, b.status) for b in ev.basic]
    assert ev.verdict == "fail"  # the example misses the energy benchmark (README)
    advice = [li.text_content() for li in doc.xpath('//li[@class="advice"]')]
    assert any("melt_tank_gas" in a and "14.6 %" in a for a in advice)


def test_sources_cover_every_process_used_with_provenance(hot_melt, engine):
    _, doc = hot_melt
    inv = api.read_inventories([HOT_MELT], engine)[0]
    F = inv.stage_matrix("process", engine.n_processes, STAGES).sum(axis=1)
    used = {engine.m.meta["processes"][i]["code"] for i in np.flatnonzero(engine.lu.solve(F))}
    rows = doc.xpath('//table[@id="sources-table"]/tr[@data-process]')
    assert {r.get("data-process") for r in rows} == used
    meta = {p["code"]: p for p in engine.m.meta["processes"]}
    for r in rows:
        p = meta[r.get("data-process")]
        assert p["provenance"]["publisher"] in r.text_content()
        assert r.xpath(".//*[@data-location]")[0].get("data-location") == p["location"]


def test_both_languages_label_everything():
    assert labels("zh").keys() == labels("en").keys()


def test_versions_and_inventory(hot_melt, home):
    _, doc = hot_melt
    ds, (inv,) = api.evaluate([HOT_MELT], home=home)
    assert doc.xpath('//*[@data-input-hash]')[0].get("data-input-hash") == inv.input_hash
    text = doc.xpath('//dl[@id="versions-list"]')[0].text_content()
    assert ds.attrs["background_data_version"] in text and ds.attrs["software"] in text
    amounts = [float(c.get("data-amount")) for c in doc.xpath('//table[@id="lines-table"]//td[@data-amount]')]
    assert amounts == [ln.amount for ln in inv.lines]
    assert float(doc.xpath("//*[@data-mass-kg]")[0].get("data-mass-kg")) == inv.mass_kg


def test_self_contained_and_reproducible(hot_melt, home, runner, tmp_path):
    out, doc = hot_melt
    assert not doc.xpath("//script | //link | //iframe | //*[@src]")  # no scripts, no external resources
    again = tmp_path / "again.html"
    assert _report(runner, home, again, HOT_MELT, "--spec", SPEC, "--lang", "en")[0].exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask  # not the temporary file's 0600
    pdf = out.with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


@pytest.mark.parametrize("product", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_every_example_reports_in_both_languages(product, home, tmp_path):
    r = model.build(product, None, home=home)
    ds, _ = api.evaluate([product], home=home)
    for lang in LANGS:
        doc = lhtml.fromstring(render.render_product(r, lang))
        assert labels(lang)["s_results"] in doc.text_content()
        totals = {c.getparent().get("data-indicator"): float(c.get("data-value"))
                  for c in doc.xpath('//table[@id="results-table"]//td[@data-stage="total"]')}
        assert totals == {str(i): float(v) for i, v in zip(ds.indicator.values, ds.total.values[0])}
        assert not doc.xpath('//table[@id="verdict-table"]') and labels(lang)["no_spec"] in doc.text_content()


def test_chinese_report(home, runner, tmp_path):
    res, doc = _report(runner, home, tmp_path / "zh.html", HOT_MELT, "--spec", SPEC)
    assert res.exit_code == 0, res.output
    text = doc.text_content()
    assert "汽车内饰用聚烯烃热熔胶" in text and "生命周期评价" in text and "不符合" in text
    assert doc.get("lang") == "zh-CN"
    advice = [li.text_content() for li in doc.xpath('//li[@class="advice"]')]
    assert any("melt_tank_gas" in a and "减少 14.6 %" in a and "产品生产" in a for a in advice), advice
    assert not any("reduce" in a or "production" in a for a in advice), advice


@dataclass
class _PassProbabilities:
    """The shape of a Monte Carlo run's result (lca.uncertainty.ProductUncertainty) the report reads."""

    iterations: int
    seed: int
    probability: dict[str, float | None]
    spec_probability: float | None


def test_uncertainty_section_only_when_given(home):
    r = model.build(HOT_MELT, find(SPEC)[1], home=home)
    assert 'id="uncertainty"' not in render.render_product(r, "en")
    r.uncertainty = _PassProbabilities(500, 1, {"energy_per_tonne": 0.125, "tvoc": None}, 0.1)
    doc = lhtml.fromstring(render.render_product(r, "en"))
    rows = doc.xpath('//table[@id="uncertainty-table"]/tr[@data-requirement]')
    got = {row.get("data-requirement"): row.xpath("td[@data-value]")[0].get("data-value") for row in rows}
    assert got == {"energy_per_tonne": "0.125", "tvoc": "None", "all": "0.1"}
    assert "12.5 %" in rows[0].text_content() and "500" in doc.xpath('//h2[@id="uncertainty"]')[0].getnext().text


def test_iterations_give_the_monte_carlo_pass_probabilities(home, runner, tmp_path):
    from lca.uncertainty.montecarlo import evaluate as monte_carlo

    res, doc = _report(runner, home, tmp_path / "mc.html", HOT_MELT, "--spec", SPEC, "--iterations", "100",
                       "--seed", "3")
    assert res.exit_code == 0, res.output
    spec = find(SPEC)[1]
    want = monte_carlo([HOT_MELT], "gbt32161_default", spec, check([HOT_MELT], spec, home), 100, 3, home)[0]
    got = {r.get("data-requirement"): _value(r.xpath("td[@data-value]")[0])
           for r in doc.xpath('//table[@id="uncertainty-table"]/tr[@data-requirement]')}
    assert got == {**want.probability, "all": want.spec_probability}


@pytest.mark.parametrize("args,needle", [(["--out", "r.pdf"], "unsupported report type"),
                                         (["--lang", "fr"], "unknown report language"),
                                         (["--spec", "no_such_spec"], "no specification"),
                                         (["--iterations", "10"], "add --spec")])
def test_bad_options_exit_2_and_write_nothing(args, needle, home, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["report", str(HOT_MELT), "--home", str(home), *args])
    assert res.exit_code == 2 and needle in res.output
    assert list(tmp_path.iterdir()) == []
