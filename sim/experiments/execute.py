"""Running an experiment: batches of runs in this process, on a local process pool or on a Dask
cluster, each batch stored as soon as it finishes, failures recorded without stopping the rest.

A stop (Ctrl-C, SIGTERM) or a kill at any moment loses only the batches in flight: a rerun into
the same folder resumes. A run that raises is recorded as failed, unless a stop was under way (then
it is the stop, not the model); ``retry_failed`` runs the failed ones again. Before anything runs,
the folder is made to hold only the current plan's runs (``claim_folder``).
"""

from __future__ import annotations

import math
import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..config import Config, ConfigError
from ..files import FolderLock, check_writable, move, write_parquet
from ..interrupts import Interrupted, RunAborted, deferred, requested
from ..model import CrisisModel
from ..parallel import InProcess, LocalPool
from ..runner import git_commit, package_versions, simulate
from ..store import ResultStore
from .cluster import WORKER_TIMEOUT_S, DaskCluster
from .design import Point, Run, build_points, build_runs
from .spec import ExperimentSpec, load_spec
from .tables import IDS, pack

MAX_BATCH = 32  # runs per batch at most


@dataclass(frozen=True)
class _Options:
    """How to run: where (jobs, scheduler, worker_timeout) and whether to show progress."""

    jobs: int | None
    scheduler: str | None
    worker_timeout: float
    progress: bool


def run_batch(runs: list[Run]) -> list[dict]:
    """Run a batch in this process; a run that raises is returned with its error, not raised.

    In the driver (one job) a stop signal is held until the run in progress ends, then raised
    (``sim.interrupts.deferred``): raised inside compiled or C code it could be turned into some
    other error, or worse, and a run is short.
    """
    out = []
    for r in runs:
        base = {"key": r.key, "point": r.point, "rep": r.rep, "seed": r.seed}
        try:
            with deferred():  # a stop signal waits for the run to end, never raising inside numba
                daily, summary, log = simulate(r.config, r.seed)
        except Exception as exc:  # any failure of one run is recorded, not fatal
            signum = requested()
            if signum:  # a stop was under way: what the run raised is not the model's failure
                raise Interrupted(signum) from exc
            out.append(
                {
                    **base,
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(),
                }
            )
            continue
        out.append({**base, "daily": daily, "summary": summary, "decisions": log})
    return out


def run_and_pack(runs: list[Run], points: dict[int, Point], columns: list[str]) -> dict:
    """Run a batch and encode its tables as parquet bytes, in the worker.

    The driver then only writes bytes to disk, so on a small machine it takes no CPU from the
    workers.
    Returns the batch's keys, how many runs failed, and table name -> parquet bytes.
    """
    results = run_batch(runs)
    return {
        "keys": [r["key"] for r in results],
        "failed": sum("error" in r for r in results),
        "parts": pack(results, points, columns),
    }


def ally_sets(runs: list[Run]) -> list[Config]:
    """One config per distinct set of allies, in order of appearance: their daily columns differ."""
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
        cols += [
            c for c in CrisisModel(config, rng=0).datacollector.model_reporters if c not in cols
        ]
    return cols


def guided_batches(todo: list[Run], slots: int, fixed: int | None = None) -> list[list[Run]]:
    """Split runs into batches, large first and shrinking toward the end (guided scheduling).

    Each batch is a third of what is left per worker, at most ``MAX_BATCH`` runs: big batches keep
    the cost of storing small against the runs, and small last ones leave no worker idle at the
    finish. A single worker has none to wait for, so its batches are all full.
    """
    if fixed or slots == 1:
        size = fixed or MAX_BATCH
        return [todo[i : i + size] for i in range(0, len(todo), size)]
    out, i = [], 0
    while i < len(todo):
        size = max(1, min(MAX_BATCH, math.ceil((len(todo) - i) / (slots * 3))))
        out.append(todo[i : i + size])
        i += size
    return out


def _runner(opts: _Options):
    """Where the batches run: a Dask cluster, a local pool, or (one job) this process."""
    if opts.scheduler:
        return DaskCluster(opts.scheduler, opts.worker_timeout)
    jobs = opts.jobs or os.cpu_count() or 1
    if jobs == 1:
        return InProcess()
    from tqdm import tqdm

    return LocalPool(jobs, warn=lambda text: tqdm.write(text, file=sys.stderr))  # above the bar


def _owner(store: ResultStore) -> tuple[str | None, str] | None:
    """Whose results the folder holds, by its manifest: (experiment name or None, description);
    None when there is no manifest (a new or empty folder)."""
    if not (store.root / "manifest.json").is_file():
        return None
    try:
        manifest = store.read_json("manifest.json")
    except (OSError, ValueError):
        return None, "an unreadable manifest.json"
    if "experiment" in manifest:
        return str(manifest["experiment"]), f"experiment {manifest['experiment']!r}"
    if "scenario" in manifest:
        return None, f"the results of `sim run` (scenario {manifest['scenario']!r})"
    return None, "results of another kind (its manifest.json names no experiment)"


def claim_folder(
    store: ResultStore, spec: ExperimentSpec, keys: set[str], force: bool, retry_failed: bool
) -> dict:
    """Make the folder hold only this plan's runs before any runs, and say what was moved.

    A folder holding another experiment (or a `sim run`) is refused unless ``force``; then all of
    it moves aside. Of the same experiment, stored runs not in the plan (the spec changed) move
    aside, with the plots and analysis drawn from them; with ``retry_failed``, so do the failed
    runs, which then run again. Nothing is deleted: it goes to ``DIR/stale/<time>/``.
    """
    owner = _owner(store)
    if owner is not None and owner[0] != spec.name:
        if not force:
            raise ConfigError(
                f"experiment folder {store.root} holds {owner[1]}, not experiment {spec.name!r}: "
                "running here would mix the two. Give another --out, or add --force to move what "
                f"is there into {store.root}/stale/<time>/ (nothing is deleted) and start afresh."
            )
        aside = store.set_aside_everything()
        return {
            "replaced": owner[1],
            "aside": str(aside) if aside else None,
            "set_aside": 0,
            "retrying": 0,
        }
    done = store.done_keys()
    stale = done - keys
    retry = set()
    if retry_failed:
        errors = store.load("errors")
        retry = set(errors["key"]) & keys & done if len(errors) else set()
    _, aside = store.set_aside(lambda k: k in stale or k in retry)
    if stale and aside is not None:  # drawn from runs no longer in the plan
        for name in ("plots", "analysis", "last_run.json"):
            if (store.root / name).exists():
                move(store.root / name, aside / name)
    return {
        "replaced": None,
        "aside": str(aside) if aside else None,
        "set_aside": len(stale),
        "retrying": len(retry),
    }


def execute(
    spec_path: str | Path,
    out: str | Path | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    *,
    retry_failed: bool = False,
    force: bool = False,
    worker_timeout: float = WORKER_TIMEOUT_S,
) -> tuple[ExperimentSpec, Path, dict]:
    """Run every missing (point, replication) of a spec into ``out``; returns (spec, out, report).

    The spec and every point's config are validated, and ``out`` checked for writing and locked
    (one writer per folder), before anything runs. Raises ``Interrupted`` (a stop signal) or
    ``RunAborted`` (workers or the cluster lost), each saying what was kept; a rerun resumes.
    """
    spec_path = Path(spec_path)
    spec = load_spec(spec_path)
    out = Path(out) if out else Path("results") / "experiments" / spec.name
    points = build_points(spec, spec_path)
    runs = build_runs(spec, spec_path, points)
    check_writable(out, "experiment folder")
    with FolderLock(out, "experiment folder") as lock:
        opts = _Options(jobs, scheduler, worker_timeout, progress)
        runner = _runner(opts)  # reaching a cluster is checked before anything is written
        finished = False
        try:
            report = _execute(
                ResultStore(out, lock),
                spec,
                spec_path,
                points,
                runs,
                runner,
                opts,
                retry_failed=retry_failed,
                force=force,
            )
            finished = True
        finally:
            runner.close(kill=not finished)
    return spec, out, report


def _execute(
    store: ResultStore,
    spec: ExperimentSpec,
    spec_path: Path,
    points: list[Point],
    runs: list[Run],
    runner,
    opts: _Options,
    retry_failed: bool,
    force: bool,
) -> dict:
    """Claim the folder, write the plan, run what is missing; the report."""
    claimed = claim_folder(store, spec, {r.key for r in runs}, force, retry_failed)
    report = {"runs": len(runs), **claimed}
    _write_plan(store, spec, spec_path, points, runs, opts.scheduler)
    todo, seen = [], store.done_keys()
    for r in runs:
        if r.key not in seen:
            todo.append(r)
            seen.add(r.key)  # two identical points share one run
    report.update(already_done=len(runs) - len(todo), ran=0, failed=0, wall_time_s=0.0)
    if todo:
        start = time.perf_counter()
        _run(store, spec, points, runs, todo, report, runner, opts)
        report["wall_time_s"] = time.perf_counter() - start
    errors = store.load("errors")
    keys = {r.key for r in runs}
    report["failed_total"] = int(errors["key"].isin(keys).sum()) if len(errors) else 0
    store.write_json("last_run.json", report)
    return report


def _write_plan(
    store: ResultStore,
    spec: ExperimentSpec,
    spec_path: Path,
    points: list[Point],
    runs: list[Run],
    scheduler: str | None,
) -> None:
    plan = pd.DataFrame(
        [
            {
                "key": r.key,
                "point": r.point,
                "point_name": points[r.point].name,
                "rep": r.rep,
                "seed": r.seed,
                "horizon": r.config.horizon_days,
                **points[r.point].params,
            }
            for r in runs
        ]
    )
    write_parquet(plan.astype({"seed": "uint64"}), store.root / "plan.parquet")
    store.write_json(
        "manifest.json",
        {
            "experiment": spec.name,
            "spec_file": str(spec_path),
            "spec": spec.model_dump(mode="json"),
            "points": [
                {
                    "index": p.index,
                    "name": p.name,
                    "config": str(p.config_path),
                    "overrides": list(p.overrides),
                    "params": p.params,
                }
                for p in points
            ],
            "replications": spec.replications,
            "root_seed": spec.seed,
            "runs": len(runs),
            "versions": package_versions(),
            "git_commit": git_commit(),
            "command": " ".join(sys.argv),
            "scheduler": scheduler,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            **_posterior_record(spec, spec_path),
        },
    )


def _posterior_record(spec: ExperimentSpec, spec_path: Path) -> dict:
    """The posterior the replications drew from, and the draws (nothing without one)."""
    from .design import posterior_draws

    posterior, draws = posterior_draws(spec, spec_path)
    return {} if posterior is None else {"posterior_draws": posterior.record(draws)}


def _run(
    store: ResultStore,
    spec: ExperimentSpec,
    points: list[Point],
    runs: list[Run],
    todo: list[Run],
    report: dict,
    runner,
    opts: _Options,
) -> None:
    """Run ``todo`` in batches, storing each as it finishes; on a stop or an abort, say what
    was kept."""
    from tqdm import tqdm

    bar = tqdm(
        total=len(todo), desc=spec.name, unit="run", disable=not opts.progress, file=sys.stderr
    )
    try:
        # each worker's first task: the daily columns, which loads the compiled engine there
        warm = [(ally_sets(runs),)] * runner.slots
        _, columns = next(iter(runner.imap_unordered(daily_columns, warm)))
        tasks = [
            (b, {r.point: points[r.point] for r in b}, columns)
            for b in guided_batches(todo, runner.slots, spec.batch_size)
        ]
        for _, packed in runner.imap_unordered(run_and_pack, tasks):
            with deferred():  # a stop waits for the batch to be stored
                store.write_parts(packed["parts"], packed["keys"])
            report["ran"] += len(packed["keys"])
            report["failed"] += packed["failed"]
            bar.update(len(packed["keys"]))
    except Interrupted as stop:
        stop.detail = _kept(store, runs)
        raise
    except RunAborted as err:
        raise RunAborted(f"{err} {_kept(store, runs)}") from None
    finally:
        bar.close()


def _kept(store: ResultStore, runs: list[Run]) -> str:
    keys = {r.key for r in runs}
    stored = len(store.done_keys() & keys)
    return (
        f"{stored} of {len(keys)} runs are stored in {store.root}; run the same command "
        "again to resume (stored runs are not run again)."
    )
