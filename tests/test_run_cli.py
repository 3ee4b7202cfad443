"""`sim run`: every output file, the column contract, the manifest, reproducibility through the CLI."""

import json

import pandas as pd
import pytest

from sim.cli import main
from sim.decision import FACTORS
from sim.records import SUMMARY_COLUMNS

from .conftest import CONFIGS

DAILY_REQUIRED = [
    "rep", "day", "active_share", "quiet_share", "jailed_share", "sites_held", "legitimacy", "regime_threat",
    "regime_status", "police_strength", "decision", "troops_total", "troops_russia", "troops_armenia",
    "troops_belarus", "troops_kyrgyzstan", "troops_tajikistan", "sanctions", "unrest_armenia", "unrest_belarus",
    "unrest_kyrgyzstan", "unrest_tajikistan", "reputation", "territory_share",
] + [f"{f}_{k}" for f in FACTORS for k in ("perceived", "true", "gap")]
DECISION_REQUIRED = ["rep", "day", "outcome", "rule", "score", "failed", "near_miss"] + [
    f"{f}_{k}" for f in FACTORS for k in ("perceived", "true")]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("kz")
    assert main(["run", str(CONFIGS / "kazakhstan_2022.yaml"), "--reps", "4", "--seed", "5", "--out", str(out),
                 "--quiet", "--jobs", "2"]) == 0
    return out


def test_every_output_file_is_written(run_dir):
    for name in ("daily.parquet", "summary.parquet", "decisions.parquet", "manifest.json"):
        assert (run_dir / name).stat().st_size > 0
    plots = {p.name for p in (run_dir / "plots").glob("*.png")}
    assert {"unrest.png", "troops.png", "factors.png", "regime_threat.png", "sanctions.png", "ally_unrest.png"} <= plots


def test_column_contract(run_dir):
    daily = pd.read_parquet(run_dir / "daily.parquet")
    assert set(DAILY_REQUIRED) <= set(daily.columns)
    assert len(daily) == 4 * 61 and sorted(daily["rep"].unique()) == [0, 1, 2, 3]
    summary = pd.read_parquet(run_dir / "summary.parquet")
    assert list(summary.columns) == list(SUMMARY_COLUMNS) and len(summary) == 4
    assert summary["deployed"].dtype == bool and summary["regime_survived"].dtype == bool
    decisions = pd.read_parquet(run_dir / "decisions.parquet")
    assert set(DECISION_REQUIRED) <= set(decisions.columns)
    assert set(decisions["outcome"]) <= {"watch", "decline", "delay", "limited", "deploy", "withdraw"}


def test_manifest_carries_config_seeds_versions(run_dir):
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["root_seed"] == 5 and len(m["seeds"]) == 4
    assert m["config"]["host"]["name"] == "Kazakhstan"
    assert {"python", "mesa", "numpy", "pandas"} <= set(m["versions"])
    summary = pd.read_parquet(run_dir / "summary.parquet")
    assert summary["seed"].tolist() == m["seeds"]


def test_same_seed_same_daily_parquet(run_dir, tmp_path):
    assert main(["run", str(CONFIGS / "kazakhstan_2022.yaml"), "--reps", "4", "--seed", "5", "--out", str(tmp_path),
                 "--quiet", "--jobs", "1", "--no-plots"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(run_dir / "daily.parquet"), pd.read_parquet(tmp_path / "daily.parquet"))


def test_summary_is_printed(run_dir, capsys, tmp_path):
    main(["run", str(CONFIGS / "kazakhstan_2022.yaml"), "--reps", "2", "--out", str(tmp_path), "--quiet", "--no-plots"])
    out = capsys.readouterr().out
    assert "deployed in" in out and "median deploy day" in out and "regime survived" in out
