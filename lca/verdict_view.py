"""Terminal (Rich) rendering of verdicts and of the shipped specification list, for the CLI."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from lca.evaluate import Evaluation
from lca.specs import Spec

STYLE = {"pass": "green", "fail": "bold red", "incomplete": "yellow", "missing evidence": "yellow",
         "not computable": "yellow"}


def _status(text: str) -> str:
    return f"[{STYLE.get(text, '')}]{text}[/]"


def _num(v: float | None) -> str:
    return "–" if v is None else f"{v:.4g}"


def print_evaluation(console: Console, ev: Evaluation) -> None:
    """Basic requirements, indicator requirements, drivers and advice, and the overall verdict."""
    head = (f"{ev.product_name} against {ev.spec_id} v{ev.spec_version} ({ev.standard}): "
            f"{_status(ev.verdict)}")
    if ev.basic:
        t = Table(title=head, title_justify="left")
        for col in ("basic requirement", "clause", "status", "evidence"):
            t.add_column(col, overflow="fold")
        for b in ev.basic:
            t.add_row(f"{b.id}: {b.text_en}", b.clause, _status(b.status), b.document or b.evidence_required)
        console.print(t)
        head = ""
    if ev.indicators:
        t = Table(title=head or None, title_justify="left")
        for col in ("indicator requirement", "stage", "value", "threshold", "margin", "status"):
            t.add_column(col, justify="right" if col in ("value", "margin") else "left", overflow="fold")
        for i in ev.indicators:
            margin = "–" if i.margin_pct is None else f"{i.margin_pct:+.1f} %"
            t.add_row(f"{i.id} ({i.indicator})", i.stage, _num(i.value),
                      f"{i.operator} {i.threshold:g} {i.unit}", margin, _status(i.status))
        console.print(t)
    elif not ev.basic:
        console.print(head)
    for i in ev.indicators:
        if i.reason and i.status != "pass":
            console.print(f"[yellow]{i.id}:[/] {i.reason}", highlight=False)
        if i.status == "fail":
            console.print(f"[bold red]{i.id}[/] fails, driven by the {i.driving_stage} stage:", highlight=False)
            for a in i.advice:
                console.print(f"  · {a}", highlight=False)
    if not ev.spec_complete:
        console.print("[yellow]note:[/] this specification transcribes only part of its standard "
                      "(see its 'coverage' and 'notes'); a pass here is not a green-design verdict.")


def print_specs(console: Console, specs: list[tuple[Path, Spec]]) -> None:
    """One row per shipped specification with its standard and source."""
    t = Table(title=f"product specifications ({len(specs)})", title_justify="left")
    for col in ("id", "category", "standard", "basic / indicator req.", "complete", "source"):
        t.add_column(col, overflow="fold")
    for _, s in specs:
        t.add_row(s.id, f"{s.title_en}\n{s.title_zh}", f"{s.standard.number} ({s.standard.year})",
                  f"{len(s.basic_requirements)} / {len(s.indicator_requirements)}",
                  "yes" if s.complete else "partial", s.standard.url)
    console.print(t)
