"""The report as one self-contained HTML page: tables and inline SVG plots, no references.

Everything is drawn here (no plotting library, no script, no font or stylesheet to
fetch), so the page opens offline, from an e-mail attachment or an air-gapped cluster.
The JSON report is embedded as an inert ``application/json`` block for tools.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from html import escape
from typing import Any

from .render import _clean
from .tables import Table, all_tables, meta_lines, sections

PALETTE = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f6000", "#c2185b")
WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 150, 30, 44

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.overall td { font-weight: bold; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; }
svg { background: #fff; border: 1px solid #ddd; }
.meta { color: #555; font-size: 0.9em; }
"""


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = []
    for row in table.rows:
        cls = ' class="overall"' if row[0] == "overall" else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
    notes = "".join(f"<li>{escape(n)}</li>" for n in table.notes)
    return (
        f"<h2>{escape(table.title)}</h2>\n<table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>" + (f"<ul>{notes}</ul>" if notes else "")
    )


def _frame(title: str, x_label: str, y_label: str) -> list[str]:
    return [
        f'<svg width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
        f'<text x="{LEFT}" y="18" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 8}" font-size="11" '
        f'text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="14" y="{(TOP + HEIGHT - BOTTOM) / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {(TOP + HEIGHT - BOTTOM) / 2})">{escape(y_label)}</text>',
    ]


def _axes(x_ticks: Sequence[tuple[float, str]], y_ticks: Sequence[tuple[float, str]]) -> list[str]:
    """Axis lines and ticks; tick positions are in pixels."""
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP
    out = [
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#444"/>',
        f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#444"/>',
    ]
    for px, label in x_ticks:
        out.append(f'<line x1="{px:.1f}" y1="{y0}" x2="{px:.1f}" y2="{y0 + 4}" stroke="#444"/>')
        out.append(
            f'<text x="{px:.1f}" y="{y0 + 16}" font-size="10" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for py, label in y_ticks:
        out.append(f'<line x1="{x0 - 4}" y1="{py:.1f}" x2="{x1}" y2="{py:.1f}" stroke="#eee"/>')
        out.append(
            f'<text x="{x0 - 6}" y="{py + 3:.1f}" font-size="10" text-anchor="end">'
            f"{escape(label)}</text>"
        )
    return out


def _legend(entries: Sequence[tuple[str, str, bool]]) -> list[str]:
    out = []
    for i, (name, colour, dashed) in enumerate(entries):
        y = TOP + 10 + 16 * i
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        out.append(
            f'<line x1="{WIDTH - RIGHT + 10}" y1="{y}" x2="{WIDTH - RIGHT + 30}" y2="{y}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
        out.append(
            f'<text x="{WIDTH - RIGHT + 34}" y="{y + 4}" font-size="10">{escape(name[:22])}</text>'
        )
    return out


def pass_at_k_chart(report: dict[str, Any]) -> str:
    """pass@k (solid) and maj@k (dashed) against k, one colour per dataset."""
    ks = [int(k) for k in report["meta"]["k"]]
    svg = _frame("pass@k (solid) and maj@k (dashed) against k", "k (log scale)", "rate")
    lo, hi = math.log2(min(ks)), math.log2(max(ks))
    span = hi - lo or 1.0

    def px(k: int) -> float:
        return LEFT + (math.log2(k) - lo) / span * (WIDTH - LEFT - RIGHT)

    def py(v: float) -> float:
        return HEIGHT - BOTTOM - v * (HEIGHT - TOP - BOTTOM)

    svg += _axes([(px(k), str(k)) for k in ks], [(py(v / 4), f"{v / 4:.2f}") for v in range(5)])
    legend = []
    for i, (name, s) in enumerate(sections(report)):
        colour = PALETTE[i % len(PALETTE)]
        for metric, dashed in (("pass@k", False), ("maj@k", True)):
            points = [(px(int(k)), py(v)) for k, v in s[metric].items() if v is not None]
            if not points:
                continue
            dash = ' stroke-dasharray="5 3"' if dashed else ""
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            svg.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
            svg += [
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>' for x, y in points
            ]
        legend.append((name, colour, False))
    svg += _legend(legend)
    svg.append("</svg>")
    return "\n".join(svg)


def histogram_chart(
    title: str, x_label: str, series: Sequence[tuple[str, list[list[float]]]], log_x: bool
) -> str:
    """Bars of each series' share of samples per bin, overlaid."""
    svg = _frame(title, x_label, "share of samples")
    bins = [b for _, bs in series for b in bs]
    if not bins:
        svg.append(f'<text x="{LEFT + 20}" y="{HEIGHT / 2}" font-size="12">no samples</text></svg>')
        return "\n".join(svg)

    def pos(v: float) -> float:
        return math.log2(v + 1.0) if log_x else v

    lo = min(pos(b[0]) for b in bins)
    hi = max(pos(b[1]) for b in bins)
    span = hi - lo or 1.0
    top = max(b[2] / sum(x[2] for x in bs) for _, bs in series for b in bs if bs)

    def px(v: float) -> float:
        return LEFT + (pos(v) - lo) / span * (WIDTH - LEFT - RIGHT)

    def py(share: float) -> float:
        return HEIGHT - BOTTOM - share / top * (HEIGHT - TOP - BOTTOM)

    ticks = []
    for i in range(6):
        value = lo + span * i / 5
        raw = 2.0**value - 1.0 if log_x else value
        ticks.append(
            (LEFT + i / 5 * (WIDTH - LEFT - RIGHT), f"{raw:,.0f}" if log_x else f"{raw:.2f}")
        )
    svg += _axes(ticks, [(py(top * i / 4), f"{top * i / 4:.2f}") for i in range(5)])
    legend = []
    for i, (name, bs) in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        total = sum(b[2] for b in bs)
        for low, high, count in bs:
            x0, x1 = px(low), px(high)
            y = py(count / total)
            svg.append(
                f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0 - 1, 1):.1f}" '
                f'height="{HEIGHT - BOTTOM - y:.1f}" fill="{colour}" fill-opacity="0.55">'
                f"<title>{escape(name)}: {low:g}-{high:g}: {int(count)}</title></rect>"
            )
        legend.append((f"{name} ({total:,.0f})", colour, False))
    svg += _legend(legend)
    svg.append("</svg>")
    return "\n".join(svg)


def to_html(report: dict[str, Any], title: str = "Evaluation report") -> str:
    clean = _clean(report)
    data = json.dumps(clean, ensure_ascii=True, allow_nan=False).replace("</", "<\\/")
    body = [f"<h1>{escape(title)}</h1>"]
    body.append(
        '<ul class="meta">' + "".join(f"<li>{escape(m)}</li>" for m in meta_lines(report)) + "</ul>"
    )
    body += [_table(t) for t in all_tables(report)]
    body.append("<h2>Plots</h2>")
    body.append(f'<div class="charts">{pass_at_k_chart(report)}</div>')
    for name, s in sections(report):
        hist = s["histograms"]
        body.append(f"<h3>{escape(name)}</h3>")
        body.append(
            '<div class="charts">'
            + histogram_chart("reward", "reward", [("ok samples", hist["reward"])], log_x=False)
            + histogram_chart(
                "completion length",
                "characters (log scale)",
                [("correct", hist["length_correct"]), ("wrong", hist["length_wrong"])],
                log_x=True,
            )
            + "</div>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
        + "\n".join(body)
        + f'\n<script type="application/json" id="report-data">{data}</script>\n'
        + "</body></html>\n"
    )
