"""Charts as inline SVG strings: no scripts, so they draw the same in a browser and in WeasyPrint.

Every bar carries its number in a `data-value` attribute (repr of the float), so tests can read
what was drawn and compare it with the engine.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

STAGE_COLOURS = {"raw_materials": "#4e79a7", "production": "#f28e2b", "distribution": "#59a14f",
                 "use": "#e15759", "end_of_life": "#76b7b2"}
BAR = "#4e79a7"
FONT = 'font-family="Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, sans-serif"'


@dataclass(frozen=True)
class Segment:
    """One stage's part of a stacked bar."""

    stage: str
    value: float


def _svg(width: int, height: int, body: list[str], label: str) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(label)}" '
                  f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="12">'
                  + "".join(body) + "</svg>")


def _text(x: float, y: float, s: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{escape(s)}</text>'


def _text_width(s: str) -> float:
    """Rough width of a label at font-size 12: CJK characters are square, others about half as wide."""
    return sum(12.5 if ord(ch) > 0x2E80 else 7.0 for ch in s)


def stacked_shares(rows: list[tuple[str, str, list[Segment]]], stage_names: dict[str, str],
                   label: str, width: int = 940) -> Markup:
    """One horizontal 100 % bar per row (key, title, stage segments), the title above it: positive
    shares right of zero, credits (negative) left of it, each share of the sum of absolute values."""
    left, bar_h, row_h, top = 10, 20, 44, 30
    plot = width - 2 * left
    neg_room = max((sum(-s.value for s in segs if s.value < 0) / (sum(abs(s.value) for s in segs) or 1)
                    for _, _, segs in rows), default=0.0)
    zero = left + plot * neg_room
    scale = plot * (1 - neg_room) if neg_room < 1 else plot
    body = []
    x = left
    for stage, colour in STAGE_COLOURS.items():  # legend
        body.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 16, 16, stage_names[stage]))
        x += 16 + _text_width(stage_names[stage]) + 18
    for k, (key, title, segs) in enumerate(rows):
        y = top + k * row_h + 18
        body.append(_text(left, y - 5, title))
        denom = sum(abs(s.value) for s in segs) or 1.0
        pos, neg = zero, zero
        for s in segs:
            w = abs(s.value) / denom * scale
            if s.value > 0:
                xs, pos = pos, pos + w
            elif s.value < 0:
                neg -= w
                xs = neg
            else:
                continue
            body.append(f'<rect class="bar" x="{xs:.2f}" y="{y}" width="{w:.2f}" height="{bar_h}" '
                        f'fill="{STAGE_COLOURS[s.stage]}" data-indicator="{escape(key)}" data-stage="{s.stage}" '
                        f'data-value="{s.value!r}"><title>{escape(stage_names[s.stage])}: {s.value:.4g}</title></rect>')
        body.append(f'<line x1="{zero:.2f}" y1="{y - 2}" x2="{zero:.2f}" y2="{y + bar_h + 2}" stroke="#333"/>')
    return _svg(width, top + len(rows) * row_h + 4, body, label)


def hbars(items: list[tuple[str, float]], unit: str, label: str, key: str = "", width: int = 940) -> Markup:
    """Horizontal bars (name, value) on one scale from zero, value printed at the end of each bar."""
    left, bar_h, gap, top = 260, 18, 8, 8
    plot = width - left - 170
    lo = min([0.0, *(v for _, v in items)])
    hi = max([0.0, *(v for _, v in items)])
    span = (hi - lo) or 1.0
    zero = left + plot * (-lo / span)
    body = []
    for k, (name, v) in enumerate(items):
        y = top + k * (bar_h + gap)
        w = abs(v) / span * plot
        xs = zero if v >= 0 else zero - w
        body.append(_text(left - 8, y + 13, name, "end"))
        body.append(f'<rect class="bar" x="{xs:.2f}" y="{y}" width="{w:.2f}" height="{bar_h}" fill="{BAR}" '
                    f'data-indicator="{escape(key)}" data-label="{escape(name)}" data-value="{v!r}"/>')
        body.append(_text((xs + w if v >= 0 else xs) + 4, y + 13, f"{v:.4g} {unit}", extra='fill="#333"'))
    height = top + len(items) * (bar_h + gap)
    body.append(f'<line x1="{zero:.2f}" y1="{top - 4}" x2="{zero:.2f}" y2="{height}" stroke="#333"/>')
    return _svg(width, height + 4, body, label)


def histogram(counts: list[int], edges: list[float], unit: str, label: str, key: str = "", log: bool = False,
              width: int = 360, height: int = 180) -> Markup:
    """Columns of a histogram (equal-width columns; `log`: the bins are log-spaced) with the range under the axis."""
    left, bottom, top = 36, 34, 8
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max(counts, default=0) or 1
    col = plot_w / max(len(counts), 1)
    body = [_text(left - 4, top + 10, str(peak), "end"), _text(left - 4, top + plot_h, "0", "end")]
    for k, c in enumerate(counts):
        h = c / peak * plot_h
        body.append(f'<rect class="bar" x="{left + k * col:.2f}" y="{top + plot_h - h:.2f}" width="{col - 1:.2f}" '
                    f'height="{h:.2f}" fill="{BAR}" data-indicator="{escape(key)}" data-count="{c}"/>')
    base = top + plot_h
    body.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#333"/>')
    if edges:
        body.append(_text(left, base + 14, f"{edges[0]:.4g}"))
        body.append(_text(width - 10, base + 14, f"{edges[-1]:.4g}", "end"))
    body.append(_text(left + plot_w / 2, base + 28, f"{unit} (log)" if log else unit, "middle"))
    return _svg(width, height, body, label)


def boundary(stages: list[tuple[str, str, list[str]]], title: str, width: int = 980) -> Markup:
    """System boundary: stage boxes (key, name, main processes) joined by arrows, inside a dashed frame."""
    n = len(stages)
    pad, arrow = 16, 22
    box_w = (width - 2 * pad - (n - 1) * arrow) / n
    lines = max((len(p) for _, _, p in stages), default=0)
    box_h = 40 + 16 * max(lines, 1)
    top = 30
    body = [f'<rect x="4" y="4" width="{width - 8}" height="{box_h + top + 10}" fill="none" stroke="#555" '
            f'stroke-dasharray="6 4"/>', _text(12, 20, title, extra='fill="#555"')]
    for k, (key, name, procs) in enumerate(stages):
        x = pad + k * (box_w + arrow)
        body.append(f'<rect class="stage" x="{x:.1f}" y="{top}" width="{box_w:.1f}" height="{box_h}" rx="6" '
                    f'fill="#fff" stroke="{STAGE_COLOURS[key]}" stroke-width="2" data-stage="{key}"/>')
        body.append(f'<rect x="{x:.1f}" y="{top}" width="{box_w:.1f}" height="24" rx="6" fill="{STAGE_COLOURS[key]}"/>')
        body.append(_text(x + box_w / 2, top + 16, name, "middle", 'fill="#fff" font-weight="bold"'))
        chars = int(box_w / 6.5)
        for j, p in enumerate(procs):
            body.append(_text(x + 6, top + 42 + 16 * j, p if len(p) <= chars else p[:chars - 1] + "…",
                              extra='font-size="11"'))
        if k < n - 1:
            ax, ay = x + box_w + 2, top + box_h / 2
            body.append(f'<path d="M{ax:.1f},{ay:.1f} h{arrow - 8} l-5,-5 m5,5 l-5,5" stroke="#333" fill="none"/>')
    return _svg(width, box_h + top + 18, body, title)
