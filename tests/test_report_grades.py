"""The report's verdict table names, for every grade requirement (passing or not), the band its declared values
select, the grade reached and the grade required, in the report's language, as lca.assess.evaluate found them."""
from __future__ import annotations

import pytest
from conftest import REPO
from lxml import html as lhtml

from lca.assess.evaluate import evaluate as check
from lca.assess.specs import find
from lca.report import model, render
from lca.report.i18n import GRADE_NAMES, labels

EU = "eu_206_2012_reversible_ac"


@pytest.fixture(scope="module")
def reports(home) -> dict:
    """(case, lang) -> (the evaluation, the report's HTML) for the EU pass and fail examples."""
    spec = find(EU)[1]
    out = {}
    for case in ("pass", "fail"):
        product = REPO / "inventories" / "examples" / f"room_ac_eu_{case}" / "product.yaml"
        r = model.build(product, spec, home=home)
        evaluation = check([product], spec, home)[0]
        for lang in ("zh", "en"):
            out[case, lang] = evaluation, lhtml.fromstring(render.render_product(r, lang))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", ["pass", "fail"])
def test_every_grade_requirement_shows_band_and_grades(reports, case, lang):
    evaluation, doc = reports[case, lang]
    graded = [i for i in evaluation.indicators if i.grade_table]
    assert len(graded) == 4  # SEER, SCOP, indoor and outdoor sound power: all by a table of Reg. 206/2012
    assert {i.status for i in graded} == ({"pass"} if case == "pass" else {"pass", "fail"})
    t, grade = labels(lang), GRADE_NAMES[lang]
    for i in graded:
        cell, = doc.xpath(f'//table[@id="verdict-table"]/tr[@data-requirement="{i.id}"]//span[@data-band]')
        assert (cell.get("data-band"), cell.get("data-grade-reached"), cell.get("data-grade-required")) == (
            i.band, i.grade_reached or "", i.grade_required)
        reached = grade[i.grade_reached] if i.grade_reached else t["grade_none"]  # none: below every grade
        assert cell.text_content() == (f"{t['band']}: {i.band} · {t['grade_reached']}: {reached} · "
                                       f"{t['grade_required']}: {grade[i.grade_required]}")
    if case == "fail":  # SEER 4.4 < 4.6 and outdoor sound 66 > 65 dB reach no grade; the two others do
        assert {i.id: i.grade_reached for i in graded} == {"seer_min": None, "scop_min": "limit",
                                                           "sound_power_indoor_max": "limit",
                                                           "sound_power_outdoor_max": None}
