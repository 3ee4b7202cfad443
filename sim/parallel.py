"""Worker processes for replications and sweeps: a forkserver whose server imports the model once.

forkserver rather than fork: the parent has threads (numpy's, pyarrow's), which plain fork does not
survive safely; and rather than spawn, so that each worker is a cheap fork of a server that has
already imported the model. Imports nothing of ours.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver

# what every worker needs: the model, pandas, parquet, and the compiled engine loaded (sim.warm)
PRELOAD = ["sim.runner", "pyarrow.parquet", "sim.warm"]


def context():
    """The multiprocessing context for worker pools."""
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
