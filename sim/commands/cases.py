"""``sim cases [DIR]``: the historical backtest: every case config run and scored against history.

The case folder, its history, the case table and the output folder are checked before the first
run; an output folder holding another backtest's results (other cases, replications, seed or rules)
is refused unless ``--force``.
"""

from __future__ import annotations

from pathlib import Path

from .run import positive, seed


def register(sub) -> None:
    p = sub.add_parser(
        "cases", help="run the historical case library and score the model against history"
    )
    p.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=None,
        help="folder of case configs, one YAML per case named by its id (default: the shipped "
        "configs/cases/)",
    )
    p.add_argument(
        "--reps", type=positive, default=20, help="replications per case and rule (default 20)"
    )
    p.add_argument(
        "--seed", type=seed, default=0, help="root seed, the same for every case (default 0)"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("results/cases"),
        help="output folder (default results/cases/)",
    )
    p.add_argument(
        "--jobs", type=positive, default=None, help="worker processes per case (default: all cores)"
    )
    p.add_argument(
        "--cases-csv",
        type=Path,
        default=None,
        help="the case table, for titles, forms and dates (default: the shipped "
        "configs/cases/cases.csv; scoring uses DIR/history.csv or the shipped history.csv)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace another backtest's results in the output folder",
    )
    p.add_argument("--quiet", action="store_true", help="no per-case progress lines")
    p.add_argument(
        "--posterior",
        type=Path,
        default=None,
        metavar="PATH",
        help="draw each replication's parameters from a calibration's posterior (posterior.parquet "
        "or its folder); keys under `events` are left out",
    )
    p.set_defaults(func=main)


def main(args) -> int:
    from ..cases import DEFAULT_DIR, RULES, load_inputs, run_backtest, summary_text
    from ..files import check_writable
    from ..folders import Kind, claim
    from ..limits import check_reps

    inputs = load_inputs(args.dir or DEFAULT_DIR, args.cases_csv)
    check_reps(args.reps)
    posterior = None
    identity = inputs.identity(args.reps, args.seed, RULES)
    if args.posterior is not None:
        from ..calibration.posterior import load_posterior

        posterior = load_posterior(args.posterior)
        identity["backtest"]["posterior"] = posterior.sha256
    claim(args.out, Kind.BACKTEST, identity, args.force, {"backtest": "the backtest"})
    check_writable(args.out)
    bt = run_backtest(
        reps=args.reps,
        seed=args.seed,
        jobs=args.jobs,
        progress=not args.quiet,
        inputs=inputs,
        posterior=posterior,
    )
    files = bt.save(args.out)
    print(bt.markdown())
    print(summary_text(bt))
    print(f"  results in {args.out}/ ({', '.join(f.name for f in files)})")
    return 0
