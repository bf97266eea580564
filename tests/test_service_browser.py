"""The service's pages in real headless Chromium (selenium + chromium-driver) against a real `lca serve`
process: listing, product and inspection pages in zh and en load without console errors, their links work,
and a submission through the form appears in the listing. Screenshots are kept in the test's folder."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import bench_service  # noqa: E402

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(DRIVER is None or shutil.which("chromium") is None,
                                reason="needs Debian's chromium and chromium-driver (.ci/run installs them as root)")


@pytest.fixture(scope="module")
def site(home, tmp_path_factory):
    from lca.registry import db, store, submission, verify
    from lca.service.auth import add_token

    folder = tmp_path_factory.mktemp("site")
    url = f"sqlite:///{folder / 'registry.sqlite'}"
    sessions = db.open_registry(url)
    ev_id, _ = submission.submit(sessions, bench_service.EXAMPLE / "product.yaml", bench_service.SPEC, "Listed Co",
                                 "tester", home)
    verify.verify(sessions, ev_id, "tester", home)
    store.transition(sessions, ev_id, "listed", "tester")
    token = add_token(sessions, "manufacturer", "Form Co")
    with bench_service.server(url, home) as base:
        yield base, ev_id, token, folder


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(DRIVER), options=options)
    yield driver
    driver.quit()


def load(browser, url: str, shot: Path) -> None:
    """Open a page, fail on any console message of level warning or worse, keep a screenshot."""
    browser.get(url)
    problems = [m for m in browser.get_log("browser") if m["level"] in ("SEVERE", "WARNING")]
    assert not problems, problems
    browser.save_screenshot(str(shot))


@pytest.mark.parametrize("lang,heading", [("zh", "名录"), ("en", "Listing")])
def test_pages_load_and_links_work(site, browser, lang, heading):
    base, ev_id, _, folder = site
    load(browser, f"{base}/?lang={lang}", folder / f"listing-{lang}.png")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(heading)
    row = browser.find_element(By.ID, f"ev-{ev_id}")
    assert "Listed Co" in row.text and "tcagp_0001_2016" in row.text
    row.find_element(By.CLASS_NAME, "product-link").click()
    assert browser.current_url.startswith(f"{base}/products/{ev_id}")
    load(browser, browser.current_url, folder / f"product-{lang}.png")
    bars = browser.find_elements(By.CSS_SELECTOR, "#stage-chart svg rect[data-value]")
    assert bars  # the stored stage results drawn
    browser.find_element(By.ID, "report-link").click()
    assert browser.find_element(By.TAG_NAME, "h1").text  # the full report renders
    assert not [m for m in browser.get_log("browser") if m["level"] == "SEVERE"]
    load(browser, f"{base}/inspections?lang={lang}", folder / f"inspections-{lang}.png")
    browser.find_element(By.ID, "nav-listing").click()
    assert browser.find_element(By.ID, f"ev-{ev_id}")


def test_a_submission_through_the_form_appears_in_the_listing(site, browser):
    base, ev_id, token, folder = site
    load(browser, f"{base}/submit?lang=en", folder / "submit.png")
    browser.find_element(By.ID, "token").send_keys(token)
    for option in browser.find_elements(By.CSS_SELECTOR, "#spec option"):
        if option.text == "tcpcif_0086_2021_bulk":
            option.click()
    example = bench_service.REPO / "inventories" / "examples" / "hot_melt_adhesive"
    browser.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in sorted(example.iterdir())))
    browser.find_element(By.ID, "send").click()
    WebDriverWait(browser, 120).until(lambda b: b.find_elements(By.ID, "listing"))  # evaluated, then redirected
    rows = browser.find_elements(By.CSS_SELECTOR, "#listing tr[id^='ev-']")
    browser.save_screenshot(str(folder / "after-submit.png"))
    texts = [r.text for r in rows]
    assert any("Form Co" in t and "tcpcif_0086_2021_bulk" in t for t in texts), texts  # the own draft, signed in
    assert any("Listed Co" in t for t in texts)
