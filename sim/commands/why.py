"""``sim why DIR [--rep R] [--day D] [--point P]``: one of Moscow's decisions explained in words."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "why", help="explain one of Moscow's decisions in plain words, from the decision log"
    )
    p.add_argument("dir", type=Path, help="a folder written by `sim run` or `sim experiment`")
    p.add_argument("--rep", type=int, default=0, help="which replication (default 0)")
    p.add_argument(
        "--day",
        type=int,
        default=None,
        help="which day (default: the first day Moscow chose deploy or limited, else the last day)",
    )
    p.add_argument("--point", type=int, default=None, help="an experiment's point (default 0)")
    p.set_defaults(func=main)


def main(args) -> int:
    from ..why import explain, load_decision

    print(explain(load_decision(args.dir, args.rep, args.day, args.point)))
    return 0
