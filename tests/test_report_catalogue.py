"""Catalogue summary of `lca screen` results: pass rates, statistics and rankings equal a plain
pandas reading of the same Parquet file; a real screening run summarises; bad files exit 2."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from lxml import html as lhtml

from lca.cli import app
from lca.population import synthetic
from lca.population.screen import screen


@pytest.fixture
def results(tmp_path):
    """A small results file with verdict columns as `lca screen --spec` writes them (nulls = not computable)."""
    rng = np.random.default_rng(11)
    n = 60
    gwp = rng.lognormal(3, 1.5, n)
    energy = rng.normal(10, 3, n)
    table = pa.table({
        "product": [f"P{i:03d}" for i in range(n)], "category": ["x"] * n, "mass_kg": np.ones(n),
        "gwp100.use": gwp / 2, "gwp100.total": gwp, "energy_kgce.total": energy, "acidification.total": np.zeros(n),
        "pass.gwp_total": pa.array(gwp <= 30), "pass.energy": pa.array(energy <= 11, mask=np.arange(n) % 7 == 0),
        "indicators_pass": pa.array((gwp <= 30) & (energy <= 11), mask=np.arange(n) % 7 == 0),
    })
    path = tmp_path / "results.parquet"
    pq.write_table(table, path)
    return path


def _render(runner, path, *extra):
    out = path.with_name("summary.html")
    res = runner.invoke(app, ["report-catalogue", str(path), "--out", str(out), *extra])
    assert res.exit_code == 0, res.output
    return lhtml.fromstring(out.read_bytes())


def test_pass_rates_equal_pandas(results, runner):
    doc = _render(runner, results, "--lang", "en")
    df = pd.read_parquet(results)
    got = {r.get("data-requirement"): float(r.xpath("td[@data-value]")[0].get("data-value"))
           for r in doc.xpath('//table[@id="pass-table"]/tr[@data-requirement]')}
    want = {c.removeprefix("pass."): df[c].dropna().astype(bool).mean()
            for c in ("pass.gwp_total", "pass.energy", "indicators_pass")}
    assert got == pytest.approx(want, rel=1e-15)
    assert doc.xpath('//svg//rect[@data-indicator="pass_rate"]')


def test_statistics_and_rankings_equal_pandas(results, runner):
    doc = _render(runner, results)
    df = pd.read_parquet(results).set_index("product")
    for ind in ("gwp100", "energy_kgce"):
        row = doc.xpath(f'//table[@id="stats-table"]/tr[@data-indicator="{ind}"]')[0]
        assert float(row.xpath("td[@data-mean]")[0].get("data-mean")) == pytest.approx(df[f"{ind}.total"].mean(),
                                                                                     rel=1e-12)
        rank = doc.xpath(f'//table[contains(@class, "rank-table") and @data-indicator="{ind}"]')[0]
        best = [r.xpath("td")[0].text for r in rank.xpath("tr[td]")]
        worst = [r.xpath("td")[2].text for r in rank.xpath("tr[td]")]
        assert best == list(df[f"{ind}.total"].sort_values(kind="stable").index[:5])
        assert worst == list(df[f"{ind}.total"].sort_values(ascending=False, kind="stable").index[:5])
        counts = [int(b.get("data-count")) for b in doc.xpath(f'//svg//rect[@data-indicator="{ind}"]')]
        assert sum(counts) == len(df)
    assert not doc.xpath('//table[contains(@class, "rank-table") and @data-indicator="acidification"]')
    assert "产品目录筛选汇总" in doc.text_content()


def test_summary_of_a_real_screening_run(engine, home, runner, tmp_path):
    cat = tmp_path / "catalogue.parquet"
    synthetic.catalogue(engine.m.catalogue, 80, seed=3).to_parquet(cat)
    out = tmp_path / "results.parquet"
    screen(cat, out, home=home)
    doc = _render(runner, out, "--lang", "en", "--pdf")
    assert int(doc.xpath("//*[@data-products]")[0].get("data-products")) == 80
    mean = float(doc.xpath('//tr[@data-indicator="gwp100"]/td[@data-mean]')[0].get("data-mean"))
    assert mean == pytest.approx(pd.read_parquet(out)["gwp100.total"].mean(), rel=1e-12)
    assert "no verdict columns" in doc.text_content()
    assert (tmp_path / "summary.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("content,needle", [(b"not parquet", "is not a Parquet file"), (None, "not found")])
def test_bad_results_file_exits_2(content, needle, runner, tmp_path):
    path = tmp_path / "results.parquet"
    if content is not None:
        path.write_bytes(content)
    res = runner.invoke(app, ["report-catalogue", str(path), "--out", str(tmp_path / "s.html")])
    assert res.exit_code == 2 and needle in res.output
    assert not (tmp_path / "s.html").exists()


def test_histogram_of_a_constant_indicator_spans_its_value():
    """Every product with the same tiny value: the axis is around that value, not numpy's ±0.5."""
    from lca.report.catalogue import _distribution

    v = np.full(7, 1.212e-6)
    d = _distribution("photochemical_ozone", np.array([f"p{i}" for i in range(7)]), v)
    assert sum(d.counts) == 7
    assert d.edges[0] < 1.212e-6 < d.edges[-1] and d.edges[-1] - d.edges[0] == pytest.approx(0.1 * 1.212e-6)
    zero = _distribution("gwp100", np.array(["a", "b"]), np.zeros(2))
    assert zero.edges[0] == -0.5 and zero.edges[-1] == 0.5
