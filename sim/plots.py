"""Outcome curves: the median across replications with a 10-90% band, per daily series."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .decision import BURDENS, FACTORS  # noqa: E402

BAND = (0.1, 0.9)


def band(ax, daily: pd.DataFrame, column: str, label: str | None = None, color=None, linestyle="-", fill=True):
    """Plot the median of ``column`` by day across replications, with its 10-90% band."""
    g = daily.groupby("day")[column]
    q = g.quantile([BAND[0], 0.5, BAND[1]]).unstack()
    line = ax.plot(q.index, q[0.5], label=label or column, color=color, linestyle=linestyle)[0]
    if fill:
        ax.fill_between(q.index, q[BAND[0]], q[BAND[1]], color=line.get_color(), alpha=0.2, linewidth=0)
    return line


def _finish(fig, ax, path: Path, title: str, ylabel: str):
    ax.set_title(title)
    ax.set_xlabel("day (0 = opening event)")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_results(daily: pd.DataFrame, config, out: Path) -> list[Path]:
    """Write every outcome plot for one scenario into ``out``; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    n = daily["rep"].nunique()
    suffix = f" ({config.name}, median and 10-90% band of {n} runs)"
    files = []

    def single(name, title, ylabel, columns):
        fig, ax = plt.subplots(figsize=(7, 4))
        for col, label in columns:
            band(ax, daily, col, label)
        path = out / f"{name}.png"
        _finish(fig, ax, path, title + suffix, ylabel)
        files.append(path)

    single("unrest", "Unrest", "share of protesters", [("active_share", "active"), ("jailed_share", "jailed")])
    troop_cols = [c for c in daily.columns if c.startswith("troops_") and c != "troops_total"]
    single("troops", "Foreign troops on the ground", "soldiers",
           [("troops_total", "total")] + [(c, c.removeprefix("troops_").title()) for c in troop_cols])
    single("regime_threat", "Regime threat", "threat (0-1)", [("regime_threat", "regime threat"), ("legitimacy", "legitimacy")])
    single("sanctions", "Western sanctions", "sanctions level (0-1)", [("sanctions", "sanctions")])
    ally_cols = [c for c in daily.columns if c.startswith("unrest_")]
    if ally_cols:
        single("ally_unrest", "Domestic unrest in CSTO allies", "share protesting",
               [(c, c.removeprefix("unrest_").title()) for c in ally_cols])
    if daily.groupby("rep")["host_army"].nunique().max() > 1:  # the hostile-host mode was fought
        single("territory", "Territory held by Moscow's side", "share of territory", [("territory_share", "territory")])
    files.append(plot_factors(daily, config, out / "factors.png", suffix))
    files.append(plot_overview(daily, config, out / "overview.png"))
    return files


def plot_factors(daily: pd.DataFrame, config, path: Path, suffix: str = "") -> Path:
    """The six factors as Moscow perceives them (solid) and as they are (dashed), with the thresholds."""
    fig, axes = plt.subplots(2, 3, figsize=(12, 6), sharex=True, sharey=True)
    th = config.russia.thresholds
    for ax, f in zip(axes.ravel(), FACTORS):
        band(ax, daily.dropna(subset=[f"{f}_perceived"]), f"{f}_perceived", "perceived", color="C0")
        band(ax, daily.dropna(subset=[f"{f}_true"]), f"{f}_true", "true", color="C3", linestyle="--", fill=False)
        if hasattr(th, f):
            ax.axhline(getattr(th, f), color="k", linewidth=0.8, linestyle=":",
                       label="threshold (stay below)" if f in BURDENS else "threshold")
        ax.set_title(f)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    for ax in axes[1]:
        ax.set_xlabel("day")
    fig.suptitle(f"Moscow's five factors and motive, rule {config.russia.rule}{suffix}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_overview(daily: pd.DataFrame, config, path: Path) -> Path:
    """One figure for a README: unrest, troops, threat, three decisive factors."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    band(axes[0, 0], daily, "active_share", "active")
    band(axes[0, 0], daily, "jailed_share", "jailed")
    axes[0, 0].set_title("protesters (share)")
    band(axes[0, 1], daily, "troops_total", "foreign troops")
    axes[0, 1].set_title("troops on the ground")
    band(axes[1, 0], daily, "regime_threat", "regime threat")
    band(axes[1, 0], daily, "legitimacy", "legitimacy")
    axes[1, 0].set_title("host government")
    for f in ("trigger", "support", "feasibility", "costs"):
        band(axes[1, 1], daily.dropna(subset=[f"{f}_perceived"]), f"{f}_perceived", f)
    axes[1, 1].set_title("factors as Moscow perceives them")
    for ax in axes.ravel():
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    for ax in axes[1]:
        ax.set_xlabel("day (0 = opening event)")
    n = daily["rep"].nunique()
    fig.suptitle(f"{config.name}: median and 10-90% band of {n} replications")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
