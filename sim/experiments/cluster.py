"""Running an experiment's batches on a Dask distributed cluster (``sim experiment --scheduler``).

The same interface as the local runners of ``sim.parallel`` (``slots``, ``imap_unordered``,
``close``), with the faults of a cluster turned into one paragraph each instead of a traceback or a
silent wait: a scheduler that cannot be reached or has no worker within ``worker_timeout`` seconds
(a ``ConfigError``, exit 2), and a scheduler that goes away, or loses every worker for longer than
``worker_timeout``, in the middle of a run (``RunAborted``, exit 1; the finished batches are
stored, so a rerun resumes). A worker that dies is Dask's own business: it reruns that task.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, wait

from ..config import ConfigError
from ..interrupts import RunAborted

MMAP_THRESHOLD = 32 * 2**20  # glibc's own ceiling for its dynamic mmap threshold
TRIM_THRESHOLD = 64 * 2**20
POLL_S = 1.0  # how often a waiting driver checks that the cluster still has workers
WORKER_TIMEOUT_S = 60.0
RESUBMITS = 3  # times a batch whose worker went away with it is submitted again
QUIET_LOGGERS = (
    "distributed",
    "distributed.client",
    "distributed.utils",
    "distributed.core",
    "distributed.comm",
)


def tune_malloc() -> bool:
    """Undo Dask's worker default MALLOC_TRIM_THRESHOLD_=65536 in a running worker.

    That setting also freezes glibc's mmap threshold at 128 KiB, so every large numpy temporary is
    mapped and unmapped afresh, which made a numpy workload 4.5x slower here. ``mallopt`` restores
    generous thresholds in the live process. Returns whether it could (glibc only).
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return False
    libc = ctypes.CDLL(name)
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(libc.mallopt(m_mmap_threshold, MMAP_THRESHOLD)) and bool(
        libc.mallopt(m_trim_threshold, TRIM_THRESHOLD)
    )


class DaskCluster:
    """Tasks on a Dask cluster, results as they finish.

    Args:
        address: the scheduler, e.g. ``tcp://10.0.0.5:8786``.
        worker_timeout: seconds to wait for a first worker, and to go on without any in a run.
    """

    def __init__(self, address: str, worker_timeout: float = WORKER_TIMEOUT_S):
        from distributed import Client

        self.address = address
        self.worker_timeout = worker_timeout
        try:
            self.client = Client(address)  # waits distributed.comm.timeouts.connect (default 30 s)
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError(
                f"--scheduler {address}: cannot reach a Dask scheduler there ({exc}). Start one "
                f"with `dask scheduler` and workers with `dask worker {address}`, or leave "
                "--scheduler out to run on local processes."
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=worker_timeout)
        except TimeoutError:
            self.client.close()
            raise ConfigError(
                f"--scheduler {address}: the Dask scheduler there has no workers (waited "
                f"{worker_timeout:g} s, --worker-timeout). Start some with `dask worker "
                f"{address}`, or leave --scheduler out to run on local processes."
            ) from None
        self.client.run(tune_malloc)
        self.slots = sum(w.get("nthreads", 1) for w in self._workers().values()) or 1
        self._executor = self.client.get_executor(pure=False)
        self._gone = False  # the scheduler went away: closing cuts short the client's reconnecting

    def _workers(self) -> dict:
        return self.client.scheduler_info(n_workers=-1).get("workers", {})

    def _lost(self) -> RunAborted:
        self._gone = True
        return RunAborted(
            f"The Dask scheduler at {self.address} went away in the middle of the "
            "run (stopped, crashed or unreachable), taking the batches in flight "
            "with it."
        )

    def imap_unordered[T](
        self, fn: Callable[..., T], tasks: Iterable[tuple]
    ) -> Iterator[tuple[int, T]]:
        """(task index, result) for each task as it finishes.

        A batch records its own runs' errors, so a future that fails failed on the cluster: its
        worker went away with it in flight (distributed then hands back no result, or one it cannot
        raise). It is submitted again, up to ``RESUBMITS`` times, and waits for a worker like any
        other; with none for ``worker_timeout`` the run stops as below.
        """
        tasks = list(tasks)
        futures = {self._executor.submit(fn, *args): i for i, args in enumerate(tasks)}
        pending, idle_since, tries = set(futures), None, [0] * len(tasks)
        while pending:
            done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            finished = False
            for fut in done:
                i = futures.pop(fut)
                try:
                    result = fut.result()
                except CancelledError:
                    raise self._lost() from None
                except Exception as exc:  # the worker went away with the batch in flight
                    if self.client.status != "running":
                        raise self._lost() from None
                    tries[i] += 1
                    if tries[i] > RESUBMITS:
                        raise RunAborted(
                            f"A batch failed on the Dask cluster at {self.address} "
                            f"{tries[i]} times ({type(exc).__name__}: {exc}), so the run "
                            "cannot go on."
                        ) from None
                    again = self._executor.submit(fn, *tasks[i])
                    futures[again] = i
                    pending.add(again)
                    continue
                finished = True
                yield i, result
            if finished:
                idle_since = None
                continue
            if self.client.status != "running":
                raise self._lost()
            if self._workers():
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > self.worker_timeout:
                raise RunAborted(
                    f"The Dask scheduler at {self.address} has had no workers for "
                    f"{self.worker_timeout:g} s (--worker-timeout), so the run cannot "
                    "go on."
                )

    def close(self, kill: bool = False) -> None:
        """Cancel what is still queued (``kill``) and disconnect."""
        if self._gone:  # the client logs its cancelled reconnection as an error with a traceback
            for name in QUIET_LOGGERS:
                logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            if kill:
                self._executor.shutdown(wait=False)
            self.client.close(timeout=5)
        except (OSError, TimeoutError, CancelledError, RuntimeError):
            pass  # the scheduler is gone; nothing left to release
