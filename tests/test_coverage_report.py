"""Coverage in the product report (issue 16): a column per indicator and a warning naming the largest
uncovered processes, in both languages, equal to a hand computation."""
from __future__ import annotations

import lxml.html as lhtml
import pytest
from test_coverage import BOM, MANIFEST, PROC, climate_weights

from lca.report import model, render


@pytest.fixture(scope="module")
def report(home, tmp_path_factory):
    d = tmp_path_factory.mktemp("covrep")
    (d / "product.yaml").write_text(MANIFEST)
    (d / "bom.csv").write_text(BOM)
    (d / "processes.csv").write_text(PROC)
    return model.build(d / "product.yaml", None, home=home)


@pytest.mark.parametrize("lang,phrase", [("en", "Partial coverage of"), ("zh", "覆盖不完整")])
def test_report_states_coverage_and_warns(report, engine, lang, phrase):
    w = climate_weights(engine)
    # energy carriers only: steel carries coal and iron extracted (materials_resources.yaml), no pollutants
    acid = (w["electricity_grid_cn"] + w["natural_gas_combustion"]) / sum(w.values())
    doc = lhtml.fromstring(render.render_product(report, lang))
    cell = doc.xpath('//table[@id="results-table"]/tr[@data-indicator="acidification"]/td[@data-coverage]')[0]
    assert float(cell.get("data-coverage")) == pytest.approx(acid, rel=1e-9)
    assert f"{acid * 100:.1f} %" in cell.text_content() and "(0.0 %)" in cell.text_content()  # 0 of 3 kg BOM mass
    gwp = doc.xpath('//table[@id="results-table"]/tr[@data-indicator="gwp100"]/td[@data-coverage]')[0]
    assert "warn" not in gwp.get("class") and gwp.text_content().startswith("100.0 %")
    warned = {p.get("data-indicator"): p.text_content() for p in doc.xpath('//p[contains(@class, "coverage-warning")]')}
    assert "gwp100" not in warned and phrase in warned["acidification"]
    largest = max(("steel_crude_worldsteel", "polypropylene_primary_desnz"), key=w.get)
    assert largest in warned["acidification"] and f"{acid * 100:.1f} %" in warned["acidification"]
    # every indicator below 80 % is warned about, none above
    low = {x.id for x in report.results if x.coverage < 0.8}
    assert set(warned) == low and "ozone_depletion" in low
