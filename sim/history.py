"""A scenario's ``history`` block held against the model's runs.

The block (``sim.config.schema.History``) holds dated facts and totals; the model never reads it.
Here each fact is set beside the model's matching summary column (a request beside
``request_day``, troops on the ground beside ``deploy_day``, ...) and each total beside its
column, so ``history_table`` says, per fact, what history gives and what the runs give.
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pandas as pd

EVENT_COLUMNS = {
    "request": "request_day",
    "decision": "decision_day",
    "landing": "deploy_day",
    "order": "days_to_order",
    "withdrawal": "withdrawn_day",
}
"""History events with a matching summary column (days counted from day 0)."""

MAGNITUDE_COLUMNS = {"detained": "detained_total"}
"""History magnitudes whose summary column has another name (the rest share theirs)."""


def calendar(history, day: int) -> str:
    """``day`` as a calendar date when the history has a start date (``"6 Jan 2022"``), else ''."""
    start = getattr(history, "start_date", None)
    return f"{start + datetime.timedelta(days=int(day)):%-d %b %Y}" if start is not None else ""


def history_table(summary: pd.DataFrame, history) -> pd.DataFrame:
    """One row per fact or total with a model column: what history gives, the runs' median and
    10-90% range (over the runs where the day came), and the share of runs where it came."""
    rows: list[dict[str, Any]] = []
    if history is None:
        return pd.DataFrame(rows)
    for fact in history.timeline:
        col = EVENT_COLUMNS.get(fact.event)
        if col is None or col not in summary:
            continue
        days = pd.to_numeric(summary[col], errors="coerce").dropna().astype(float)
        rows.append(
            {
                "what": fact.event,
                "model_column": col,
                "history": fact.day,
                "history_date": calendar(history, fact.day),
                **_spread(days),
                "share_of_runs_where_it_came": len(days) / max(1, len(summary)),
                "source": fact.source,
            }
        )
    for name, m in history.magnitudes.items():
        col = MAGNITUDE_COLUMNS.get(name, name)
        if col not in summary:
            continue
        values = summary[col].astype(float)
        if name == "peak_troops" and "deployed" in summary:
            values = values[summary["deployed"].astype(bool)]  # the peak of the runs that deployed
        spread = _spread(values)
        if name == "peak_troops":  # whole soldiers
            spread = {k: v if np.isnan(v) else round(v) for k, v in spread.items()}
        rows.append(
            {
                "what": name,
                "model_column": col,
                "history": m.value * m.city_share,  # scaled to the modelled city
                "history_date": "",
                **spread,
                "share_of_runs_where_it_came": np.nan,
                "source": m.source,
            }
        )
    return pd.DataFrame(rows)


def _spread(values: pd.Series) -> dict[str, float]:
    if values.empty:
        return {"model_median": np.nan, "model_p10": np.nan, "model_p90": np.nan}
    return {
        "model_median": float(values.median()),
        "model_p10": float(values.quantile(0.1)),
        "model_p90": float(values.quantile(0.9)),
    }
