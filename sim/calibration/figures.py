"""A calibration's figures: marginals, pairs, generations and the posterior predictive check."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from ..files import save_figure
from .spec import CalibrationSpec

POSTERIOR = "#1f5f8b"
HISTORY = "#c0392b"


def _grid(n: int, size: float = 2.8):
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(size * cols + 0.6, size * 0.8 * rows + 0.8), squeeze=False
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    save_figure(fig, path, dpi=110)
    plt.close(fig)
    return path


def marginals(spec: CalibrationSpec, post: pd.DataFrame, path: Path) -> Path:
    """Each free parameter's weighted posterior histogram over its prior's range."""
    fig, axes = _grid(len(spec.parameters))
    w = post["weight"].to_numpy(float)
    for ax, (key, prior) in zip(axes, spec.parameters.items(), strict=True):
        edges = (
            np.geomspace(prior.low, prior.high, 21)
            if prior.prior == "log_uniform"
            else np.linspace(prior.low, prior.high, 21)
        )
        ax.hist(post[key].to_numpy(float), bins=edges, weights=w, color=POSTERIOR, alpha=0.8)
        if prior.prior == "log_uniform":
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(prior.low, prior.high)
        ax.set_title(key, fontsize=8)
        ax.set_yticks([])
        ax.set_xlabel(f"{prior.prior} prior [{prior.low:g}, {prior.high:g}]", fontsize=7)
    fig.suptitle(
        f"{spec.name}: posterior marginals (weighted; x-axis = the prior's range)", fontsize=10
    )
    return _save(fig, path)


def pairs(spec: CalibrationSpec, post: pd.DataFrame, path: Path) -> Path:
    """Every pair of free parameters: the particles, sized by weight."""
    keys = list(spec.parameters)
    n = len(keys)
    fig, axes = plt.subplots(n, n, figsize=(1.9 * n + 0.8, 1.9 * n + 0.8), squeeze=False)
    size = 4 + 60 * post["weight"].to_numpy(float) / post["weight"].max()
    for i, yk in enumerate(keys):
        for j, xk in enumerate(keys):
            ax = axes[i][j]
            px, py = spec.parameters[xk], spec.parameters[yk]
            if i == j:
                ax.hist(post[xk], bins=15, weights=post["weight"], color=POSTERIOR, alpha=0.8)
                ax.set_yticks([])
            elif i > j:
                ax.scatter(post[xk], post[yk], s=size, color=POSTERIOR, alpha=0.35, linewidths=0)
                ax.set_ylim(py.low, py.high)
            else:
                ax.set_visible(False)
                continue
            ax.set_xlim(px.low, px.high)
            ax.tick_params(labelsize=6)
            if i == n - 1:
                ax.set_xlabel(xk, fontsize=6)
            if j == 0 and i > 0:
                ax.set_ylabel(yk, fontsize=6)
    fig.suptitle(f"{spec.name}: posterior, pairs of parameters (dot size = weight)", fontsize=10)
    return _save(fig, path)


def generations(spec: CalibrationSpec, gens: pd.DataFrame, path: Path) -> Path:
    """Tolerance (epsilon) and acceptance rate per generation."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3.2))
    a.plot(gens["generation"], gens["epsilon"], marker="o", color=POSTERIOR)
    a.set_yscale("log")
    a.set_title("tolerance (distance accepted)", fontsize=9)
    b.plot(gens["generation"], gens["acceptance"], marker="o", color=POSTERIOR)
    b.set_ylim(0, 1.05)
    b.set_title("acceptance rate", fontsize=9)
    for ax in (a, b):
        ax.set_xlabel("generation")
    fig.suptitle(
        f"{spec.name}: ABC-SMC generations ({int(gens['simulations'].sum()):,} simulations)",
        fontsize=10,
    )
    return _save(fig, path)


def predictive_check(
    spec: CalibrationSpec, pred: pd.DataFrame, table: pd.DataFrame, path: Path
) -> Path:
    """Each target's posterior predictive distribution, its 10-90% band and the observed value."""
    fig, axes = _grid(len(spec.targets))
    for ax, row in zip(axes, table.itertuples(), strict=True):
        v = pred[row.target].astype(float)
        ax.hist(v, bins=min(30, max(5, v.nunique())), color=POSTERIOR, alpha=0.7)
        ax.axvspan(row.p10, row.p90, color=POSTERIOR, alpha=0.12, label="10-90% band")
        ax.axvline(row.observed, color=HISTORY, lw=2, label="history")
        ax.set_title(f"{row.target} ({'inside' if row.covered else 'OUTSIDE'})", fontsize=8)
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7)
    fig.suptitle(
        f"{spec.name}: posterior predictive check ({len(pred)} runs; "
        f"history inside the band for {int(table['covered'].sum())} of {len(table)})",
        fontsize=10,
    )
    return _save(fig, path)


def draw_all(
    spec: CalibrationSpec,
    post: pd.DataFrame,
    gens: pd.DataFrame,
    pred: pd.DataFrame,
    table: pd.DataFrame,
    out: Path,
) -> list[Path]:
    """Every figure of a calibration into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    return [
        marginals(spec, post, out / "marginals.png"),
        pairs(spec, post, out / "pairs.png"),
        generations(spec, gens, out / "generations.png"),
        predictive_check(spec, pred, table, out / "predictive_check.png"),
    ]
