"""Moscow's decision log as the dashboard shows it, each day with a note on why, and the run's
tables as CSV for download. No Solara here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import pandas as pd

from ..decision import HOSTILE_FORMS
from ..records import INTERVENED

HOSTILE = tuple(f.value for f in HOSTILE_FORMS)
"""Forms of an operation against the host (a war): they end on failing factors or losses, not on
calm."""

COLUMNS = ("day", "decision", "state", "rule says", "score", "troops ordered", "why")
SHOWN = 60
"""Rows the page's table shows (the newest); the CSV download has them all."""


def held_since(log: Sequence[dict], i: int) -> int:
    """The first day of the deployment in force on row ``i``: the start of the unbroken run of
    ``deployed`` days that ends there."""
    start = i
    while start > 0 and log[start - 1]["state"] == "deployed":
        start -= 1
    return int(log[start]["day"])


def why(log: Sequence[dict], i: int, russia_cfg) -> str:
    """Row ``i`` in words: troops ordered, a deployment held although today's rule says otherwise
    (a guard force once sent stays until calm; an operation against the host until its factors
    fail or its losses mount; peacekeepers while the ceasefire holds), a withdrawal, or what the
    rule found."""
    row = log[i]
    ordered = row.get("troops_ordered") or 0
    failed = row.get("failed") or ""
    if ordered:
        return f"ordered {ordered:,} troops; they land after {russia_cfg.lead_time_days} day(s)"
    if row["state"] == "deployed" and row["outcome"] in INTERVENED:
        since = held_since(log, i)
        form = row.get("form", "")
        if row["rule_verdict"] in INTERVENED:
            return (
                f"force on the ground since day {since}; the rule still says {row['rule_verdict']}"
            )
        if form in HOSTILE:
            return (
                f"operation under way since day {since} although the rule says "
                f"{row['rule_verdict']}: "
                f"it is scaled back or withdrawn once one of its factors has clearly failed "
                f"{russia_cfg.abandon_days} days in a row, or its losses pass the tolerance"
            )
        if form == "peacekeeping":
            return (
                f"peacekeepers stay while the ceasefire holds: there since day {since} "
                "although the "
                f"rule says {row['rule_verdict']}"
            )
        return (
            f"force stays until calm: held since day {since} although the rule says "
            f"{row['rule_verdict']}; it leaves once order holds with a secure regime for "
            f"{russia_cfg.withdraw_calm_days} days in a row"
        )
    if row["state"] == "withdrawing":
        return (
            f"order held with a secure regime for {russia_cfg.withdraw_calm_days} days: the force "
            "is withdrawing"
        )
    if failed:
        return f"the rule says {row['rule_verdict']}: {failed.replace(',', ', ')} fail"
    near = row.get("near_miss") or ""
    if near:
        return f"the rule says {row['rule_verdict']}; near miss on {near.replace(',', ', ')}"
    return f"the rule says {row['rule_verdict']}"


def _num(value, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return fmt.format(value)


def decision_rows(log: Sequence[dict], russia_cfg) -> list[dict]:
    """Every row of the log, newest first, in the columns the page shows (``COLUMNS``)."""
    rows = []
    for i in range(len(log) - 1, -1, -1):
        row = log[i]
        rows.append(
            {
                "day": row["day"],
                "decision": row["outcome"],
                "state": row["state"],
                "rule says": row["rule_verdict"],
                "score": _num(row.get("score"), "{:.2f}"),
                "troops ordered": _num(row.get("troops_ordered") or None, "{:,}"),
                "why": why(log, i, russia_cfg),
            }
        )
    return rows


def log_table(rows: list[dict], limit: int = SHOWN) -> str:
    """The log's rows as an HTML table (newest first), at most ``limit`` rows."""
    head = "".join(f"<th>{escape(c)}</th>" for c in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(r[c]))}</td>" for c in COLUMNS) + "</tr>"
        for r in rows[:limit]
    )
    return f"<table class='log'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def daily_csv(model_vars: dict[str, list]) -> bytes:
    """The run's daily table (one row per day from day 0, the columns of ``daily.parquet``)."""
    return pd.DataFrame(model_vars).to_csv(index=False).encode()


def decisions_csv(log: Sequence[dict], russia_cfg) -> bytes:
    """The run's decision log (the columns of ``decisions.parquet``) with the note on why."""
    frame = pd.DataFrame(list(log))
    if len(frame):
        frame["why"] = [why(log, i, russia_cfg) for i in range(len(log))]
    return frame.to_csv(index=False).encode()
