"""pyabc samplers: the project's own process pool with seeded batches, and pyabc's alternatives.

:class:`PoolSampler` runs pyabc's ``simulate_one`` (draw a particle from the proposal, simulate,
accept or reject) in batches on ``sim.parallel``'s pool (forkserver workers that have imported the
model and loaded the compiled engine once). Each batch seeds numpy's global generator from the
calibration's seed, the generation and the batch's number, and the driver takes the particles in
batch order, stopping at the n-th acceptance: the sample does not depend on which worker finished
first, so a calibration with the same spec and seed gives the same posterior at any ``--jobs``.
(pyabc's own multicore samplers take particles as they finish, which is neither reproducible nor
unbiased for slow particles; ``benchmarks/calibration_samplers.py`` compares their speed.)
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
from pyabc.sampler import Sampler

BATCH = 16
"""Simulations per task: about half a second of the Kazakhstan baseline (30 ms a run)."""

_CACHE: dict[int, Any] = {}  # in a worker: the last generation's simulate_one, unpickled once


def _simulate_batch(blob: bytes, seed: int, count: int) -> list:
    """In a worker: ``count`` particles of ``simulate_one`` from the seeded global generators."""
    import cloudpickle

    key = hash(blob)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = cloudpickle.loads(blob)
    simulate_one = _CACHE[key]
    np.random.seed(seed)
    random.seed(seed)
    return [simulate_one() for _ in range(count)]


def batch_seed(root: int, t: int, batch: int) -> int:
    """The seed of batch ``batch`` of generation ``t`` (t = -1: pyabc's calibration sample)."""
    return int(np.random.SeedSequence([root, t + 1, batch]).generate_state(1)[0])


class PoolSampler(Sampler):
    """Seeded batches on a local pool (``sim.parallel.LocalPool``) or in this process
    (``InProcess``).

    Args:
        runner: the pool: ``imap_unordered(fn, tasks)`` yielding (task index, result).
        seed: the calibration's root seed.
        batch: simulations per task.
    """

    def __init__(self, runner, seed: int, batch: int = BATCH):
        super().__init__()
        self.runner = runner
        self.seed = seed
        self.batch = batch
        self.rate = 0.5  # acceptance rate expected in the next generation: the last one's

    def sample_until_n_accepted(
        self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None
    ):
        import cloudpickle

        blob = cloudpickle.dumps(simulate_one)
        sample = self._create_empty_sample()
        accepted = evals = batches = 0
        rate = 1.0 if all_accepted else self.rate
        while accepted < n and evals < max_eval:
            need = (
                (n - accepted) / max(rate, 0.005) * 1.1
            )  # a little extra: one more round is slower
            tasks = max(getattr(self.runner, "slots", 1), math.ceil(need / self.batch))
            tasks = min(tasks, 4096)
            args = [(blob, batch_seed(self.seed, t, batches + i), self.batch) for i in range(tasks)]
            results = dict(self.runner.imap_unordered(_simulate_batch, args))
            batches += tasks
            for i in sorted(results):
                for particle in results[i]:
                    if accepted >= n or evals >= max_eval:
                        break
                    sample.append(particle)
                    evals += 1
                    accepted += bool(particle.accepted)
            rate = accepted / evals if evals else rate
        if not all_accepted:
            self.rate = max(rate, 0.005)
        self.nr_evaluations_ = evals
        if accepted < n:
            sample.ok = False  # max_eval reached: pyabc stops the run
        return sample
