"""Verdicts: a product checked against a product specification, with the reasons.

Per basic requirement: pass / fail from the manifest's `evidence`, or missing evidence. Per
indicator requirement: the value over the requirement's stage scope, the threshold, the margin
in % of the threshold (positive = headroom) and pass / fail; a failing indicator names the stage
and the rows that drive it and how much one of them would have to shrink to meet the threshold.
The overall verdict is `fail` when anything fails, `incomplete` when evidence or data is missing
or the specification transcribes only part of its standard, and `pass` otherwise.
"""
from __future__ import annotations

import operator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lca import __version__
from lca.assess import supply_chain
from lca.assess.grades import GradeTable
from lca.assess.specs import IndicatorRequirement, Spec
from lca.assess.specs import indicators as spec_indicators
from lca.assess.specs import status as spec_status
from lca.core import units
from lca.core.errors import InputError
from lca.engine import indicators, linked, session
from lca.engine.methods import Indicator, IndicatorSet
from lca.engine.solver import Engine
from lca.inventory.product import Manifest, load_manifest
from lca.inventory.resolve import Inventory
from lca.inventory.suppliers import PREFIX

COMPARE = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}
TOP_DRIVERS = 3


@dataclass
class BasicVerdict:
    id: str
    text_zh: str
    text_en: str
    clause: str
    evidence_required: str
    status: str  # pass | fail | missing evidence
    document: str | None


@dataclass
class IndicatorVerdict:
    id: str
    indicator: str
    name_en: str
    name_zh: str
    stage: str
    operator: str
    threshold: float | None  # None: a grade requirement whose band is not known
    unit: str
    clause: str
    value: float | None
    margin_pct: float | None
    status: str  # pass | fail | missing evidence | not computable
    reason: str | None = None
    grade_table: str | None = None  # for a grade requirement: the table, band, grade reached and required
    band: str | None = None
    grade_reached: str | None = None
    grade_required: str | None = None
    driving_stage: str | None = None
    drivers: list[dict] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    advice_zh: list[str] = field(default_factory=list)  # the same advice in Chinese, for zh reports


@dataclass
class Evaluation:
    """One product against one specification, with everything needed to reproduce it (design §9)."""

    product_id: str
    product_name: str
    input_hash: str
    spec_id: str
    spec_version: str
    standard: str
    spec_complete: bool
    background_data_version: str
    software: str
    verdict: str
    basic: list[BasicVerdict]
    indicators: list[IndicatorVerdict]
    spec_status: str = ""  # complete, or partial and what is missing (specs.status)

    def as_dict(self) -> dict:
        return asdict(self)


def margin_pct(value: float, threshold: float, op: str) -> float | None:
    """Headroom in % of the threshold: positive when met with room, negative when missed."""
    if threshold == 0:
        return None
    if op in ("<=", "<"):
        return (threshold - value) / abs(threshold) * 100
    if op in (">=", ">"):
        return (value - threshold) / abs(threshold) * 100
    return 0.0 - abs(value - threshold) / abs(threshold) * 100  # 0.0 - x: an exact match is +0.0, not -0.0


def _basic(spec: Spec, manifest: Manifest) -> list[BasicVerdict]:
    out = []
    for req in spec.basic_requirements:
        ev = manifest.evidence.get(req.id)
        status = "missing evidence" if ev is None else ("pass" if ev.value else "fail")
        out.append(BasicVerdict(req.id, req.text_zh, req.text_en, req.clause, req.evidence, status,
                                ev.document if ev else None))
    return out


_ADVICE = {
    "en": {"shift": "{direction} the value by {gap} {unit} (from {value} to {threshold})",
           "raise": "raise", "lower": "lower", "more_than": "more than ",
           "reduce": "reduce '{label}' ({origin}; {stage}) by {strict}{share} %",
           "too_small": "'{label}' ({origin}; {stage}) adds {part} {unit}, less than the excess {gap} {unit}: "
                        "removing it alone would not meet the threshold"},
    "zh": {"shift": "需{direction} {gap} {unit}（由 {value} 至 {threshold}）",
           "raise": "提高", "lower": "降低", "more_than": "超过",
           "reduce": "将“{label}”（{origin}；{stage}）减少{strict} {share} %",
           "too_small": "“{label}”（{origin}；{stage}）仅贡献 {part} {unit}，小于超出量 {gap} {unit}：单独去除也无法达到基准值"},
}


def _advice(req: IndicatorRequirement, value: float, contribs: list[indicators.Contribution],
            lang: str = "en") -> list[str]:
    """What change would meet the threshold: shrink one driving row, or move the value by the gap."""
    from lca.core.stages import STAGE_NAMES

    t = _ADVICE[lang]
    gap = value - req.threshold
    if req.operator not in ("<=", "<") or not contribs:
        up = gap < 0 or req.operator == ">"  # '>' missed exactly at the threshold (gap 0) must rise too
        return [t["shift"].format(direction=t["raise"] if up else t["lower"], gap=f"{abs(gap):.4g}",
                                  unit=req.unit, value=f"{value:.4g}", threshold=f"{req.threshold:.4g}")]
    out = []
    for c in contribs:
        share = gap / c.value * 100
        stage = STAGE_NAMES[lang].get(c.stage, c.stage) if lang != "en" else c.stage
        if share <= 100:
            out.append(t["reduce"].format(label=c.label, origin=c.origin, stage=stage, share=f"{share:.1f}",
                                          strict=t["more_than"] if req.operator == "<" else ""))
        else:
            out.append(t["too_small"].format(label=c.label, origin=c.origin, stage=stage, part=f"{c.value:.4g}",
                                             unit=req.unit, gap=f"{gap:.4g}"))
    return out


def _verdict(req: IndicatorRequirement, ind: Indicator, measure: indicators.Measure, factor: float) -> IndicatorVerdict:
    v = IndicatorVerdict(req.id, ind.id, ind.name_en, ind.name_zh, req.stage, req.operator, req.threshold,
                         req.unit, req.clause, None, None, "not computable", measure.reason)
    if measure.value is None:
        return v
    v.value = measure.value * factor
    v.margin_pct = margin_pct(v.value, req.threshold, req.operator)
    v.status = "pass" if COMPARE[req.operator](v.value, req.threshold) else "fail"
    if v.status == "fail":
        contribs = [indicators.Contribution(c.label, c.origin, c.stage, c.value * factor)
                    for c in measure.contributions]
        by_stage: dict[str, float] = {}
        for c in contribs:
            by_stage[c.stage] = by_stage.get(c.stage, 0.0) + c.value
        v.driving_stage = max(by_stage, key=lambda s: abs(by_stage[s])) if by_stage else None
        top = sorted(contribs, key=lambda c: -c.value if req.operator in ("<=", "<") else c.value)
        top = [c for c in top if c.value > 0][:TOP_DRIVERS]
        v.drivers = [asdict(c) for c in top]
        v.advice = _advice(req, v.value, top)
        v.advice_zh = _advice(req, v.value, top, "zh")
    return v


class _Context:
    """One product's inputs to measuring: inventory, manifest, and LCIA scores per foreground line."""

    def __init__(self, inv: Inventory, manifest: Manifest, manifest_path: Path, base: Engine,
                 lcia: Engine | None):
        self.inv, self.manifest, self.manifest_path, self.base = inv, manifest, manifest_path, base
        self.lcia = lcia
        self.line_scores = lcia.line_scores(inv) if lcia else None

    def measure(self, ind: Indicator, scope: str) -> indicators.Measure:
        if ind.kind == "energy":
            return indicators.energy(self.inv, self.base.m.catalogue, ind, scope)
        if ind.kind == "bom":
            return indicators.bom(self.inv, ind)
        if ind.kind == "declared":
            return self._declared(ind)
        if ind.kind == "supply_chain":
            return self._supply(ind, scope)
        row = [i.id for i in self.lcia.indicators.indicators].index(ind.id)
        names = self.base.m.catalogue.process_name
        contribs = [indicators.Contribution(ln.label, ln.origin + (f", {names[ln.index]}" if ln.kind == "process"
                                                                   else ""), ln.stage, float(s))
                    for ln, s in zip(self.inv.lines, self.line_scores[row])
                    if scope == "total" or ln.stage == scope]
        return indicators.Measure(sum(c.value for c in contribs), contribs)

    def _supply(self, ind: Indicator, scope: str) -> indicators.Measure:
        """Primary-data or green-supplier share (%) of an LCIA score over `scope`, or the green share of mass."""
        if ind.share == "green_mass":
            share = supply_chain.green_mass_share(self.inv)
            if share != share:
                return indicators.Measure(None, [], "the product has no BOM component with a mass")
            total, green = sum(c.mass_kg for c in self.inv.components), supply_chain.green_keys(self.inv)
            return indicators.Measure(share * 100, [
                indicators.Contribution(c.name, f"BOM, {c.link}", c.stage, c.mass_kg / total * 100)
                for c in self.inv.components if c.link.removeprefix(PREFIX) in green])
        row = [i.id for i in self.lcia.indicators.indicators].index(ind.of)
        green = supply_chain.green_keys(self.inv)
        lines = [(ln, float(s)) for ln, s in zip(self.inv.lines, self.line_scores[row])
                 if scope == "total" or ln.stage == scope]
        whole = sum(s for _, s in lines)
        if whole == 0:
            return indicators.Measure(None, [], f"the {ind.of} score over {scope} is 0: it has no share")
        counted = [(ln, s) for ln, s in lines if (ln.primary if ind.share == "primary_data" else ln.supplier in green)]
        return indicators.Measure(sum(s for _, s in counted) / whole * 100, [
            indicators.Contribution(ln.label, ln.origin, ln.stage, s / whole * 100) for ln, s in counted])

    def declared(self, ind_id: str, unit: str) -> float | None:
        """The manifest's declared value of an indicator in `unit` (None when not declared)."""
        d = self.manifest.declared.get(ind_id)
        if d is None:
            return None
        try:
            return units.convert(d.value, d.unit, unit)
        except InputError as exc:
            raise exc.located(file=self.manifest_path, column=f"declared.{ind_id}.unit") from None

    def _declared(self, ind: Indicator) -> indicators.Measure:
        value = self.declared(ind.id, ind.unit)
        if value is None:
            return indicators.Measure(None, [], "missing evidence: no declared value in the manifest")
        doc = self.manifest.declared[ind.id].document
        return indicators.Measure(value, [indicators.Contribution(ind.id, doc, "total", value)])


def _graded(req: IndicatorRequirement, ind: Indicator, table: GradeTable, ctx: _Context) -> IndicatorVerdict:
    """A grade requirement: the band from the declared band keys, the grade the value reaches, and the
    verdict against the limit of the grade required in that band."""
    v = IndicatorVerdict(req.id, ind.id, ind.name_en, ind.name_zh, req.stage, req.operator, None, req.unit,
                         req.clause, None, None, "missing evidence", grade_table=table.id, grade_required=req.grade)
    keys = {k: ctx.declared(k, unit) for k, unit in table.keys.items()}
    absent = [k for k, x in keys.items() if x is None]
    if absent:
        v.reason = (f"missing evidence: no declared value of '{absent[0]}', which selects the band of grade "
                    f"table '{table.id}'")
        return v
    band = table.band(keys)
    if band is None or req.grade not in band.limits:
        v.status = "not computable"
        v.reason = (f"{', '.join(f'{k} = {x:g} {table.keys[k]}' for k, x in keys.items())} is outside every band of "
                    f"grade table '{table.id}'" if band is None else
                    f"band '{band.label}' of grade table '{table.id}' sets no limit for grade '{req.grade}'")
        return v
    v.band = band.label
    v.threshold = band.limits[req.grade] * units.factor(table.unit, req.unit)
    measure = ctx.measure(ind, "total")
    if measure.value is None:
        v.reason = measure.reason
        return v
    unit = ind.check_unit or ind.unit  # an LCIA unit pint cannot read ('kg CO2-Eq') converts as its pint_unit
    v.value = measure.value * units.factor(unit, req.unit)
    v.grade_reached = table.reached(band, measure.value * units.factor(unit, table.unit))
    v.margin_pct = margin_pct(v.value, v.threshold, req.operator)
    v.status = "pass" if COMPARE[req.operator](v.value, v.threshold) else "fail"
    v.reason = (f"band '{band.label}': grade reached {v.grade_reached or f'none (below {table.grades[-1]})'}, "
                f"grade required {req.grade} ({req.operator} {v.threshold:g} {req.unit}; {table.id})")
    if v.status == "fail":
        v.advice = _advice(req.model_copy(update={"threshold": v.threshold}), v.value, [])
        v.advice_zh = _advice(req.model_copy(update={"threshold": v.threshold}), v.value, [], "zh")
    return v


def spec_lcia_engine(spec: Spec, base: Engine) -> Engine | None:
    """An engine over exactly the LCIA indicators the specification checks (None if it checks none)."""
    known = spec_indicators(spec)
    wanted = list(dict.fromkeys(known[r.indicator].of or r.indicator for r in spec.indicator_requirements
                                if known[r.indicator].kind == "lcia" or known[r.indicator].of))
    if not wanted:
        return None
    return base.for_indicators(IndicatorSet(id=f"spec:{spec.id}", title_en=spec.title_en, title_zh=spec.title_zh,
                                            provenance={"spec": spec.id}, indicators=[known[i] for i in wanted]))


def _overall(spec: Spec, basic: list[BasicVerdict], inds: list[IndicatorVerdict]) -> str:
    statuses = {b.status for b in basic} | {i.status for i in inds}
    if "fail" in statuses:
        return "fail"
    if statuses - {"pass"} or not spec.complete:
        return "incomplete"
    return "pass"


def evaluate(paths: list[str | Path], spec: Spec, home: str | Path | None = None,
             progress=None) -> list[Evaluation]:
    """Check every product (manifest path) against `spec`."""
    base = session.engine(home, progress=progress, databases=linked.databases_in(paths))
    invs = session.read_inventories(paths, base)
    lcia = spec_lcia_engine(spec, base)
    known = spec_indicators(spec)
    out = []
    for path, inv in zip(paths, invs):
        path = Path(path).resolve()
        manifest = load_manifest(path)
        ctx = _Context(inv, manifest, path, base, lcia)
        inds = []
        for req in spec.indicator_requirements:
            ind = known[req.indicator]
            if req.grade_table is not None:
                inds.append(_graded(req, ind, spec.grade_table(req), ctx))
                continue
            factor = units.factor(ind.check_unit, req.unit) if ind.check_unit else 1.0
            v = _verdict(req, ind, ctx.measure(ind, req.stage), factor)
            if ind.kind == "declared" and v.value is None:
                v.status = "missing evidence"
            inds.append(v)
        basic = _basic(spec, manifest)
        std = spec.standard
        out.append(Evaluation(inv.product_id, inv.name, inv.input_hash, spec.id, spec.version,
                              f"{std.number} ({std.year})", spec.complete, base.m.version,
                              f"lca-ecodesign {__version__}", _overall(spec, basic, inds), basic, inds,
                              spec_status(spec)))
    return out
