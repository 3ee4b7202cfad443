"""A crash-safe, append-only result store for experiments.

Layout of an experiment folder::

    daily/part-<batch>.parquet       daily series of the runs of one finished batch
    summary/part-<batch>.parquet     one row per run (summary columns, point, parameters, key)
    decisions/part-<batch>.parquet   the decision logs
    errors/part-<batch>.parquet      runs that raised: key, point, rep, error, traceback
    batches/<batch>.json             the commit marker, written last: the batch's run keys
    manifest.json                    spec, points, seeds, versions

Every file is written to a temporary name and renamed, so a crash never leaves half a file. A
batch counts only once its marker exists; parts without a marker (a crash between files) are
removed when the store is opened. A run is identified by its key (a hash of its resolved config
and seed): running the same experiment again executes only keys with no marker, so a killed
experiment resumes where it stopped and no run is stored twice. Each table loads with one pandas
call, e.g. ``pandas.read_parquet("DIR/summary")``.

Writes through ``sim.files`` (atomic, fsynced).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from .files import write_bytes, write_text

TABLES = ("daily", "summary", "decisions", "errors")


class ResultStore:
    """The folder of one experiment's results.

    Args:
        root: the folder (created if missing).
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        for name in (*TABLES, "batches"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        self._sweep()

    def _sweep(self) -> None:
        """Remove temporary files and parts of batches that never got their marker."""
        committed = {p.stem for p in (self.root / "batches").glob("*.json")}
        for name in (*TABLES, "batches"):
            for tmp in (self.root / name).glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
        for name in TABLES:
            for part in (self.root / name).glob("part-*.parquet"):
                if part.stem.removeprefix("part-") not in committed:
                    part.unlink()

    def done_keys(self) -> set[str]:
        """Keys of every run recorded, finished or failed."""
        keys: set[str] = set()
        for marker in (self.root / "batches").glob("*.json"):
            keys.update(json.loads(marker.read_text())["keys"])
        return keys

    def write_parts(self, parts: dict[str, bytes], keys: list[str]) -> str:
        """Record one finished batch from tables already encoded as parquet bytes, then its marker."""
        batch = self.batch_id(keys)
        for name, data in parts.items():
            write_bytes(self.root / name / f"part-{batch}.parquet", data)
        self._mark(batch, keys)
        return batch

    @staticmethod
    def batch_id(keys: list[str]) -> str:
        return hashlib.sha256("|".join(sorted(keys)).encode()).hexdigest()[:16]

    def _mark(self, batch: str, keys: list[str]) -> None:
        marker = json.dumps({"keys": sorted(keys)})
        write_text(self.root / "batches" / f"{batch}.json", marker)

    def load(self, table: str) -> pd.DataFrame:
        """One table, every committed part; empty when nothing was recorded."""
        if not any((self.root / table).glob("part-*.parquet")):
            return pd.DataFrame()
        return pd.read_parquet(self.root / table)

    def write_json(self, name: str, data: dict) -> None:
        text = json.dumps(data, indent=2, default=str)
        write_text(self.root / name, text)

    def read_json(self, name: str) -> dict:
        return json.loads((self.root / name).read_text(encoding="utf-8"))
