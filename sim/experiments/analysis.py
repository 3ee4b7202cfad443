"""Analysis of stored experiment results: comparisons, phase diagrams, Sobol/Morris indices, tornado.

Everything here reads only the result store, so ``sim plot DIR`` redraws every figure without
running anything. Per point, a boolean outcome becomes a probability (its mean over replications);
``deploy_day`` and other day outcomes are censored at the horizon + 1 when the day never came, so
that every point has a number for sensitivity analysis.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..plots import band  # noqa: E402
from ..records import RANKED_OUTCOMES, SUMMARY_COLUMNS  # noqa: E402
from ..store import ResultStore  # noqa: E402
from .spec import ExperimentSpec  # noqa: E402

DAY_OUTCOMES = ("deploy_day", "withdrawn_day", "days_to_order")
LABELS = {"deployed": "deployment probability", "deploy_day": "deploy day (censored)", "peak_unrest": "peak unrest",
          "regime_survived": "regime survival", "peak_troops": "peak troops", "final_territory_share": "territory at end"}


def load(out: str | Path) -> tuple[ExperimentSpec, pd.DataFrame, pd.DataFrame, ResultStore]:
    """(spec, plan, summary of the plan's runs with point columns, store) from an experiment folder."""
    store = ResultStore(out)
    manifest = store.read_json("manifest.json")
    spec = ExperimentSpec.model_validate(manifest["spec"])
    plan = pd.read_parquet(Path(out) / "plan.parquet")
    summary = store.load("summary")
    if len(summary):  # the plan says which point each key belongs to (identical points share a run)
        summary = plan.merge(summary[["key", *SUMMARY_COLUMNS[2:]]], on="key", how="inner")
    return spec, plan, summary, store


def outcome_values(summary: pd.DataFrame, outcome: str, horizon: int) -> pd.Series:
    v = summary[outcome]
    if outcome in DAY_OUTCOMES:
        return pd.to_numeric(v, errors="coerce").astype(float).fillna(horizon + 1)
    return v.astype(float)


def point_table(spec: ExperimentSpec, summary: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """One row per point: its parameters and the mean of each outcome over replications."""
    params = [c for c in summary.columns if "." in c]  # design parameters are config keys
    cols = {o: outcome_values(summary, o, horizon) for o in spec.outcomes}
    frame = summary[["point", "point_name", *params]].assign(**cols)
    return frame.groupby(["point", "point_name", *params], dropna=False, sort=True)[list(spec.outcomes)].mean().reset_index()


def analyse(out: str | Path) -> list[Path]:
    """Write every analysis table and plot the spec asks for; returns the files written."""
    out = Path(out)
    spec, plan, summary, store = load(out)
    figs, tables = out / "plots", out / "analysis"
    figs.mkdir(exist_ok=True)
    tables.mkdir(exist_ok=True)
    if summary.empty:
        return []
    points = point_table(spec, summary, int(plan["horizon"].max()))
    points.to_csv(tables / "points.csv", index=False)
    files = [tables / "points.csv"]
    for kind in spec.default_plots():
        files += PLOTTERS[kind](spec, summary, points, store, figs, tables)
    return files


def _compare(spec, summary, points, store, figs, tables):
    daily = store.load("daily").merge(summary[["key", "point_name"]].drop_duplicates(), on="key")
    fig, axes = plt.subplots(len(spec.series), 1, figsize=(9, 2.8 * len(spec.series)), sharex=True, squeeze=False)
    for ax, col in zip(axes[:, 0], spec.series):
        for i, (name, part) in enumerate(daily.groupby("point_name", sort=False)):
            band(ax, part, col, name, color=f"C{i % 10}")
        ax.set_ylabel(col)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=7, ncol=2)
    axes[-1, 0].set_xlabel("day (0 = opening event)")
    fig.suptitle(f"{spec.name}: median and 10-90% band per variant ({spec.replications} runs each)")
    fig.tight_layout()
    path = figs / "compare.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]


def _outcomes(spec, summary, points, store, figs, tables):
    shares = pd.crosstab(summary["point_name"], summary["outcome"], normalize="index")
    order = [o for o in RANKED_OUTCOMES if o in shares.columns]
    shares = shares[order].reindex(summary.drop_duplicates("point")["point_name"])
    med = summary.groupby("point_name", sort=False).agg(
        deployed=("deployed", "mean"), deploy_day=("deploy_day", "median"), peak_troops=("peak_troops", "median"),
        regime_survived=("regime_survived", "mean"), peak_unrest=("peak_unrest", "median"))
    table = shares.add_prefix("share_").join(med)
    table.to_csv(tables / "outcomes.csv")
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(shares) + 1.5))
    left = np.zeros(len(shares))
    colors = {"deploy": "C3", "limited": "C1", "delay": "C8", "decline": "C7", "watch": "C0"}
    for o in order:
        ax.barh(shares.index, shares[o], left=left, color=colors[o], label=o)
        left += shares[o].to_numpy()
    ax.invert_yaxis()
    ax.set_xlabel("share of runs (strongest decision per run)")
    ax.legend(fontsize=8, ncol=5, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    path = figs / "outcomes.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [tables / "outcomes.csv", path]


def _heatmap(spec, summary, points, store, figs, tables):
    params = list(spec.design.parameters)
    files = []
    for outcome in spec.outcomes:
        fig, ax = plt.subplots(figsize=(6.5, 5))
        if len(params) == 1:
            ax.plot(points[params[0]], points[outcome], marker="o")
            ax.set_xlabel(params[0])
            ax.set_ylabel(LABELS.get(outcome, outcome))
        else:
            grid = points.pivot_table(index=params[1], columns=params[0], values=outcome)
            im = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
            ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
            ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
            ax.set_xlabel(params[0])
            ax.set_ylabel(params[1])
            fig.colorbar(im, ax=ax, label=LABELS.get(outcome, outcome))
        ax.set_title(f"{spec.name}: {LABELS.get(outcome, outcome)}\n(mean of {spec.replications} runs per cell)", fontsize=9)
        fig.tight_layout()
        path = figs / f"heatmap_{outcome}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        files.append(path)
    return files


def _sensitivity(spec, summary, points, store, figs, tables):
    from SALib.analyze import morris, sobol

    from .design import design_matrix, salib_problem

    problem = salib_problem(spec)
    x = design_matrix(spec)
    rows = []
    for outcome in spec.outcomes:
        y = points.sort_values("point")[outcome].to_numpy(dtype=float)
        if len(y) != len(x):
            continue  # the experiment has not finished
        if spec.design.kind == "sobol":
            res = sobol.analyze(problem, y, calc_second_order=False, seed=spec.design.seed)
            for i, name in enumerate(problem["names"]):
                rows.append({"outcome": outcome, "parameter": name, "S1": res["S1"][i], "S1_conf": res["S1_conf"][i],
                             "ST": res["ST"][i], "ST_conf": res["ST_conf"][i]})
        else:
            res = morris.analyze(problem, x, y, num_levels=spec.design.levels, seed=spec.design.seed)
            for i, name in enumerate(problem["names"]):
                rows.append({"outcome": outcome, "parameter": name, "mu_star": res["mu_star"][i],
                             "mu_star_conf": res["mu_star_conf"][i], "sigma": res["sigma"][i]})
    if not rows:
        return []
    table = pd.DataFrame(rows)
    table.to_csv(tables / f"{spec.design.kind}_indices.csv", index=False)
    first, total = ("S1", "ST") if spec.design.kind == "sobol" else ("mu_star", None)
    fig, axes = plt.subplots(1, len(spec.outcomes), figsize=(4.5 * len(spec.outcomes), 0.4 * problem["num_vars"] + 2),
                             sharey=True, squeeze=False)
    for ax, (outcome, part) in zip(axes[0], table.groupby("outcome", sort=False)):
        y = np.arange(len(part))
        ax.barh(y - 0.2, part[first], 0.4, xerr=part[f"{first}_conf"], label=first, color="C0")
        if total:
            ax.barh(y + 0.2, part[total], 0.4, xerr=part[f"{total}_conf"], label=total, color="C1")
        ax.set_yticks(y, part["parameter"])
        ax.set_title(LABELS.get(outcome, outcome), fontsize=9)
        ax.grid(alpha=0.3, axis="x")
    axes[0, 0].invert_yaxis()
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"{spec.name}: {spec.design.kind} indices with 95% confidence intervals", fontsize=10)
    fig.tight_layout()
    path = figs / f"{spec.design.kind}_indices.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [tables / f"{spec.design.kind}_indices.csv", path]


def _tornado(spec, summary, points, store, figs, tables):
    """One-way sensitivity from the design: mean outcome where each parameter is in its lowest vs
    highest fifth, all else as sampled."""
    params = list(spec.design.parameters) if spec.design else []
    rows = []
    for outcome in spec.outcomes:
        for p in params:
            v = points[p].astype(float)
            lo, hi = v.quantile(0.2), v.quantile(0.8)
            rows.append({"outcome": outcome, "parameter": p, "low": points.loc[v <= lo, outcome].mean(),
                         "high": points.loc[v >= hi, outcome].mean(), "overall": points[outcome].mean()})
    table = pd.DataFrame(rows)
    table.to_csv(tables / "tornado.csv", index=False)
    fig, axes = plt.subplots(1, len(spec.outcomes), figsize=(4.5 * len(spec.outcomes), 0.4 * len(params) + 2), squeeze=False)
    for ax, (outcome, part) in zip(axes[0], table.groupby("outcome", sort=False)):
        part = part.assign(span=(part["high"] - part["low"]).abs()).sort_values("span")
        y = np.arange(len(part))
        mid = part["overall"].iloc[0]
        ax.barh(y, part["low"] - mid, left=mid, color="C0", label="parameter low (bottom 20%)")
        ax.barh(y, part["high"] - mid, left=mid, color="C3", label="parameter high (top 20%)")
        ax.set_yticks(y, part["parameter"])
        ax.axvline(mid, color="k", linewidth=0.8)
        ax.set_title(LABELS.get(outcome, outcome), fontsize=9)
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(f"{spec.name}: one-way sensitivity (tornado)", fontsize=10)
    fig.tight_layout()
    path = figs / "tornado.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [tables / "tornado.csv", path]


PLOTTERS = {"compare": _compare, "outcomes": _outcomes, "heatmap": _heatmap, "sensitivity": _sensitivity,
            "tornado": _tornado}
