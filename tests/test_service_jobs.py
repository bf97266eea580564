"""The service's slower answers end to end: a catalogue screening run as a background job (upload, progress
polled until done, result downloaded and equal to lca.population.screen on the same file) and the PDF report
(a PDF whose text layer names the product and carries the HTML report's figures)."""
from __future__ import annotations

import io
import time

import pandas as pd
import pytest
from lxml import html as lhtml
from service_helpers import HOT_MELT, SPEC, Service, product_files

from lca.inventory.product import load_manifest
from lca.population import synthetic
from lca.population.screen import screen

PRODUCTS = 30
WAIT_S = 90  # bounded wait for the background job


@pytest.fixture(scope="module")
def svc(home, tmp_path_factory) -> Service:
    s = Service(f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'registry.sqlite'}", home)
    r = s.submit(product_files(HOT_MELT))
    assert r.status_code == 201, r.text
    s.draft = r.json()["id"]
    return s


def test_screening_job_runs_to_the_same_results_as_screen(svc, engine, home, tmp_path):
    catalogue = tmp_path / "catalogue.csv"
    synthetic.catalogue(engine.m.catalogue, PRODUCTS, seed=11).to_csv(catalogue, index=False)
    r = svc.client.post("/api/screenings", headers=svc.auth("evaluator"),
                        files={"catalogue": ("catalogue.csv", catalogue.read_bytes())})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["state"] in ("queued", "running", "done") and job["result"] in (None, f"/api/screenings/{job['id']}/result")
    seen, deadline = [], time.monotonic() + WAIT_S
    while job["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"screening not done after {WAIT_S} s: {job}"
        if job["state"] == "running":  # before it finishes, the result is not there to download
            early = svc.client.get(f"/api/screenings/{job['id']}/result", headers=svc.auth("evaluator"))
            assert early.status_code in (200, 409)
        time.sleep(0.1)
        job = svc.client.get(f"/api/screenings/{job['id']}", headers=svc.auth("evaluator")).json()
        seen.append((job["done"], job["total"]))
    assert job["state"] == "done" and job["error"] is None, job
    assert job["products"] == PRODUCTS and job["done"] == job["total"]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # progress never goes back
    # someone else's job is not found, even for a role that may screen
    assert svc.client.get(job["result"], headers=svc.auth("authority")).status_code == 404
    got = svc.client.get(job["result"], headers=svc.auth("evaluator"))
    assert got.status_code == 200 and got.headers["content-type"] == "application/vnd.apache.parquet"
    served = pd.read_parquet(io.BytesIO(got.content))
    summary = screen(catalogue, tmp_path / "direct.parquet", home=home)  # the same file, screened directly
    direct = pd.read_parquet(tmp_path / "direct.parquet")
    assert summary.products == PRODUCTS and len(served) == len(direct) > 0
    pd.testing.assert_frame_equal(served, direct, check_exact=True)


def test_pdf_report_names_the_product_and_carries_the_html_figures(svc):
    from pypdf import PdfReader

    url = f"/api/evaluations/{svc.draft}/report"
    pdf = svc.client.get(url, params={"format": "pdf", "lang": "en"}, headers=svc.auth("evaluator"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    manifest = load_manifest(HOT_MELT / "product.yaml")
    assert " ".join(manifest.name.split()) in text
    page = svc.client.get(url, params={"lang": "en"}, headers=svc.auth("evaluator"))
    doc = lhtml.fromstring(page.content)
    figures = [c.text_content().split()[0] for c in doc.xpath('//table[@id="verdict-table"]//td[@data-value]')]
    assert figures and all(f in text for f in figures), (figures, SPEC)
    assert svc.client.get(url, params={"format": "pdf"}).status_code == 401  # a draft: not public
