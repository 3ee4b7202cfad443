"""``sim experiment SPEC``: every (point, replication) of an experiment, stored as it finishes,
resumed where it stopped, then analysed and plotted."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..parallel import start_worker_server
from .run import positive

WORKER_TIMEOUT_S = 60.0  # sim.experiments.cluster's default, repeated so --help imports no Dask


def seconds(text: str) -> float:
    """argparse type: a number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a number of seconds above 0")
    return value


def add_execution_args(p: argparse.ArgumentParser) -> None:
    """--jobs, --scheduler and --worker-timeout: where the runs of a sweep or a calibration go."""
    p.add_argument(
        "--jobs", type=positive, default=None, help="local worker processes (default: all cores)"
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786, instead of local "
        "processes",
    )
    p.add_argument(
        "--worker-timeout",
        type=seconds,
        default=WORKER_TIMEOUT_S,
        metavar="SECONDS",
        help="with --scheduler: give up after this long without workers (default 60)",
    )


def register(sub) -> None:
    p = sub.add_parser(
        "experiment", help="run an experiment spec (variants or a sweep) and plot it"
    )
    p.add_argument("spec", help="experiment YAML, e.g. experiments/counterfactuals.yaml")
    p.add_argument(
        "--out", type=Path, default=None, help="output folder (default results/experiments/<name>/)"
    )
    add_execution_args(p)
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="run again the runs recorded as failed (their error rows are set aside)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="use an --out folder holding other results, moving them into stale/",
    )
    p.add_argument("--no-plots", action="store_true", help="skip analysis and plots")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def main(args) -> int:
    if not args.scheduler:
        start_worker_server(args.jobs)
    from ..experiments.execute import execute

    spec, out, report = execute(
        args.spec,
        args.out,
        jobs=args.jobs,
        scheduler=args.scheduler,
        progress=not args.quiet,
        retry_failed=args.retry_failed,
        force=args.force,
        worker_timeout=args.worker_timeout,
    )
    if report["replaced"]:
        print(f"{out} held {report['replaced']}: moved into {report['aside']}")
    if report["set_aside"]:
        print(
            f"{report['set_aside']} stored runs are not in this spec's plan: moved into "
            f"{report['aside']}"
        )
    if report["retrying"]:
        print(
            f"{report['retrying']} failed runs run again (their error rows moved into "
            f"{report['aside']})"
        )
    failed = (
        f"; {report['failed_total']} failed (see {out}/errors/)" if report["failed_total"] else ""
    )
    print(
        f"{spec.name}: {report['runs']} runs; {report['already_done']} already stored, "
        f"{report['ran']} run now in {report['wall_time_s']:.1f} s{failed}"
    )
    from ..experiments.statistics import outcome_table, stored_summary

    print(outcome_table(stored_summary(out)[1], unit="variant" if spec.variants else "point"))
    if not args.no_plots:
        from ..experiments.analysis import analyse  # matplotlib and SALib: only when analysing

        files = analyse(out)
        print(f"  {len(files)} tables and plots in {out}/plots and {out}/analysis")
    if report["failed_total"]:
        print(f"  rerun with --retry-failed to run the {report['failed_total']} failed runs again")
        return 1
    return 0
