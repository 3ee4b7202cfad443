"""The analyst's outputs: `sim why`, `sim export --csv`, the printed outcome table, tables that
name their statistic, the history block (never read by the model) and the figures' fixes."""

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from sim import palette
from sim.cli import main
from sim.config import ConfigError, load_config
from sim.experiments.statistics import group_statistics, outcome_table
from sim.model import CrisisModel
from sim.why import explain, load_decision

from .conftest import CONFIGS

SMALL = [
    "--set",
    "city.width=30",
    "--set",
    "city.height=30",
    "--set",
    "horizon_days=25",
    "--set",
    "city.sites=[{name: palace, x: 15, y: 15}, {name: tv, x: 5, y: 25}]",
]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "kz"
    assert (
        main(
            [
                "run",
                str(CONFIGS / "kazakhstan_2022.yaml"),
                "--reps",
                "4",
                "--jobs",
                "1",
                "--quiet",
                "--out",
                str(out),
                *SMALL,
            ]
        )
        == 0
    )
    return out


def test_why_explains_the_first_deployment_by_default(run_dir, capsys):
    # README: "`sim why DIR` ... the first day Moscow chose deploy or limited, else the last day"
    log = pd.read_parquet(run_dir / "decisions.parquet")
    acted = log[log["outcome"].isin(["deploy", "limited"])]
    assert len(acted), "the small Kazakhstan run should deploy"
    rep = int(acted["rep"].min())  # the first replication that deploys
    first = acted[acted["rep"] == rep]
    day = int(first["day"].iloc[0])
    assert main(["why", str(run_dir), "--rep", str(rep)]) == 0
    text = capsys.readouterr().out
    assert f"run {rep}, day {day} (" in text and "Moscow chose `" in text
    assert "opposition" in text and "must stay below 0.50" in text and "costs" in text
    row = first.iloc[0]
    for f in ("trigger", "support", "opposition", "feasibility", "costs"):
        verdict = {"pass": "passes by", "near": "within the margin", "fail": "FAILS by"}[
            row[f"{f}_status"]
        ]
        line = next(x for x in text.splitlines() if x.strip().startswith(f))
        assert f"{row[f + '_perceived']:.2f} ({row[f + '_true']:.2f})" in line and verdict in line
    assert "Since day" in text and "The crisis that day:" in text


def test_why_says_a_force_is_held_when_the_rule_no_longer_passes(run_dir):
    log = pd.read_parquet(run_dir / "decisions.parquet")
    held = log[
        (log["state"] == "deployed")
        & log["outcome"].isin(["deploy", "limited"])
        & ~log["rule_verdict"].isin(["deploy", "limited"])
        & (log["troops_ordered"] == 0)
    ]
    assert len(held), "some day should hold a force the rule would not send"
    rep, day = int(held["rep"].iloc[0]), int(held["day"].iloc[0])
    text = explain(load_decision(run_dir, rep, day))
    assert (
        "The force is held, though the rule today says" in text
        and "stays until order has held" in text
    )


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--day", "999"], "has no decision that day; Moscow decided on days 1 to 25"),
        (["--rep", "7"], "has no run 7; its runs are 0 to 3"),
        (["--point", "1"], "leave --point out"),
    ],
)
def test_why_bad_input_is_one_paragraph_and_exit_2(run_dir, capsys, args, expected):
    assert main(["why", str(run_dir), *args]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and err.count("\n") == 1


def test_why_on_a_missing_folder(tmp_path, capsys):
    assert main(["why", str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err


def test_export_writes_every_table_as_csv(run_dir, capsys, tmp_path):
    assert main(["export", str(run_dir), "--csv"]) == 0
    for name in ("daily", "summary", "decisions"):
        parquet = pd.read_parquet(run_dir / f"{name}.parquet")
        csv = pd.read_csv(run_dir / f"{name}.csv")
        assert list(csv.columns) == list(parquet.columns) and len(csv) == len(parquet)
    summary = pd.read_csv(run_dir / "summary.csv")
    expected = pd.read_parquet(run_dir / "summary.parquet")
    assert (
        summary["deploy_day"].isna().sum() == expected["deploy_day"].isna().sum()
    )  # empty stays empty
    assert np.allclose(summary["peak_unrest"], expected["peak_unrest"])
    assert not list(run_dir.glob(".*.tmp"))  # written through a temporary file, renamed
    assert main(["export", str(run_dir)]) == 2
    assert "--csv" in capsys.readouterr().err
    assert main(["export", str(tmp_path), "--csv"]) == 2
    assert "holds no result tables" in capsys.readouterr().err


TINY_SPEC = """
name: tiny
base: {base}
set:
  city.width: 20
  city.height: 20
  horizon_days: 12
  city.sites: [{{name: palace, x: 10, y: 10}}]
replications: 3
variants:
  baseline: {{}}
  no request: {{set: {{host.can_request: false}}}}
outcomes: [deployed, deploy_day, peak_troops, regime_survived]
"""


def test_experiment_prints_an_outcome_table_and_exports_its_parts(tmp_path, capsys):
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY_SPEC.format(base=CONFIGS / "kazakhstan_2022.yaml"))
    out = tmp_path / "o"
    assert main(["experiment", str(spec), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "failed" not in printed  # nothing failed, so nothing said about failures
    summary = pd.read_parquet(out / "summary")
    lines = printed.splitlines()
    head = next(i for i, line in enumerate(lines) if line.strip().startswith("variant"))
    assert (
        "deployed" in lines[head]
        and "median deploy day" in lines[head]
        and "regime survived" in lines[head]
    )
    for name in ("baseline", "no request"):
        part = summary[summary["point_name"] == name]
        row = next(line for line in lines[head:] if line.strip().startswith(name))
        assert (
            f"{part['deployed'].mean():.0%}" in row
            and f"{part['regime_survived'].mean():.0%}" in row
        )
    assert "none deployed" in next(
        line for line in lines[head:] if line.strip().startswith("no request")
    )
    table = pd.read_csv(out / "analysis" / "outcomes.csv")
    assert {
        "share_deployed",
        "median_deploy_day_if_deployed",
        "share_deployed_by_day_7",
        "median_peak_troops_if_deployed",
        "share_regime_survived",
    } <= set(table.columns)
    assert "deploy_day" not in table.columns and "deployed" not in table.columns
    assert main(["export", str(out), "--csv"]) == 0
    assert len(pd.read_csv(out / "daily.csv")) == len(pd.read_parquet(out / "daily"))
    assert (out / "plan.csv").is_file()
    assert main(["why", str(out), "--point", "1", "--rep", "2"]) == 0
    assert "point 1 (no request), run 2" in capsys.readouterr().out


def test_statistics_censor_days_instead_of_averaging_a_stand_in():
    summary = pd.DataFrame(
        {
            "point": [0, 0, 0, 0],
            "deployed": [True, True, False, False],
            "deploy_day": pd.array([2, 9, None, None], "Int64"),
            "peak_troops": [3000.4, 1999.6, 0.0, 0.0],
        }
    )
    row = group_statistics(summary, ["point"], ["deployed", "deploy_day", "peak_troops"]).iloc[0]
    assert row["share_deployed"] == 0.5
    assert row["median_deploy_day_if_deployed"] == 5.5  # over the two deploying runs only
    assert (
        row["share_deployed_by_day_7"] == 0.25
    )  # one of four runs by day 7; never-deployed runs count as not
    assert (
        row["median_peak_troops_if_deployed"] == 2500 and row["mean_peak_troops"] == 1250
    )  # whole soldiers
    assert (
        str(group_statistics(summary, ["point"], ["peak_troops"]).dtypes["mean_peak_troops"])
        == "Int64"
    )


def test_outcome_table_for_a_large_design_is_one_line():
    summary = pd.DataFrame(
        {
            "point": range(30),
            "point_name": [f"p{i}" for i in range(30)],
            "deployed": [True] * 30,
            "deploy_day": pd.array([4] * 30, "Int64"),
            "regime_survived": [False] * 30,
        }
    )
    text = outcome_table(summary)
    assert (
        text.count("\n") == 0
        and "30 points, 30 runs: deployed in 100%" in text
        and "points.csv" in text
    )


def test_history_block_never_feeds_the_model():
    # README: "the model never reads" the history block
    config = load_config(
        CONFIGS / "kazakhstan_2022.yaml",
        [
            "city.width=24",
            "city.height=24",
            "horizon_days=15",
            "city.sites=[{name: a, x: 12, y: 12}]",
        ],
    )
    assert config.history is not None and config.history.timeline
    bare = config.model_copy(update={"history": None})
    with_history = CrisisModel(config, rng=7).run().datacollector.get_model_vars_dataframe()
    without = CrisisModel(bare, rng=7).run().datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(with_history, without)


@pytest.mark.parametrize(
    "override,expected",
    [
        ("history.timeline=[{day: 3, event: requets}]", "Did you mean 'request'"),
        ("history.magnitudes={peak_troop: {value: 2030}}", "peak_troop"),
        ("history.magnitudes={deaths: {value: 225, low: 230}}", "low <= value <= high"),
    ],
)
def test_history_mistakes_are_clear(override, expected):
    with pytest.raises(ConfigError, match=expected):
        load_config(CONFIGS / "kazakhstan_2022.yaml", [override])


def test_history_magnitudes_are_summary_columns_or_persons():
    import typing

    from sim.config.schema import MagnitudeName
    from sim.history import MAGNITUDE_COLUMNS
    from sim.records import SUMMARY_COLUMNS

    names = {MAGNITUDE_COLUMNS.get(n, n) for n in typing.get_args(MagnitudeName)}
    assert names <= set(SUMMARY_COLUMNS)


def test_one_colour_per_country_in_plots_and_dashboard():
    from sim.app import city as dashboard_map

    russia = palette.country_colour("Russia")
    assert russia == palette.series_colour("troops_russia")
    assert f"background:{russia}'></i>Russia troops" in dashboard_map.legend(("Russia",), 50)
    assert palette.series_colour("unrest_belarus") == palette.series_colour("troops_belarus")
    colours = [
        palette.country_colour(c)
        for c in ("Russia", "Armenia", "Belarus", "Kyrgyzstan", "Tajikistan")
    ]
    assert len(set(colours)) == len(colours)
    assert palette.country_colour("Narnia") == palette.country_colour(
        "troops_narnia"
    )  # stable for any name


def test_no_troops_plot_says_so_instead_of_drawing_empty_axes(tmp_path):
    # README: an empty troops plot under no_request says "no troops in any run"
    out = tmp_path / "nr"
    assert (
        main(
            [
                "run",
                str(CONFIGS / "kazakhstan_2022" / "no_request.yaml"),
                "--reps",
                "2",
                "--jobs",
                "1",
                "--quiet",
                "--out",
                str(out),
                *SMALL,
            ]
        )
        == 0
    )
    assert not pd.read_parquet(out / "summary.parquet")["deployed"].any()
    empty = matplotlib.image.imread(out / "plots" / "troops.png")
    full = matplotlib.image.imread(out / "plots" / "unrest.png")
    assert (
        empty.shape[0] < full.shape[0] / 1.5
    )  # the one-line message figure, not a plot with a legend


def test_readme_why_example_is_what_sim_why_prints(tmp_path, capsys):
    # README: the `sim why results/kazakhstan_2022` example (run 0 of the baseline, seed 0)
    text = (CONFIGS.parent / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- why-example -->", 1)[1].split("```", 2)[1]
    expected = [
        line for line in block.splitlines()[1:] if line.strip() and not line.startswith("$")
    ]
    out = tmp_path / "kz"
    assert (
        main(
            [
                "run",
                str(CONFIGS / "kazakhstan_2022.yaml"),
                "--reps",
                "1",
                "--jobs",
                "1",
                "--quiet",
                "--no-plots",
                "--out",
                str(out),
            ]
        )
        == 0
    )  # replication 0 is the same whatever the count
    capsys.readouterr()
    assert main(["why", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(expected) >= 7 and all(line in printed for line in expected)


def test_time_plots_mark_history_and_calendar_dates():
    # README: dotted lines at the history's dated facts; calendar dates under the day numbers
    import matplotlib.pyplot as plt

    from sim.plots import day_axis, mark_history

    history = load_config(CONFIGS / "kazakhstan_2022.yaml").history
    fig, ax = plt.subplots()
    assert mark_history(ax, history)
    assert sorted(line.get_xdata()[0] for line in ax.lines) == [f.day for f in history.timeline]
    day_axis(ax, history)
    assert ax.xaxis.get_major_formatter()(4, 0) == "4\n6 Jan" and "2 Jan 2022" in ax.get_xlabel()
    plt.close(fig)
    fig, ax = plt.subplots()
    assert not mark_history(ax, None) and not ax.lines  # a scenario without history: nothing drawn
    plt.close(fig)
