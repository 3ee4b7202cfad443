"""Time the Kazakhstan baseline: milliseconds per 60-day replication, and the city's share of it.

    python benchmarks/kazakhstan_timing.py [replications per block] [blocks]

One process; after a warm-up run (imports, the compiled engine's cache), ``blocks`` blocks of
``replications`` runs each (seeds 0, 1, ...), timed block by block. This shared VM's speed drifts
by 20-40% from one minute to the next (other tenants), and interference only ever adds time, so
the code's own cost is best estimated by the fastest block (``timeit``'s convention); the median
block is printed beside it. A last block times the city's step alone (Python's wrapper adds a
little). Writes benchmarks/results/kazakhstan_timing_<engine>.json (``compiled``, or ``numpy`` under
``SIM_ENGINE=numpy``); the last line printed is that JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from sim.city import City
from sim.config import load_config
from sim.model import CrisisModel


def main(n: int = 10, blocks: int = 15) -> dict:
    cfg = load_config("configs/kazakhstan_2022.yaml")
    CrisisModel(cfg, rng=0).run()  # warm-up (imports, caches)
    per_block = []
    for b in range(blocks):
        t0 = time.perf_counter()
        for s in range(n):
            CrisisModel(cfg, rng=b * n + s).run()
        per_block.append((time.perf_counter() - t0) / n * 1e3)

    city_time = [0.0]
    engine = "compiled" if CrisisModel(cfg, rng=0).city.compiled else "numpy"
    step = City.step

    def timed(self, *a, **k):
        t = time.perf_counter()
        try:
            return step(self, *a, **k)
        finally:
            city_time[0] += time.perf_counter() - t

    City.step = timed
    try:
        for s in range(n):
            CrisisModel(cfg, rng=s).run()
    finally:
        City.step = step
    out = {
        "engine": engine,
        "ms_per_replication_best": round(min(per_block), 1),
        "ms_per_replication_median": round(statistics.median(per_block), 1),
        "ms_per_replication_blocks": [round(x, 1) for x in per_block],
        "city_step_ms_per_replication": round(city_time[0] / n * 1e3, 1),
        "replications_per_block": n,
    }
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"kazakhstan_timing_{engine}.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
