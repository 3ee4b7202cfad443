"""Figures of a scenario discovery: PRIM's trade-off, its boxes, the design seen through the first
box, the CART tree and the feature scores. Written atomically; colours from ``sim.palette``."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from ..files import save_figure
from .discovery import QP_MAX, Box, short

DPI = 110
YES = "#c1121f"
BOX_COLOURS = ("#c1121f", "#2a9d8f", "#7b2cbf", "#e9c46a", "#3a86ff")


def _save(fig, path: Path) -> Path:
    save_figure(fig, path, dpi=DPI)
    plt.close(fig)
    return path


def tradeoff(
    trajectory: pd.DataFrame, boxes: list[Box], threshold: float, question: str, path: Path
) -> Path:
    """Coverage against density along each box's peeling trajectory, the chosen steps ringed."""
    fig, ax = plt.subplots(figsize=(7.2, 5.2), layout="constrained")
    for b in boxes:
        part = trajectory[trajectory["box"] == b.number]
        colour = BOX_COLOURS[(b.number - 1) % len(BOX_COLOURS)]
        ax.plot(part["coverage"], part["density"], color=colour, linewidth=0.8, alpha=0.6)
        pts = ax.scatter(
            part["coverage"],
            part["density"],
            c=part["restricted"],
            cmap="viridis",
            s=18,
            vmin=0,
            vmax=max(1, trajectory["restricted"].max()),
            zorder=3,
        )
        ax.scatter(
            [b.prim_coverage],
            [b.prim_density],
            s=180,
            facecolors="none",
            edgecolors=colour,
            linewidths=2,
            zorder=4,
            label=f"box {b.number}: coverage {b.prim_coverage:.2f}, density {b.prim_density:.2f}",
        )
    fig.colorbar(pts, ax=ax, label="parameters restricted")
    ax.axhline(threshold, color="#555555", linestyle="--", linewidth=1)
    ax.text(
        0.01,
        threshold,
        f" density threshold {threshold:g}",
        va="bottom",
        fontsize=8,
        color="#555555",
    )
    ax.set(
        xlim=(0, 1.02),
        ylim=(0, 1.02),
        xlabel="coverage (share of all yes-runs inside the box)",
        ylabel="density (share of yes among the runs inside)",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(f"PRIM peeling trajectory: {question}", fontsize=10)
    return _save(fig, path)


def box_limits(boxes: list[Box], x: pd.DataFrame, question: str, path: Path) -> Path:
    """Each box's limits on each restricted parameter, within the parameter's sampled range."""
    rows = [(b, p, lim) for b in boxes for p, lim in b.limits.iterrows()]
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * max(1, len(rows)) + 1.6), layout="constrained")
    for i, (b, p, lim) in enumerate(rows):
        lo_all, hi_all = float(x[p].min()), float(x[p].max())
        span = (hi_all - lo_all) or 1.0
        colour = BOX_COLOURS[(b.number - 1) % len(BOX_COLOURS)]
        ax.barh(i, 1.0, left=0.0, color="#e9ecef", height=0.6)
        lo, hi = (lim["low"] - lo_all) / span, (lim["high"] - lo_all) / span
        significant = any(q <= QP_MAX for q in (lim["qp_low"], lim["qp_high"]))
        ax.barh(i, hi - lo, left=lo, color=colour, alpha=0.85 if significant else 0.3, height=0.6)
        notes = []
        for side, value, qp in (
            ("low", lim["low"], lim["qp_low"]),
            ("high", lim["high"], lim["qp_high"]),
        ):
            if not np.isnan(qp):
                flag = "" if qp <= QP_MAX else " (not significant)"
                notes.append(f"{'>=' if side == 'low' else '<='} {value:.3g}, qp {qp:.1g}{flag}")
        ax.text(1.02, i, "; ".join(notes), va="center", fontsize=8)
        ax.text(-0.02, i, f"{lo_all:.3g}", va="center", ha="right", fontsize=7, color="#666666")
    ax.set_yticks(range(len(rows)), [f"box {b.number}: {short(str(p))}" for b, p, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(-0.12, 1.9)
    ax.set_xticks([0, 1], ["lowest\nsampled", "highest\nsampled"])
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(f"PRIM boxes for {question}: the coloured part of each sampled range", fontsize=10)
    return _save(fig, path)


def design_view(
    x: pd.DataFrame, y: np.ndarray, box: Box, pair: tuple[str, str], question: str, path: Path
) -> Path:
    """The design over two parameters, each point coloured by its share of yes-runs (fixed 0..1
    scale), with the box's limits on those two parameters drawn."""
    px, py = pair
    frame = x[[px, py]].assign(yes=np.asarray(y, dtype=float))
    points = frame.groupby([px, py], as_index=False)["yes"].mean()
    fig, ax = plt.subplots(figsize=(7, 5.4), layout="constrained")
    sc = ax.scatter(
        points[px],
        points[py],
        c=points["yes"],
        cmap="RdBu_r",
        vmin=0,
        vmax=1,
        s=22,
        edgecolors="#333333",
        linewidths=0.3,
    )
    fig.colorbar(sc, ax=ax, label=f"share of runs: {question}")
    lim = box.significant()
    lo_x, hi_x = _range(lim, px, x[px])
    lo_y, hi_y = _range(lim, py, x[py])
    ax.add_patch(
        Rectangle(
            (lo_x, lo_y), hi_x - lo_x, hi_y - lo_y, fill=False, edgecolor="black", linewidth=2
        )
    )
    ax.set(xlabel=px, ylabel=py)
    ax.set_title(
        f"box {box.number}: {box.rule()}\ncoverage {box.coverage:.2f}, density {box.density:.2f}",
        fontsize=10,
    )
    return _save(fig, path)


def _range(limits: pd.DataFrame, param: str, values: pd.Series) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    if param in limits.index:
        row = limits.loc[param]
        lo = row["low"] if not np.isnan(row["qp_low"]) else lo
        hi = row["high"] if not np.isnan(row["qp_high"]) else hi
    return lo, hi


def tree_figure(clf, names: list[str], question: str, path: Path) -> Path:
    """The CART tree, each node with its share of yes-runs."""
    from sklearn.tree import plot_tree

    leaves = int(clf.get_n_leaves())
    fig, ax = plt.subplots(
        figsize=(max(8, 2.2 * leaves), 1.9 * clf.get_depth() + 2.2), layout="constrained"
    )
    plot_tree(
        clf,
        feature_names=[short(n) for n in names],
        class_names=["no", "yes"],
        filled=True,
        impurity=False,
        proportion=True,
        rounded=True,
        fontsize=8,
        ax=ax,
    )
    ax.set_title(f"CART: {question} (value = share of runs [no, yes] in each node)", fontsize=10)
    return _save(fig, path)


def scores_figure(scores: pd.DataFrame, question: str, path: Path) -> Path:
    """Feature scores, highest at the top."""
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(scores) + 1.6), layout="constrained")
    bars = ax.barh(scores["parameter"], scores["score"], color="#457b9d")
    ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=2)
    ax.invert_yaxis()
    ax.set_xlabel("extra-trees feature score (sums to 1)")
    ax.set_title(f"Which parameters tell apart: {question}", fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    return _save(fig, path)
