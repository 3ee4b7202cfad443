"""Per-point statistics of an experiment's runs, each named for what it computes.

A column says its statistic: ``share_deployed`` (share of runs), ``median_deploy_day_if_deployed``
(median over the runs where the day came), ``share_deployed_by_day_7`` (share of all runs where it
came by day 7), ``mean_peak_unrest`` (mean over runs). A day that never came (no deployment, no
withdrawal) is censored: it is never replaced by a stand-in day and averaged; it counts in the
``share_..._by_day_K`` statistics as "not by day K", and medians are taken over the runs where the
day came, with the share of such runs beside them. Troop counts are whole soldiers.

``primary`` names the one statistic per outcome that sensitivity analysis, tornado plots and
heatmaps use: a share for yes/no outcomes and days, a mean for the rest.

Imports pandas and numpy only (no plotting), so ``sim experiment`` can print its outcome table
without loading matplotlib.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..records import SUMMARY_COLUMNS

DAY_EVENTS = {
    "deploy_day": "deployed",
    "withdrawn_day": "withdrawn",
    "days_to_order": "order_restored",
    "request_day": "requested",
    "decision_day": "decided",
}
"""Day outcomes and the event whose day they are."""

BY_DAY = {
    "deploy_day": 7,
    "decision_day": 7,
    "request_day": 7,
    "days_to_order": 14,
    "withdrawn_day": 30,
}
"""Cut-off day of each ``share_<event>_by_day_K``: a week to act, two weeks to restore order, a
month to withdraw."""

SHARES = ("deployed", "regime_survived")
"""Yes/no outcomes: their statistic is the share of runs."""

TROOPS = ("peak_troops",)
"""Outcomes counted in soldiers: reported as whole numbers."""


def by_day_column(outcome: str) -> str:
    return f"share_{DAY_EVENTS[outcome]}_by_day_{BY_DAY[outcome]}"


def primary(outcome: str) -> str:
    """The statistic standing for ``outcome`` in sensitivity indices, tornado plots and heatmaps."""
    if outcome in SHARES:
        return f"share_{outcome}"
    if outcome in DAY_EVENTS:
        return by_day_column(outcome)
    return f"mean_{outcome}"


def is_share(statistic: str) -> bool:
    """Whether a statistic is a share of runs, in [0, 1] (so plotted on a fixed 0..1 scale)."""
    return statistic.startswith("share_") or statistic.endswith(
        ("_unrest", "_share", "_sanctions", "_reputation")
    )


def run_statistics(runs: pd.DataFrame, outcomes: list[str] | tuple[str, ...]) -> dict[str, float]:
    """The named statistics of one group of runs (one point or variant) for each outcome."""
    out: dict[str, float] = {"runs": len(runs)}
    for o in outcomes:
        if o in SHARES:
            out[f"share_{o}"] = float(runs[o].astype(bool).mean())
        elif o in DAY_EVENTS:
            day = pd.to_numeric(runs[o], errors="coerce").astype(float)
            came = day.notna()
            event = DAY_EVENTS[o]
            out[f"share_{event}"] = float(came.mean())
            out[f"median_{o}_if_{event}"] = float(day[came].median()) if came.any() else np.nan
            out[by_day_column(o)] = float((came & (day <= BY_DAY[o])).mean())
        elif o in TROOPS:
            troops = runs[o].astype(float)
            deployed = runs["deployed"].astype(bool) if "deployed" in runs else troops > 0
            out[f"mean_{o}"] = round(float(troops.mean()))
            out[f"median_{o}_if_deployed"] = (
                round(float(troops[deployed].median())) if deployed.any() else np.nan
            )
        else:
            out[f"mean_{o}"] = float(runs[o].astype(float).mean())
    return out


def group_statistics(
    summary: pd.DataFrame, by: list[str], outcomes: list[str] | tuple[str, ...]
) -> pd.DataFrame:
    """One row per group (e.g. per point) with ``by`` and every statistic of ``run_statistics``."""
    rows = [
        {
            **dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
            **run_statistics(part, outcomes),
        }
        for key, part in summary.groupby(by, dropna=False, sort=True)
    ]
    frame = pd.DataFrame(rows)
    for col in frame.columns:
        if col.endswith("peak_troops") or col.endswith("peak_troops_if_deployed"):
            frame[col] = frame[col].astype("Int64")  # whole soldiers; empty where nobody deployed
    return frame


def stored_summary(out: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plan, summary of the plan's runs with their point columns) of an experiment folder.

    The plan says which point each run key belongs to (identical points share one run)."""
    out = Path(out)
    plan = pd.read_parquet(out / "plan.parquet")
    parts = list((out / "summary").glob("part-*.parquet"))
    summary = pd.read_parquet(out / "summary") if parts else pd.DataFrame()
    if len(summary):
        summary = plan.merge(summary[["key", *SUMMARY_COLUMNS[2:]]], on="key", how="inner")
    return plan, summary


def outcome_table(summary: pd.DataFrame, max_rows: int = 20, unit: str = "point") -> str:
    """A short text table, one line per point or variant: share deployed, median deploy day over
    the deploying runs, share of runs where the regime survived.

    With more than ``max_rows`` points (a sampled design), one line for the whole design instead,
    and where the per-point table is.
    """
    if summary.empty:
        return "  no finished runs to summarise"
    outcomes = ("deployed", "deploy_day", "regime_survived")
    order = summary.drop_duplicates("point").sort_values("point")["point_name"].tolist()
    if len(order) > max_rows:
        stats = run_statistics(summary, outcomes)
        return (
            f"  {len(order)} points, {stats['runs']} runs: deployed in "
            f"{stats['share_deployed']:.0%}; median deploy day "
            f"{_day(stats['median_deploy_day_if_deployed'])} over deploying runs; regime survived "
            f"in {stats['share_regime_survived']:.0%} (per point: analysis/points.csv)"
        )
    width = max(12, *(len(n) for n in order))
    head = (
        f"  {unit:<{width}}  {'runs':>4}  {'deployed':>8}  {'median deploy day':>17}  "
        f"{'regime survived':>15}"
    )
    lines = [
        head,
        f"  {'':<{width}}  {'':>4}  {'(share)':>8}  {'(deploying runs)':>17}  {'(share)':>15}",
    ]
    for name in order:
        stats = run_statistics(summary[summary["point_name"] == name], outcomes)
        lines.append(
            f"  {name:<{width}}  {stats['runs']:>4}  {stats['share_deployed']:>8.0%}  "
            f"{_day(stats['median_deploy_day_if_deployed']):>17}  "
            f"{stats['share_regime_survived']:>15.0%}"
        )
    return "\n".join(lines)


def _day(value: float) -> str:
    return "none deployed" if np.isnan(value) else f"{value:g}"


OUTCOME_NAMES = {
    "deployed": "deployed",
    "regime_survived": "regime survived",
    "peak_unrest": "peak unrest",
    "final_unrest": "final unrest",
    "peak_troops": "peak troops",
    "days_deployed": "days deployed",
    "final_sanctions": "final sanctions",
    "peak_ally_unrest": "peak unrest in an ally",
    "final_territory_share": "territory held at the end",
    "final_reputation": "final reputation",
}


def describe(statistic: str) -> str:
    """A statistic's column name in words (``share_deployed_by_day_7`` -> "share of runs deployed
    by day 7")."""
    for o, event in DAY_EVENTS.items():
        words = event.replace("_", " ")
        if statistic == by_day_column(o):
            return f"share of runs {words} by day {BY_DAY[o]}"
        if statistic == f"share_{event}":
            return f"share of runs {words}"
        if statistic == f"median_{o}_if_{event}":
            return f"median {o.replace('_', ' ')} (runs {words})"
    if statistic == "median_peak_troops_if_deployed":
        return "median peak troops (deploying runs)"
    for prefix, text in (("share_", "share of runs "), ("mean_", "mean "), ("median_", "median ")):
        if statistic.startswith(prefix):
            rest = statistic.removeprefix(prefix)
            return text + OUTCOME_NAMES.get(rest, rest.replace("_", " "))
    return statistic.replace("_", " ")
