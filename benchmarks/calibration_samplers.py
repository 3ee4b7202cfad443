"""Calibration samplers: the project's pool (``sim.calibration.sampler.PoolSampler``) against
pyabc's own multicore samplers, on the same small calibration.

Usage: python benchmarks/calibration_samplers.py [--population 40] [--generations 3] [--jobs 2]
[--repeat 2]

The shipped Kazakhstan spec (``configs/calibration/kazakhstan_2022.yaml``) at a small size, run to
the same number of generations by each sampler in turn, ``--repeat`` times interleaved (this VM is
shared: one process can run 20% slower than the next on the same work); each figure is the median.
Per sampler: wall seconds (pool start-up included), simulations, and simulations per second. The
pyabc samplers fork the driver, which has loaded the compiled engine first (as our forkserver does).
``sim calibrate`` uses the pool unless this shows pyabc's multicore sampler to be faster; the pool
is also the one whose result does not depend on which worker finishes first.

Writes benchmarks/results/calibration_samplers_<population>x<generations>.json; the last printed
line is that JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SPEC = ROOT / "configs" / "calibration" / "kazakhstan_2022.yaml"


def one(kind: str, population: int, generations: int, jobs: int) -> dict:
    import numpy as np
    import pyabc

    from sim.calibration.run import distance, prior_rv
    from sim.calibration.sampler import PoolSampler
    from sim.calibration.simulator import Simulator
    from sim.calibration.spec import fixed_overrides, load_spec
    from sim.config import load_config
    from sim.parallel import LocalPool

    spec = load_spec(SPEC)
    base = load_config(SPEC.parent / spec.base, fixed_overrides(spec))
    sim = Simulator(base, [(t.name, t.statistic) for t in spec.targets], list(spec.parameters))
    start = time.perf_counter()
    pool = None
    if kind == "pool":
        pool = LocalPool(jobs)
        sampler = PoolSampler(pool, spec.seed)
    elif kind == "pyabc_eval_parallel":
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=jobs)
    else:
        sampler = pyabc.sampler.MulticoreParticleParallelSampler(n_procs=jobs)
    np.random.seed(spec.seed)
    prior = pyabc.Distribution(**{k: prior_rv(p) for k, p in spec.parameters.items()})
    abc = pyabc.ABCSMC(sim, prior, distance(spec), population_size=population, sampler=sampler)
    with tempfile.TemporaryDirectory() as tmp:
        abc.new(f"sqlite:///{tmp}/b.db", {t.name: t.observed for t in spec.targets})
        history = abc.run(max_nr_populations=generations)
        sims = int(history.get_all_populations()["samples"].sum())
    if pool is not None:
        pool.close()
    wall = time.perf_counter() - start
    return {"wall_s": wall, "simulations": sims, "sims_per_s": sims / wall}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--population", type=int, default=40)
    ap.add_argument("--generations", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    import logging

    logging.getLogger("ABC").setLevel(logging.WARNING)
    import sim.warm  # noqa: F401 - the compiled engine loaded before pyabc forks its workers

    kinds = ["pool", "pyabc_eval_parallel", "pyabc_particle_parallel"]
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(args.repeat):
        for kind in kinds:
            runs[kind].append(one(kind, args.population, args.generations, args.jobs))
            print(kind, runs[kind][-1], file=sys.stderr)
    result = {
        "population": args.population,
        "generations": args.generations,
        "jobs": args.jobs,
        "repeat": args.repeat,
        "load_average_1min": os.getloadavg()[0],
        "samplers": {
            k: {
                "median_wall_s": round(statistics.median(r["wall_s"] for r in v), 2),
                "median_sims_per_s": round(statistics.median(r["sims_per_s"] for r in v), 2),
                "runs": v,
            }
            for k, v in runs.items()
        },
    }
    fastest = max(result["samplers"], key=lambda k: result["samplers"][k]["median_sims_per_s"])
    result["fastest"] = fastest
    name = f"calibration_samplers_{args.population}x{args.generations}.json"
    out = ROOT / "benchmarks" / "results" / name
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
