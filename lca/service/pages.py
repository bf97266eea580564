"""Server-rendered pages (Jinja2, zh by default, ?lang=en): the public listing, a product page with its stage
chart (lca.report.charts) and verdict table, the inspections, and a submission form. Self-contained: inline
styles and SVG, nothing loaded from elsewhere."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from lca.core.errors import InputError
from lca.core.stages import STAGE_NAMES, STAGES
from lca.registry.models import InspectionBatch
from lca.report import charts
from lca.report.i18n import STATUS_NAMES
from lca.report.render import num, pct
from lca.service import views
from lca.service.api import read_uploads, store_upload, visible_evaluation
from lca.service.auth import Caller, caller_of
from lca.service.uploads import UploadError

router = APIRouter(include_in_schema=False)
Lang = Literal["zh", "en"]
COOKIE = "lca_token"
LABELS = {
    "zh": {"title": "绿色设计产品评价名录", "listing": "名录", "inspections": "抽查", "submit": "提交评价",
           "category": "产品类别", "product": "产品", "manufacturer": "生产企业", "spec": "评价规范",
           "indicators": "关键指标", "verdict": "结论", "status": "状态", "last_inspection": "最近抽查",
           "exempt_until": "免检至", "none": "暂无记录", "stage_chart": "各阶段贡献", "requirement": "要求",
           "value": "数值", "threshold": "限值", "margin": "裕度", "report": "评价报告", "token": "令牌",
           "files": "产品清单与表格（或一个 zip）", "send": "提交", "batch": "批次", "drawn": "抽取时间",
           "seed": "随机种子", "share": "抽取比例", "outcome": "结果", "reasons": "理由", "of": "共",
           "pending": "待检", "other_lang": "English", "results": "各阶段结果", "stage": "阶段"},
    "en": {"title": "Green design product listing", "listing": "Listing", "inspections": "Inspections",
           "submit": "Submit an evaluation", "category": "Category", "product": "Product",
           "manufacturer": "Manufacturer", "spec": "Specification", "indicators": "Key indicators",
           "verdict": "Verdict", "status": "Status", "last_inspection": "Last inspection",
           "exempt_until": "Exempt until", "none": "No records yet", "stage_chart": "Contribution by stage",
           "requirement": "Requirement", "value": "Value", "threshold": "Threshold", "margin": "Margin",
           "report": "Evaluation report", "token": "Token", "files": "Manifest and tables (or one zip)",
           "send": "Submit", "batch": "Batch", "drawn": "Drawn", "seed": "Seed", "share": "Share",
           "outcome": "Outcome", "reasons": "Reasons", "of": "of", "pending": "pending", "other_lang": "中文",
           "results": "Results by stage", "stage": "Stage"},
}
# What the registry stores in English words, as the pages show them: record statuses, inspection outcomes and
# per-requirement inspection results, and roles (verdicts and requirement statuses: lca.report.i18n.STATUS_NAMES).
STATE_NAMES = {
    "zh": {"submitted": "已提交", "verified": "已核验", "listed": "已列入名录", "delisted": "已移出名录",
           "conforming": "符合", "non-conforming": "不符合", "not assessed": "未评定", "ok": "符合",
           "manufacturer": "生产企业", "evaluator": "评价机构", "authority": "主管部门"},
    "en": {"submitted": "submitted", "verified": "verified", "listed": "listed", "delisted": "delisted",
           "conforming": "conforming", "non-conforming": "non-conforming", "not assessed": "not assessed",
           "ok": "ok", "manufacturer": "manufacturer", "evaluator": "evaluator", "authority": "authority"},
}
ENV = Environment(loader=PackageLoader("lca.service", "templates"), autoescape=select_autoescape(["html"]),
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(num=num, pct=pct)


def page(name: str, lang: str, caller: Caller | None, **context) -> HTMLResponse:
    """A page in `lang` with the labels, stage and status names of that language."""
    other = "en" if lang == "zh" else "zh"
    names = {**STATUS_NAMES[lang], **STATE_NAMES[lang]}
    return HTMLResponse(ENV.get_template(name).render(
        t=LABELS[lang], lang=lang, other=other, caller=caller, stage_name=STAGE_NAMES[lang],
        status_name=lambda s: names.get(s, s), **context))


def page_caller(request: Request) -> Caller | None:
    """The signed-in caller of a page (the token the submission form remembered), if any."""
    token = request.cookies.get(COOKIE)
    return caller_of(request.app.state.sessions, token) if token else None


@router.get("/", response_class=HTMLResponse)
def listing(request: Request, lang: Lang = "zh", category: str | None = None, page_no: int = 1) -> HTMLResponse:
    """The public listing: listed products (and a signed-in manufacturer's own drafts)."""
    caller = page_caller(request)
    rows, total = views.search(request.app.state.sessions, views.Query(category=category, page=max(page_no, 1)),
                               caller)
    last = views.last_inspections(request.app.state.sessions, [ev.id for ev in rows])
    return page("listing.html", lang, caller, rows=rows, total=total, last=last, key=views.key_indicators)


def stage_chart(ev, lang: str) -> Markup:
    """The stored stage results as stacked shares per indicator (the report's chart)."""
    by_indicator: dict[tuple[str, str], dict[str, float]] = {}
    for r in ev.results:
        if r.stage in STAGES and r.value is not None:
            by_indicator.setdefault((r.indicator, r.unit), {})[r.stage] = r.value
    rows = [(ind, f"{ind} ({unit})", [charts.Segment(s, v.get(s, 0.0)) for s in STAGES])
            for (ind, unit), v in by_indicator.items() if any(v.values())]
    return charts.stacked_shares(rows, STAGE_NAMES[lang], LABELS[lang]["stage_chart"]) if rows else Markup("")


@router.get("/products/{evaluation_id}", response_class=HTMLResponse)
def product(request: Request, evaluation_id: int, lang: Lang = "zh") -> HTMLResponse:
    """One evaluation: stage chart, verdict table, results and a link to the full report."""
    caller = page_caller(request)
    ev = visible_evaluation(request, evaluation_id, caller)
    return page("product.html", lang, caller, ev=ev, chart=stage_chart(ev, lang),
                last=views.last_inspections(request.app.state.sessions, [ev.id]).get(ev.id))


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon (the report pages ask for one): an empty answer rather than a 404 in the browser's console."""
    return Response(status_code=204)


@router.get("/inspections", response_class=HTMLResponse)
def inspections(request: Request, lang: Lang = "zh") -> HTMLResponse:
    """Every sampling draw with its drawn products and their outcomes."""
    from sqlalchemy.orm import selectinload

    with request.app.state.sessions() as s:
        batches = list(s.scalars(select(InspectionBatch).order_by(InspectionBatch.id.desc())
                                 .options(selectinload(InspectionBatch.items))))
    return page("inspections.html", lang, page_caller(request), batches=batches)


@router.get("/submit", response_class=HTMLResponse)
def submit_form(request: Request, lang: Lang = "zh", error: str | None = None) -> HTMLResponse:
    return page("submit.html", lang, page_caller(request), specs=sorted(request.app.state.spec_ids), error=error)


@router.post("/submit")
async def submit(request: Request, token: Annotated[str, Form()], spec: Annotated[str, Form()],
                 files: Annotated[list[UploadFile], File()], lang: Annotated[Lang, Form()] = "zh"):
    """The form's submission: evaluated and stored like the API's; the token is remembered for the pages."""
    caller = caller_of(request.app.state.sessions, token.strip())
    if caller is None or caller.role != "manufacturer":
        return page("submit.html", lang, None, specs=sorted(request.app.state.spec_ids),
                    error="a manufacturer's token is needed to submit")
    try:
        ev_id, _ = await run_in_threadpool(store_upload, request, await read_uploads(request, files), spec, caller)
    except (UploadError, InputError, HTTPException) as exc:
        message = exc.render() if isinstance(exc, InputError) else getattr(exc, "message", None) or exc.detail
        return page("submit.html", lang, caller, specs=sorted(request.app.state.spec_ids), error=message)
    response = RedirectResponse(f"/?lang={lang}#ev-{ev_id}", status_code=303)
    response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict")
    return response


