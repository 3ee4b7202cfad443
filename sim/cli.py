"""The ``sim`` command line.

``sim run CONFIG [--reps N] [--seed S] [--out DIR] [--set KEY=VALUE ...] [--jobs J]`` runs a
scenario's replications and writes its result files and plots. A mistake in the config or the
overrides prints one paragraph naming the file, the key, the bad value and what is allowed, and
exits with code 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import ConfigError, load_config


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sim", description="Moscow's five-factor intervention calculus, simulated.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario's replications and write results and plots")
    run.add_argument("config", help="scenario YAML, e.g. configs/kazakhstan_2022.yaml")
    run.add_argument("--reps", type=_positive, default=50, help="replications (default 50)")
    run.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    run.add_argument("--out", type=Path, default=None, help="output folder (default results/<config name>/)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a config key, e.g. --set russia.rule=weighted (repeatable)")
    run.add_argument("--jobs", type=_positive, default=None, help="worker processes (default: all cores)")
    run.add_argument("--no-plots", action="store_true", help="skip the plots")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def cmd_run(args) -> int:
    from .runner import run_replications

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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return {"run": cmd_run}[args.command](args)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
