"""``sim plot DIR``: redraw the plots of stored results without running anything.

DIR may be the folder of a ``sim experiment`` (every analysis table and plot), of a ``sim run`` (the
run's plots, e.g. after ``--no-plots``) or of a ``sim cases`` backtest (its heatmap). What the
folder holds is read from its ``manifest.json``; a folder holding none of these is refused in one
paragraph and nothing is created.
"""

from __future__ import annotations

from pathlib import Path

from ..config import ConfigError

WHAT = "give a folder that `sim run`, `sim experiment` or `sim cases` wrote"


def register(sub) -> None:
    p = sub.add_parser(
        "plot", help="redraw the plots of stored results (an experiment, a run or a backtest)"
    )
    p.add_argument(
        "dir", type=Path, help="an output folder of sim experiment, sim run or sim cases"
    )
    p.set_defaults(func=main)


def _need(path: Path, folder: Path, kind: str) -> None:
    if not path.is_file():
        raise ConfigError(
            f"{folder} holds {kind} but not its {path.name} (an interrupted or damaged run?); "
            f"rerun the command that made it, or {WHAT}."
        )


def main(args) -> int:
    from ..folders import Kind, kind_of, read_manifest

    folder = args.dir
    if not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder; {WHAT}.")
    read_manifest(folder)  # an unreadable manifest: one paragraph
    kind, manifest = kind_of(folder)
    if kind is Kind.EXPERIMENT:
        _need(folder / "plan.parquet", folder, "an experiment")
        from ..experiments.analysis import analyse

        files = analyse(folder)
        print(f"{len(files)} tables and plots in {folder}/plots and {folder}/analysis")
    elif kind is Kind.RUN:
        assert manifest is not None  # a run is known by its manifest
        files = plot_run(folder, manifest)
        print(f"{len(files)} plots of the run {manifest.get('scenario')} in {folder}/plots")
    elif kind is Kind.BACKTEST:
        _need(folder / "cases.parquet", folder, "a backtest")
        from ..cases_report import plot_heatmap

        plot_heatmap(_table(folder / "cases.parquet"), folder / "cases.png")
        print(f"the backtest's heatmap in {folder}/cases.png")
    else:
        found = (
            "result files but no manifest.json"
            if kind is Kind.UNKNOWN
            else "no results (no manifest.json)"
        )
        raise ConfigError(f"{folder} holds {found}; {WHAT}.")
    return 0


def plot_run(folder: Path, manifest: dict) -> list[Path]:
    """A ``sim run`` folder's plots, from its daily table and the config its manifest records."""
    from ..config import config_from_dict
    from ..folders import clear_plots
    from ..plots import plot_results

    _need(folder / "daily.parquet", folder, "a run")
    config = config_from_dict(
        manifest["config"], source=f"{folder / 'manifest.json'}, key `config`"
    )
    daily = _table(folder / "daily.parquet")
    clear_plots(folder)
    return plot_results(daily, config, folder / "plots")


def _table(path: Path):
    """A stored parquet table; a damaged one is a one-paragraph ConfigError."""
    import pandas as pd

    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise ConfigError(
            f"{path} cannot be read as a parquet table ({str(exc).splitlines()[0]}); it was "
            "damaged or is not one `sim` wrote. Rerun the command that made it."
        ) from None
