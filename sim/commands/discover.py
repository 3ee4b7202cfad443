"""``sim discover DIR --outcome EXPR``: scenario discovery (PRIM boxes, a CART tree, feature scores)
on a stored experiment with a sampled design; nothing is run."""

from __future__ import annotations

import argparse
from pathlib import Path


def share(text: str) -> float:
    """argparse type: a number above 0 and at most 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not a share above 0 and at most 1")
    return value


def register(sub) -> None:
    p = sub.add_parser(
        "discover", help="which settings lead to an outcome: PRIM boxes, CART, feature scores"
    )
    p.add_argument(
        "dir", type=Path, help="an experiment's output folder (a design: lhs, sobol, morris, grid)"
    )
    p.add_argument(
        "--outcome",
        required=True,
        metavar="EXPR",
        help="a yes/no question about each run, e.g. 'deployed', 'regime_survived == False', "
        "'deploy_day <= 5'",
    )
    p.add_argument(
        "--where",
        default=None,
        metavar="EXPR",
        help="only the runs where this holds, e.g. 'deployed'",
    )
    p.add_argument(
        "--method",
        choices=("prim", "cart", "both"),
        default="both",
        help="PRIM boxes, a CART tree, or both (default); feature scores always",
    )
    p.add_argument(
        "--threshold",
        type=share,
        default=0.8,
        help="density (share of yes inside) PRIM's box must reach (default 0.8)",
    )
    p.add_argument("--boxes", type=int, default=3, help="most PRIM boxes (default 3)")
    p.add_argument("--depth", type=int, default=3, help="CART tree depth (default 3)")
    p.set_defaults(func=main)


def main(args) -> int:
    from ..experiments.discover import discover

    found = discover(
        args.dir,
        args.outcome,
        args.method,
        args.threshold,
        args.where,
        max(1, args.boxes),
        max(1, args.depth),
    )
    assert found.folder is not None  # discover() writes its report into the folder
    print((found.folder / "report.txt").read_text(encoding="utf-8"), end="")
    return 0
