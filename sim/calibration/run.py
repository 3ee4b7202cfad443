"""Driving pyabc's ABC-SMC: a new calibration, or the stored one resumed from its last generation.

pyabc stores every finished generation in ``calibration.db`` (SQLite) in the output folder. A run
into a folder whose database holds the same calibration (same spec, base config and size) loads
it (``ABCSMC.load``) and runs only the generations still missing, so a calibration killed with
kill -9 loses at most the generation in progress. A database of another calibration is refused
unless ``force`` (then it is replaced).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import ConfigError, load_config
from ..interrupts import Interrupted, RunAborted
from .sampler import PoolSampler
from .simulator import Simulator
from .spec import CalibrationSpec, Prior, fixed_overrides, load_spec

DB_NAME = "calibration.db"
OUTPUTS = (
    "manifest.json",
    "posterior.parquet",
    "generations.csv",
    "predictive.parquet",
    "predictive_check.csv",
    "plots/marginals.png",
    "plots/pairs.png",
    "plots/generations.png",
    "plots/predictive_check.png",
)
"""What a finished calibration writes besides the database (removed when a new one starts)."""
ID_NAME = "calibration_id.json"
"""Beside the database: the identity (digest) of the calibration it holds."""


@dataclass
class Calibration:
    """What a finished ``calibrate`` hands to the report: the spec, the history and how it ran."""

    spec: CalibrationSpec
    spec_path: Path
    out: Path
    history: Any  # pyabc.History
    simulator: Simulator
    identity: dict
    quick: bool
    resumed_from: int | None
    wall_time_s: float
    where: str
    extra: dict = field(default_factory=dict)


def prior_rv(p: Prior):
    """The pyabc random variable of a prior."""
    import pyabc

    if p.prior == "uniform":
        return pyabc.RV("uniform", p.low, p.high - p.low)
    if p.prior == "log_uniform":
        return pyabc.RV("loguniform", p.low, p.high)
    mean, sd = (
        float(p.mean or 0.0),
        float(p.sd or 1.0),
    )  # both given for a normal prior (spec check)
    a, b = (p.low - mean) / sd, (p.high - mean) / sd
    return pyabc.RV("truncnorm", a, b, loc=mean, scale=sd)


def distance(spec: CalibrationSpec):
    """pyabc's distance for the spec: adaptive (scaled by each target's spread) or fixed scales."""
    import pyabc

    if spec.distance == "scaled":
        return pyabc.PNormDistance(p=2, fixed_weights={t.name: 1.0 / t.scale for t in spec.targets})
    return pyabc.AdaptivePNormDistance(p=2, scale_function=pyabc.distance.mad)


def identity(spec: CalibrationSpec, spec_path: Path, quick: bool) -> dict:
    """What makes two calibrations the same one: the spec, the resolved base config and the size."""
    base = load_config(spec_path.parent / spec.base, fixed_overrides(spec))
    data = {
        "spec": spec.model_dump(mode="json"),
        "base_config": base.model_dump(mode="json"),
        "quick": quick,
    }
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return {**data, "digest": digest}


def stored_digest(out: Path) -> str | None:
    """The identity digest of the calibration stored in ``out`` (None: none, or unreadable)."""
    try:
        return json.loads((out / ID_NAME).read_text(encoding="utf-8")).get("digest")
    except (OSError, ValueError, AttributeError):
        return None


def db_generations(db: Path) -> int:
    """Finished generations in a stored database (0 when there is none or it cannot be read)."""
    import pyabc

    if not db.is_file():
        return 0
    try:
        return stored_generations(pyabc.History(f"sqlite:///{db.resolve()}"))
    except Exception:
        return 0


def stored_generations(history) -> int:
    """Finished generations in a history (pyabc numbers them from 0; the calibration sample is
    -1)."""
    return int(history.max_t) + 1 if history.max_t is not None and history.max_t >= 0 else 0


def _runner(jobs: int | None, scheduler: str | None, worker_timeout: float):
    from ..parallel import InProcess, LocalPool

    if scheduler:
        from ..experiments.cluster import DaskCluster

        return DaskCluster(scheduler, worker_timeout), f"Dask scheduler {scheduler}"
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        return InProcess(), "1 process"
    return LocalPool(jobs), f"{jobs} local processes"


def check_folder(out: Path, force: bool) -> None:
    """Refuse a folder holding another command's results (a run, an experiment, a backtest), whose
    files a calibration would mix with its own; other unknown results only with ``force``."""
    from ..folders import Kind, kind_of

    found, manifest = kind_of(out)
    ours = (out / ID_NAME).is_file() or (manifest is not None and "calibration" in manifest)
    if found in (Kind.NOTHING,) or ours:
        return
    if found is not Kind.UNKNOWN:
        raise ConfigError(
            f"{out} holds the results of {found.value}, not of a calibration; writing here "
            "would mix the two and overwrite its manifest.json. Give another output folder "
            "(--out)."
        )
    if not force:
        raise ConfigError(
            f"{out} already holds results with no readable record of what made them. Give "
            "another output folder (--out), or --force to write beside them."
        )


def prepare(spec_path: str | Path, out: Path | None, quick: bool, force: bool) -> tuple:
    """Everything checked before the first simulation: (spec, out, identity, database, resume?)."""
    spec_path = Path(spec_path)
    spec = load_spec(spec_path)
    out = out or Path("results") / "calibration" / (spec.name + ("-quick" if quick else ""))
    ident = identity(spec, spec_path, quick)
    check_folder(out, force)
    db = out / DB_NAME
    stored = stored_digest(out)
    if db.exists() and stored != ident["digest"] and not force:
        what = (
            "another calibration (its spec, base config or size differ)"
            if stored
            else "a database that is not a calibration `sim calibrate` wrote"
        )
        raise ConfigError(
            f"{out} holds {what} in {DB_NAME}; resuming it would mix the two. Give another "
            "output folder (--out), or --force to replace it."
        )
    return spec, spec_path, out, ident, db, stored == ident["digest"] and db_generations(db) > 0


def calibrate(
    spec_path: str | Path,
    out: Path | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    quick: bool = False,
    force: bool = False,
    worker_timeout: float = 60.0,
) -> tuple[Calibration, dict]:
    """Run (or resume) a calibration and write its outputs (``sim.calibration.report``); returns the
    calibration and the report's account of it."""
    import pyabc

    from .report import write_report

    spec, path, out, ident, db, resume = prepare(spec_path, out, quick, force)
    from ..files import check_writable, write_text

    check_writable(out)
    if not resume:  # a new calibration: another's database (--force) or an unfinished first goes,
        db.unlink(missing_ok=True)  # and so do the outputs of the calibration that made it
        for name in OUTPUTS:
            (out / name).unlink(missing_ok=True)
        write_text(out / ID_NAME, json.dumps({"digest": ident["digest"], "spec": str(path)}))
    population, generations, _ = spec.budget(quick)
    base = load_config(path.parent / spec.base, fixed_overrides(spec))
    sim = Simulator(base, [(t.name, t.statistic) for t in spec.targets], list(spec.parameters))
    runner, where = _runner(jobs, scheduler, worker_timeout)
    np.random.seed(spec.seed)  # pyabc's driver draws from numpy's global generator too
    start = time.perf_counter()
    finished = False
    try:
        sampler = PoolSampler(runner, spec.seed)
        prior = pyabc.Distribution(**{k: prior_rv(p) for k, p in spec.parameters.items()})
        abc = pyabc.ABCSMC(sim, prior, distance(spec), population_size=population, sampler=sampler)
        url = f"sqlite:///{db.resolve()}"
        resumed_from = None
        if resume:
            abc.load(url, 1)
            resumed_from = stored_generations(abc.history)
        else:
            observed = {t.name: float(t.observed) for t in spec.targets}
            abc.new(url, observed)
        done = stored_generations(abc.history)
        left = np.inf if generations is None else generations - done
        if left > 0:
            eps = spec.final_tolerance if spec.final_tolerance is not None else 0.0
            abc.run(
                minimum_epsilon=eps,
                max_nr_populations=left,
                max_total_nr_simulations=spec.max_simulations,
            )
        print(
            f"{spec.name}: {stored_generations(abc.history)} generations stored in {db} "
            f"({where}, {time.perf_counter() - start:.1f} s); posterior predictive check...",
            file=sys.stderr,
        )
        cal = Calibration(
            spec,
            path,
            out,
            abc.history,
            sim,
            ident,
            quick,
            resumed_from,
            time.perf_counter() - start,
            where,
        )
        report = write_report(cal, runner)
        finished = True
    except Interrupted as stop:
        stop.detail = stop.detail or (
            f"the finished generations are stored in {db}; run the same "
            "command again to resume from the last one"
        )
        raise
    except RunAborted as err:
        raise RunAborted(
            f"{err} The finished generations are stored in {db}; run the same command "
            "again to resume."
        ) from None
    finally:
        runner.close(kill=not finished)
    return cal, report
