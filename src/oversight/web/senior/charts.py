"""Charts drawn on the server as SVG: no script, nothing fetched, nothing inline that the Content
Security Policy forbids (presentation attributes only, no style attributes or elements).

Each chart is an <svg role="img"> named by its <title> and described by its <desc>, and the page
puts a table of the same figures next to it, so that nothing is shown only as a picture. Series
differ by colour, marker shape and dash pattern together, never by colour alone.

The builders are pure: figures in, markup out (escaped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK colours that stay apart for the common colour-vision deficiencies, with a marker and dash each.
COLOURS = ("#0b0c0c", "#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#d53880", "#505a5f")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle", "square", "triangle")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "", "4 4", "1 2", "10 4")
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "arial, sans-serif"

_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no figure for that point (shown as a gap)


def _id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 13, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-family="{FONT}" font-size="{size}" '
            f'font-weight="{weight}" fill="{TEXT}">{escape(content)}</text>')


def _marker(kind: str, x: float, y: float, colour: str, r: float = 4.5) -> str:
    if kind == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{colour}"/>'
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - r - 1:.1f} {x - r - 1:.1f},{y + r:.1f} {x + r + 1:.1f},{y + r:.1f}" '
                f'fill="{colour}"/>')
    if kind == "diamond":
        return (f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} '
                f'{x - r - 1:.1f},{y:.1f}" fill="{colour}"/>')
    if kind == "cross":
        return (f'<path d="M{x - r:.1f},{y - r:.1f} L{x + r:.1f},{y + r:.1f} M{x - r:.1f},{y + r:.1f} '
                f'L{x + r:.1f},{y - r:.1f}" stroke="{colour}" stroke-width="2.5" fill="none"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'


def _open(title: str, desc: str, width: int, height: int) -> tuple[str, str]:
    title_id, desc_id = _id("chart-title"), _id("chart-desc")
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-labelledby="{title_id} {desc_id}" focusable="false">'
            f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>')
    return head, "</svg>"


def line_chart(
    *, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], y_max: float = 100,
    y_suffix: str = "%", width: int = 640, height: int = 320,
) -> SafeString:
    """Lines over the labelled points (months), one per series, with a legend under the plot."""
    legend_rows = (len(series) + 1) // 2
    left, right, top = 56, 40, 16
    bottom = 44 + 24 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    head, tail = _open(title, desc, width, height)
    parts = [head]
    for step in range(5):  # gridlines at 0, 25, 50, 75, 100% of y_max
        value = y_max * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 8, y + 4, f"{value:g}{y_suffix}", anchor="end", size=12))

    def x_of(i: int) -> float:
        return left + (plot_w / 2 if len(labels) == 1 else plot_w * i / (len(labels) - 1))

    for i, label in enumerate(labels):
        parts.append(_text(x_of(i), top + plot_h + 22, label, size=12))
    for n, s in enumerate(series):
        colour, marker, dash = COLOURS[n % len(COLOURS)], MARKERS[n % len(MARKERS)], DASHES[n % len(DASHES)]
        points = [(x_of(i), top + plot_h - plot_h * min(v, y_max) / y_max) if v is not None else None
                  for i, v in enumerate(s.values)]
        runs, run = [], []
        for point in points:
            if point is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(point)
        if run:
            runs.append(run)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for r in runs:
            if len(r) > 1:
                coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in r)
                parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        parts += [_marker(marker, x, y, colour) for x, y in (p for p in points if p is not None)]
        # The legend: two columns under the plot.
        lx = left + (n % 2) * (plot_w / 2)
        ly = top + plot_h + 48 + 24 * (n // 2)
        parts.append(f'<line x1="{lx:.1f}" y1="{ly - 4:.1f}" x2="{lx + 28:.1f}" y2="{ly - 4:.1f}" stroke="{colour}" '
                     f'stroke-width="2.5"{dash_attr}/>')
        parts.append(_marker(marker, lx + 14, ly - 4, colour))
        parts.append(_text(lx + 36, ly, s.name, anchor="start", size=13))
    parts.append(tail)
    return mark_safe("".join(parts))


def bar_chart(
    *, title: str, desc: str, labels: Sequence[str], values: Sequence[float], unit: str = "",
    width: int = 640, height: int = 280,
) -> SafeString:
    """One vertical bar per label, with its value written above it (so no bar relies on its height)."""
    left, right, top, bottom = 56, 24, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for v in values] + [0])
    y_max = _nice(peak)
    head, tail = _open(title, desc, width, height)
    parts = [head]
    for step in range(5):
        value = y_max * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 8, y + 4, f"{value:g}", anchor="end", size=12))
    slot = plot_w / max(len(labels), 1)
    bar_w = min(48.0, slot * 0.6)
    for i, (label, value) in enumerate(zip(labels, values)):
        x = left + slot * i + (slot - bar_w) / 2
        h = 0 if y_max == 0 else plot_h * value / y_max
        y = top + plot_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{COLOURS[1]}"/>')
        parts.append(_text(x + bar_w / 2, y - 6, f"{value:g}{unit}", size=12, weight="bold"))
        parts.append(_text(left + slot * i + slot / 2, top + plot_h + 18, label, size=12))
    parts.append(tail)
    return mark_safe("".join(parts))


def _nice(peak: float) -> float:
    """A round top for the axis at or above the peak, in four even steps: 4, 8, 12, 20, 40, 80 …"""
    scale = 1
    while True:
        for top in (4, 8, 12, 20):
            if top * scale >= peak:
                return top * scale
        scale *= 10
