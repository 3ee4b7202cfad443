"""Worker processes that never outlive their driver.

A worker pool's processes form a chain: the driver (``sim experiment``, ``sim run``) starts the
forkserver, and the forkserver forks the workers. If the driver is killed (SIGKILL, the OOM killer,
a lost terminal), nothing tells the others: each worker holds the forkserver's "alive" pipe
open, and the forkserver waits for that pipe to close, so all of them (and the resource tracker,
whose pipe they hold) would live on for good, holding memory and the driver's output pipes.

``die_with_parent`` breaks the chain link by link: on Linux the kernel sends SIGKILL to a process
whose parent has died (``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon thread polls the parent's
id. The forkserver calls it at start-up (``sim.serverguard``, the first module it preloads) with
the driver as its parent, and every worker calls it (``worker_init``, the pool's initializer) with
the forkserver as its parent. The resource tracker then reads end-of-file and exits by itself.

Imports nothing of ours.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

DRIVER_ENV = "SIM_DRIVER_PID"  # set by the driver before it starts the forkserver
SERVER_ENV = "SIM_SERVER_PID"  # set by the forkserver for the workers it forks
PR_SET_PDEATHSIG = 1
POLL_S = 0.5


def _prctl_deathsig() -> bool:
    """Ask the kernel for SIGKILL when the parent dies (Linux); False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _poll(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(POLL_S)


def die_with_parent(parent: int | None) -> str:
    """End this process as soon as its parent ``parent`` (a pid; None: the current parent) is gone.

    Returns how: ``"prctl"`` (the kernel kills it) or ``"thread"`` (a thread polls). If the parent
    has already died by the time this is called, the process exits at once.
    """
    parent = parent or os.getppid()
    how = "prctl" if _prctl_deathsig() else "thread"
    if os.getppid() != parent:  # died before the watch began: the signal will never come
        os._exit(1)
    if how == "thread":
        threading.Thread(target=_poll, args=(parent,), name="sim-parent-watch", daemon=True).start()
    return how


def _env_pid(name: str) -> int | None:
    try:
        return int(os.environ[name])
    except (KeyError, ValueError):
        return None


def guard_server() -> None:
    """In the forkserver, first thing: ignore Ctrl-C (the driver decides) and die with the driver.

    Ctrl-C reaches every process of the terminal's group; the forkserver only ignores it once its
    preloading (seconds) is done, so without this a Ctrl-C during start-up printed its traceback.
    The workers it forks inherit the ignored SIGINT.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(_env_pid(DRIVER_ENV))
    os.environ[SERVER_ENV] = str(os.getpid())


def worker_init() -> None:
    """A pool's initializer: in each worker, ignore Ctrl-C and die with the forkserver."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(_env_pid(SERVER_ENV))
