"""``sim run CONFIG``: replications of one scenario, their result files, plots and summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..parallel import start_worker_server


def positive(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def register(sub) -> None:
    run = sub.add_parser("run", help="run a scenario's replications and write results and plots")
    run.add_argument("config", help="scenario YAML, e.g. configs/kazakhstan_2022.yaml")
    run.add_argument("--reps", type=positive, default=50, help="replications (default 50)")
    run.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    run.add_argument("--out", type=Path, default=None, help="output folder (default results/<config name>/)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a config key, e.g. --set russia.rule=weighted (repeatable)")
    run.add_argument("--jobs", type=positive, default=None, help="worker processes (default: all cores)")
    run.add_argument("--no-plots", action="store_true", help="skip the plots")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=main)


def main(args) -> int:
    start_worker_server(args.jobs)
    from ..config import load_config
    from ..runner import run_replications

    config = load_config(args.config, args.overrides)
    out = args.out or Path("results") / config.name
    results = run_replications(config, reps=args.reps, seed=args.seed, jobs=args.jobs, progress=not args.quiet)
    results.save(out)
    if not args.no_plots:
        results.plot(out)
    print(results.describe())
    print(f"  results in {out}/ (daily.parquet, summary.parquet, decisions.parquet, manifest.json"
          f"{', plots/' if not args.no_plots else ''})")
    return 0
