"""Render reports to self-contained HTML (Jinja2) and PDF (WeasyPrint, from the same HTML)."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from lca.core.errors import InputError
from lca.core.files import atomic_write
from lca.core.stages import STAGE_NAMES, STAGES
from lca.report import charts
from lca.report.catalogue import JOINT, CatalogueSummary
from lca.report.i18n import GRADE_NAMES, STATUS_NAMES, labels
from lca.report.model import ProductReport

REPORT_TYPES = (".html", ".htm")
OPERATORS = {"<=": "≤", ">=": "≥"}


def num(v: float | None) -> str:
    """Four significant digits, '–' for none, '0' for exactly zero."""
    if v is None:
        return "–"
    return "0" if v == 0 else f"{v:.4g}"


def pct(v: float | None, signed: bool = False) -> str:
    if v is None or v != v:
        return "–"
    return f"{v:+.1f} %" if signed else f"{v:.1f} %"


def _env(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("lca.report", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(num=num, pct=pct, exact=repr, op=lambda o: OPERATORS.get(o, o),
                       zip=zip)
    env.globals.update(t=labels(lang), lang=lang, stage_name=STAGE_NAMES[lang], status_name=STATUS_NAMES[lang],
                       stages=STAGES, grade_name=lambda g: GRADE_NAMES[lang].get(g, g))
    return env


def check_report_path(path: str | Path) -> Path:
    """Reject an output that is not .html before any work is done."""
    path = Path(path)
    if path.suffix.lower() not in REPORT_TYPES:
        raise InputError(f"unsupported report type '{path.suffix}'", file=path, hint="write the report to a .html file")
    return path


def _name(lang: str, en: str, zh: str | None) -> str:
    return zh if lang == "zh" and zh else en


def product_charts(r: ProductReport, lang: str) -> dict[str, Markup]:
    """The product report's SVG charts: boundary, stage shares, and one contribution chart per indicator."""
    t, names = labels(lang), STAGE_NAMES[lang]
    by_stage: dict[str, list[str]] = {s: [] for s in STAGES}
    for ln in r.inventory.lines:
        by_stage[ln.stage].append(ln.label)
    covered = [x for x in r.results if x.covered]
    out = {
        "boundary": charts.boundary([(s, names[s], by_stage[s]) for s in STAGES], t["s_boundary"]),
        "stages": charts.stacked_shares(
            [(x.id, f"{_name(lang, x.name_en, x.name_zh)} ({x.unit})",
              [charts.Segment(s, v) for s, v in zip(STAGES, x.stages)]) for x in covered],
            names, t["s_results"]),
    }
    for x in covered:
        out[f"contrib:{x.id}"] = charts.hbars(x.top, x.unit, f"{t['s_contrib']}: {x.id}", key=x.id)
    return out


def render_product(r: ProductReport, lang: str = "zh") -> str:
    """The product report as one HTML document."""
    env = _env(lang)
    return env.get_template("product.html").render(
        r=r, charts=product_charts(r, lang), product_name=_name(lang, r.manifest.name, r.manifest.name_zh),
        ind_name=lambda x: _name(lang, x.name_en, x.name_zh))


def catalogue_charts(s: CatalogueSummary, lang: str) -> dict[str, Markup]:
    """Pass rates as bars and one histogram of totals per indicator with a characterised flow."""
    t = labels(lang)
    rates = [(t["joint"] if p.id == JOINT else p.id, p.rate * 100)
             for p in s.pass_rates + ([s.joint] if s.joint else []) if p.rate is not None]
    out = {"pass_rates": charts.hbars(rates, "%", t["pass_rates"], key="pass_rate")}
    for d in s.distributions:
        if d.covered:
            out[f"hist:{d.id}"] = charts.histogram(d.counts, d.edges, d.unit, d.id, key=d.id, log=d.log_bins)
    return out


def render_catalogue(s: CatalogueSummary, lang: str = "zh") -> str:
    """The catalogue screening summary as one HTML document."""
    return _env(lang).get_template("catalogue.html").render(s=s, charts=catalogue_charts(s, lang))


def write_html(html: str, path: Path) -> Path:
    atomic_write(path, lambda p: p.write_text(html, encoding="utf-8"))
    return path


def write_pdf(html: str, path: Path) -> Path:
    """PDF from the same HTML (WeasyPrint draws the inline SVG charts; no scripts are needed)."""
    from weasyprint import HTML

    atomic_write(path, lambda p: HTML(string=html).write_pdf(p))
    return path
