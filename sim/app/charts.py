"""Light charts for the dashboard: SVG line charts built as text from the model's day series.

A chart is a few polylines, an optional band (the stored runs' 10-90% range), dashed history
markers and a legend in HTML below it: a few kilobytes the browser draws, instead of a
matplotlib figure rendered to PNG every day. No Solara and no model here: the builders take
plain sequences, so they are tested without a browser.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

W, H = 360, 190  # the SVG's own coordinates; it scales to its card's width
PAD_L, PAD_R, PAD_T, PAD_B = 44, 10, 18, 28
Values = Sequence[float] | np.ndarray
"""A daily series from day 0: a list as collected, or an array of stored runs' quantiles."""


@dataclass(frozen=True)
class Line:
    """One daily series, from day 0; NaN leaves a gap."""

    label: str
    values: Values
    colour: str
    dashed: bool = False
    width: float = 2.0


@dataclass(frozen=True)
class Band:
    """A shaded range per day (the stored runs' 10th to 90th percentile), from day 0."""

    label: str
    lo: Values
    hi: Values
    colour: str


@dataclass(frozen=True)
class Marker:
    """A dated historical fact: a dashed vertical line with a letter on top."""

    day: int
    event: str
    letter: str
    note: str


@dataclass(frozen=True)
class Threshold:
    """A rule's threshold: a dotted line, the failing side shaded (``below`` fails, or above)."""

    level: float
    fails_below: bool


def x_span(day: int, horizon: int) -> int:
    """The days a chart shows: 30 (or the horizon if shorter), growing by tens as the run goes on,
    so the axes stand before any data exists and do not rescale every day."""
    return max(1, min(horizon, max(30, 10 * math.ceil((day + 1) / 10))))


def nice_top(value: float) -> float:
    """A round upper limit at or above ``value`` (1, 2, 2.5, 5 times a power of ten)."""
    if not value > 0 or math.isnan(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= value:
            return m * power
    return 10 * power


def _fmt(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


class _Frame:
    """Maps days and values to the SVG's coordinates."""

    def __init__(self, days: int, lo: float, hi: float, width: int, height: int):
        self.days, self.lo, self.hi, self.w, self.h = days, lo, hi, width, height

    def x(self, day: float) -> float:
        return PAD_L + (self.w - PAD_L - PAD_R) * day / self.days

    def y(self, value: float) -> float:
        value = min(max(value, self.lo), self.hi)
        return self.h - PAD_B - (self.h - PAD_T - PAD_B) * (value - self.lo) / (self.hi - self.lo)


def _paths(values: Values, f: _Frame) -> list[str]:
    """Point lists of the runs of finite values within the shown days."""
    runs: list[list[str]] = []
    now: list[str] = []
    for day, v in enumerate(values[: f.days + 1]):
        if v is None or math.isnan(float(v)):
            if now:
                runs.append(now)
            now = []
            continue
        now.append(f"{f.x(day):.1f},{f.y(float(v)):.1f}")
    if now:
        runs.append(now)
    return [" ".join(r) for r in runs]


def _axes(f: _Frame, ticks: Sequence[float], start_label: str) -> list[str]:
    out = []
    for t in ticks:
        y = f.y(t)
        out.append(
            f"<line x1='{PAD_L}' x2='{f.w - PAD_R}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e4e4e4'/>"
        )
        out.append(
            f"<text x='{PAD_L - 4}' y='{y + 4:.1f}' text-anchor='end' class='tick'>{_fmt(t)}</text>"
        )
    step = 5 if f.days <= 30 else 10 if f.days <= 80 else 20 * math.ceil(f.days / 200)
    for d in range(0, f.days + 1, step):
        x = f.x(d)
        out.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{PAD_T}' y2='{f.h - PAD_B}' stroke='#f0f0f0'/>"
        )
        out.append(
            f"<text x='{x:.1f}' y='{f.h - PAD_B + 13}' text-anchor='middle' class='tick'>{d}</text>"
        )
    out.append(
        f"<text x='{f.w - PAD_R}' y='{f.h - 3}' text-anchor='end' class='axis'>"
        f"day{start_label}</text>"
    )
    return out


def svg_chart(
    lines: Sequence[Line],
    days: int,
    y_range: tuple[float, float] | None = None,
    markers: Sequence[Marker] = (),
    bands: Sequence[Band] = (),
    threshold: Threshold | None = None,
    start_label: str = "",
    size: tuple[int, int] = (W, H),
) -> str:
    """An SVG line chart over days 0..``days``; ``y_range`` None: from 0 to a round number above
    the data (1 before there is any)."""
    if y_range is None:
        seen = [float(v) for ln in lines for v in ln.values[: days + 1] if not math.isnan(float(v))]
        seen += [float(v) for b in bands for v in b.hi[: days + 1] if not math.isnan(float(v))]
        y_range = (0.0, nice_top(max(seen, default=0.0)))
    lo, hi = y_range
    f = _Frame(days, lo, hi, *size)
    ticks = [lo + (hi - lo) * i / 4 for i in range(5)]
    out = [
        f"<svg class='chart' viewBox='0 0 {f.w} {f.h}' preserveAspectRatio='xMidYMid meet' "
        "xmlns='http://www.w3.org/2000/svg' role='img'>"
    ]
    out += _axes(f, ticks, start_label)
    if threshold is not None:
        y = f.y(threshold.level)
        top, bottom = (y, f.y(lo)) if threshold.fails_below else (f.y(hi), y)
        out.append(
            f"<rect class='fails' x='{PAD_L}' y='{top:.1f}' width='{f.w - PAD_L - PAD_R}' "
            f"height='{bottom - top:.1f}' fill='#d00000' fill-opacity='0.07'/>"
        )
        out.append(
            f"<line class='threshold' x1='{PAD_L}' x2='{f.w - PAD_R}' y1='{y:.1f}' y2='{y:.1f}' "
            "stroke='#000' stroke-dasharray='2 3'/>"
        )
    for b in bands:
        n = min(len(b.lo), len(b.hi), days + 1)
        upper = [
            f"{f.x(d):.1f},{f.y(float(b.hi[d])):.1f}" for d in range(n) if not math.isnan(b.hi[d])
        ]
        lower = [
            f"{f.x(d):.1f},{f.y(float(b.lo[d])):.1f}" for d in range(n) if not math.isnan(b.lo[d])
        ]
        if upper and lower:
            out.append(
                f"<polygon class='band' points='{' '.join(upper + lower[::-1])}' fill='{b.colour}' "
                f"fill-opacity='0.18' stroke='none'><title>{escape(b.label)}</title></polygon>"
            )
    for m in markers:
        if 0 <= m.day <= days:
            x = f.x(m.day)
            out.append(
                f"<g class='history-marker' data-event='{escape(m.event)}'>"
                f"<title>{escape(m.note)}</title>"
                f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{PAD_T}' y2='{f.h - PAD_B}' stroke='#555' "
                "stroke-dasharray='4 3'/>"
                f"<text x='{x:.1f}' y='{PAD_T - 4}' text-anchor='middle' class='marker'>"
                f"{escape(m.letter)}</text></g>"
            )
    for ln in lines:
        dash = " stroke-dasharray='5 3'" if ln.dashed else ""
        for pts in _paths(ln.values, f):
            out.append(
                f"<polyline class='series' points='{pts}' fill='none' stroke='{ln.colour}' "
                f"stroke-width='{ln.width}'{dash}><title>{escape(ln.label)}</title></polyline>"
            )
    out.append("</svg>")
    return "".join(out)


def legend(
    lines: Sequence[Line], bands: Sequence[Band] = (), markers: Sequence[Marker] = ()
) -> str:
    """The chart's legend in HTML: a swatch and a readable name per line and band, and the
    history markers' letters."""
    items = []
    for ln in lines:
        style = "dashed" if ln.dashed else "solid"
        items.append(
            f"<span class='key'><i style='border-top:3px {style} {ln.colour}'></i>"
            f"{escape(ln.label)}</span>"
        )
    for b in bands:
        items.append(
            f"<span class='key'><i class='box' style='background:{b.colour};opacity:.3'></i>"
            f"{escape(b.label)}</span>"
        )
    seen: dict[str, str] = {}
    for m in markers:
        seen.setdefault(m.letter, f"{m.letter} {m.event.replace('_', ' ')}")
    if seen:
        items.append(
            f"<span class='key markers'>history: {escape(', '.join(seen.values()))}</span>"
        )
    return f"<div class='legend'>{''.join(items)}</div>"


def chart_card(title: str, lines: Sequence[Line], days: int, **kw) -> str:
    """A titled chart with its legend, as one HTML block."""
    chart = svg_chart(lines, days, **kw)
    key = legend(lines, kw.get("bands", ()), kw.get("markers", ()))
    return (
        f"<div class='chart-card'><div class='chart-title'>{escape(title)}</div>{chart}{key}</div>"
    )
