"""The dashboard's charts and Moscow's factor panel, as HTML built from a model's day series.

Each builder reads the model's DataCollector lists (no data frame) and returns HTML with inline
SVG (``charts``): the page swaps the text each day. No Solara here.
"""

from __future__ import annotations

import math
from html import escape

from .. import palette
from ..config.names import ally_column
from ..decision import BURDENS, FACTORS, RULE_FACTORS
from ..model import CrisisModel
from .baseline import Baseline
from .charts import Band, Line, Marker, Threshold, chart_card, svg_chart, x_span

NAMES = {
    "active_share": "active protesters",
    "jailed_share": "jailed protesters",
    "troops_total": "all foreign troops",
    "regime_threat": "regime threat",
    "sanctions": "Western sanctions",
    "legitimacy": "host legitimacy",
}
"""Readable names of the charted columns (countries are named by the model's list)."""


def series(model: CrisisModel) -> dict[str, list]:
    """The model's daily series so far (column -> values from day 0), as collected."""
    return model.datacollector.model_vars


def _baseline(base: Baseline | None, col: str, colour: str) -> tuple[list[Line], list[Band]]:
    """The stored runs' median (dashed) and 10-90% band of ``col``, when shown and stored."""
    if base is None or col not in base.median:
        return [], []
    what = f"stored runs ({base.reps}): {NAMES.get(col, col)}"
    return (
        [Line(f"{what}, median", base.median[col], colour, dashed=True, width=1.5)],
        [Band(f"{what}, 10-90%", base.p10[col], base.p90[col], colour)],
    )


def _card(model, title, lines, y_range, markers, base, col, start) -> str:
    extra, bands = _baseline(base, col, lines[0].colour)
    days = x_span(model.day, model.cfg.horizon_days)
    return chart_card(
        title,
        [*lines, *extra],
        days,
        y_range=y_range,
        markers=markers,
        bands=bands,
        start_label=start,
    )


def unrest_chart(
    model: CrisisModel, markers=(), base: Baseline | None = None, start: str = ""
) -> str:
    s = series(model)
    lines = [
        Line(NAMES[c], s[c], palette.series_colour(c) or "#000")
        for c in ("active_share", "jailed_share")
    ]
    return _card(
        model,
        "Unrest: share of protesters",
        lines,
        (0.0, 1.0),
        markers,
        base,
        "active_share",
        start,
    )


def troops_chart(
    model: CrisisModel, markers=(), base: Baseline | None = None, start: str = ""
) -> str:
    s = series(model)
    lines = [Line(NAMES["troops_total"], s["troops_total"], palette.TOTAL, width=2.5)]
    for country in model.countries:
        col = f"troops_{ally_column(country)}"
        if col in s and any(v > 0 for v in s[col]):  # only the contingents that came
            lines.append(Line(country, s[col], palette.country_colour(country), width=1.5))
    return _card(
        model,
        "Foreign troops on the ground (soldiers)",
        lines,
        None,
        markers,
        base,
        "troops_total",
        start,
    )


def threat_chart(
    model: CrisisModel, markers=(), base: Baseline | None = None, start: str = ""
) -> str:
    s = series(model)
    lines = [
        Line(NAMES[c], s[c], palette.SERIES[c])
        for c in ("regime_threat", "sanctions", "legitimacy")
    ]
    return _card(
        model,
        "Regime threat, sanctions, legitimacy (0-1)",
        lines,
        (0.0, 1.0),
        markers,
        base,
        "regime_threat",
        start,
    )


def factor_panel(model: CrisisModel) -> str:
    """Moscow's six factors: perceived (solid) and true (dashed) against the ``all_five`` rule's
    thresholds (dotted; the failing side shaded), each titled with today's pass or fail."""
    s = series(model)
    th = model.cfg.russia.thresholds
    days = x_span(model.day, model.cfg.horizon_days)
    cells = []
    for f in FACTORS:
        colour = palette.FACTORS[f]
        perceived, true = s[f"{f}_perceived"], s[f"{f}_true"]
        title, threshold = f, None
        if f in RULE_FACTORS:
            level = getattr(th, f)
            threshold = Threshold(level, fails_below=f not in BURDENS)
            title += f" {'<' if f in BURDENS else '≥'} {level:g}"
            now = perceived[-1]
            if not math.isnan(now):
                ok = now < level if f in BURDENS else now >= level
                title += " ✓" if ok else " ✗"
        svg = svg_chart(
            [
                Line("perceived", perceived, colour),
                Line("true", true, colour, dashed=True, width=1.2),
            ],
            days,
            y_range=(0.0, 1.0),
            threshold=threshold,
            size=(220, 130),
        )
        cells.append(
            f"<div class='factor' data-factor='{f}'>"
            f"<div class='factor-title' style='color:{colour}'>"
            f"{escape(title)}</div>{svg}</div>"
        )
    note = (
        "Moscow's factors: perceived (solid), true (dashed); "
        "dotted: the all_five rule's threshold, "
        "shaded: the side where a factor fails."
    )
    if model.cfg.russia.rule != "all_five":
        note += f" (The rule in use is {model.cfg.russia.rule}; thresholds shown for reference.)"
    return (
        f"<div class='factor-grid'>{''.join(cells)}</div><div class='legend'>{escape(note)}</div>"
    )


def all_charts(
    model: CrisisModel, markers: list[Marker], base: Baseline | None, start: str
) -> list[str]:
    """The three time charts, in the page's order."""
    return [
        make(model, markers, base, start) for make in (unrest_chart, troops_chart, threat_chart)
    ]
