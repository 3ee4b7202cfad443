"""The ``sim`` command line: one subcommand per module in ``sim.commands``.

A user mistake (a bad config, override or spec) prints one paragraph naming the file, the key, the
bad value and what is allowed, and exits with code 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys

from .commands import run
from .commands import viz
from .commands import cases, experiment, plot
from .commands import discover, export, why
from .config import ConfigError

COMMANDS = [run, viz, experiment, plot, cases, discover, why, export]  # each module: register(subparsers) sets args.func


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sim", description="Moscow's five-factor intervention calculus, simulated.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
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
