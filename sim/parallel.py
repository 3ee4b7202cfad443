"""Worker processes for replications and sweeps: a forkserver whose server imports the model once,
and the two local ways to run tasks, here (one job) or on a pool of workers.

forkserver rather than fork: the parent has threads (numpy's, pyarrow's), which plain fork does not
survive safely; and rather than spawn, so that each worker is a cheap fork of a server that has
already imported the model.

Both runners hand results back as each task finishes (``imap_unordered``), so the caller stores
each one before the next arrives: :class:`InProcess` runs a task only when the caller asks for the
next result, and :class:`LocalPool` yields from the pool as tasks complete. A pool worker that dies
(killed, out of memory) breaks the whole pool; :class:`LocalPool` says so in one paragraph and runs
the unfinished tasks again on a fresh pool, up to ``RESTARTS`` times, then raises ``RunAborted``.
Workers and their server die with the driver (``sim.watchdog``); on a stop (``close(kill=True)``)
the driver kills its workers instead of waiting for the tasks in flight.

A worker's result does not cross the pool's pipe when it is large: the worker writes it to a file
(the spool) and sends the file's name. The pool's driver thread reads a result message to its end
before it looks at dead workers again, so a worker killed halfway through sending a large message
hung the whole run for good; a message under ``PIPE_BUF`` goes into the pipe in one atomic write,
so it is there whole or not at all.

Imports nothing of ours but the watchdog and the stop types, so commands can start the server early.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver, util
from multiprocessing.context import Process
from pathlib import Path
from typing import cast

from .interrupts import Interrupted, RunAborted, requested
from .watchdog import DRIVER_ENV, worker_init

# what every worker needs: its watchdog first, then the model, pandas, parquet, and the compiled
# engine loaded (sim.warm)
PRELOAD = ["sim.serverguard", "sim.runner", "pyarrow.parquet", "sim.warm"]
RESTARTS = 2  # fresh pools after workers died, per imap_unordered call, before giving up
INLINE_MAX = 2048  # pickled results up to this size go through the pipe (PIPE_BUF is 4096 on Linux)


def context():
    """The multiprocessing context for worker pools."""
    os.environ[DRIVER_ENV] = str(os.getpid())  # the server it starts dies with this process
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_worker_server(jobs: int | None) -> None:
    """Boot the forkserver now, before the caller's own heavy imports, so that the two overlap.

    The server imports the model (about 2 s, mostly Mesa and pandas) while the caller does the same;
    without this the workers' start-up is added to the wall time. Does nothing for a single job.
    """
    if jobs == 1:
        return
    context()
    forkserver.ensure_running()


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class InProcess:
    """One job: each task runs in this process when the caller asks for its result."""

    slots = 1

    def imap_unordered[T](
        self, fn: Callable[..., T], tasks: Iterable[tuple]
    ) -> Iterator[tuple[int, T]]:
        """(task index, result) for each task, in order, each run once the last is handled."""
        for i, args in enumerate(tasks):
            yield i, fn(*args)

    def close(self, kill: bool = False) -> None:
        """Nothing to release."""


def describe_exit(code: int | None) -> str:
    """A worker's exit code in words."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


def _spooled(fn: Callable, spool: str, args: tuple) -> tuple[bytes | None, str | None]:
    """In a worker: run ``fn(*args)``; return its result pickled if small, else its file."""
    data = pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) <= INLINE_MAX:
        return data, None
    fd, path = tempfile.mkstemp(dir=spool, suffix=".pickle")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return None, path


def _unspooled(value: tuple[bytes | None, str | None]) -> object:
    """In the driver: the result ``_spooled`` handed back (its file removed once read)."""
    data, path = value
    if path is not None:
        data = Path(path).read_bytes()
        os.unlink(path)
    if data is None:
        raise ValueError("a spooled result holds neither its bytes nor a file")
    return pickle.loads(data)


class LocalPool:
    """Tasks on ``jobs`` local worker processes, results as they finish.

    Args:
        jobs: worker processes.
        warn: where the paragraph about a dead worker goes (default: stderr).
    """

    def __init__(self, jobs: int, warn: Callable[[str], None] | None = None):
        self.slots = jobs
        self.warn = warn or _stderr
        self._pool: ProcessPoolExecutor | None = None
        self._procs: MutableMapping[int, Process] = {}
        self._spool: str | None = None

    def _spool_folder(self) -> str:
        """Where large results wait for the driver: in multiprocessing's own temporary folder,
        removed on close and when this process exits."""
        if self._spool is None:
            self._spool = tempfile.mkdtemp(prefix="spool-", dir=util.get_temp_dir())
        return self._spool

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.slots, mp_context=context(), initializer=worker_init
            )
            # the pool's own table of its processes: whom to kill on a stop, who died on a break
            self._procs = self._pool._processes
        return self._pool

    def imap_unordered[T](
        self, fn: Callable[..., T], tasks: Iterable[tuple]
    ) -> Iterator[tuple[int, T]]:
        """(task index, result) for each task as it finishes; a task whose worker died is run again
        on a fresh pool (all of them: a dead worker breaks the pool) up to ``RESTARTS`` times."""
        todo = dict(enumerate(tasks))
        restarts = 0
        while todo:
            pool = self._executor()
            futures = {}
            try:
                spool = self._spool_folder()
                for i, args in todo.items():
                    futures[pool.submit(_spooled, fn, spool, args)] = i
            except BrokenProcessPool:
                pass  # broke while submitting: the rest stay in todo and go to the next pool
            broken = len(futures) < len(todo)
            for fut in as_completed(futures):
                try:
                    result = cast(T, _unspooled(fut.result()))  # what fn returned, unpickled
                except BrokenProcessPool:
                    broken = True
                    continue
                i = futures[fut]
                del todo[i]
                yield i, result
            if broken:
                restarts += 1
                self._replace(len(todo), restarts)

    def _replace(self, unfinished: int, restarts: int) -> None:
        """Report the dead worker and drop the broken pool (the next submit starts a fresh one)."""
        signum = requested()
        if signum:  # the workers died of the stop signal that also reached this process
            raise Interrupted(signum)
        pool, procs = self._pool, dict(self._procs)
        self._pool, self._procs = None, {}
        if pool is not None:  # always set: only a pool that ran tasks breaks
            pool.shutdown(wait=True)  # the pool already stopped its other workers; this reaps them
        # the pool stops the others with SIGTERM: the one that died first died of something else
        dead = [p for p in procs.values() if p.exitcode not in (None, -signal.SIGTERM)]
        dead = dead or list(procs.values())
        who = (
            f"worker process {dead[0].pid} {describe_exit(dead[0].exitcode)}"
            if dead
            else "a worker process died"
        )
        if restarts > RESTARTS:
            raise RunAborted(
                f"Worker processes died {restarts} times ({who}), so {unfinished} task(s) did not "
                "finish. This happens when something outside kills them, or when memory runs short "
                "(the kernel's out-of-memory killer); fewer --jobs use less memory."
            )
        self.warn(
            f"warning: {who}, which stops the whole process pool; the {unfinished} task(s) "
            f"not finished are run again on a fresh pool of {self.slots} workers (restart "
            f"{restarts} of at most {RESTARTS}). Nothing finished is lost."
        )

    def close(self, kill: bool = False) -> None:
        """Shut the pool down after the tasks in flight, or (``kill``) at once, killing workers."""
        try:
            if self._pool is not None:
                self._shutdown(kill)
        finally:
            if self._spool is not None:
                shutil.rmtree(self._spool, ignore_errors=True)
                self._spool = None

    def _shutdown(self, kill: bool) -> None:
        pool, procs = self._pool, list(self._procs.values())
        if pool is None:
            return
        self._pool, self._procs = None, {}
        if kill:
            for p in procs:
                try:
                    p.kill()
                except (OSError, ValueError, AttributeError):
                    pass  # already gone
        pool.shutdown(wait=True, cancel_futures=True)
