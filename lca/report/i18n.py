"""Report labels in Chinese and English; one dictionary per language, the same keys in both."""
from __future__ import annotations

from lca.core.errors import InputError

LANGS = ("zh", "en")

_EN = {
    "title": "Life-cycle assessment and eco-design evaluation report",
    "catalogue_title": "Catalogue screening summary",
    "product": "Product", "product_id": "Product id", "category": "Category",
    "functional_unit": "Functional unit", "reference_flow": "Reference flow", "lifetime": "Lifetime",
    "mass": "Mass per functional unit", "illustrative": "Illustrative example: not data of a real product.",
    "s_product": "Product and functional unit", "s_boundary": "System boundary",
    "boundary_note": "Cradle to grave: the five life-cycle stages and the foreground rows that link into the "
                     "background inventory; everything upstream of a linked process is inside the boundary.",
    "s_sources": "Data sources and data quality",
    "sources_note": "Every background process the product draws on (directly or upstream), with its provenance "
                    "and year; a location outside China marks data used as a proxy for Chinese production.",
    "proxy": "proxy for China",
    "s_inventory": "Inventory summary", "foreground": "Foreground rows", "flows": "Largest elementary flows",
    "s_results": "Indicator results per life-cycle stage", "results_note":
        "Bars show each stage's share of the indicator (negative shares are credits, drawn left of zero).",
    "s_contrib": "Contribution analysis", "contrib_note": "Background processes contributing most to each indicator.",
    "s_verdict": "Verdict against the specification", "s_uncertainty": "Uncertainty",
    "s_supply": "Supply chain: supplier data and green suppliers", "supply_note":
        "Primary data: the share of each indicator from supplier declarations and measured direct emissions; "
        "the rest rests on secondary background data. Green suppliers: the share from parts of green factories "
        "or green products (suppliers table).", "primary": "Primary data", "green": "Green suppliers",
    "green_mass": "Green share of purchased mass", "declaration": "Declaration", "supplier": "Supplier",
    "part": "Part", "valid": "Valid", "verified": "third-party verified", "self_declared": "self-declared",
    "expired": "expired",
    "s_improve": "Improvement options", "s_versions": "Software, data and input versions",
    "stage": "Stage", "row": "Row", "origin": "Source row", "process": "Process", "amount": "Amount",
    "unit": "Unit", "flow": "Flow", "compartment": "Compartment", "indicator": "Indicator",
    "total": "Total", "share": "Share", "value": "Value", "threshold": "Threshold", "margin": "Margin",
    "status": "Status", "clause": "Clause", "evidence": "Evidence", "requirement": "Requirement",
    "code": "Code", "name": "Name", "location": "Location", "publisher": "Publisher", "document": "Document",
    "year": "Year", "table": "Table / row", "licence": "Licence", "overall": "Overall verdict",
    "basic": "Basic requirements", "indicator_reqs": "Indicator requirements",
    "pass_probability": "Pass probability", "iterations": "Monte Carlo iterations",
    "all_indicator_reqs": "All indicator requirements together",
    "partial_spec": "This specification transcribes only part of its standard; a pass here is not a "
                    "green-design verdict.",
    "no_flow": "–: no characterised flow in this product's inventory.",
    "coverage": "Coverage", "coverage_note": "Coverage: share of the product's climate score (in brackets: of its "
        "BOM mass) drawn from background processes that carry flows for the indicator.",
    "coverage_low": "Partial coverage of {indicator}: {share} of the climate score; largest uncovered processes: "
                    "{processes}. The result understates the indicator.",
    "no_flow_catalogue": "–: no characterised flow in any product's inventory.",
    "no_spec": "No specification given: no verdict.",
    "advice": "To meet {req}", "hotspot": "'{label}' ({origin}; {stage}) gives {share} of {indicator}: "
                                          "reduce it or switch to a lower-impact supply.",
    "version_software": "Software", "version_libs": "Libraries", "version_data": "Background data version",
    "version_set": "Indicator set", "version_spec": "Specification", "version_hash": "Input hash (SHA-256)",
    "repro_note": "The report contains no time or machine information: the same inputs give the same report.",
    "products": "Products", "pass_rates": "Pass rates per requirement", "pass_rate": "Pass rate",
    "computable": "Computable", "joint": "All indicator requirements", "distributions": "Distribution of totals",
    "best": "Best products (lowest totals)", "worst": "Worst products (highest totals)",
    "mean": "Mean", "median": "Median", "p5": "P5", "p95": "P95", "count": "Products",
    "no_verdicts": "The results carry no verdict columns (run `lca screen --spec SPEC`).",
    "yes": "pass", "no": "fail",
    "band": "Band", "grade_reached": "grade reached", "grade_required": "grade required",
    "grade_none": "none (below every grade)",
}

_ZH = {
    "title": "生命周期评价与生态设计产品评价报告",
    "catalogue_title": "产品目录筛选汇总",
    "product": "产品", "product_id": "产品编号", "category": "产品类别",
    "functional_unit": "功能单位", "reference_flow": "基准流", "lifetime": "使用寿命",
    "mass": "每功能单位质量", "illustrative": "示例：非真实产品数据。",
    "s_product": "产品与功能单位", "s_boundary": "系统边界",
    "boundary_note": "从摇篮到坟墓：五个生命周期阶段及与背景数据库相连的前景数据行；所连过程的全部上游均在边界内。",
    "s_sources": "数据来源与数据质量", "sources_note": "产品（直接或经上游）使用的每个背景过程及其出处和年份；地区不在中国的数据为代用数据。",
    "proxy": "境外数据代用",
    "s_inventory": "清单汇总", "foreground": "前景数据行", "flows": "主要基本流",
    "s_results": "各生命周期阶段的指标结果", "results_note": "条形表示各阶段在该指标中的占比（负值为抵扣，画在零线左侧）。",
    "s_contrib": "贡献分析", "contrib_note": "对各指标贡献最大的背景过程。",
    "s_verdict": "对照产品评价规范的判定", "s_uncertainty": "不确定性",
    "s_supply": "供应链：供应商数据与绿色供应商", "supply_note":
        "初级数据：各指标中来自供应商声明和实测直接排放的份额，其余基于次级背景数据。绿色供应商：来自绿色工厂或绿色产品零部件的份额（供应商名录）。",
    "primary": "初级数据", "green": "绿色供应商", "green_mass": "绿色供应商采购质量占比", "declaration": "声明",
    "supplier": "供应商", "part": "零部件", "valid": "有效期", "verified": "第三方验证", "self_declared": "自我声明",
    "expired": "已过期",
    "s_improve": "改进建议", "s_versions": "软件、数据与输入版本",
    "stage": "阶段", "row": "行", "origin": "来源行", "process": "过程", "amount": "数量",
    "unit": "单位", "flow": "基本流", "compartment": "环境介质", "indicator": "指标",
    "total": "合计", "share": "占比", "value": "数值", "threshold": "限值", "margin": "裕度",
    "status": "结果", "clause": "条款", "evidence": "证明材料", "requirement": "要求",
    "code": "代码", "name": "名称", "location": "地区", "publisher": "发布者", "document": "文件",
    "year": "年份", "table": "表／行", "licence": "许可", "overall": "总体判定",
    "basic": "基本要求", "indicator_reqs": "评价指标要求",
    "pass_probability": "符合概率", "iterations": "蒙特卡洛迭代次数",
    "all_indicator_reqs": "全部指标要求同时满足",
    "partial_spec": "本规范仅转录了标准的部分内容；此处“符合”不等于绿色设计产品的评价结论。",
    "no_flow": "–：本产品清单中没有被表征的基本流。",
    "coverage": "覆盖率", "coverage_note": "覆盖率：产品气候变化得分（括号内：BOM 质量）中来自含该指标基本流的背景过程的比例。",
    "coverage_low": "{indicator}覆盖不完整：仅 {share} 的气候变化得分来自含该指标基本流的背景过程；未覆盖的主要过程：{processes}。"
                    "该结果低估了此指标。",
    "no_flow_catalogue": "–：所有产品的清单中均没有被表征的基本流。",
    "no_spec": "未指定产品评价规范：无判定。",
    "advice": "为满足 {req}", "hotspot": "“{label}”（{origin}；{stage}）占{indicator}的 {share}：宜减少用量或改用影响更低的来源。",
    "version_software": "软件", "version_libs": "程序库", "version_data": "背景数据版本",
    "version_set": "指标集", "version_spec": "产品评价规范", "version_hash": "输入哈希（SHA-256）",
    "repro_note": "报告不含时间或机器信息：相同的输入得到相同的报告。",
    "products": "产品数", "pass_rates": "各项要求的符合率", "pass_rate": "符合率",
    "computable": "可计算", "joint": "全部指标要求", "distributions": "合计值分布",
    "best": "最优产品（合计最低）", "worst": "最差产品（合计最高）",
    "mean": "均值", "median": "中位数", "p5": "P5", "p95": "P95", "count": "产品数",
    "no_verdicts": "结果中没有判定列（请使用 `lca screen --spec SPEC`）。",
    "yes": "符合", "no": "不符合",
    "band": "分档", "grade_reached": "达到等级", "grade_required": "要求等级", "grade_none": "未达到任何等级",
}

STATUS_NAMES = {
    "en": {"pass": "pass", "fail": "fail", "incomplete": "incomplete", "missing evidence": "missing evidence",
           "not computable": "not computable"},
    "zh": {"pass": "符合", "fail": "不符合", "incomplete": "不完整", "missing evidence": "缺少证明",
           "not computable": "无法计算"},
}


# Grade names of the grade tables (product_specs/grade_tables/) other than numbers, as the report shows them.
GRADE_NAMES = {"en": {"limit": "limit"}, "zh": {"limit": "限值"}}


def labels(lang: str) -> dict[str, str]:
    """The label dictionary of a language ('zh' or 'en')."""
    if lang not in LANGS:
        raise InputError(f"unknown report language '{lang}'", hint="use zh or en")
    return _ZH if lang == "zh" else _EN
