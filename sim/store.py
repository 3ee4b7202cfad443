"""A crash-safe, append-only result store for experiments.

Layout of an experiment folder::

    daily/part-<batch>.parquet       daily series of the runs of one finished batch
    summary/part-<batch>.parquet     one row per run (summary columns, point, parameters, key)
    decisions/part-<batch>.parquet   the decision logs
    errors/part-<batch>.parquet      runs that raised: key, point, rep, error, traceback
    batches/<batch>.json             the commit marker, written last: the batch's run keys
    manifest.json                    spec, points, seeds, versions
    stale/<time>/...                 runs set aside: not in the current plan, or failed and retried
    .lock                            held by the one process writing the folder (files.FolderLock)

Every file is written to a temporary name, flushed to disk and renamed, so a crash never leaves
half a file, and a batch's marker is written only after its parts. A batch counts only once its
marker exists. A run is identified by its key (a hash of its resolved config and seed): running the
same experiment again executes only keys with no marker, so a killed experiment resumes where it
stopped and no run is stored twice. Each table loads with one pandas call, e.g.
``pandas.read_parquet("DIR/summary")``.

``ResultStore(root)`` only reads: it creates and removes nothing, so ``sim plot`` and the analysis
leave a folder as they found it. Only the holder of the folder's lock writes
(``ResultStore(root, lock)``): it creates the table folders and removes the debris of writers that
died (temporary files, parts of batches that never got their marker); since no other writer can be
running, that debris is never another process's work in flight. ``set_aside`` moves runs out of
the tables into ``stale/<time>/``, deleting nothing: a batch holding some runs to keep and some to
set aside is re-split, its kept runs written as a new batch before the old one moves.

Writes through ``sim.files`` (atomic, fsynced).
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .files import FolderLock, move, write_bytes, write_text

TABLES = ("daily", "summary", "decisions", "errors")
STALE = "stale"


class ResultStore:
    """The folder of one experiment's results.

    Args:
        root: the folder.
        lock: the folder's lock, held by this process, to write; without it the store only reads.
    """

    def __init__(self, root: str | Path, lock: FolderLock | None = None):
        self.root = Path(root)
        self._lock = lock
        if lock is not None:
            if not lock.held or lock.folder.resolve() != self.root.resolve():
                raise ValueError(f"writing {self.root} needs its lock held by this process")
            for name in (*TABLES, "batches"):
                (self.root / name).mkdir(parents=True, exist_ok=True)
            self._sweep()

    def _writable(self) -> None:
        if self._lock is None or not self._lock.held:
            raise ValueError(f"{self.root} was opened for reading only")

    def _sweep(self) -> None:
        """Remove temporary files and parts of batches that never got their marker."""
        committed = set(self.batches())
        for name in (*TABLES, "batches"):
            for tmp in (self.root / name).glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
        for name in TABLES:
            for part in (self.root / name).glob("part-*.parquet"):
                if part.stem.removeprefix("part-") not in committed:
                    part.unlink()

    def batches(self) -> dict[str, list[str]]:
        """Batch id -> its run keys, for every committed batch."""
        return {
            m.stem: json.loads(m.read_text(encoding="utf-8"))["keys"]
            for m in (self.root / "batches").glob("*.json")
        }

    def done_keys(self) -> set[str]:
        """Keys of every run recorded, finished or failed."""
        return {k for keys in self.batches().values() for k in keys}

    def write_parts(self, parts: dict[str, bytes], keys: list[str]) -> str:
        """Record one finished batch from its tables as parquet bytes, then its marker."""
        self._writable()
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

    def set_aside(self, unwanted: Callable[[str], bool]) -> tuple[int, Path | None]:
        """Move every stored run whose key is ``unwanted`` out of the tables into ``stale/<time>/``.

        Returns (runs moved, the folder they went to, or None when none moved). Crash-safe and
        idempotent: a crash midway leaves every run either in the tables or aside (at worst a kept
        run in both the new and the old batch until the next writer opens the store and finishes).
        """
        self._writable()
        moved, aside = 0, None
        for batch, keys in sorted(self.batches().items()):
            drop = [k for k in keys if unwanted(k)]
            if not drop:
                continue
            aside = aside or self._aside_folder()
            keep = [k for k in keys if not unwanted(k)]
            if keep:
                self._resplit(batch, keep)
            for name in TABLES:
                part = self.root / name / f"part-{batch}.parquet"
                if part.exists():
                    move(part, aside / name / part.name)
            move(self.root / "batches" / f"{batch}.json", aside / "batches" / f"{batch}.json")
            moved += len(drop)
        return moved, aside

    def set_aside_everything(self) -> Path | None:
        """Move the whole folder's contents (but its lock and what was set aside before) into
        ``stale/<time>/``: for a folder that held something else. Returns where (None: empty)."""
        self._writable()
        entries = [p for p in self.root.iterdir() if p.name not in (FolderLock.NAME, STALE)]
        if not any(p.is_file() or any(p.rglob("*")) for p in entries):
            return None
        aside = self._aside_folder()
        for p in entries:
            move(p, aside / p.name)
        for name in (*TABLES, "batches"):
            (self.root / name).mkdir(exist_ok=True)
        return aside

    def _resplit(self, batch: str, keep: list[str]) -> None:
        """Write a batch's ``keep`` runs as a batch of their own (skipped if that one exists)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        if (self.root / "batches" / f"{self.batch_id(keep)}.json").exists():
            return  # written before a crash; the old batch's parts may be partly moved already
        parts = {}
        for name in TABLES:
            part = self.root / name / f"part-{batch}.parquet"
            if not part.exists():
                continue
            table = pq.read_table(part)
            wanted = pa.array(keep, table.schema.field("key").type)
            table = table.filter(pc.is_in(table["key"], value_set=wanted))
            if table.num_rows:
                buf = io.BytesIO()
                pq.write_table(table, buf)
                parts[name] = buf.getvalue()
        self.write_parts(parts, keep)

    def _aside_folder(self) -> Path:
        base = self.root / STALE / time.strftime("%Y%m%d-%H%M%S")
        folder, n = base, 1
        while folder.exists():
            n += 1
            folder = base.with_name(f"{base.name}-{n}")
        folder.mkdir(parents=True)
        return folder

    def load(self, table: str) -> pd.DataFrame:
        """One table, every committed part; empty when nothing was recorded."""
        if not any((self.root / table).glob("part-*.parquet")):
            return pd.DataFrame()
        return pd.read_parquet(self.root / table)

    def write_json(self, name: str, data: dict) -> None:
        self._writable()
        text = json.dumps(data, indent=2, default=str)
        write_text(self.root / name, text)

    def read_json(self, name: str) -> dict:
        return json.loads((self.root / name).read_text(encoding="utf-8"))
