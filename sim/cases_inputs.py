"""What a backtest reads before it runs anything (``sim cases``): the case files, their coded
history (``history.csv``) and the case table (``cases.csv``), each checked with one-paragraph
errors.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .bundled import cases_dir
from .cases_levels import LEVELS, check_request_days, check_requests
from .config import ConfigError, load_config

DEFAULT_DIR = cases_dir()
DEFAULT_CASES_CSV = DEFAULT_DIR / "cases.csv"
HISTORY_COLUMNS = (
    "id",
    "intervened",
    "scale_troops",
    "days_trigger_to_deploy",
    "history_outcome",
    "note",
)
CASES_CSV_COLUMNS = ("id", "case", "start", "form")
"""Columns the backtest reads from the case table: the id, the title, the start date, the form."""


def case_files(directory: str | Path) -> list[Path]:
    """Every ``*.yaml`` in ``directory``, sorted; each one is a case."""
    d = Path(directory)
    if not d.is_dir():
        raise ConfigError(
            f"Case directory not found: {d}. Give a folder of case configs, e.g. configs/cases/."
        )
    files = sorted(d.glob("*.yaml"))
    if not files:
        raise ConfigError(f"No case configs (*.yaml) in {d}.")
    return files


def read_csv(path: Path, what: str, **kwargs) -> pd.DataFrame:
    """A CSV as a frame; a file that is not a readable CSV is a one-paragraph ConfigError."""
    try:
        return pd.read_csv(path, **kwargs)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"{path} cannot be read as the {what} (a UTF-8 CSV with a header row): {reason}."
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read: {exc.strerror}.") from None


def load_history(directory: str | Path) -> pd.DataFrame:
    """The coded history: ``directory/history.csv`` if there is one, else the shipped one."""
    path = Path(directory) / "history.csv"
    if not path.is_file():
        path = DEFAULT_DIR / "history.csv"
    if not path.is_file():
        raise ConfigError(
            f"No history.csv in {directory} or {DEFAULT_DIR}: the backtest needs each case's coded "
            "history."
        )
    h = read_csv(path, "coded history", dtype={"id": str})
    missing = [c for c in HISTORY_COLUMNS if c not in h.columns]
    if missing:
        raise ConfigError(
            f"{path}: missing columns {', '.join(missing)}; expected {', '.join(HISTORY_COLUMNS)}."
        )
    bad = h.loc[~h["intervened"].isin([0, 1]), "id"].astype(str).tolist()
    if bad:
        raise ConfigError(f"{path}: `intervened` must be 1 or 0; rows {', '.join(bad)} are not.")
    return h.set_index("id")


def load_cases_csv(path: str | Path | None) -> tuple[pd.DataFrame | None, str | None]:
    """The case table (titles, form, dates): ``path``, else the shipped ``configs/cases/cases.csv``.

    Returns (table indexed by id, None), or (None, a note) when the shipped table is missing.
    Raises ConfigError when a given path is missing, unreadable, or lacks one of
    ``CASES_CSV_COLUMNS`` (a history file, say, which has no titles).
    """
    p = Path(path) if path is not None else DEFAULT_CASES_CSV
    explicit = path is not None
    if not p.is_file():
        if explicit:
            raise ConfigError(
                f"--cases-csv {p}: file not found. Give the path of a case table with the columns "
                f"{', '.join(CASES_CSV_COLUMNS)} (default {DEFAULT_CASES_CSV}), or leave the "
                "option out."
            )
        return None, f"{p} not found: scored from history.csv alone, without case titles."
    rows = read_csv(p, "case table", dtype=str)
    missing = [c for c in CASES_CSV_COLUMNS if c not in rows.columns]
    if missing:
        hint = (
            " It looks like a history.csv (coded outcomes), which the backtest reads from the case "
            "folder; --cases-csv takes the case table."
            if "intervened" in rows.columns and "case" not in rows.columns
            else ""
        )
        raise ConfigError(
            f"--cases-csv {p}: missing the column(s) {', '.join(missing)}; a case table has one "
            f"row per case with at least {', '.join(CASES_CSV_COLUMNS)} (e.g. "
            f"{DEFAULT_CASES_CSV}).{hint}"
        )
    return rows.set_index("id"), None


@dataclass
class Inputs:
    """What a backtest reads before it runs anything: the case files, their history, the case
    table."""

    directory: Path
    files: list[Path]
    history: pd.DataFrame
    table: pd.DataFrame | None
    notes: list[str]

    def identity(self, reps: int, seed: int, rules, levels=LEVELS) -> dict:
        """What makes two backtests the same, for the output folder's manifest: the cases (each
        by a hash of its resolved config), their history, the replications, the seed, the rules."""
        configs = {}
        for path in self.files:
            text = json.dumps(load_config(path).model_dump(mode="json"), sort_keys=True)
            configs[path.stem] = hashlib.sha256(text.encode()).hexdigest()[:16]
        history = hashlib.sha256(self.history.to_csv().encode()).hexdigest()[:16]
        return {
            "backtest": {
                "cases": configs,
                "history": history,
                "replications": reps,
                "root_seed": seed,
                "rules": list(rules),
                "levels": list(levels),
            }
        }


def load_inputs(directory: str | Path = DEFAULT_DIR, cases_csv: str | Path | None = None) -> Inputs:
    """Read and check everything a backtest needs; raises ConfigError before anything runs."""
    files = case_files(directory)
    history = load_history(directory)
    # a broken case config stops the backtest before the first run
    configs = {path.stem: load_config(path) for path in files}
    table, note = load_cases_csv(cases_csv)
    notes = [note] if note else []
    own = Path(directory) / "history.csv"
    hist_path = own if own.is_file() else DEFAULT_DIR / "history.csv"
    notes += check_requests(history, hist_path)
    if "request" in history.columns:
        check_request_days(history, hist_path, configs)
    unknown = [f.stem for f in files if f.stem not in history.index]
    if unknown:  # a new case runs and shows its prediction; it is scored once its history is coded
        notes.append(
            f"no coded history for {', '.join(unknown)}: shown, not scored (add a row with that id "
            f"to history.csv, columns {', '.join(HISTORY_COLUMNS)}, to score it)"
        )
    if table is not None:
        absent = [f.stem for f in files if f.stem not in table.index]
        if absent:
            notes.append(f"not in the case table: {', '.join(absent)}")
    return Inputs(Path(directory), files, history, table, notes)
