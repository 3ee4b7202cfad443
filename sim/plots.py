"""Outcome curves of one scenario: the median across replications with a 10-90% band.

Every figure takes its colours from ``sim.palette`` (one colour per country everywhere), keeps its
legend outside the data, and, where the scenario has a ``history`` block, marks the dated facts
(request, landing, ...) and shows calendar dates under the day numbers. Where several series would
share a panel (troops by country, unrest in each ally) each gets a small panel of its own, on
shared axes. A plot with nothing to show (no troops in any run) says so instead of drawing empty
axes. Figures are written atomically (``sim.files.save_figure``).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import palette
from .decision import BURDENS, FACTORS, RULE_FACTORS
from .files import save_figure

BAND = (0.1, 0.9)
DPI = 110
HISTORY_COLOUR = "#6c757d"
LABELS = {
    "active_share": "active",
    "jailed_share": "jailed",
    "quiet_share": "quiet",
    "troops_total": "all countries",
    "regime_threat": "regime threat",
    "legitimacy": "legitimacy",
    "sanctions": "sanctions in force",
    "territory_share": "territory held by Moscow's side",
    "reputation": "Moscow's reputation",
    "police_strength": "police on duty (day 0 = 1)",
}
"""Daily columns in words, for legends and axis labels."""


def label(column: str) -> str:
    """A daily column in words (``troops_russia`` -> "Russia")."""
    if column in LABELS:
        return LABELS[column]
    if column.startswith(("troops_", "unrest_")):
        return column.split("_", 1)[1].replace("_", " ").title()
    return column.replace("_", " ")


def band(
    ax,
    daily: pd.DataFrame,
    column: str,
    label: str | None = None,
    color=None,
    linestyle="-",
    fill=True,
):
    """Plot the median of ``column`` by day across replications, with its 10-90% band."""
    g = daily.groupby("day")[column]
    q = g.quantile([BAND[0], 0.5, BAND[1]]).unstack()
    line = ax.plot(q.index, q[0.5], label=label or column, color=color, linestyle=linestyle)[0]
    if fill:
        ax.fill_between(
            q.index, q[BAND[0]], q[BAND[1]], color=line.get_color(), alpha=0.2, linewidth=0
        )
    return line


def day_axis(ax, history=None, ticks: int = 8) -> None:
    """Label the x axis in days from day 0, with calendar dates below when the history has a start date."""
    start = getattr(history, "start_date", None)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=ticks))
    if start is None:
        ax.set_xlabel("day (0 = opening event)")
        return
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda d, _: f"{d:g}\n{start + datetime.timedelta(days=int(d)):%-d %b}")
    )
    ax.set_xlabel(f"day (0 = {start:%-d %b %Y})")


def mark_history(ax, history, text: bool = True) -> bool:
    """Dotted vertical lines at the history's dated facts, named at the top of the axes (facts at
    most two days apart share one label, so the names do not overprint); whether there were any."""
    facts = sorted(getattr(history, "timeline", None) or [], key=lambda f: f.day)
    groups: list[list] = []
    for fact in facts:
        ax.axvline(fact.day, color=HISTORY_COLOUR, linestyle=":", linewidth=1, zorder=0)
        if groups and fact.day - groups[-1][0].day <= 2:
            groups[-1].append(fact)
        else:
            groups.append([fact])
    for group in groups if text else ():
        name = ", ".join(f.event.replace("_", " ") for f in group)
        ax.text(
            group[0].day,
            0.98,
            f" {name}",
            transform=ax.get_xaxis_transform(),
            rotation=90,
            va="top",
            ha="right",
            fontsize=6.5,
            color=HISTORY_COLOUR,
        )
    return bool(facts)


def _history_note(history) -> str:
    return "; dotted lines: what happened (history)" if getattr(history, "timeline", None) else ""


def _figure(nrows: int = 1, ncols: int = 1, size=(7.5, 4.2), **kw):
    return plt.subplots(nrows, ncols, figsize=size, layout="constrained", squeeze=False, **kw)


def _save(fig, path: Path) -> Path:
    save_figure(fig, path, dpi=DPI)
    plt.close(fig)
    return path


def _titles(fig, title: str, config, n: int, extra: str = "") -> None:
    fig.suptitle(title, fontsize=11, fontweight="bold")
    note = f"{config.name}: median and 10-90% band of {n} runs{extra}"
    fig.text(
        0.5,
        0.0,
        note,
        ha="center",
        va="bottom",
        fontsize=8,
        color="#444444",
        transform=fig.transFigure,
    )
    fig.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))


def _legend(fig, ax, ncol: int | None = None) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(
            handles, labels, loc="outside right upper", fontsize=8, frameon=False, ncol=ncol or 1
        )


def nothing_to_show(path: Path, title: str, message: str) -> Path:
    """A figure that says in words why there is no plot (so no stale plot is left under its name)."""
    fig, ax = plt.subplots(figsize=(7.5, 2.2), layout="constrained")
    ax.axis("off")
    ax.set_title(title, fontsize=11, fontweight="bold")
    ax.text(0.5, 0.45, message, ha="center", va="center", fontsize=11, transform=ax.transAxes)
    return _save(fig, path)


def series_plot(daily, config, path: Path, title: str, ylabel: str, columns: list[str]) -> Path:
    """One panel: a band per column, each in its palette colour."""
    fig, axes = _figure()
    ax = axes[0, 0]
    history = config.history
    for col in columns:
        band(ax, daily, col, label(col), color=palette.series_colour(col))
    mark_history(ax, history)
    day_axis(ax, history)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    _legend(fig, ax)
    _titles(fig, title, config, daily["rep"].nunique(), _history_note(history))
    return _save(fig, path)


def small_multiples(
    daily,
    config,
    path: Path,
    title: str,
    ylabel: str,
    columns: list[str],
    reference: tuple[str, float] | None = None,
    sharey: bool = True,
) -> Path:
    """One small panel per column, each in its palette colour and named in its title; ``reference``
    (name, value) is a historical level drawn on the first panel. ``sharey=False`` gives each panel
    its own scale (a contingent of 150 beside a force of 3,500)."""
    n = len(columns)
    ncols = 2 if n in (2, 4) else min(3, n)
    nrows = -(-n // ncols)
    fig, axes = _figure(
        nrows, ncols, size=(3.6 * ncols + 0.6, 2.6 * nrows + 0.9), sharex=True, sharey=sharey
    )
    history = config.history
    for ax, col in zip(axes.ravel(), columns, strict=False):  # a grid may have a spare cell
        colour = palette.series_colour(col) or palette.TOTAL
        band(ax, daily, col, label(col), color=colour)
        mark_history(ax, history, text=ax in axes[0])
        ax.set_title(label(col), fontsize=10, color=colour)
        ax.grid(alpha=0.3)
    if reference is not None:
        ax, (name, value) = axes[0, 0], reference
        ax.axhline(value, color=HISTORY_COLOUR, linestyle="--", linewidth=1)
        ax.text(
            0.99,
            value,
            f"history: {name} {value:,.0f}",
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="bottom",
            fontsize=7,
            color=HISTORY_COLOUR,
        )
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    bottom = {c: max(r for r in range(nrows) if r * ncols + c < n) for c in range(ncols)}
    for c, r in bottom.items():  # the lowest drawn panel of each column carries the day axis
        axes[r, c].xaxis.set_tick_params(labelbottom=True)
        day_axis(axes[r, c], history, ticks=5)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    _titles(fig, title, config, daily["rep"].nunique(), _history_note(history))
    return _save(fig, path)


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
    """Foreign troops on the ground: all countries, then one small panel per contributing country."""
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
    fig, axes = _figure(2, 3, size=(12, 6.4), sharex=True, sharey=True)
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
    _legend(fig, axes[0, 0])
    rule = config.russia.rule
    head = f"Moscow's five factors and motive (rule {rule}{suffix})"
    extra = (
        "; perceived solid, true dashed; green: where a factor passes (opposition and costs must stay "
        "below their thresholds)"
        + (
            "; the weighted rule uses no thresholds: shown for reference"
            if rule == "weighted"
            else ""
        )
        + _history_note(history)
    )
    _titles(fig, head, config, daily["rep"].nunique(), extra)
    return _save(fig, path)


def decision_shares(daily: pd.DataFrame) -> pd.DataFrame:
    """Share of runs taking each decision, per day (rows: days; columns: decisions in palette order)."""
    shares = pd.crosstab(daily["day"], daily["decision"], normalize="index")
    return shares[[d for d in palette.DECISIONS if d in shares.columns]]


def plot_overview(daily: pd.DataFrame, config, path: Path) -> Path:
    """One figure for a README: unrest, troops, the host government, and Moscow's daily decisions."""
    fig, axes = _figure(2, 2, size=(11.5, 7.4), sharex=True)
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
    _titles(
        fig,
        f"{config.name}: what happens, day by day",
        config,
        daily["rep"].nunique(),
        _history_note(history),
    )
    return _save(fig, path)
