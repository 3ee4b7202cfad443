"""``sim cases [DIR]``: the historical backtest: every case config run and scored against history."""

from __future__ import annotations

from pathlib import Path

from .run import positive


def register(sub) -> None:
    p = sub.add_parser("cases", help="run the historical case library and score the model against history")
    p.add_argument("dir", nargs="?", type=Path, default=None,
                   help="folder of case configs, one YAML per case named by its id (default configs/cases/)")
    p.add_argument("--reps", type=positive, default=20, help="replications per case and rule (default 20)")
    p.add_argument("--seed", type=int, default=0, help="root seed, the same for every case (default 0)")
    p.add_argument("--out", type=Path, default=Path("results/cases"), help="output folder (default results/cases/)")
    p.add_argument("--jobs", type=positive, default=None, help="worker processes per case (default: all cores)")
    p.add_argument("--cases-csv", type=Path, default=None,
                   help="the shared cases.csv, for case titles (default ../shared/cases/cases.csv from the repo root; "
                        "scoring uses DIR/history.csv or configs/cases/history.csv)")
    p.add_argument("--quiet", action="store_true", help="no per-case progress lines")
    p.set_defaults(func=main)


def main(args) -> int:
    from ..cases import DEFAULT_DIR, run_backtest, summary_text

    bt = run_backtest(args.dir or DEFAULT_DIR, reps=args.reps, seed=args.seed, jobs=args.jobs,
                      cases_csv=args.cases_csv, progress=not args.quiet)
    files = bt.save(args.out)
    print(bt.markdown())
    print(summary_text(bt))
    print(f"  results in {args.out}/ ({', '.join(f.name for f in files)})")
    return 0
