"""What the dashboard sets beside the live run: the scenario's stored ``sim run`` results (median
and 10-90% band per day) and its ``history:`` facts as markers. No Solara here.

The stored run is the folder ``sim run CONFIG`` writes by default, ``results/<name>/`` under the
folder ``sim viz`` was started in, or the folder in ``$SIM_VIZ_BASELINE`` (``sim viz --baseline``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..commands.viz import BASELINE_ENV
from ..config import Config
from ..folders import Kind, kind_of
from ..history import calendar
from .charts import Marker

SERIES = ("active_share", "jailed_share", "troops_total", "regime_threat", "sanctions")
"""The daily columns whose stored median and band the charts can show."""

LETTERS = {
    "shock": "S",
    "request": "R",
    "decision": "D",
    "landing": "L",
    "order": "O",
    "withdrawal_start": "w",
    "withdrawal": "W",
    "ceasefire": "C",
    "regime_fall": "F",
    "invasion": "I",
    "annexation": "A",
}
"""The letter on top of each kind of history marker (the legend spells it out)."""


@dataclass(frozen=True)
class Baseline:
    """Per day from day 0: the stored runs' median, 10th and 90th percentile of ``SERIES``."""

    folder: Path
    reps: int
    median: dict[str, np.ndarray] = field(default_factory=dict)
    p10: dict[str, np.ndarray] = field(default_factory=dict)
    p90: dict[str, np.ndarray] = field(default_factory=dict)
    note: str = ""


def baseline_folder(cfg: Config) -> Path:
    """Where the scenario's stored run is looked for."""
    env = os.environ.get(BASELINE_ENV)
    return Path(env) if env else Path("results") / cfg.name


def baseline_stats(daily, folder: Path, note: str = "") -> Baseline:
    """Median and 10-90% band per day of a stored ``daily`` table (one row per rep and day)."""
    cols = [c for c in SERIES if c in daily]
    grouped = daily[["day", *cols]].astype(float).groupby("day")
    reps = int(daily["rep"].nunique()) if "rep" in daily else 1
    q = {p: grouped.quantile(p) for p in (0.1, 0.5, 0.9)}
    pick = {p: {c: q[p][c].to_numpy() for c in cols} for p in q}
    return Baseline(folder, reps, pick[0.5], pick[0.1], pick[0.9], note)


def load_baseline(cfg: Config, folder: Path | None = None) -> Baseline | str:
    """The stored run of ``cfg``'s scenario, or a sentence saying why there is none."""
    import pandas as pd

    folder = folder or baseline_folder(cfg)
    how = f"run `sim run {cfg.name}` to store one in {folder}/"
    kind, manifest = kind_of(folder)
    if kind != Kind.RUN or manifest is None:
        return f"No stored run of {cfg.name} in {folder}/ ({kind.value} there): {how}."
    if manifest.get("scenario") != cfg.name:
        return f"{folder}/ holds a run of {manifest.get('scenario')!r}, not {cfg.name}: {how}."
    try:
        daily = pd.read_parquet(folder / "daily.parquet", columns=["rep", "day", *SERIES])
    except (OSError, ValueError, KeyError) as exc:
        return f"{folder}/daily.parquet cannot be read ({exc}): {how}."
    note = ""
    same = json.dumps(manifest.get("config"), sort_keys=True) == json.dumps(
        cfg.model_dump(mode="json"), sort_keys=True
    )
    if not same:
        note = "stored with a different config than the scenario file's (see its manifest.json)"
    if manifest.get("overrides"):
        note = "stored with --set " + " ".join(manifest["overrides"])
    return baseline_stats(daily, folder, note)


def markers(cfg: Config) -> list[Marker]:
    """The scenario's dated facts as chart markers (none without a ``history:`` block)."""
    history = cfg.history
    if history is None:
        return []
    out = []
    for fact in history.timeline:
        date = calendar(history, fact.day)
        when = f"day {fact.day}" + (f" ({date})" if date else "")
        note = f"{fact.event.replace('_', ' ')}, {when}" + (f": {fact.note}" if fact.note else "")
        out.append(Marker(fact.day, fact.event, LETTERS.get(fact.event, "?"), note))
    return out


def start_label(cfg: Config) -> str:
    """The x axis' note on day 0's date, when the history gives it (' (0 = 2 Jan 2022)')."""
    date = calendar(cfg.history, 0) if cfg.history is not None else ""
    return f" (0 = {date})" if date else ""
