"""The service's demo registry (`lca serve --demo`) holds every example, the EU air conditioners included, and
its pages name record statuses, verdicts and inspection outcomes in the page's language."""
from __future__ import annotations

import pytest
from lxml import html as lhtml
from service_helpers import Service

from lca.registry.models import STATUSES
from lca.service import demo
from lca.service.pages import COOKIE, STATE_NAMES

EU = "eu_206_2012_reversible_ac"
ZH = {"listed": "已列入名录", "verified": "已核验", "pass": "符合", "fail": "不符合", "incomplete": "不完整"}


@pytest.fixture(scope="module")
def site(home, tmp_path_factory) -> Service:
    """The demo registry, with one inspection batch drawn from all listed products and run."""
    s = Service(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'registry.sqlite'}", home)
    s.ids, s.skipped = demo.seed(s.sessions, home)
    batch = s.client.post("/api/inspections", headers=s.auth("authority"), data={"share": "1", "seed": "1"}).json()
    s.batch = s.client.post(f"/api/inspections/{batch['id']}/run", headers=s.auth("authority")).json()
    return s


def evaluations(s: Service) -> dict[tuple[str, str], dict]:
    items = s.client.get("/api/evaluations", headers=s.auth("evaluator"), params={"per_page": 100}).json()["items"]
    return {(e["product_id"], e["spec_id"]): e for e in items}


def test_demo_holds_every_example_and_lists_the_eu_pass_case(site):
    assert site.skipped == []
    assert len(site.ids) == len(demo.pairs())
    evs = evaluations(site)
    assert (evs[("room_ac_35kw_eu_pass", EU)]["verdict"], evs[("room_ac_35kw_eu_pass", EU)]["status"]) == (
        "pass", "listed")
    assert (evs[("room_ac_35kw_eu_fail", EU)]["verdict"], evs[("room_ac_35kw_eu_fail", EU)]["status"]) == (
        "fail", "verified")  # a failing product is never listed
    public = lhtml.fromstring(site.client.get("/?lang=en").content)
    shown = {(r.get("id"), r.xpath("td[2]/a")[0].text_content(), r.xpath("td[4]")[0].text_content().split()[0])
             for r in public.xpath('//table[@id="listing"]/tr[@id]')}
    eu_examples = {(f"ev-{e['id']}", e["product_name"], spec) for (pid, spec), e in evs.items()
                   if pid.startswith("room_ac_35kw_eu_") and e["status"] == "listed"}
    assert len(eu_examples) == 3 and eu_examples <= shown  # the pass case under both specs, the fail case under
    # the one it does not fail (incomplete against the partial tcagp_0001_2016)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_name_statuses_verdicts_and_outcomes_in_their_language(site, lang):
    word = (lambda s: ZH[s]) if lang == "zh" else (lambda s: s)
    evs = evaluations(site)
    listing = lhtml.fromstring(site.client.get(f"/?lang={lang}").content)
    for ev in evs.values():
        row = listing.xpath(f'//tr[@id="ev-{ev["id"]}"]')
        if ev["status"] != "listed":
            assert not row  # the public listing shows listed products only
            continue
        assert row[0].xpath("td[6]")[0].text_content() == word(ev["verdict"])
        assert row[0].xpath("td[7]")[0].text_content() == word("listed")
        outcome = next(i["outcome"] for i in site.batch["items"] if i["evaluation_id"] == ev["id"])
        assert row[0].xpath("td[8]/span")[0].text_content() == STATE_NAMES[lang][outcome]
    failing = evs[("room_ac_35kw_eu_fail", EU)]
    page = lhtml.fromstring(site.client.get(f"/products/{failing['id']}?lang={lang}",
                                            headers={"Cookie": f"{COOKIE}={site.tokens['evaluator']}"}).content)
    assert page.xpath('//span[@id="verdict"]')[0].text_content() == word("fail")
    assert page.xpath('//span[@id="status"]')[0].text_content() == word("verified")
    outcomes = {i["outcome"] for i in site.batch["items"]}
    assert outcomes and None not in outcomes
    text = lhtml.fromstring(site.client.get(f"/inspections?lang={lang}").content).xpath(
        '//table')[0].text_content()
    for outcome in outcomes:
        assert STATE_NAMES[lang][outcome] in text


def test_every_stored_word_has_a_name_in_both_languages():
    stored = {*STATUSES, "conforming", "non-conforming", "not assessed", "ok", "manufacturer", "evaluator",
              "authority"}
    assert set(STATE_NAMES["zh"]) == set(STATE_NAMES["en"]) == stored
    assert all(STATE_NAMES["zh"][w] != w and not STATE_NAMES["zh"][w].isascii() for w in stored)
