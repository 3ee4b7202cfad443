"""Outcome curves of one scenario: the median across replications with a 10-90% band.

Every figure takes its colours from ``sim.palette`` (one colour per country everywhere), keeps its
legend outside the data, and, where the scenario has a ``history`` block, marks the dated facts
(request, landing, ...) and shows calendar dates under the day numbers. Where several series would
share a panel (troops by country, unrest in each ally) each gets a small panel of its own, on
shared axes. A plot with nothing to show (no troops in any run) says so instead of drawing empty
axes. Figures are written atomically (``sim.files.save_figure``).

The pieces the figures share (bands, the day axis, history marks, panel layouts) are in
``sim.chart``; their names stay importable from here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import palette
from .chart import (
    BAND,
    DPI,
    HISTORY_COLOUR,
    LABELS,
    band,
    day_axis,
    history_note,
    label,
    legend,
    mark_history,
    new_figure,
    nothing_to_show,
    save,
    series_plot,
    small_multiples,
    titles,
)
from .decision import BURDENS, FACTORS, RULE_FACTORS

__all__ = [
    "BAND",
    "DPI",
    "HISTORY_COLOUR",
    "LABELS",
    "band",
    "day_axis",
    "decision_shares",
    "label",
    "mark_history",
    "nothing_to_show",
    "plot_factors",
    "plot_overview",
    "plot_results",
    "plot_troops",
    "series_plot",
    "small_multiples",
]


def plot_results(daily: pd.DataFrame, config, out: Path) -> list[Path]:
    """Write every outcome plot for one scenario into ``out``; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    files = [
        series_plot(
            daily,
            config,
            out / "unrest.png",
            "Unrest",
            "share of protesters",
            ["active_share", "jailed_share"],
        )
    ]
    files.append(plot_troops(daily, config, out / "troops.png"))
    files.append(
        series_plot(
            daily,
            config,
            out / "regime_threat.png",
            "The host government",
            "0-1",
            ["regime_threat", "legitimacy"],
        )
    )
    files.append(
        series_plot(
            daily,
            config,
            out / "sanctions.png",
            "Western sanctions",
            "sanctions level (0-1)",
            ["sanctions"],
        )
    )
    ally_cols = [c for c in daily.columns if c.startswith("unrest_")]
    if ally_cols:
        files.append(
            small_multiples(
                daily,
                config,
                out / "ally_unrest.png",
                "Domestic unrest in CSTO allies",
                "share protesting",
                ally_cols,
            )
        )
    if daily.groupby("rep")["host_army"].nunique().max() > 1:  # the hostile-host mode was fought
        files.append(
            series_plot(
                daily,
                config,
                out / "territory.png",
                "Territory held by Moscow's side",
                "share of territory",
                ["territory_share"],
            )
        )
    files.append(plot_factors(daily, config, out / "factors.png"))
    files.append(plot_overview(daily, config, out / "overview.png"))
    return files


def plot_troops(daily: pd.DataFrame, config, path: Path) -> Path:
    """Foreign troops on the ground: all countries, then a small panel per contributing country."""
    n = daily["rep"].nunique()
    if not (daily["troops_total"].fillna(0) > 0).any():
        return nothing_to_show(
            path,
            "Foreign troops on the ground",
            f"No foreign troops on the ground in any of the {n} runs ({config.name}).",
        )
    countries = [
        c
        for c in daily.columns
        if c.startswith("troops_") and c != "troops_total" and (daily[c].fillna(0) > 0).any()
    ]
    history = config.history
    peak = history.magnitudes.get("peak_troops") if history is not None else None
    reference = ("peak", peak.value) if peak is not None else None
    return small_multiples(
        daily,
        config,
        path,
        "Foreign troops on the ground",
        "soldiers",
        ["troops_total", *countries],
        reference,
        sharey=False,
    )


def plot_factors(daily: pd.DataFrame, config, path: Path, suffix: str = "") -> Path:
    """The six factors as Moscow perceives them (solid) and as they are (dashed), against the rule's
    thresholds, with the side of each threshold where the factor passes shaded: trigger, support and
    feasibility must reach theirs, opposition and costs must stay below."""
    fig, axes = new_figure(2, 3, size=(12, 6.4), sharex=True, sharey=True)
    th = config.russia.thresholds
    history = config.history
    for ax, f in zip(axes.ravel(), FACTORS, strict=True):
        colour = palette.FACTORS[f]
        band(
            ax, daily.dropna(subset=[f"{f}_perceived"]), f"{f}_perceived", "perceived", color=colour
        )
        band(
            ax,
            daily.dropna(subset=[f"{f}_true"]),
            f"{f}_true",
            "true",
            color=colour,
            linestyle="--",
            fill=False,
        )
        title = f"{f} (no threshold)"
        if f in RULE_FACTORS:
            level = getattr(th, f)
            ax.axhline(level, color="k", linewidth=0.8, linestyle=":")
            lo, hi, side = (
                (-0.02, level, "must stay below") if f in BURDENS else (level, 1.02, "must reach")
            )
            ax.axhspan(lo, hi, color=palette.PASS_SHADE, alpha=0.1, linewidth=0, label="passes")
            title = f"{f}: {side} {level:g}"
        mark_history(ax, history, text=ax in axes[0])
        ax.set_title(title, fontsize=10, color=colour)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        day_axis(ax, history)
    legend(fig, axes[0, 0])
    rule = config.russia.rule
    head = f"Moscow's five factors and motive (rule {rule}{suffix})"
    extra = (
        "; perceived solid, true dashed; green: where a factor passes (opposition and costs "
        "must stay below their thresholds)"
        + (
            "; the weighted rule uses no thresholds: shown for reference"
            if rule == "weighted"
            else ""
        )
        + history_note(history)
    )
    titles(fig, head, config, daily["rep"].nunique(), extra)
    return save(fig, path)


def decision_shares(daily: pd.DataFrame) -> pd.DataFrame:
    """Each decision's share of runs per day (rows: days; columns: decisions in palette order)."""
    shares = pd.crosstab(daily["day"], daily["decision"], normalize="index")
    return shares[[d for d in palette.DECISIONS if d in shares.columns]]


def plot_overview(daily: pd.DataFrame, config, path: Path) -> Path:
    """One figure for a README: unrest, troops, the host government and Moscow's daily decisions."""
    fig, axes = new_figure(2, 2, size=(11.5, 7.4), sharex=True)
    history = config.history
    (a, b), (c, d) = axes
    for col in ("active_share", "jailed_share"):
        band(a, daily, col, label(col), color=palette.series_colour(col))
    a.set_title("protesters (share of the city)", fontsize=10)
    a.legend(fontsize=8, loc="upper right", frameon=False)
    band(b, daily, "troops_total", "foreign troops", color=palette.TOTAL)
    b.set_title("foreign troops on the ground", fontsize=10)
    peak = history.magnitudes.get("peak_troops") if history is not None else None
    if peak is not None:
        b.axhline(peak.value, color=HISTORY_COLOUR, linestyle="--", linewidth=1)
        b.text(
            0.99,
            peak.value,
            f"history: peak {peak.value:,.0f}",
            transform=b.get_yaxis_transform(),
            ha="right",
            va="bottom",
            fontsize=7,
            color=HISTORY_COLOUR,
        )
    for col in ("regime_threat", "legitimacy"):
        band(c, daily, col, label(col), color=palette.series_colour(col))
    c.set_title("host government", fontsize=10)
    c.legend(fontsize=8, loc="center right", frameon=False)
    shares = decision_shares(daily)
    d.stackplot(
        shares.index,
        shares.T.to_numpy(),
        labels=shares.columns,
        colors=[palette.DECISIONS[k] for k in shares.columns],
        alpha=0.85,
    )
    d.set_ylim(0, 1)
    d.set_title("Moscow's decision that day (share of runs)", fontsize=10)
    d.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    for ax in axes.ravel():
        ax.grid(alpha=0.3)
        mark_history(ax, history)
    for ax in axes[1]:
        day_axis(ax, history)
    titles(
        fig,
        f"{config.name}: what happens, day by day",
        config,
        daily["rep"].nunique(),
        history_note(history),
    )
    return save(fig, path)
