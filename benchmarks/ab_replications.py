"""Time Kazakhstan replications of this checkout against another one, interleaved in one process.

    python benchmarks/ab_replications.py OTHER_CHECKOUT [blocks] [replications per block]

On a shared machine two timing runs minutes apart differ by 20-40% (benchmarks/README.md), more
than most code changes. So both versions run in one process, block by block in alternating order
(the other checkout's ``sim/`` is imported under another name, which works because the package
imports itself only relatively), on the same seeds, and each block is timed in CPU time of this
thread (``time.thread_time``), which waiting for a busy CPU does not inflate. Prints the best and
median block of each and the median of the per-block ratios (this / other) as JSON.
"""

from __future__ import annotations

import importlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = "configs/kazakhstan_2022.yaml"


def _import_other(checkout: Path, name: str = "sim_other"):
    """The other checkout's ``sim`` package as ``name`` (copied without its compiled caches)."""
    where = Path(tempfile.mkdtemp(prefix="ab-"))
    shutil.copytree(checkout / "sim", where / name, ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(where))
    return importlib.import_module(f"{name}.model"), importlib.import_module(f"{name}.config")


def main(other: str, blocks: int = 30, n: int = 5) -> dict:
    from sim.config import load_config
    from sim.model import CrisisModel

    other_model, other_config = _import_other(Path(other).resolve())
    runs = {
        "this": (CrisisModel, load_config(ROOT / CONFIG)),
        "other": (other_model.CrisisModel, other_config.load_config(ROOT / CONFIG)),
    }
    for model, cfg in runs.values():
        model(cfg, rng=0).run()  # imports, compiled kernels (the other's compile on first use)
    times: dict[str, list[float]] = {"this": [], "other": []}
    for b in range(blocks):
        for name in ("this", "other") if b % 2 == 0 else ("other", "this"):
            model, cfg = runs[name]
            t0 = time.thread_time()
            for s in range(n):
                model(cfg, rng=b * n + s).run()
            times[name].append((time.thread_time() - t0) / n * 1e3)
    out = {
        f"{k}_{stat}_ms": round(f(v), 2)
        for k, v in times.items()
        for stat, f in (("best", min), ("median", statistics.median))
    }
    ratios = [a / b for a, b in zip(times["this"], times["other"], strict=True)]
    out.update(
        blocks=blocks,
        replications_per_block=n,
        median_ratio_this_other=round(statistics.median(ratios), 3),
    )
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:4]))
