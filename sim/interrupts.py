"""How a command stops early: a signal the user (or a batch system) sent, or a fault that ends it.

``handling()`` turns SIGINT (Ctrl-C) and SIGTERM (what ``kill``, systemd, ``docker stop`` and batch
schedulers send) into :class:`Interrupted`, raised in the main thread, so that both stop a run the
same way: the work in flight is dropped, what finished is kept, and the command exits 128 + the
signal's number (130, 143) with one line saying what was kept. ``deferred()`` holds a signal back
until a block is done, then raises it: around a store write (raised inside, it would lose a batch
that had finished) and around each model run in the driver (raised inside compiled or C code that
checks for signals, it can surface as some other error; one Ctrl-C at one job ended in a
segmentation fault here before runs were shielded, not reproduced since).

A run that raises while a stop is ``requested()`` is not a model failure: whatever the signal
turned into (a ``KeyboardInterrupt`` deep in a library, or an error from code it cut short), the
experiment executor re-raises it as the interruption instead of recording a failed run.

:class:`RunAborted` is a fault that ends a run before it is complete (workers that keep dying, a
Dask scheduler that went away): one paragraph, exit code 1, and what to do next.

Imports nothing of ours.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A stop asked for by a signal. ``detail`` says what was kept (filled in by whoever knows)."""

    def __init__(self, signum: int = signal.SIGINT, detail: str = ""):
        super().__init__(signum)
        self.signum = signum
        self.detail = detail


class RunAborted(Exception):
    """A fault ended the run before every task finished; the message says what to do (exit 1)."""


class _State:
    signum: int | None = None  # the first stop signal received, while handling() is active
    deferred = 0  # depth of deferred() sections in the main thread
    pending: int | None = None  # a signal that arrived inside one


def requested() -> int | None:
    """The signal that asked this process to stop, or None."""
    return _State.signum


def _handler(signum: int, frame) -> None:
    _State.signum = _State.signum or signum
    if _State.deferred and _State.pending is None:
        _State.pending = signum
        return
    raise Interrupted(signum)  # not deferred, or a second signal: the user insists


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back a stop signal until the block is done, then raise it; a second signal is not held.

    Only in the main thread, where the signal is raised; elsewhere (a Dask worker thread) it does
    nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _State.deferred += 1
    try:
        yield
    finally:
        _State.deferred -= 1
    if not _State.deferred and _State.pending is not None:
        signum, _State.pending = _State.pending, None
        raise Interrupted(signum)


@contextmanager
def handling() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` inside the block; the old handlers come back
    after it. Does nothing outside the main thread (where Python cannot set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {sig: signal.signal(sig, _handler) for sig in SIGNALS}
    _State.signum = _State.pending = None
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        _State.signum = _State.pending = None
