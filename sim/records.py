"""Per-run summaries computed from a run's daily series: the `summary.parquet` contract.

Imports nothing of ours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

RANKED_OUTCOMES = ("deploy", "limited", "delay", "decline", "watch")
"""A run's possible ``outcome``, strongest first: the strongest daily decision it took. ``withdraw``
is not ranked: every day a force is on the ground before it reads ``deploy`` or ``limited``
already."""
OUTCOME_RANK = {o: len(RANKED_OUTCOMES) - i for i, o in enumerate(RANKED_OUTCOMES)}
INTERVENED = ("deploy", "limited")
"""Outcomes that put foreign troops on the ground."""
FORMS = ("none", "covert", "peacekeeping", "guard", "limited", "full")
"""The menu of options, weakest first (``sim.decision.Form``): a run's ``form`` is the strongest
option it carried out."""
FORM_RANK = {f: i for i, f in enumerate(FORMS)}
UNREST_LEVEL = 0.05
"""Active share above which a day counts in ``unrest_days`` (and ``last_unrest_day`` is the last
such day): a twentieth of the citizens on the streets, the line issue 12 draws for Belarus 2020's
months of marches."""

SUMMARY_COLUMNS = (
    "rep",
    "seed",
    "deployed",
    "deploy_day",
    "peak_troops",
    "withdrawn_day",
    "days_deployed",
    "regime_survived",
    "peak_unrest",
    "final_unrest",
    "days_to_order",
    "final_sanctions",
    "peak_ally_unrest",
    "outcome",
    "request_day",
    "decision_day",
    "final_territory_share",
    "final_reputation",
    "form",
    "war_end_day",
    "russian_losses",
    "host_losses",
    "host_forces_defected",
    "war_deaths",
    "peak_sanctions",
    "deployments",
    "detained_total",
    "deaths",
    "concession_day",
    "emergency_day",
    "lethal_force_day",
    "army_committed_day",
    "unrest_days",
    "last_unrest_day",
    "marches",
    "actions",
)


DAY_COLUMNS = (
    "deploy_day",
    "withdrawn_day",
    "days_to_order",
    "request_day",
    "decision_day",
    "war_end_day",
    "concession_day",
    "emergency_day",
    "lethal_force_day",
    "army_committed_day",
    "last_unrest_day",
)
OUTCOME_COLUMNS = tuple(
    c
    for c in SUMMARY_COLUMNS
    if c not in ("rep", "seed", "outcome", "form", "decision_day", "war_end_day")
)
"""Summary columns an experiment can analyse (numeric or boolean): all but a run's identity, its
categories, and the days of Moscow's decision and of the war's end."""
SUMMARY_DTYPES = {
    **dict.fromkeys(DAY_COLUMNS, "Int64"),
    "deployed": "bool",
    "regime_survived": "bool",
    "seed": "uint64",
    "peak_troops": "int64",
    "deployments": "Int64",
    "unrest_days": "Int64",
    "marches": "Int64",
    "actions": "Int64",
}
"""Summary columns with a fixed dtype: days are nullable integers, troops whole soldiers, seeds
64-bit (one type in every file); the counts added after the first edition (``deployments``,
``unrest_days``, ``marches``, ``actions``) are nullable too, so a row written without them still
reads."""


def summary_frame(rows: list[dict]) -> pd.DataFrame:
    """Summary rows as a frame with stable dtypes (``SUMMARY_DTYPES``)."""
    extra = [c for c in (rows[0] if rows else {}) if c not in SUMMARY_COLUMNS]
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS) + extra).astype(SUMMARY_DTYPES)


def summarize(daily: Mapping[str, Sequence] | pd.DataFrame, order_threshold: float) -> dict:
    """One row of ``summary.parquet`` from one run's daily series (rep and seed added by the
    caller).

    Args:
        daily: the run's daily series, one value per day from day 0: a frame, or column name ->
            values (the model's own record, read without building a frame).
        order_threshold: active share below which order counts as restored.

    Returns:
        Column -> value; days are counted from day 0, the scenario's opening event; a day that
        never came is ``None``.
    """

    def numbers(col: str) -> np.ndarray:
        return np.asarray(daily[col], dtype=float)

    def last(
        col: str,
    ) -> float:  # a column the run may lack (a frame built by hand, an older record): 0
        return float(numbers(col)[-1]) if col in daily else 0.0

    def days_true(col: str) -> int:  # a day flag the run may lack, as above: 0
        return int(np.count_nonzero(np.asarray(daily[col]))) if col in daily else 0

    days = np.asarray(daily["day"])
    troops = numbers("troops_total")
    active = numbers("active_share")
    on = np.flatnonzero(troops > 0)
    unrest = np.flatnonzero(active > UNREST_LEVEL)
    deploy_day = int(days[on[0]]) if on.size else None
    withdrawn_day = None
    if on.size:
        after = np.flatnonzero((troops <= 0) & (days > deploy_day))
        withdrawn_day = int(days[after[0]]) if after.size else None
    peak_at = int(np.argmax(active))
    calm = np.flatnonzero((active < order_threshold) & (np.arange(active.size) >= peak_at))
    decisions = list(daily["decision"])
    strongest = max(
        (d for d in decisions if d in OUTCOME_RANK), key=lambda d: OUTCOME_RANK[d], default="watch"
    )
    requested = np.flatnonzero(np.asarray(daily["requested"]))
    acted = [i for i, d in enumerate(decisions) if d in INTERVENED]
    ally_cols = [c for c in daily if c.startswith("unrest_")]
    return {
        "deployed": bool(on.size),
        "deploy_day": deploy_day,
        "peak_troops": int(round(float(troops.max()))) if troops.size else 0,  # whole soldiers
        "withdrawn_day": withdrawn_day,
        "days_deployed": int(on.size),
        "regime_survived": bool(list(daily["regime_status"])[-1] != "fallen"),
        "peak_unrest": float(active.max()),
        "final_unrest": float(active[-1]),
        "unrest_days": int(unrest.size),
        "last_unrest_day": int(days[unrest[-1]]) if unrest.size else None,
        "marches": days_true("march_called"),
        "actions": days_true("action_called"),
        "days_to_order": int(days[calm[0]])
        if calm.size and active.max() >= order_threshold
        else None,
        "final_sanctions": float(numbers("sanctions")[-1]),
        "peak_ally_unrest": float(np.max([numbers(c).max() for c in ally_cols]))
        if ally_cols
        else 0.0,
        "outcome": strongest,
        "request_day": int(days[requested[0]]) if requested.size else None,
        "decision_day": int(days[acted[0]]) if acted else None,
        "final_territory_share": float(numbers("territory_share")[-1]),
        "final_reputation": float(numbers("reputation")[-1]),
        **war_summary(daily, days, troops, last),
        **host_summary(daily, days, last),
    }


def host_summary(daily, days: np.ndarray, last) -> dict:
    """The host's summary columns (docs/model.md 7.5-7.6): persons detained and dead, the first day
    of each measure (``None`` when it never came)."""

    def first(col: str) -> int | None:
        if col not in daily:
            return None
        on = np.flatnonzero(np.asarray(daily[col], dtype=float) > 0)
        return int(days[on[0]]) if on.size else None

    return {
        "detained_total": last("detained"),
        "deaths": last("deaths"),
        "concession_day": first("concessions"),
        "emergency_day": first("emergency"),
        "lethal_force_day": first("lethal_force"),
        "army_committed_day": first("army_on_duty"),
    }


def _peak(daily, col: str) -> float:
    return float(np.max(np.asarray(daily[col], dtype=float))) if col in daily else 0.0


def war_summary(daily, days: np.ndarray, troops: np.ndarray, last) -> dict:
    """The summary columns of the menu of options and the war (docs/model.md 7.15)."""
    forms = list(daily["form"]) if "form" in daily else []
    phases = np.asarray(list(daily["war_phase"])) if "war_phase" in daily else np.array([])
    ended = np.flatnonzero(phases == "ceasefire")
    on = troops > 0
    sanctions = np.asarray(daily["sanctions"], dtype=float)
    return {
        "form": max(forms, key=lambda f: FORM_RANK.get(f, 0), default="none"),
        "war_end_day": int(days[ended[0]]) if ended.size else None,
        "russian_losses": last("russian_losses"),
        "host_losses": last("host_losses"),
        "host_forces_defected": last("host_forces_defected") + _peak(daily, "forces_defected"),
        "war_deaths": last("war_deaths"),
        "peak_sanctions": float(sanctions.max()) if sanctions.size else 0.0,
        "deployments": int(on[0] + np.count_nonzero(on[1:] & ~on[:-1])) if on.size else 0,
    }
