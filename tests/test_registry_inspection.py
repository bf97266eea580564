"""Sampling inspection (issue 18, item 3) on both backends: seeded, recorded draws of listed, non-exempt
products; re-evaluation from stored inputs with measured values against declared values, tolerance and
thresholds; delisting of the non-conforming; a five-year exemption from the third consecutive conforming
inspection, dated by an injected clock."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest
import yaml
from sqlalchemy import select
from test_registry import HOT_MELT, database, words  # noqa: F401 - `database` is the backend fixture

from lca.assess.specs import find
from lca.cli import app
from lca.core.errors import InputError
from lca.registry import db, inspection, store, submission, synthetic


def listed(sessions, n: int) -> list[int]:
    """n synthetic listings (every third fails its spec and stays verified)."""
    ids = []
    for i in range(n):
        ev_id, _ = store.record(sessions, synthetic.submission(i))
        store.transition(sessions, ev_id, "verified", "evaluator")
        if synthetic.submission(i).fields["verdict"] != "fail":
            store.transition(sessions, ev_id, "listed", "evaluator")
            ids.append(ev_id)
    return ids


def test_draw_is_seeded_recorded_and_skips_unlisted_and_exempt(database):
    sessions = db.open_registry(database)
    ids = listed(sessions, 30)
    assert len(ids) == 20
    b = inspection.draw(sessions, 0.25, 42, "authority")
    expected = sorted(np.random.default_rng(42).choice(ids, size=5, replace=False).tolist())  # ⌈0.25·20⌉ = 5
    assert [i.evaluation_id for i in b.items] == expected
    assert (b.seed, b.share, b.population, b.category) == (42, 0.25, 20, None)
    again = inspection.batch(sessions, b.id)
    assert [i.evaluation_id for i in again.items] == expected and again.seed == 42
    assert [i.evaluation_id for i in inspection.draw(sessions, 0.25, 42, "authority").items] == expected
    cat = synthetic.CATEGORIES[2]
    in_cat = [i for i in ids if synthetic.submission(i - 1).fields["category"] == cat]
    b = inspection.draw(sessions, 1.0, 3, "authority", category=cat)
    assert [i.evaluation_id for i in b.items] == in_cat and b.population == len(in_cat)
    with sessions.begin() as s:  # exempt until a date: skipped before it, drawn from it on
        s.get(store.Evaluation, ids[0]).exempt_until = date(2030, 1, 1)
    before = inspection.draw(sessions, 1.0, 0, "authority", clock=lambda: datetime(2029, 12, 31, 23, 0))
    on = inspection.draw(sessions, 1.0, 0, "authority", clock=lambda: datetime(2030, 1, 1, 0, 0))
    assert ids[0] not in [i.evaluation_id for i in before.items] and before.population == 19
    assert ids[0] in [i.evaluation_id for i in on.items] and on.population == 20
    with pytest.raises(InputError, match="no listed, non-exempt products to draw from in category 'none'"):
        inspection.draw(sessions, 0.1, 1, "authority", category="none")


@pytest.fixture
def hot_melt_listings(database, home, tmp_path):
    """The hot-melt adhesive listed twice (two manufacturers) against its spec without the energy benchmark
    it misses (so it can be listed)."""
    doc = yaml.safe_load(find("tcpcif_0086_2021_bulk")[0].read_text(encoding="utf-8"))
    doc["indicator_requirements"] = [r for r in doc["indicator_requirements"] if r["id"] != "energy_per_tonne"]
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    sessions = db.open_registry(database)
    ids = []
    for maker in ("ACME", "Bolt"):
        ev_id, _ = submission.submit(sessions, HOT_MELT, spec, maker, "tester", home)
        store.transition(sessions, ev_id, "verified", "evaluator")
        store.transition(sessions, ev_id, "listed", "evaluator")
        ids.append(ev_id)
    return sessions, ids


def test_inspection_delists_the_non_conforming_and_exempts_after_three(hot_melt_listings, home, tmp_path):
    sessions, (acme, bolt) = hot_melt_listings
    measured = tmp_path / "measured.csv"
    # declared VOC 3.2 g/kg (threshold <= 20): 3.3 is 3.1 % worse, within 5 %; 3.5 is 9.4 % worse
    measured.write_text(f"evaluation,indicator,value,unit,document\n{acme},voc_content_per_mass,3.3,g/kg,lab A\n"
                        f"{bolt},voc_content_per_mass,3.5,g/kg,lab A\n", encoding="utf-8")
    day = [datetime(2025, 3, 1, 10), datetime(2026, 3, 2, 10), datetime(2028, 2, 29, 10)]  # a leap day last
    b1 = inspection.draw(sessions, 1.0, 7, "authority", clock=lambda: day[0])
    with pytest.raises(InputError, match="measured values need a tolerance"):
        inspection.run(sessions, b1.id, "authority", measured, None, home)
    items = {i.evaluation_id: i for i in inspection.run(sessions, b1.id, "authority", measured, 5.0, home,
                                                        clock=lambda: day[0])}
    assert (items[acme].outcome, items[bolt].outcome) == ("conforming", "non-conforming")
    tvoc = {i: next(r for r in items[i].reasons if r["requirement"] == "tvoc") for i in (acme, bolt)}
    assert tvoc[acme]["status"] == "ok" and tvoc[acme]["measured"] == 3.3
    assert tvoc[bolt]["status"] == "fail" and "9.4 % off the declared 3.2, beyond the 5 % tolerance" in tvoc[bolt]["reason"]
    assert {r["status"] for r in items[acme].reasons if r["requirement"] != "tvoc"} == {"ok"}
    assert store.load(sessions, bolt).status == "delisted" and store.load(sessions, acme).status == "listed"
    last = store.audit_log(sessions, bolt)[-1]
    assert (last.action, last.from_status, last.to_status, last.actor) == ("inspection", "listed", "delisted",
                                                                           "authority")
    assert "tvoc" in last.reason and f"batch {b1.id}" in last.reason
    # running the batch again inspects nothing twice
    inspection.run(sessions, b1.id, "authority", None, None, home, clock=lambda: day[1])
    assert store.load(sessions, acme).conforming_streak == 1
    better = tmp_path / "better.csv"  # 2.5 g/kg: 22 % below the declared 3.2, on the good side: conforming
    for d, values in zip(day[1:], (better, None)):
        b = inspection.draw(sessions, 1.0, 7, "authority", clock=lambda d=d: d)
        assert [i.evaluation_id for i in b.items] == [acme]
        better.write_text(f"evaluation,indicator,value,unit\n{acme},voc_content_per_mass,2.5,g/kg\n", encoding="utf-8")
        [item] = inspection.run(sessions, b.id, "authority", values, 5.0, home, clock=lambda d=d: d)
        assert item.outcome == "conforming", item.reasons
    ev = store.load(sessions, acme)
    assert (ev.exempt_from, ev.exempt_until, ev.status) == (date(2028, 2, 29), date(2033, 2, 28), "listed")
    assert store.audit_log(sessions, acme)[-1].action == "exempt"
    with pytest.raises(InputError, match="no listed, non-exempt products"):
        inspection.draw(sessions, 1.0, 7, "authority", clock=lambda: datetime(2033, 2, 27, 23))
    assert [i.evaluation_id for i in inspection.draw(sessions, 1.0, 7, "authority",
                                                     clock=lambda: datetime(2033, 2, 28)).items] == [acme]


def test_measured_values_over_the_threshold_and_bad_rows(hot_melt_listings, home, tmp_path, runner):
    sessions, (acme, bolt) = hot_melt_listings
    url = str(sessions.kw["bind"].url.render_as_string(hide_password=False))
    base = ["--db", url, "--home", str(home), "--by", "authority"]
    r = runner.invoke(app, ["inspect", "draw", "--share", "0.5", "--seed", "11", *base])
    drawn = int(np.random.default_rng(11).choice([acme, bolt], size=1)[0])
    assert r.exit_code == 0 and f"1 of 2 listed, non-exempt products drawn (share 0.5, seed 11): evaluations {drawn}" \
        in words(r.output), r.output
    bad = tmp_path / "bad.csv"
    for body, col in ((f"{drawn},gwp100,1,kg\n", "indicator"), (f"{drawn},voc_content_per_mass,x,g/kg\n", "value"),
                      (f"{acme + bolt},voc_content_per_mass,1,g/kg\n", "evaluation"),
                      (f"{drawn},voc_content_per_mass,1,kWh\n", "unit")):
        bad.write_text("evaluation,indicator,value,unit\n" + body, encoding="utf-8")
        r = runner.invoke(app, ["inspect", "run", "1", "--measured", str(bad), "--tolerance", "5", *base])
        assert r.exit_code == 2 and f"row 2, column '{col}'" in words(r.output), r.output
    assert store.load(sessions, drawn).status == "listed"  # nothing written by a failed run
    over = tmp_path / "over.csv"  # 25 g/kg misses the threshold of 20 (and the declared 3.2 by far)
    over.write_text(f"evaluation,indicator,value,unit\n{drawn},voc_content_per_mass,25000,mg/kg\n", encoding="utf-8")
    r = runner.invoke(app, ["inspect", "run", "1", "--measured", str(over), "--tolerance", "5", *base])
    assert r.exit_code == 0 and f"evaluation {drawn}: non-conforming" in words(r.output), r.output
    assert "tvoc: fail — measured 25 g/kg misses <= 20" in words(r.output)
    assert store.load(sessions, drawn).status == "delisted"


def test_an_inspection_with_nothing_to_check_is_not_a_conforming_one(database, home):
    """The air conditioner against a specification without requirements: never counted towards an exemption."""
    from test_registry import RAC

    sessions = db.open_registry(database)
    ev_id, _ = submission.submit(sessions, RAC, "tcagp_0001_2016", "ACME", "tester", home)
    store.transition(sessions, ev_id, "verified", "evaluator")
    store.transition(sessions, ev_id, "listed", "evaluator")
    [item] = inspection.run(sessions, inspection.draw(sessions, 1.0, 1, "authority").id, "authority", home=home)
    assert (item.outcome, item.reasons) == ("not assessed", [])
    ev = store.load(sessions, ev_id)
    assert (ev.status, ev.conforming_streak) == ("listed", 0)
    assert "not assessed" in store.audit_log(sessions, ev_id)[-1].reason


def test_the_inspection_tolerance_stated_in_the_spec(database, home, tmp_path):
    """Without --tolerance the spec's own tolerance applies, a requirement's before the spec's; the option wins.
    Declared VOC 3.2 g/kg: measured 3.5 is (3.5 - 3.2) / 3.2 = 9.375 % worse, 3.45 is 7.8125 % worse."""
    doc = yaml.safe_load(find("tcpcif_0086_2021_bulk")[0].read_text(encoding="utf-8"))
    doc["indicator_requirements"] = [r for r in doc["indicator_requirements"] if r["id"] != "energy_per_tonne"]
    doc["inspection_tolerance_pct"] = 10.0
    sessions = db.open_registry(database)
    calls = []

    def inspect(requirement_pct, value, option=None):
        calls.append(value)
        tvoc = next(r for r in doc["indicator_requirements"] if r["id"] == "tvoc")
        tvoc.pop("inspection_tolerance_pct", None)
        if requirement_pct is not None:
            tvoc["inspection_tolerance_pct"] = requirement_pct
        spec = tmp_path / f"spec_{requirement_pct}.yaml"
        spec.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        ev_id, _ = submission.submit(sessions, HOT_MELT, spec, f"maker {len(calls)}", "tester", home)
        store.transition(sessions, ev_id, "verified", "evaluator")
        store.transition(sessions, ev_id, "listed", "evaluator")
        measured = tmp_path / "m.csv"
        measured.write_text(f"evaluation,indicator,value,unit\n{ev_id},voc_content_per_mass,{value},g/kg\n",
                            encoding="utf-8")
        with sessions.begin() as s:  # only this listing is drawn
            for other in s.scalars(select(store.Evaluation).where(store.Evaluation.id != ev_id)):
                other.status = "delisted"
        b = inspection.draw(sessions, 1.0, 1, "authority")
        [item] = inspection.run(sessions, b.id, "authority", measured, option, home)
        return next(r for r in item.reasons if r["requirement"] == "tvoc")

    assert inspection.judge([], {}, None) == []
    ok = inspect(None, 3.5)  # the spec's 10 % holds 9.375 %
    assert ok["status"] == "ok" and "within 10 % of the declared 3.2" in ok["reason"], ok
    tight = inspect(9.0, 3.5)  # the requirement's 9 % does not
    assert tight["status"] == "fail" and "9.4 % off the declared 3.2, beyond the 9 % tolerance" in tight["reason"]
    assert inspect(8.0, 3.45)["status"] == "ok"  # 7.8 % within the requirement's 8 %
    assert inspect(8.0, 3.45, option=5.0)["status"] == "fail"  # the option's 5 % overrides the spec
    doc.pop("inspection_tolerance_pct")
    with pytest.raises(InputError, match="the specification states none for 'tvoc'"):
        inspect(None, 3.3)
    doc["inspection_tolerance_pct"] = -1
    spec = tmp_path / "negative.yaml"
    spec.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="inspection_tolerance_pct"):
        find(str(spec))
