"""The reports in a real browser (headless Chromium): no console messages, every chart laid out with
its bars, Chinese text in a CJK font; screenshots saved for a person to look at."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from lxml import html as lhtml
from PIL import Image
from test_report import HOT_MELT, SPEC

from lca.assess.specs import find
from lca.population import synthetic
from lca.population.screen import screen
from lca.report import catalogue, model, render
from lca.report.charts import STAGE_COLOURS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# only the tests that open a browser need one: the two font tests below run without Chromium
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                                    "(Debian: apt-get install chromium fonts-noto-cjk; .ci/run does this as root)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
WIDTH = 1100

# Appended to a copy of the report only (reports carry no scripts): what the browser laid out.
PROBE = """<script>
const charts = [...document.querySelectorAll("svg.chart")].map(s => {
  const r = s.getBoundingClientRect();
  const bars = [...s.querySelectorAll("rect.bar, rect.stage")].filter(b => b.getBBox().width > 0 && b.getBBox().height > 0);
  return {label: s.getAttribute("aria-label"), width: r.width, height: r.height, bars: bars.length};
});
const probe = document.createElement("pre");
probe.id = "probe";
probe.textContent = JSON.stringify({charts, height: document.documentElement.scrollHeight});
document.body.appendChild(probe);
</script>"""


def _chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=120, check=True)


def console_messages(page: Path) -> list[str]:
    """What the page logged to the console (Chromium writes each message to stderr as CONSOLE)."""
    res = _chromium("--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri())
    return [ln for ln in res.stderr.splitlines() if ":CONSOLE" in ln]


def layout(page: Path) -> dict:
    """The probe's measurements of every chart, from the DOM Chromium built."""
    probe = page.with_name(page.stem + ".probe.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = lhtml.fromstring(_chromium("--dump-dom", probe.as_uri()).stdout)
    return json.loads(dom.xpath('//pre[@id="probe"]')[0].text)


def screenshot(page: Path, out: Path, height: int) -> Image.Image:
    _chromium(f"--window-size={WIDTH},{height}", f"--screenshot={out}", page.as_uri())
    return Image.open(out).convert("RGB")


def _colour_pixels(img: Image.Image, hex_colour: str) -> int:
    rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return sum(n for n, c in img.getcolors(maxcolors=1 << 24) if c == rgb)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nreport screenshots in {folder}")
    return folder


def _check(page: Path, shots: Path, n_charts: int) -> Image.Image:
    assert console_messages(page) == []
    measured = layout(page)
    assert len(measured["charts"]) == n_charts
    for c in measured["charts"]:
        assert c["width"] > 200 and c["height"] > 20 and c["bars"] > 0, c
    return screenshot(page, shots / f"{page.stem}.png", measured["height"] + 40)


@needs_chromium
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_product_report_in_chromium(lang, home, shots):
    r = model.build(HOT_MELT, find(SPEC)[1], home=home)
    page = shots / f"product_{lang}.html"
    render.write_html(render.render_product(r, lang), page)
    img = _check(page, shots, 2 + sum(x.covered for x in r.results))
    for stage, colour in STAGE_COLOURS.items():  # boundary boxes and stage bars are painted
        assert _colour_pixels(img, colour) > 500, stage


def test_chinese_text_has_a_cjk_font():
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no Chinese font: install fonts-noto-cjk (Chinese would render as boxes)"


@needs_chromium
def test_catalogue_summary_in_chromium(engine, home, shots, tmp_path):
    cat = tmp_path / "catalogue.parquet"
    synthetic.catalogue(engine.m.catalogue, 120, seed=5).to_parquet(cat)
    results = tmp_path / "results.parquet"
    screen(cat, results, home=home)
    table = pq.read_table(results)  # add a verdict column as `lca screen --spec` writes it
    pq.write_table(table.append_column("pass.gwp_total", pc.less_equal(table.column("gwp100.total"), 300)), results)
    s = catalogue.summarise(results)
    page = shots / "catalogue_zh.html"
    render.write_html(render.render_catalogue(s, "zh"), page)
    assert s.pass_rates
    img = _check(page, shots, 1 + sum(d.covered for d in s.distributions))
    assert _colour_pixels(img, "#4e79a7") > 500


def test_pdf_sets_chinese_in_a_cjk_font(home, tmp_path):
    """WeasyPrint lays out the same HTML on A4 pages and embeds the CJK font for the Chinese text."""
    from weasyprint import HTML

    r = model.build(HOT_MELT, find(SPEC)[1], home=home)
    doc = HTML(string=render.render_product(r, "zh")).render()
    doc.write_pdf(tmp_path / "report.pdf")
    assert len(doc.pages) > 2
    assert any(b"CJK" in f.name for f in doc.fonts.values())
