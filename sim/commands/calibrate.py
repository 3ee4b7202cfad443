"""``sim calibrate SPEC``: approximate Bayesian computation of a scenario's free parameters.

The spec, its base config and the output folder are checked before the first simulation. Every
finished generation is stored in ``OUT/calibration.db``, so the same command after a stop or a
kill resumes from the last one (``sim.calibration.run``).
"""

from __future__ import annotations

from pathlib import Path

from ..parallel import start_worker_server
from .experiment import add_execution_args


def register(sub) -> None:
    p = sub.add_parser(
        "calibrate", help="calibrate free parameters against history (ABC-SMC, pyabc)"
    )
    p.add_argument("spec", help="calibration YAML, e.g. configs/calibration/kazakhstan_2022.yaml")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default results/calibration/<name>/, or <name>-quick/ with --quick)",
    )
    add_execution_args(p)
    p.add_argument(
        "--quick",
        action="store_true",
        help="the spec's small size (`quick:` a few generations of a small population): a smoke "
        "test",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace another calibration's database in the output folder",
    )
    p.set_defaults(func=main)


def main(args) -> int:
    from ..calibration.run import prepare

    prepare(args.spec, args.out, args.quick, args.force)  # every mistake before the pool starts
    if not args.scheduler:
        start_worker_server(args.jobs)
    from ..calibration.report import summary_text
    from ..calibration.run import calibrate

    cal, report = calibrate(
        args.spec,
        args.out,
        jobs=args.jobs,
        scheduler=args.scheduler,
        quick=args.quick,
        force=args.force,
        worker_timeout=args.worker_timeout,
    )
    print(summary_text(cal, report))
    print(
        f"  results in {cal.out}/ (posterior.parquet, generations.csv, predictive.parquet, "
        "predictive_check.csv, plots/, manifest.json, calibration.db)"
    )
    return 0
