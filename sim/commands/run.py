"""``sim run CONFIG``: replications of one scenario, their result files, plots and summary.

Everything a user can get wrong is checked before the first replication: the config and the
overrides, the plan's size, the output folder (another run's results there are refused unless
``--force``) and whether it can be written. A run with ``--set`` overrides goes by default to its
own folder, ``results/<name>--set-<hash of the overrides>``, so it never replaces the baseline's.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from ..parallel import start_worker_server

MAX_SEED = 2**63 - 1


def positive(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def seed(text: str) -> int:
    """argparse type: a root seed, a whole number from 0 to 2**63 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number; a seed is 0 to {MAX_SEED}"
        ) from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{value} is outside 0 to {MAX_SEED} (2**63 - 1)")
    return value


def register(sub) -> None:
    run = sub.add_parser("run", help="run a scenario's replications and write results and plots")
    run.add_argument(
        "config",
        help="scenario YAML, e.g. configs/kazakhstan_2022.yaml, or a shipped scenario's "
        "name, e.g. kazakhstan_2022 or kazakhstan_2022/no_request",
    )
    run.add_argument("--reps", type=positive, default=50, help="replications (default 50)")
    run.add_argument("--seed", type=seed, default=0, help="root seed, 0 to 2**63-1 (default 0)")
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default results/<config name>/, or results/<config name>--set-<hash>/ "
        "with overrides)",
    )
    run.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config key, e.g. --set russia.rule=weighted (repeatable)",
    )
    run.add_argument(
        "--jobs", type=positive, default=None, help="worker processes (default: all cores)"
    )
    run.add_argument(
        "--no-plots", action="store_true", help="skip the plots (and remove an earlier run's)"
    )
    run.add_argument(
        "--force", action="store_true", help="replace another run's results in the output folder"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument(
        "--posterior",
        type=Path,
        default=None,
        metavar="PATH",
        help="draw each replication's parameters from a calibration's posterior (its "
        "posterior.parquet or output folder), e.g. "
        "configs/calibration/kazakhstan_2022.posterior.parquet",
    )
    run.set_defaults(func=main)


def default_folder(name: str, overrides: list[str], posterior=None) -> Path:
    """``results/<name>``, or ``results/<name>--set-<6 hex digits>`` for a run with overrides (the
    hash of the sorted overrides, so the same overrides always land in the same folder), with
    ``--posterior-<6 hex digits of the posterior file>`` after it for a run with a posterior."""
    folder = name
    if overrides:
        digest = hashlib.sha256(
            "\n".join(sorted(o.strip() for o in overrides)).encode()
        ).hexdigest()[:6]
        folder = f"{name}--set-{digest}"
    if posterior is not None:
        folder += f"--posterior-{posterior.sha256[:6]}"
    return Path("results") / folder


def main(args) -> int:
    from ..bundled import find_config
    from ..config import load_config
    from ..files import check_writable
    from ..folders import Kind, claim, clear_plots
    from ..limits import check_reps

    path = find_config(args.config)
    config = load_config(path, args.overrides)
    check_reps(args.reps)
    posterior, configs = None, None
    if args.posterior is not None:
        from ..calibration.posterior import draw_configs, load_posterior

        posterior = load_posterior(args.posterior)
        draws = posterior.draws(args.reps, args.seed)
        configs = draw_configs(config, posterior, draws, str(path))
    out = args.out or default_folder(config.name, args.overrides, posterior)
    identity = {
        "config": config.model_dump(mode="json"),
        "root_seed": args.seed,
        "replications": args.reps,
    }
    if posterior is not None:
        identity["posterior"] = posterior.sha256
    claim(
        out,
        Kind.RUN,
        identity,
        args.force,
        {
            "config": "the resolved config",
            "root_seed": "the seed (--seed)",
            "replications": "--reps",
            "posterior": "the posterior (--posterior)",
        },
    )
    check_writable(out)
    start_worker_server(args.jobs)
    from ..runner import run_replications

    results = run_replications(
        config,
        reps=args.reps,
        seed=args.seed,
        jobs=args.jobs,
        progress=not args.quiet,
        configs=configs,
    )
    results.extra.update(config_file=str(path), overrides=list(args.overrides))
    if (
        posterior is not None
    ):  # the digest names the posterior for `claim`; the draws are the provenance
        results.extra.update(posterior=posterior.sha256, posterior_draws=posterior.record(draws))
    (out / "manifest.json").unlink(
        missing_ok=True
    )  # the old run's record goes first, written back last
    clear_plots(out)  # no plot of an earlier run stays beside the new data
    results.save(out)
    if not args.no_plots:
        results.plot(out)
    print(results.describe())
    print(
        f"  results in {out}/ (daily.parquet, summary.parquet, decisions.parquet, manifest.json"
        f"{', plots/' if not args.no_plots else ''})"
    )
    return 0
