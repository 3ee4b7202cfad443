"""The pieces every outcome figure is made of: a daily column in words, the median across
replications with its 10-90% band, the day axis (calendar dates under the day numbers where the
scenario has a start date), the history's dated facts as dotted lines, a figure's frame, titles,
legend and atomic save (``sim.files.save_figure``), a figure that says why there is nothing to
show, and the panel layouts (one panel of several series; one small panel per series; columns of
panels wrapped into blocks).

``sim.plots`` draws a scenario's figures from them; the experiment analysis uses them too.
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
    """The x axis in days from day 0, with calendar dates below where the history has a start."""
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


def history_note(history) -> str:
    return "; dotted lines: what happened (history)" if getattr(history, "timeline", None) else ""


def new_figure(nrows: int = 1, ncols: int = 1, size=(7.5, 4.2), **kw):
    return plt.subplots(nrows, ncols, figsize=size, layout="constrained", squeeze=False, **kw)


def save(fig, path: Path) -> Path:
    save_figure(fig, path, dpi=DPI)
    plt.close(fig)
    return path


def titles(fig, title: str, config, n: int, extra: str = "") -> None:
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


def legend(fig, ax, ncol: int | None = None) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(
            handles, labels, loc="outside right upper", fontsize=8, frameon=False, ncol=ncol or 1
        )


def nothing_to_show(path: Path, title: str, message: str) -> Path:
    """A figure saying in words why there is no plot (so no stale plot stays under its name)."""
    fig, ax = plt.subplots(figsize=(7.5, 2.2), layout="constrained")
    ax.axis("off")
    ax.set_title(title, fontsize=11, fontweight="bold")
    ax.text(0.5, 0.45, message, ha="center", va="center", fontsize=11, transform=ax.transAxes)
    return save(fig, path)


def series_plot(daily, config, path: Path, title: str, ylabel: str, columns: list[str]) -> Path:
    """One panel: a band per column, each in its palette colour."""
    fig, axes = new_figure()
    ax = axes[0, 0]
    history = config.history
    for col in columns:
        band(ax, daily, col, label(col), color=palette.series_colour(col))
    mark_history(ax, history)
    day_axis(ax, history)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    legend(fig, ax)
    titles(fig, title, config, daily["rep"].nunique(), history_note(history))
    return save(fig, path)


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
    fig, axes = new_figure(
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
    titles(fig, title, config, daily["rep"].nunique(), history_note(history))
    return save(fig, path)


def wrapped_columns(count: int, rows: int, max_cols: int):
    """A figure of ``count`` columns of ``rows`` panels, wrapped after ``max_cols`` columns into
    blocks one under the other, and each column's panels top to bottom. All panels share the x
    axis and each row's panels its y axis, across blocks; y labels show in the first column, x
    labels under each column's last panel (the last ``max_cols`` columns), and unused panels hide.
    """
    cols = min(count, max_cols)
    blocks = -(-count // cols)
    fig, axes = plt.subplots(
        rows * blocks,
        cols,
        figsize=(2.6 * cols + 1.2, 2.1 * rows * blocks + 1.2),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    columns: list[list] = []
    for k in range(blocks * cols):
        block, j = divmod(k, cols)
        column = [axes[block * rows + i, j] for i in range(rows)]
        for i, ax in enumerate(column):
            if k >= count:
                ax.set_visible(False)
                continue
            if k:
                ax.sharey(columns[0][i])
            ax.tick_params(labelleft=j == 0, labelbottom=k >= count - cols and i == rows - 1)
        if k < count:
            columns.append(column)
    return fig, columns
