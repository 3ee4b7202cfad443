"""Running an experiment: batches of runs on a process pool or a Dask cluster, each batch stored
as soon as it finishes, failures recorded without stopping the rest, resumable after a kill."""

from __future__ import annotations

import math
import os
import sys
import time
import traceback
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from pathlib import Path

import pandas as pd

from ..config import Config, ConfigError
from ..model import CrisisModel
from ..parallel import context
from ..runner import git_commit, package_versions, simulate
from ..store import ResultStore
from .design import Point, Run, build_points, build_runs
from .spec import ExperimentSpec, load_spec
from .tables import IDS, pack

MMAP_THRESHOLD = 32 * 2**20  # glibc's own ceiling for its dynamic mmap threshold
TRIM_THRESHOLD = 64 * 2**20
MAX_BATCH = 32  # runs per batch at most


def run_batch(runs: list[Run]) -> list[dict]:
    """Run a batch in this process; a run that raises is returned with its error, not raised."""
    out = []
    for r in runs:
        base = {"key": r.key, "point": r.point, "rep": r.rep, "seed": r.seed}
        try:
            daily, summary, log = simulate(r.config, r.seed)
        except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded, not fatal
            out.append({**base, "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
            continue
        out.append({**base, "daily": daily, "summary": summary, "decisions": log})
    return out


def run_and_pack(runs: list[Run], points: dict[int, Point], columns: list[str]) -> dict:
    """Run a batch and encode its tables as parquet bytes, in the worker.

    The driver then only writes bytes to disk, so on a small machine it takes no CPU from the workers.
    Returns the batch's keys, how many runs failed, and table name -> parquet bytes.
    """
    results = run_batch(runs)
    return {"keys": [r["key"] for r in results], "failed": sum("error" in r for r in results),
            "parts": pack(results, points, columns)}


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
    return bool(libc.mallopt(m_mmap_threshold, MMAP_THRESHOLD)) and bool(libc.mallopt(m_trim_threshold, TRIM_THRESHOLD))


def ally_sets(runs: list[Run]) -> list[Config]:
    """One config per distinct set of allies, in order of first appearance: their daily columns differ."""
    first: dict[tuple, Config] = {}
    for r in runs:
        first.setdefault(tuple(a.name for a in r.config.allies.members), r.config)
    return list(first.values())


def daily_columns(configs: list[Config]) -> list[str]:
    """The daily table's columns: the run ids, then the union of the configs' model columns.

    Builds a model per config, so it runs as each worker's first task: building the first model
    loads the compiled engine, which the worker needs anyway and which would hold up the driver
    for a third of a second before any batch could start.
    """
    cols = list(IDS)
    for config in configs:
        cols += [c for c in CrisisModel(config, rng=0).datacollector.model_reporters if c not in cols]
    return cols


def guided_batches(todo: list[Run], slots: int, fixed: int | None = None) -> list[list[Run]]:
    """Split runs into batches, large first and shrinking toward the end (guided scheduling).

    Each batch is a third of what is left per worker, at most ``MAX_BATCH`` runs: big batches keep
    the cost of storing small against the runs, and small last ones leave no worker idle at the
    finish. A single worker has none to wait for, so its batches are all full.
    """
    if fixed or slots == 1:
        size = fixed or MAX_BATCH
        return [todo[i:i + size] for i in range(0, len(todo), size)]
    out, i = [], 0
    while i < len(todo):
        size = max(1, min(MAX_BATCH, math.ceil((len(todo) - i) / (slots * 3))))
        out.append(todo[i:i + size])
        i += size
    return out


class _InProcess(Executor):
    """jobs=1: run batches here, one at a time (also what tests use to inject failures)."""

    def submit(self, fn, *args, **kwargs):
        from concurrent.futures import Future

        fut = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001
            fut.set_exception(exc)
        return fut


def _executor(jobs: int | None, scheduler: str | None):
    """(executor, number of parallel slots, closer)."""
    if scheduler:
        from distributed import Client

        try:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect (dask config, 30 s)
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({exc}). Start one with "
                              f"`dask scheduler` and workers with `dask worker {scheduler}`, or leave --scheduler out "
                              "to run on local processes.") from None
        client.run(tune_malloc)
        slots = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1
        return client.get_executor(pure=False), slots, client.close
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        return _InProcess(), 1, lambda: None
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context())
    return pool, jobs, lambda: pool.shutdown(wait=True, cancel_futures=True)


def execute(spec_path: str | Path, out: str | Path | None = None, jobs: int | None = None,
            scheduler: str | None = None, progress: bool = True) -> tuple[ExperimentSpec, Path, dict]:
    """Run every missing (point, replication) of a spec into ``out``; returns (spec, out, report)."""
    from tqdm import tqdm

    spec_path = Path(spec_path)
    spec = load_spec(spec_path)
    out = Path(out) if out else Path("results") / "experiments" / spec.name
    points = build_points(spec, spec_path)
    runs = build_runs(spec, spec_path, points)
    store = ResultStore(out)
    done = store.done_keys()
    todo, seen = [], set(done)
    for r in runs:
        if r.key not in seen:
            todo.append(r)
            seen.add(r.key)  # two identical points share one run
    plan = pd.DataFrame([{"key": r.key, "point": r.point, "point_name": points[r.point].name, "rep": r.rep,
                          "seed": r.seed, "horizon": r.config.horizon_days, **points[r.point].params} for r in runs])
    plan.astype({"seed": "uint64"}).to_parquet(out / "plan.parquet", index=False)
    store.write_json("manifest.json", {
        "experiment": spec.name, "spec_file": str(spec_path), "spec": spec.model_dump(mode="json"),
        "points": [{"index": p.index, "name": p.name, "config": str(p.config_path), "overrides": list(p.overrides),
                    "params": p.params} for p in points],
        "replications": spec.replications, "root_seed": spec.seed, "runs": len(runs),
        "versions": package_versions(), "git_commit": git_commit(), "command": " ".join(sys.argv),
        "scheduler": scheduler, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    })
    report = {"runs": len(runs), "already_done": len(runs) - len(todo), "ran": 0, "failed": 0, "wall_time_s": 0.0}
    if todo:
        start = time.perf_counter()
        executor, slots, close = _executor(jobs, scheduler)
        bar = tqdm(total=len(todo), desc=spec.name, unit="run", disable=not progress, file=sys.stderr)
        try:
            configs = ally_sets(runs)
            warm = [executor.submit(daily_columns, configs) for _ in range(slots)]  # each worker's first task
            batches = guided_batches(todo, slots, spec.batch_size)
            columns = next(as_completed(warm)).result()
            futures = [executor.submit(run_and_pack, b, {r.point: points[r.point] for r in b}, columns)
                       for b in batches]
            for fut in as_completed(futures):
                packed = fut.result()
                store.write_parts(packed["parts"], packed["keys"])
                report["ran"] += len(packed["keys"])
                report["failed"] += packed["failed"]
                bar.update(len(packed["keys"]))
        finally:
            bar.close()
            close()
        report["wall_time_s"] = time.perf_counter() - start
    errors = store.load("errors")
    keys = set(plan["key"])
    report["failed_total"] = int(errors["key"].isin(keys).sum()) if len(errors) else 0
    store.write_json("last_run.json", report)
    return spec, out, report
