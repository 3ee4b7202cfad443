"""Analysis of stored experiment results: comparisons, phase diagrams, Sobol/Morris indices,
tornado plots.

Everything here reads only the result store, so ``sim plot DIR`` redraws every figure without
running anything. Each table names its statistic (``sim.experiments.statistics``): a yes/no
outcome becomes ``share_<outcome>``, a day outcome ``median_<day>_if_<event>`` over the runs where
the day came plus ``share_<event>_by_day_K`` over all runs (a day that never came is censored,
never replaced by a stand-in day), anything else ``mean_<outcome>``; troop counts are whole.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import palette
from ..chart import band, day_axis, label, mark_history, wrapped_columns
from ..files import save_figure, write_csv
from ..history import history_table
from ..records import RANKED_OUTCOMES
from ..store import ResultStore
from .spec import ExperimentSpec
from .statistics import describe, group_statistics, is_share, primary, stored_summary

DPI = 110
COMPARE_COLUMNS = 6
"""Variants side by side in the comparison figure before it wraps into another block of rows."""
AXIS_LABELS = {
    "active_share": "active protesters (share)",
    "troops_total": "foreign troops (soldiers)",
    "regime_threat": "regime threat (0-1)",
    "sanctions": "sanctions in force (0-1)",
}


def load(out: str | Path) -> tuple[ExperimentSpec, pd.DataFrame, pd.DataFrame, ResultStore]:
    """(spec, plan, summary of the plan's runs with point columns, store) of an experiment."""
    store = ResultStore(out)
    spec = ExperimentSpec.model_validate(store.read_json("manifest.json")["spec"])
    plan, summary = stored_summary(out)
    return spec, plan, summary, store


def point_table(spec: ExperimentSpec, summary: pd.DataFrame) -> pd.DataFrame:
    """One row per point: its parameters, its run count, the named statistics of each outcome."""
    params = [c for c in summary.columns if "." in c]  # design parameters are config keys
    return group_statistics(summary, ["point", "point_name", *params], list(spec.outcomes))


def point_config(store: ResultStore, index: int = 0):
    """The resolved config of one point, from the manifest (None when its files have moved)."""
    from ..config import ConfigError, load_config

    try:
        p = store.read_json("manifest.json")["points"][index]
        return load_config(p["config"], p["overrides"])
    except (ConfigError, KeyError, IndexError, OSError):
        return None


def point_histories(store: ResultStore, summary: pd.DataFrame) -> dict[str, object]:
    """Each variant's own ``history`` block (None where its config has none or has moved): the
    variants of one experiment may run different scenarios, each with its own record."""
    first = summary.drop_duplicates("point_name")
    return {
        name: getattr(point_config(store, int(point)), "history", None)
        for name, point in zip(first["point_name"], first["point"], strict=True)
    }


def shared_calendar(histories: dict[str, object]):
    """The history whose start date every variant shares (dates on a shared axis), else None."""
    starts = {getattr(h, "start_date", None) for h in histories.values()}
    if len(starts) != 1 or None in starts:
        return None
    return next(iter(histories.values()))


def analyse(out: str | Path) -> list[Path]:
    """Write every analysis table and plot the spec asks for; returns the files written."""
    out = Path(out)
    spec, plan, summary, store = load(out)
    figs, tables = out / "plots", out / "analysis"
    figs.mkdir(exist_ok=True)
    tables.mkdir(exist_ok=True)
    if summary.empty:
        return []
    points = point_table(spec, summary)
    files = [write_csv(points, tables / "points.csv")]
    for kind in spec.default_plots():
        files += PLOTTERS[kind](spec, summary, points, store, figs, tables)
    return files


def _save(fig, path: Path) -> Path:
    save_figure(fig, path, dpi=DPI)
    plt.close(fig)
    return path


def _compare(spec, summary, points, store, figs, tables):
    """Small multiples: one row per daily series, one column per variant, wrapped after
    ``COMPARE_COLUMNS`` variants into blocks one under the other; each panel shows its own
    variant's median and band over the other variants' medians in grey, and its own history."""
    daily = store.load("daily").merge(summary[["key", "point_name"]].drop_duplicates(), on="key")
    names = list(summary.drop_duplicates("point").sort_values("point")["point_name"])
    histories = point_histories(store, summary)
    fig, columns = wrapped_columns(len(names), len(spec.series), COMPARE_COLUMNS)
    medians = {
        (n, s): part.groupby("day")[s].median()
        for n, part in daily.groupby("point_name")
        for s in spec.series
    }
    for name, column in zip(names, columns, strict=True):
        for i, (series, ax) in enumerate(zip(spec.series, column, strict=True)):
            for other in names:
                if other != name:
                    m = medians[(other, series)]
                    ax.plot(m.index, m.to_numpy(), color="#bbbbbb", linewidth=0.8, zorder=1)
            band(
                ax,
                daily[daily["point_name"] == name],
                series,
                name,
                color=palette.series_colour(series) or palette.TOTAL,
            )
            mark_history(ax, histories[name], text=False)  # each panel its own record
            ax.grid(alpha=0.3)
            if i == 0:
                ax.set_title(name, fontsize=9)
            if ax.get_subplotspec().is_first_col():
                ax.set_ylabel(AXIS_LABELS.get(series, label(series)), fontsize=9)
    for column in columns[-COMPARE_COLUMNS:]:  # dates only where all variants share a day 0
        day_axis(column[-1], shared_calendar(histories), ticks=4)
    fig.suptitle(
        f"{spec.name}: median and 10-90% band per variant ({spec.replications} runs each); "
        "grey: the other variants' medians",
        fontsize=10,
    )
    return [_save(fig, figs / "compare.png")]


def _outcomes(spec, summary, points, store, figs, tables):
    """Per variant: the share of runs with each strongest decision, and the named statistics."""
    order_names = list(summary.drop_duplicates("point").sort_values("point")["point_name"])
    shares = pd.crosstab(summary["point_name"], summary["outcome"], normalize="index")
    order = [o for o in RANKED_OUTCOMES if o in shares.columns]
    shares = shares[order].reindex(order_names)
    stats = group_statistics(
        summary,
        ["point_name"],
        ["deployed", "deploy_day", "peak_troops", "regime_survived", "peak_unrest"],
    )
    stats = stats.set_index("point_name").reindex(order_names)
    table = shares.add_prefix("share_outcome_").join(stats)
    table.index.name = "variant"
    files = [write_csv(table, tables / "outcomes.csv", index=True)]
    histories = point_histories(store, summary)
    if any(h is not None for h in histories.values()):
        compared = [
            history_table(part, histories[name]).assign(variant=name)
            for name, part in summary.groupby("point_name", sort=False)
            if histories[name] is not None
        ]
        compared = pd.concat(compared, ignore_index=True) if compared else pd.DataFrame()
        if not compared.empty:
            files.append(
                write_csv(compared[["variant", *compared.columns[:-1]]], tables / "history.csv")
            )
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(shares) + 1.6), layout="constrained")
    left = np.zeros(len(shares))
    for o in order:
        bars = ax.barh(shares.index, shares[o], left=left, color=palette.DECISIONS[o], label=o)
        ax.bar_label(
            bars,
            labels=[f"{v:.0%}" if v >= 0.08 else "" for v in shares[o]],
            label_type="center",
            fontsize=8,
            color="white",
        )
        left += shares[o].to_numpy()
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of runs, by the strongest decision Moscow took in the run")
    fig.legend(
        *ax.get_legend_handles_labels(), fontsize=8, loc="outside right upper", frameon=False
    )
    fig.suptitle(f"{spec.name}: {spec.replications} runs per variant", fontsize=10)
    files.append(_save(fig, figs / "outcomes.png"))
    return files


def _heatmap(spec, summary, points, store, figs, tables):
    """Phase diagrams: each outcome's statistic per grid cell, its value written in the cell; shares
    on a fixed 0..1 colour scale, so a 5% cell looks like 5%."""
    params = list(spec.design.parameters)
    files = []
    for outcome in spec.outcomes:
        stat = primary(outcome)
        fig, ax = plt.subplots(figsize=(7, 5.2), layout="constrained")
        if len(params) == 1:
            ax.plot(points[params[0]], points[stat], marker="o")
            ax.set_xlabel(params[0])
            ax.set_ylabel(describe(stat))
            if is_share(stat):
                ax.set_ylim(0, 1)
        else:
            grid = points.pivot_table(index=params[1], columns=params[0], values=stat)
            values = grid.to_numpy(dtype=float)
            scale = {"vmin": 0.0, "vmax": 1.0} if is_share(stat) else {}
            im = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis", **scale)
            lo, hi = im.get_clim()
            for (r, c), v in np.ndenumerate(values):
                if not np.isnan(v):
                    dark = (v - lo) / ((hi - lo) or 1) < 0.6
                    ax.text(
                        c,
                        r,
                        f"{v:.2f}" if is_share(stat) else f"{v:.3g}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if dark else "black",
                    )
            ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
            ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
            ax.set_xlabel(params[0])
            ax.set_ylabel(params[1])
            fig.colorbar(im, ax=ax, label=describe(stat))
        ax.set_title(
            f"{spec.name}: {describe(stat)}\n({spec.replications} runs per cell)", fontsize=10
        )
        files.append(_save(fig, figs / f"heatmap_{outcome}.png"))
    return files


def _sensitivity(spec, summary, points, store, figs, tables):
    from SALib.analyze import morris, sobol

    from .design import design_matrix, salib_problem

    problem = salib_problem(spec)
    x = design_matrix(spec)
    rows = []
    for outcome in spec.outcomes:
        stat = primary(outcome)
        y = points.sort_values("point")[stat].to_numpy(dtype=float)
        if len(y) != len(x):
            continue  # the experiment has not finished
        base = {"outcome": outcome, "statistic": stat}
        if spec.design.kind == "sobol":
            res = sobol.analyze(problem, y, calc_second_order=False, seed=spec.design.seed)
            for i, name in enumerate(problem["names"]):
                rows.append(
                    {
                        **base,
                        "parameter": name,
                        "S1": res["S1"][i],
                        "S1_conf": res["S1_conf"][i],
                        "ST": res["ST"][i],
                        "ST_conf": res["ST_conf"][i],
                    }
                )
        else:
            res = morris.analyze(
                problem, x, y, num_levels=spec.design.levels, seed=spec.design.seed
            )
            for i, name in enumerate(problem["names"]):
                rows.append(
                    {
                        **base,
                        "parameter": name,
                        "mu_star": res["mu_star"][i],
                        "mu_star_conf": res["mu_star_conf"][i],
                        "sigma": res["sigma"][i],
                    }
                )
    if not rows:
        return []
    table = pd.DataFrame(rows)
    path = write_csv(table, tables / f"{spec.design.kind}_indices.csv")
    first, total = ("S1", "ST") if spec.design.kind == "sobol" else ("mu_star", None)
    fig, axes = plt.subplots(
        1,
        len(spec.outcomes),
        figsize=(4.6 * len(spec.outcomes) + 1.5, 0.4 * problem["num_vars"] + 2),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for ax, (_outcome, part) in zip(axes[0], table.groupby("outcome", sort=False), strict=True):
        y = np.arange(len(part))
        ax.barh(y - 0.2, part[first], 0.4, xerr=part[f"{first}_conf"], label=first, color="#457b9d")
        if total:
            ax.barh(
                y + 0.2, part[total], 0.4, xerr=part[f"{total}_conf"], label=total, color="#e76f51"
            )
        ax.set_yticks(y, part["parameter"])
        ax.set_title(describe(part["statistic"].iloc[0]), fontsize=9)
        ax.grid(alpha=0.3, axis="x")
    axes[0, 0].invert_yaxis()
    fig.legend(
        *axes[0, 0].get_legend_handles_labels(),
        fontsize=8,
        loc="outside right upper",
        frameon=False,
    )
    fig.suptitle(
        f"{spec.name}: {spec.design.kind} indices with 95% confidence intervals", fontsize=10
    )
    return [path, _save(fig, figs / f"{spec.design.kind}_indices.png")]


def _tornado(spec, summary, points, store, figs, tables):
    """One-way sensitivity from the design: each outcome's statistic where a parameter is in its
    lowest vs highest fifth, all else as sampled."""
    params = list(spec.design.parameters) if spec.design else []
    rows = []
    for outcome in spec.outcomes:
        stat = primary(outcome)
        for p in params:
            v = points[p].astype(float)
            lo, hi = v.quantile(0.2), v.quantile(0.8)
            rows.append(
                {
                    "outcome": outcome,
                    "statistic": stat,
                    "parameter": p,
                    "low": points.loc[v <= lo, stat].mean(),
                    "high": points.loc[v >= hi, stat].mean(),
                    "overall": points[stat].mean(),
                }
            )
    table = pd.DataFrame(rows)
    path = write_csv(table, tables / "tornado.csv")
    fig, axes = plt.subplots(
        1,
        len(spec.outcomes),
        figsize=(4.6 * len(spec.outcomes) + 2.5, 0.4 * len(params) + 2),
        squeeze=False,
        layout="constrained",
    )
    for ax, (_outcome, part) in zip(axes[0], table.groupby("outcome", sort=False), strict=True):
        part = part.assign(span=(part["high"] - part["low"]).abs()).sort_values("span")
        y = np.arange(len(part))
        mid = part["overall"].iloc[0]
        ax.barh(
            y, part["low"] - mid, left=mid, color="#457b9d", label="parameter in its bottom 20%"
        )
        ax.barh(y, part["high"] - mid, left=mid, color="#e76f51", label="parameter in its top 20%")
        ax.set_yticks(y, part["parameter"])
        ax.axvline(mid, color="k", linewidth=0.8)
        ax.set_title(describe(part["statistic"].iloc[0]), fontsize=9)
        if is_share(part["statistic"].iloc[0]):
            ax.set_xlim(0, 1)
    fig.legend(
        *axes[0, 0].get_legend_handles_labels(),
        fontsize=7,
        loc="outside right upper",
        frameon=False,
    )
    fig.suptitle(f"{spec.name}: one-way sensitivity (tornado)", fontsize=10)
    return [path, _save(fig, figs / "tornado.png")]


PLOTTERS = {
    "compare": _compare,
    "outcomes": _outcomes,
    "heatmap": _heatmap,
    "sensitivity": _sensitivity,
    "tornado": _tornado,
}
