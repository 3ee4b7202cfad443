"""Time the Kazakhstan baseline: seconds per 60-day replication, and the city's share of it.

    python benchmarks/kazakhstan_timing.py [n_replications]
"""

from __future__ import annotations

import json
import sys
import time

from sim.city_compiled import CompiledCity as City
from sim.config import load_config
from sim.model import CrisisModel


def main(n: int = 20) -> dict:
    cfg = load_config("configs/kazakhstan_2022.yaml")
    CrisisModel(cfg, rng=0).run()  # warm-up (imports, caches)
    city_time = [0.0]
    step = City.step

    def timed(self, *a, **k):
        t = time.perf_counter()
        try:
            return step(self, *a, **k)
        finally:
            city_time[0] += time.perf_counter() - t

    t0 = time.perf_counter()
    for s in range(n):
        CrisisModel(cfg, rng=s).run()
    plain = (time.perf_counter() - t0) / n
    City.step = timed
    try:
        for s in range(n):
            CrisisModel(cfg, rng=s).run()
    finally:
        City.step = step
    out = {"ms_per_replication": round(plain * 1e3, 1), "city_step_ms_per_replication": round(city_time[0] / n * 1e3, 1)}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
