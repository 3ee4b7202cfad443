"""Every table of a result folder as CSV, for readers who do not use Python.

A ``sim run`` folder holds ``daily.parquet``, ``summary.parquet`` and ``decisions.parquet``; an
experiment folder holds ``plan.parquet`` and one folder of parts per table (``daily/``,
``summary/``, ``decisions/``, ``errors/``). Each table becomes one CSV beside it (``daily.csv``;
an experiment's parts as one table), written atomically (``sim.files``). Empty values (a day that
never came) are empty cells.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .config import ConfigError
from .files import atomic_write


def tables(folder: Path) -> dict[str, Path]:
    """Table name -> its parquet file or folder of parts, in a result folder."""
    found = {p.stem: p for p in sorted(folder.glob("*.parquet"))}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if any(sub.glob("part-*.parquet")) and sub.name not in found:
            found[sub.name] = sub
    return found


def export_csv(folder: str | Path) -> list[Path]:
    """Write each table of ``folder`` as ``<table>.csv`` beside it; returns the files written.

    Raises:
        ConfigError: the folder does not exist or holds no tables.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(
            f"{folder} is not a folder; give the folder `sim run` or `sim experiment` wrote, "
            "e.g. results/kazakhstan_2022."
        )
    found = tables(folder)
    if not found:
        raise ConfigError(
            f"{folder} holds no result tables (no *.parquet files, no folders of part-*.parquet); "
            "give the folder `sim run` or `sim experiment` wrote, e.g. results/kazakhstan_2022."
        )
    written = []
    for name, source in found.items():
        written.append(atomic_write(folder / f"{name}.csv", _csv_of(pd.read_parquet(source))))
    return written


def _csv_of(frame: pd.DataFrame) -> Callable[[io.BufferedWriter], None]:
    """What ``atomic_write`` calls to write ``frame`` as UTF-8 CSV into the open file."""

    def write(fh: io.BufferedWriter) -> None:
        frame.to_csv(fh, index=False, encoding="utf-8")

    return write
