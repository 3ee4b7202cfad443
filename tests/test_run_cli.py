"""`sim run`: every output file, the column contract, the manifest, reproducibility through the
CLI."""

import json

import pandas as pd
import pytest

from sim.cli import main
from sim.decision import FACTORS
from sim.records import SUMMARY_COLUMNS

from .conftest import CONFIGS

DAILY_REQUIRED = [
    "rep",
    "day",
    "active_share",
    "quiet_share",
    "jailed_share",
    "sites_held",
    "legitimacy",
    "regime_threat",
    "regime_status",
    "police_strength",
    "decision",
    "troops_total",
    "troops_russia",
    "troops_armenia",
    "troops_belarus",
    "troops_kyrgyzstan",
    "troops_tajikistan",
    "sanctions",
    "unrest_armenia",
    "unrest_belarus",
    "unrest_kyrgyzstan",
    "unrest_tajikistan",
    "reputation",
    "territory_share",
] + [f"{f}_{k}" for f in FACTORS for k in ("perceived", "true", "gap")]
DECISION_REQUIRED = ["rep", "day", "outcome", "rule", "score", "failed", "near_miss"] + [
    f"{f}_{k}" for f in FACTORS for k in ("perceived", "true")
]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("kz")
    assert (
        main(
            [
                "run",
                str(CONFIGS / "kazakhstan_2022.yaml"),
                "--reps",
                "4",
                "--seed",
                "5",
                "--out",
                str(out),
                "--quiet",
                "--jobs",
                "2",
            ]
        )
        == 0
    )
    return out


def test_every_output_file_is_written(run_dir):
    for name in ("daily.parquet", "summary.parquet", "decisions.parquet", "manifest.json"):
        assert (run_dir / name).stat().st_size > 0
    plots = {p.name for p in (run_dir / "plots").glob("*.png")}
    assert {
        "unrest.png",
        "troops.png",
        "factors.png",
        "regime_threat.png",
        "sanctions.png",
        "ally_unrest.png",
    } <= plots


def test_column_contract(run_dir):
    daily = pd.read_parquet(run_dir / "daily.parquet")
    assert set(DAILY_REQUIRED) <= set(daily.columns)
    assert len(daily) == 4 * 61 and sorted(daily["rep"].unique()) == [0, 1, 2, 3]
    summary = pd.read_parquet(run_dir / "summary.parquet")
    assert list(summary.columns) == list(SUMMARY_COLUMNS) and len(summary) == 4
    assert summary["deployed"].dtype == bool and summary["regime_survived"].dtype == bool
    decisions = pd.read_parquet(run_dir / "decisions.parquet")
    assert set(DECISION_REQUIRED) <= set(decisions.columns)
    assert set(decisions["outcome"]) <= {
        "watch",
        "decline",
        "delay",
        "limited",
        "deploy",
        "withdraw",
    }


def test_manifest_carries_config_seeds_versions(run_dir):
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["root_seed"] == 5 and len(m["seeds"]) == 4
    assert m["config"]["host"]["name"] == "Kazakhstan"
    assert {"python", "mesa", "numpy", "pandas"} <= set(m["versions"])
    summary = pd.read_parquet(run_dir / "summary.parquet")
    assert summary["seed"].tolist() == m["seeds"]


def test_same_seed_same_daily_parquet(run_dir, tmp_path):
    assert (
        main(
            [
                "run",
                str(CONFIGS / "kazakhstan_2022.yaml"),
                "--reps",
                "4",
                "--seed",
                "5",
                "--out",
                str(tmp_path),
                "--quiet",
                "--jobs",
                "1",
                "--no-plots",
            ]
        )
        == 0
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(run_dir / "daily.parquet"), pd.read_parquet(tmp_path / "daily.parquet")
    )


def test_summary_is_printed(run_dir, capsys, tmp_path):
    code = main(
        [
            "run",
            str(CONFIGS / "kazakhstan_2022.yaml"),
            "--reps",
            "2",
            "--out",
            str(tmp_path),
            "--quiet",
            "--no-plots",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "deployed in" in out and "median deploy day" in out and "regime survived" in out


def test_troop_counts_are_whole_soldiers(run_dir):
    summary = pd.read_parquet(run_dir / "summary.parquet")
    assert summary["peak_troops"].dtype == "int64" and (summary["peak_troops"] > 0).all()
    daily = pd.read_parquet(run_dir / "daily.parquet")
    troops = [c for c in daily.columns if c.startswith("troops_")] + ["host_army"]
    for col in troops:
        assert daily[col].dtype == "int64", col
    assert (
        daily[[c for c in troops if c not in ("troops_total", "host_army")]].sum(axis=1)
        == daily["troops_total"]
    ).all()
    decisions = pd.read_parquet(run_dir / "decisions.parquet")
    assert decisions["troops_ordered"].dtype == "int64"


def test_version_is_printed(capsys):
    from importlib import metadata

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"sim {metadata.version('moscow-sim')}"


def _run(out, *extra, config="kazakhstan_2022.yaml"):
    return main(
        [
            "run",
            str(CONFIGS / config),
            "--reps",
            "2",
            "--seed",
            "1",
            "--jobs",
            "1",
            "--quiet",
            "--no-plots",
            *(["--out", str(out)] if out else []),
            *extra,
        ]
    )


def test_a_set_run_goes_to_its_own_folder_and_leaves_the_baseline_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _run(None) == 0
    baseline = tmp_path / "results" / "kazakhstan_2022"
    before = {p.name: p.read_bytes() for p in baseline.iterdir() if p.is_file()}
    assert _run(None, "--set", "russia.rule=weighted") == 0
    assert {p.name: p.read_bytes() for p in baseline.iterdir() if p.is_file()} == before
    folders = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert len(folders) == 2 and folders[1].startswith("kazakhstan_2022--set-")
    m = json.loads((tmp_path / "results" / folders[1] / "manifest.json").read_text())
    assert (
        m["overrides"] == ["russia.rule=weighted"] and m["config"]["russia"]["rule"] == "weighted"
    )
    # the same overrides, in any order, land in the same folder
    assert _run(None, "--set", "west.resolve=0.9", "--set", "russia.rule=weighted") == 0
    assert _run(None, "--set", "russia.rule=weighted", "--set", "west.resolve=0.9") == 0
    assert len(list((tmp_path / "results").iterdir())) == 3


def test_a_folder_of_another_run_is_refused_unless_forced(tmp_path, capsys):
    out = tmp_path / "o"
    assert _run(out) == 0
    daily = (out / "daily.parquet").read_bytes()
    assert _run(out) == 0  # the identical run again overwrites its own identical results
    assert (out / "daily.parquet").read_bytes() == daily
    capsys.readouterr()
    for extra, names in [
        (["--seed", "2"], "--seed"),
        (["--reps", "3"], "--reps"),
        (["--set", "host.legitimacy=0.7"], "host.legitimacy"),
    ]:
        assert _run(out, *extra) == 2
        err = capsys.readouterr().err
        assert "another run" in err and names in err and "--force" in err, err
        assert (out / "daily.parquet").read_bytes() == daily
    assert _run(out, "--set", "host.legitimacy=0.7", "--force") == 0
    assert json.loads((out / "manifest.json").read_text())["config"]["host"]["legitimacy"] == 0.7


def test_no_plots_removes_an_earlier_runs_plots_and_sim_plot_redraws_them(tmp_path, capsys):
    out = tmp_path / "o"
    assert (
        main(
            [
                "run",
                str(CONFIGS / "kazakhstan_2022.yaml"),
                "--reps",
                "2",
                "--jobs",
                "1",
                "--quiet",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert len(list((out / "plots").glob("*.png"))) >= 6
    assert (
        _run(out, "--seed", "0", "--reps", "2", "--force") == 0
    )  # --no-plots: the old plots must go
    assert not (out / "plots").exists()
    # `sim plot` on a `sim run` folder draws the run's plots from its tables
    assert main(["plot", str(out)]) == 0
    assert {"unrest.png", "troops.png", "factors.png", "overview.png"} <= {
        p.name for p in (out / "plots").iterdir()
    }
    assert "plots of the run kazakhstan_2022" in capsys.readouterr().out
    assert not any((out / name).exists() for name in ("batches", "daily", "summary", "analysis"))
