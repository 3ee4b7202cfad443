"""The backtest's two levels (docs/cases.md, "Two levels"; issue 17).

- ``decision``: the host's request as documented. A documented request (``history.csv``:
  ``request`` = ``yes``) is applied as a fact on its documented day (``request_day``), through the
  model's ``host_request`` event; a documented "no" bars the host from asking. This answers "given
  the facts Moscow faced, did it send troops?".
- ``crisis``: the request predicted. The case config runs as it is, so whatever decides
  ``host.requested`` in the model (the host's own rule) decides whether and when the host asks.
  This answers "given the crisis, did it end with troops?", and is scored also on whether the host
  asked, against history.

Both levels are built here, generically from ``history.csv``: no case config carries a request.
Whether a run's host asked is read from its summary's ``request_day`` (the first day the model's
``requested`` column is true), the one seam to the host's rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import ConfigError
from .config.schema import Config, Event

LEVELS = ("decision", "crisis")
REQUEST_COLUMNS = ("request", "request_day")
"""Optional history.csv columns: the documented request (``yes``/``no``) and its day."""


def check_requests(h: pd.DataFrame, path) -> list[str]:
    """Check the request columns of a history frame (indexed by id); returns notes for what is
    missing. Raises ConfigError on a bad value."""
    if "request" not in h.columns:
        return [
            f"{path} has no `request` column: the decision level runs each case as configured and "
            "the crisis level does not score whether the host asked"
        ]
    bad = h.loc[~h["request"].isin(["yes", "no"]), "request"]
    if len(bad):
        rows = ", ".join(f"{i} ({v!r})" for i, v in bad.items())
        raise ConfigError(
            f"{path}: column `request` must be yes or no in every row (did the host's government "
            f"ask Moscow for help?); rows {rows} are not."
        )
    asked = h["request"] == "yes"
    raw = h["request_day"] if "request_day" in h else pd.Series("no column", index=h.index)
    days = pd.to_numeric(raw, errors="coerce")
    whole = days.notna() & (days >= 0) & (days == days.round())
    bad = raw[asked & ~whole]
    if len(bad):
        rows = ", ".join(f"{i} ({v!r})" for i, v in bad.items())
        raise ConfigError(
            f"{path}: a documented request (`request` = yes) needs its day in column "
            f"`request_day`, a whole number of days from the case's day 0 (0 or more); rows {rows} "
            "have none."
        )
    return []


def check_request_days(h: pd.DataFrame, path, configs: dict) -> None:
    """Every documented request falls within its case's run (``configs``: id -> Config)."""
    for cid, cfg in configs.items():
        asked, day = documented(h.loc[cid]) if cid in h.index else (None, None)
        if asked and day >= cfg.horizon_days:
            raise ConfigError(
                f"{path}: the documented request of {cid} is dated day {day} (`request_day`), but "
                f"the case runs to day {cfg.horizon_days - 1} (horizon_days); give a day from 0 "
                f"to {cfg.horizon_days - 1}."
            )


def documented(hist: pd.Series | None) -> tuple[bool | None, int | None]:
    """(asked?, day) as history.csv documents it; (None, None) when it does not say."""
    if hist is None or "request" not in hist.index or not isinstance(hist["request"], str):
        return None, None
    if hist["request"] != "yes":
        return False, None
    return True, int(hist["request_day"])


def at_level(cfg: Config, level: str, hist: pd.Series | None) -> Config:
    """The config a level runs: the case as configured (``crisis``), or with the documented request
    applied as a fact (``decision``)."""
    asked, day = documented(hist) if level == "decision" else (None, None)
    if asked is None:
        return cfg
    if not asked:
        return cfg.model_copy(update={"host": cfg.host.model_copy(update={"can_request": False})})
    return cfg.model_copy(update={"events": [*cfg.events, Event(day=day, kind="host_request")]})


def asked_columns(summary: pd.DataFrame, hist: pd.Series | None) -> dict:
    """The table's request columns for one case: history's request, and the model's share of runs
    whose host asked (``p_asked``) with their median request day; ``asked_hit`` when history
    says."""
    days = pd.to_numeric(summary["request_day"], errors="coerce")
    p = float(days.notna().mean()) if len(days) else float("nan")
    asked, day = documented(hist)
    return {
        "hist_request": None if asked is None else ("yes" if asked else "no"),
        "hist_request_day": float(day) if day is not None else np.nan,
        "p_asked": p,
        "pred_request_day": float(days.median()) if days.notna().any() else np.nan,
        "asked_hit": None if asked is None else bool((p >= 0.5) == asked),
    }
