"""Writing result files: atomically, durably, and only where writing is possible.

Every file the package writes goes through here. A file is written to a temporary name in its own
folder, flushed to disk (``fsync``), renamed over its final name, and the folder's entry is flushed
too, so a crash or a power cut leaves either the old file or the new one, never half of one, and a
rename that marks something done (a batch's marker) is never visible before the data it marks.

``check_writable`` is called before any work starts, so an unwritable output location (read-only
file system, a file where a folder should be, no permission) is one paragraph, not a traceback after
every replication has run.

Imports nothing of ours but the error type.
"""

from __future__ import annotations

import errno
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .config.load import ConfigError


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not every platform lets a folder be opened; the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | Path, write: Callable[[io.BufferedWriter], object]) -> Path:
    """Write ``path`` through ``write(file)`` into a temporary file, fsync it, then rename it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return path


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes atomically and durably."""
    return atomic_write(path, lambda fh: fh.write(data))


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically and durably."""
    return write_bytes(path, text.encode("utf-8"))


def write_parquet(frame, path: str | Path) -> Path:
    """Write a pandas frame as parquet, atomically and durably."""
    return atomic_write(path, lambda fh: frame.to_parquet(fh, index=False))


def write_csv(frame, path: str | Path, index: bool = False) -> Path:
    """Write a pandas frame as CSV, atomically and durably."""
    return write_text(path, frame.to_csv(index=index))


def save_figure(fig, path: str | Path, **kwargs) -> Path:
    """Save a matplotlib figure atomically (the format from the path's suffix)."""
    path = Path(path)
    fmt = kwargs.pop("format", path.suffix.lstrip(".") or "png")
    return atomic_write(path, lambda fh: fig.savefig(fh, format=fmt, **kwargs))


def check_writable(folder: str | Path, what: str = "output folder") -> Path:
    """Make sure ``folder`` exists (creating it) and a file can be written in it; else a ConfigError.

    Called before any run starts, so that a run never ends with its results unwritable.
    """
    folder = Path(folder)
    for parent in [folder, *folder.parents]:
        if parent.exists() and not parent.is_dir():
            raise ConfigError(f"{what} {folder}: {parent} is a file, not a folder. Give a folder path "
                              "(e.g. --out results/my_run) where no file stands in the way.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-check.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = {errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
                  errno.EPERM: "permission denied", errno.ENOSPC: "the disk is full"}.get(exc.errno, exc.strerror)
        raise ConfigError(f"{what} {folder} cannot be written ({reason}). Give another folder with --out, "
                          "one on a writable disk with free space.") from None
    return folder
