"""The ``sim`` command line: one subcommand per module in ``sim.commands``.

A user mistake (a bad config, override or spec) prints one paragraph naming the file, the key, the
bad value and what is allowed, and exits with code 2, without a traceback. A fault that ends a run
early (``RunAborted``: workers that keep dying, a lost Dask scheduler) is one paragraph and exit 1.
SIGINT (Ctrl-C) and SIGTERM stop a command the same way (``sim.interrupts``): one line saying what
was kept, exit 128 + the signal's number (130, 143).
"""

from __future__ import annotations

import argparse
import signal
import sys

from .commands import calibrate, cases, discover, experiment, export, plot, run, viz, why
from .config import ConfigError
from .interrupts import RunAborted, handling

COMMANDS = [
    run,
    viz,
    experiment,
    plot,
    cases,
    discover,
    why,
    export,
    calibrate,
]  # each module: register(subparsers) sets args.func


def version() -> str:
    """The installed package's version (``sim --version``)."""
    from importlib import metadata

    try:
        return metadata.version("moscow-sim")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim", description="Moscow's five-factor intervention calculus, simulated."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with handling():
            return args.func(args)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except RunAborted as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt as stop:  # sim.interrupts.Interrupted, or a bare Ctrl-C
        signum = getattr(stop, "signum", signal.SIGINT)
        detail = getattr(stop, "detail", "")
        name = signal.Signals(signum).name
        print(f"interrupted ({name}){': ' + detail if detail else ''}", file=sys.stderr)
        return 128 + signum
    except (
        OSError
    ) as err:  # an ordinary fault of the machine: a full disk, a folder gone, no permission
        where = f" {err.filename}" if err.filename else ""
        print(
            f"error:{where} {err.strerror or err}. Nothing else went wrong; free the space, fix "
            "the permission or choose another folder (--out), and run the command again.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
