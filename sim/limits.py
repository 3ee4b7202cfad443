"""Plan sizes: how many replications and runs a command accepts before it refuses.

A plan far beyond anything useful (``--reps 1000000000000``, a Sobol design with a million base
samples) would otherwise fill memory or run for weeks with no output. Each limit is generous for
real work and can be raised with an environment variable when there is a reason to.

Imports nothing of ours but the error type.
"""

from __future__ import annotations

import os

from .config.load import ConfigError

MAX_REPS = 10_000
"""Replications of one ``sim run`` (or of each ``sim cases`` case), held in memory until saved:
about 25 kB each, so 250 MB at the limit. Raise with ``SIM_MAX_REPS``."""
MAX_RUNS = 200_000
"""Runs of one experiment (points x replications): about an hour per 100,000 on two cores at the
Kazakhstan baseline's 40 ms a run. Raise with ``SIM_MAX_RUNS``."""


def _limit(env: str, default: int) -> int:
    text = os.environ.get(env)
    if text is None or not text.strip():
        return default
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise ConfigError(
            f"the environment variable {env}={text!r} is not a whole number; set it to the "
            f"largest plan you mean to allow (default {default:,}), or unset it."
        ) from None
    if value < 1:
        raise ConfigError(
            f"the environment variable {env}={text!r} must be at least 1 (default {default:,})."
        )
    return value


def check_reps(reps: int, what: str = "--reps") -> int:
    """``reps`` if within ``SIM_MAX_REPS``; else a one-paragraph ConfigError."""
    limit = _limit("SIM_MAX_REPS", MAX_REPS)
    if reps > limit:
        raise ConfigError(
            f"{what} {reps:,} is more than the limit of {limit:,} replications: they are held in "
            f"memory until saved (about 25 kB each, {reps * 25 / 1e6:,.0f} GB here). Quantiles of "
            f"a run's outcomes settle long before that; if you do need more, set the environment "
            f"variable SIM_MAX_REPS={reps} and make sure the memory is there."
        )
    return reps


def check_runs(runs: int, detail: str, where: str) -> int:
    """``runs`` if within ``SIM_MAX_RUNS``; else a one-paragraph ConfigError.

    Args:
        runs: the planned number of runs.
        detail: how the number comes about, e.g. "6,144 points x 10 replications".
        where: the spec file, for the message.
    """
    limit = _limit("SIM_MAX_RUNS", MAX_RUNS)
    if runs > limit:
        hours = runs * 0.04 / 2 / 3600
        raise ConfigError(
            f"{where}: the plan has {runs:,} runs ({detail}), more than the limit of {limit:,} "
            f"(about {hours:,.0f} hours on two cores at 40 ms a run). Fewer samples, values or "
            f"replications give the same answers at a fraction of the cost; if you do need this "
            f"many, set the environment variable SIM_MAX_RUNS={runs}."
        )
    return runs
