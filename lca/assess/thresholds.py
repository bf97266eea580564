"""Thresholds as standards print them: `≥ 95`, `≤ 140 kgce/t`, `不低于 2 级`, `符合 GB 21455 中 1 级`,
`90～110`, `≥ 95%`, `—`; parsed into an operator and value, a range, a grade, or an evidence statement."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

NONE = {"", "—", "——", "-", "–", "－", "/", "无", "n/a", "none"}
OPERATORS = {  # longest words first, so 不低于 is not read as 低于
    "大于等于": ">=", "小于等于": "<=", "不低于": ">=", "不小于": ">=", "不少于": ">=", "不高于": "<=",
    "不大于": "<=", "不超过": "<=", "不多于": "<=", ">=": ">=", "<=": "<=", "≥": ">=", "≤": "<=",
    "大于": ">", "高于": ">", "超过": ">", "小于": "<", "低于": "<", ">": ">", "<": "<", "==": "==", "=": "==",
    "等于": "==",
}
_FULL = str.maketrans({"＞": ">", "＜": "<", "＝": "=", "％": "%", "～": "~", "　": " ", "．": ".", "，": ","})
_NUM = r"\d+(?:[.,]\d+)?"
_GRADE = re.compile(r"^(?:(?P<op>不低于|≥|>=|达到|符合|满足)\s*)?(?P<std>(?:GB|GB/T|T/[A-Z]+|[A-Z]{2,4})\s*[\d.]+"
                    r"(?:[-—]\d{4})?)?\s*(?:中|的|规定的)?\s*(?:能效|能源效率)?\s*(?:等级\s*)?(?P<g>\d+)\s*级"
                    r"(?:\s*(?:及以上|或以上|以上))?$")
_RANGE = re.compile(rf"^(?P<a>{_NUM})\s*(?P<ua>%)?\s*(?:~|–|—|-|至|到)\s*(?P<b>{_NUM})\s*(?P<unit>\S*)$")
_NAMED_GRADE = re.compile(r"^(?:等级|grade)\s*[:：]?\s*(?P<g>\S+)$", re.IGNORECASE)
_EVIDENCE = ("符合", "满足", "达到", "执行", "comply", "complies", "meet", "meets")


@dataclass(frozen=True)
class Threshold:
    """One parsed cell: kind none (no requirement), bound, range, grade, or evidence (a statement)."""

    kind: Literal["none", "bound", "range", "grade", "evidence"]
    operator: str | None = None
    value: float | None = None
    upper: float | None = None
    unit: str | None = None  # a unit written in the cell, e.g. "%"
    grade: str | None = None
    standard: str | None = None  # the standard a grade refers to, e.g. "GB 21455"


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse(text: str) -> Threshold:
    """The threshold written in a cell; ValueError says why a cell cannot be read."""
    t = " ".join(str(text).translate(_FULL).split())
    if t.lower() in NONE:
        return Threshold("none")
    m = _NAMED_GRADE.match(t)
    if m:
        return Threshold("grade", grade=m["g"])
    m = _GRADE.match(t)
    if m:
        return Threshold("grade", grade=m["g"], standard=" ".join(m["std"].split()) if m["std"] else None)
    m = _RANGE.match(t)
    if m:
        return Threshold("range", value=_number(m["a"]), upper=_number(m["b"]), unit=m["unit"] or m["ua"] or None)
    for word, op in OPERATORS.items():
        if t.startswith(word):
            rest = t[len(word):].strip()
            m = re.match(rf"^(?P<v>{_NUM})\s*(?P<unit>.*)$", rest)
            if m:
                return Threshold("bound", op, _number(m["v"]), unit=m["unit"].strip() or None)
            break
    if t.lower().startswith(_EVIDENCE):
        return Threshold("evidence")
    raise ValueError(f"cannot read the threshold '{text}' (write e.g. '≥ 95', '≤ 140', '90～110', '不低于 2 级', "
                     "'符合 GB 21455 中 1 级' or '—')")


def write(operator: str, value: float, unit: str | None = None) -> str:
    """A bound as a standard prints it (what `lca spec export` writes)."""
    sign = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}[operator]
    return f"{sign} {value:g}" + (f" {unit}" if unit else "")
