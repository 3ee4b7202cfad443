"""``sim experiment SPEC``: every (point, replication) of an experiment, stored as it finishes,
resumed where it stopped, then analysed and plotted."""

from __future__ import annotations

from pathlib import Path

from ..parallel import start_worker_server
from .run import positive


def register(sub) -> None:
    p = sub.add_parser("experiment", help="run an experiment spec (variants or a sweep) and plot it")
    p.add_argument("spec", help="experiment YAML, e.g. experiments/counterfactuals.yaml")
    p.add_argument("--out", type=Path, default=None, help="output folder (default results/experiments/<name>/)")
    p.add_argument("--jobs", type=positive, default=None, help="local worker processes (default: all cores)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786, instead of local processes")
    p.add_argument("--no-plots", action="store_true", help="skip analysis and plots")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def main(args) -> int:
    if not args.scheduler:
        start_worker_server(args.jobs)
    from ..experiments.execute import execute

    spec, out, report = execute(args.spec, args.out, jobs=args.jobs, scheduler=args.scheduler, progress=not args.quiet)
    failed = f"; {report['failed_total']} failed (see {out}/errors/)" if report["failed_total"] else ""
    print(f"{spec.name}: {report['runs']} runs; {report['already_done']} already stored, {report['ran']} run now "
          f"in {report['wall_time_s']:.1f} s{failed}")
    from ..experiments.statistics import outcome_table, stored_summary

    print(outcome_table(stored_summary(out)[1], unit="variant" if spec.variants else "point"))
    if not args.no_plots:
        from ..experiments.analysis import analyse  # matplotlib and SALib: only when analysing

        files = analyse(out)
        print(f"  {len(files)} tables and plots in {out}/plots and {out}/analysis")
    return 1 if report["failed_total"] else 0
