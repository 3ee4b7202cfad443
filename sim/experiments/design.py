"""From a spec to points and runs: variants, grids, and SALib's LHS, Sobol and Morris designs."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config, ConfigError, load_config
from ..config.explain import did_you_mean, field_at
from ..runner import replication_seeds
from .spec import ExperimentSpec, check_keys


@dataclass(frozen=True)
class Point:
    """One setting of the experiment: a config file plus overrides."""

    index: int
    name: str
    config_path: Path
    overrides: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One (point, replication): everything a worker needs."""

    key: str
    point: int
    rep: int
    seed: int
    config: Config


def salib_problem(spec: ExperimentSpec) -> dict:
    params = spec.sweep.parameters
    return {
        "num_vars": len(params),
        "names": list(params),
        "bounds": [list(p.bounds()) for p in params.values()],
    }


def design_matrix(spec: ExperimentSpec) -> np.ndarray:
    """The sampled parameter values, one row per point (lhs, sobol, morris)."""
    from SALib.sample import latin, morris, sobol

    d, problem = spec.sweep, salib_problem(spec)
    if d.kind == "lhs":
        return latin.sample(problem, d.samples, seed=d.seed)
    if d.kind == "sobol":
        return sobol.sample(problem, d.samples, calc_second_order=False, seed=d.seed)
    return morris.sample(problem, d.samples, num_levels=d.levels, seed=d.seed)


def _typed(key: str, value: Any) -> Any:
    """A design value in its parameter's type: sampled values rounded for an integer parameter,
    whole numbers written for a real one (``values: [0, 0.5, 1]``) made floats, so that every
    point stores the column with one type and the tables load with one call."""
    f = field_at(tuple(key.split(".")))
    if f is not None and f.annotation is int:
        return int(round(float(value)))
    if isinstance(value, np.floating) or (
        f is not None
        and f.annotation is float
        and isinstance(value, int)
        and not isinstance(value, bool)
    ):
        return float(value)
    return value


def _override(key: str, value: Any) -> str:
    return f"{key}={json.dumps(value)}"


def daily_series(config: Config) -> list[str]:
    """The daily columns a run of ``config`` records: what a spec's ``series`` may name.

    The columns are what the model's components declare; they depend on the config only through
    its allies (one ``troops_`` and ``unrest_`` column each), so one model per set of allies is
    built, on the numpy engine (no compiled kernels to load), and its reporters are read."""
    return list(_columns_for_allies(tuple(a.name for a in config.allies.members)))


@functools.lru_cache(maxsize=64)
def _columns_for_allies(allies: tuple[str, ...]) -> tuple[str, ...]:
    from ..config import config_from_dict
    from ..model import CrisisModel

    cfg = config_from_dict(
        {
            "allies": {"members": [{"name": a} for a in allies]},
            "city": {"width": 10, "height": 10, "sites": []},
        },
        source="<columns>",
    )
    return tuple(CrisisModel(cfg, rng=0, compiled=False).datacollector.model_reporters)


def check_series(spec: ExperimentSpec, spec_path: Path, configs: list[Config]) -> None:
    """Every ``series`` column must be recorded by some point's runs; else a ConfigError says so."""
    known = list(dict.fromkeys(c for cfg in configs for c in daily_series(cfg)))
    for col in spec.series:
        if col not in known:
            raise ConfigError(
                f"{spec_path}, key `series`: {col!r} is not a daily column of this experiment's "
                f"runs.{did_you_mean(col, known)} Allowed: {', '.join(known)}."
            )


def build_points(spec: ExperimentSpec, spec_path: Path) -> list[Point]:
    """Every point of the experiment, in a fixed order; a config key the schema lacks is a
    ConfigError (``check_keys``) before any point is built."""
    check_keys(spec, spec_path)
    here = spec_path.parent
    common = tuple(_override(k, v) for k, v in spec.set.items())
    base = here / spec.base
    out: list[Point] = []
    if spec.variants is not None:
        crossing: list[tuple[str | None, Any]] = [(None, None)]
        if spec.cross:
            ((crossed, values),) = spec.cross.items()
            crossing = [(crossed, v) for v in values]
        for name, v in spec.variants.items():
            path = here / v.config if v.config else base
            own = tuple(_override(k, x) for k, x in v.set.items())
            for key, value in crossing:
                extra = (_override(key, value),) if key else ()
                label = f"{name} | {key.split('.')[-1]}={value}" if key else name
                params = {key: value} if key else {}
                out.append(Point(len(out), label, path, common + own + extra, params))
        return out
    design = spec.sweep
    names = list(design.parameters)
    rows: Iterable[Sequence[Any]]
    if design.kind == "grid":
        rows = itertools.product(*(design.parameters[k].grid_values() for k in names))
    else:
        rows = design_matrix(spec)
    for row in rows:
        params = {k: _typed(k, v) for k, v in zip(names, row, strict=True)}
        label = ", ".join(
            f"{k.split('.')[-1]}={v:.4g}" if isinstance(v, float) else f"{k.split('.')[-1]}={v}"
            for k, v in params.items()
        )
        out.append(
            Point(
                len(out),
                label,
                base,
                common + tuple(_override(k, v) for k, v in params.items()),
                params,
            )
        )
    return out


def run_keys(config: Config, seeds: list[int]) -> list[str]:
    """Each run's identity: a hash of its fully resolved config and its seed (the config
    serialized once for all the seeds)."""
    text = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return [hashlib.sha256(f"{text}|{seed}".encode()).hexdigest()[:20] for seed in seeds]


def posterior_draws(spec: ExperimentSpec, spec_path: Path) -> tuple:
    """(the spec's posterior, one draw per replication), or (None, None) without one."""
    if spec.posterior is None:
        return None, None
    from ..calibration.posterior import load_posterior

    posterior = load_posterior(
        spec_path.parent / spec.posterior, label=f"{spec_path}, key `posterior`:"
    )
    return posterior, posterior.draws(spec.replications, spec.seed)


def build_runs(spec: ExperimentSpec, spec_path: Path, points: list[Point]) -> list[Run]:
    """Every (point, replication), configs resolved and validated up front, and the spec's
    ``series`` checked against the columns those configs record."""
    seeds = replication_seeds(spec.seed, spec.replications)
    runs: list[Run] = []
    configs: dict[tuple[str, ...], Config] = {}
    posterior, draws = posterior_draws(spec, spec_path)
    for p in points:
        try:
            cfg = load_config(p.config_path, p.overrides)
        except ConfigError as err:
            raise ConfigError(f"{spec_path}, point {p.index} ({p.name}): {err}") from None
        configs.setdefault(tuple(a.name for a in cfg.allies.members), cfg)
        if posterior is None:
            runs.extend(
                Run(key, p.index, r, s, cfg)
                for r, (key, s) in enumerate(zip(run_keys(cfg, seeds), seeds, strict=True))
            )
            continue
        from ..calibration.posterior import draw_configs

        own = tuple(o.split("=", 1)[0].strip() for o in p.overrides)
        where = f"{spec_path}, point {p.index} ({p.name})"
        drawn = draw_configs(cfg, posterior, draws, where, keep=own)
        runs.extend(
            Run(run_keys(c, [s])[0], p.index, r, s, c)
            for r, (c, s) in enumerate(zip(drawn, seeds, strict=True))
        )
    check_series(spec, spec_path, list(configs.values()))
    return runs
