"""Writing result files: atomically, durably, and only where writing is possible.

Every file the package writes goes through here. A file is written to a temporary name in its own
folder, flushed to disk (``fsync``), renamed over its final name, and the folder's entry is flushed
too, so a crash or a power cut leaves either the old file or the new one, never half of one, and a
rename that marks something done (a batch's marker) is never visible before the data it marks.

``check_writable`` is called before any work starts, so an unwritable output location (read-only
file system, a file where a folder should be, no permission) is one paragraph, not a traceback after
every replication has run. ``FolderLock`` keeps a folder to one writing process at a time.

Imports nothing of ours but the error type.
"""

from __future__ import annotations

import errno
import fcntl
import io
import json
import os
import shlex
import sys
import tempfile
import time
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
    """Write ``path`` through ``write(file)`` into a temporary file, fsync, rename it into place."""
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


def move(src: str | Path, dst: str | Path) -> Path:
    """Rename ``src`` to ``dst`` (one file system), making its folder; flush both folders."""
    src, dst = Path(src), Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)
    _fsync_dir(dst.parent)
    _fsync_dir(src.parent)
    return dst


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
    """Make sure ``folder`` exists (creating it) and a file can be written in it, else raise a
    ConfigError.

    Called before any run starts, so that a run never ends with its results unwritable.
    """
    folder = Path(folder)
    for parent in [folder, *folder.parents]:
        if parent.exists() and not parent.is_dir():
            raise ConfigError(
                f"{what} {folder}: {parent} is a file, not a folder. Give a folder path "
                "(e.g. --out results/my_run) where no file stands in the way."
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-check.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reasons = {
            errno.EROFS: "the file system is read-only",
            errno.EACCES: "permission denied",
            errno.EPERM: "permission denied",
            errno.ENOSPC: "the disk is full",
        }
        reason = (
            (reasons.get(exc.errno) if exc.errno is not None else None) or exc.strerror or str(exc)
        )
        raise ConfigError(
            f"{what} {folder} cannot be written ({reason}). Give another folder with --out, "
            "one on a writable disk with free space."
        ) from None
    return folder


def command_line() -> str:
    """This process's command line as typed: ``python -m sim ...`` for the module's ``__main__``."""
    first = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("python")
    module = first.name == "__main__.py" and first.parent.name == "sim"
    name = "python -m sim" if module else first.name
    return " ".join([name, *map(shlex.quote, sys.argv[1:])])


class FolderLock:
    """One writing process per folder: an exclusive ``flock`` on ``FOLDER/.lock``.

    The kernel drops the lock when its holder ends, however it ends (SIGKILL included), so a crash
    never leaves a folder locked. The holder writes its pid, command and start time into the file,
    so a second writer is refused with one paragraph naming it (a ``ConfigError``). The file stays
    after release: deleting it could let two processes lock two different files of one name.

    Args:
        folder: the folder (it must exist).
        what: how the folder is named in the refusal, e.g. "experiment folder".
        command: the holder's command line as recorded (default ``sys.argv``).
    """

    NAME = ".lock"

    def __init__(self, folder: str | Path, what: str = "output folder", command: str | None = None):
        self.folder = Path(folder)
        self.what = what
        self.command = command or command_line()
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> FolderLock:
        fd = os.open(self.folder / self.NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _holder(fd)
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise ConfigError(
                f"{self.what} {self.folder} is being written by another sim process ({holder}). "
                "Two writers in one folder would store the same runs twice: wait for that one to "
                "finish (or stop it), or give another --out."
            ) from None
        info = {
            "pid": os.getpid(),
            "command": self.command,
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops the lock
            self._fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire() if not self.held else self

    def __exit__(self, *exc) -> None:
        self.release()


def _holder(fd: int) -> str:
    """Who holds a lock, from what it wrote in the lock file (it may not have written yet)."""
    for _ in range(20):
        try:
            info = json.loads(os.pread(fd, 65536, 0).decode("utf-8"))
            return f"pid {info['pid']}, started {info['started']}: `{info['command']}`"
        except (ValueError, KeyError, TypeError, OSError):
            time.sleep(0.05)
    return "pid unknown"
