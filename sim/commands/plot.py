"""``sim plot DIR``: redraw every table and plot of a stored experiment without running anything."""

from __future__ import annotations

from pathlib import Path

from ..config import ConfigError


def register(sub) -> None:
    p = sub.add_parser("plot", help="redraw the plots of a stored experiment")
    p.add_argument("dir", type=Path, help="an experiment's output folder")
    p.set_defaults(func=main)


def main(args) -> int:
    from ..experiments.analysis import analyse

    if not (args.dir / "manifest.json").is_file():
        raise ConfigError(f"{args.dir} holds no experiment results (no manifest.json); give the folder `sim experiment` wrote.")
    files = analyse(args.dir)
    print(f"{len(files)} tables and plots in {args.dir}/plots and {args.dir}/analysis")
    return 0
