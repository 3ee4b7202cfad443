"""Calibration (issue 14): `sim calibrate` recovers a known parameter, resumes after kill -9, runs
on a Dask scheduler with the same result, and its posterior widens `sim run`'s bands.

The small specs here use the Kazakhstan baseline cut to 25 days (the targets all fall before day 20)
and one free parameter, `russia.force_per_site`, which sets the size of the force (peak troops).
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.calibration.posterior import load_posterior
from sim.calibration.report import weighted_quantiles
from sim.calibration.spec import load_spec, statistics
from sim.cli import main
from sim.config import load_config
from sim.records import SUMMARY_COLUMNS
from sim.runner import simulate

from .conftest import CONFIGS, ROOT

KAZ = CONFIGS / "kazakhstan_2022.yaml"
TRUTH = 300.0  # troops per strategic site that make the toy's "history"
SHIPPED = CONFIGS / "calibration" / "kazakhstan_2022.yaml"
SHIPPED_POSTERIOR = CONFIGS / "calibration" / "kazakhstan_2022.posterior.parquet"


def toy_observed() -> float:
    """The toy's history: the median peak force over five runs at the true parameter."""
    cfg = load_config(KAZ, ["horizon_days=25", f"russia.force_per_site={TRUTH}"])
    return float(np.median([simulate(cfg, seed)[1]["peak_troops"] for seed in range(5)]))


def write_spec(
    folder, observed: float, population=30, generations=3, predictive=10, **extra
) -> str:
    spec = {
        "name": "toy",
        "base": str(KAZ),
        "set": {"horizon_days": 25},
        "seed": 1,
        "parameters": {
            "russia.force_per_site": {
                "prior": "uniform",
                "low": 100,
                "high": 800,
                "why": "the test's unknown",
            }
        },
        "targets": [{"statistic": "peak_troops", "observed": observed, "scale": 100}],
        "population": population,
        "generations": generations,
        "predictive": predictive,
        **extra,
    }
    path = folder / "toy.yaml"
    path.write_text(yaml.safe_dump(spec))
    return str(path)


def posterior_interval(out, q=(0.05, 0.95)) -> list[float]:
    post = pd.read_parquet(out / "posterior.parquet")
    return weighted_quantiles(
        post["russia.force_per_site"].to_numpy(float), post["weight"].to_numpy(float), q
    )


@pytest.mark.slow
def test_toy_calibration_recovers_a_known_parameter(tmp_path, capsys):
    # README "Calibration": a calibration on a toy target recovers a known parameter within its
    # credible interval.
    spec = write_spec(tmp_path, toy_observed())
    assert main(["calibrate", spec, "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    lo, hi = posterior_interval(tmp_path / "out")
    assert lo <= TRUTH <= hi, (lo, hi)
    assert hi - lo < 0.6 * (800 - 100), "the posterior should be narrower than the prior"
    out = tmp_path / "out"
    for name in (
        "posterior.parquet",
        "generations.csv",
        "predictive.parquet",
        "predictive_check.csv",
        "manifest.json",
        "plots/marginals.png",
        "plots/pairs.png",
        "plots/generations.png",
        "plots/predictive_check.png",
    ):
        assert (out / name).is_file(), name
    gens = pd.read_csv(out / "generations.csv")
    assert list(gens["generation"]) == [0, 1, 2] and (gens["acceptance"] <= 1).all()
    assert (
        gens["epsilon"] > 0
    ).all()  # (adaptive distance: rescaled each generation, so not monotone)
    check = pd.read_csv(out / "predictive_check.csv")
    assert set(check.columns) >= {"target", "observed", "p10", "median", "p90", "covered"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 1 and manifest["versions"]["pyabc"] != "not installed"
    assert "toy" in capsys.readouterr().out


def _generations_stored(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("select count(*) from populations where t >= 0").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_kill_9_then_rerun_resumes_from_the_last_generation(tmp_path):
    # README "Calibration": a calibration killed with kill -9 resumes from its last finished
    # generation.
    spec = write_spec(tmp_path, 1500.0, population=20, generations=4)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "sim", "calibrate", spec, "--out", str(out), "--jobs", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 240
    while (
        _generations_stored(out / "calibration.db") < 1
        and proc.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = _generations_stored(out / "calibration.db")
    assert 1 <= stored < 4, f"killed after {stored} generations: the test needs it killed mid-run"
    again = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed_from_generation"] == stored
    assert manifest["generations"] == 4
    assert f"resumed after generation {stored}" in again.stdout


@pytest.mark.slow
def test_a_dask_scheduler_gives_the_same_posterior_as_local_processes(tmp_path):
    # README "Calibration": --scheduler runs on a Dask cluster; the seeded batches make the
    # posterior the same at any --jobs and on Dask.
    from distributed import LocalCluster

    spec = write_spec(tmp_path, 1500.0, population=12, generations=2, predictive=6)
    assert main(["calibrate", spec, "--out", str(tmp_path / "local"), "--jobs", "1"]) == 0
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        code = main(
            [
                "calibrate",
                spec,
                "--out",
                str(tmp_path / "dask"),
                "--scheduler",
                cluster.scheduler_address,
            ]
        )
    assert code == 0
    assert main(["calibrate", spec, "--out", str(tmp_path / "pool"), "--jobs", "2"]) == 0
    local = pd.read_parquet(tmp_path / "local" / "posterior.parquet")
    dask = pd.read_parquet(tmp_path / "dask" / "posterior.parquet")
    assert len(dask) == 12
    pd.testing.assert_frame_equal(local, dask)
    pd.testing.assert_frame_equal(local, pd.read_parquet(tmp_path / "pool" / "posterior.parquet"))
    assert "Dask" in json.loads((tmp_path / "dask" / "manifest.json").read_text())["where"]


def _posterior(path, values) -> None:
    pd.DataFrame(
        {"russia.force_per_site": values, "weight": np.full(len(values), 1 / len(values))}
    ).to_parquet(path)


@pytest.mark.slow
def test_run_with_a_wide_posterior_has_wider_bands_than_fixed_parameters(tmp_path, capsys):
    # README "Calibration": `sim run --posterior` draws each replication's parameters, so its bands
    # carry parameter uncertainty and are wider than the fixed-parameter bands where the posterior
    # is wide.
    _posterior(tmp_path / "wide.parquet", np.linspace(100, 1000, 40))
    common = [
        "run",
        str(KAZ),
        "--reps",
        "16",
        "--jobs",
        "1",
        "--no-plots",
        "--quiet",
        "--set",
        "horizon_days=25",
    ]
    assert main([*common, "--out", str(tmp_path / "fixed")]) == 0
    assert (
        main(
            [
                *common,
                "--out",
                str(tmp_path / "drawn"),
                "--posterior",
                str(tmp_path / "wide.parquet"),
            ]
        )
        == 0
    )

    def spread(folder):
        peak = pd.read_parquet(folder / "summary.parquet")["peak_troops"].astype(float)
        return peak.quantile(0.9) - peak.quantile(0.1)

    assert spread(tmp_path / "drawn") > 2 * spread(tmp_path / "fixed")
    manifest = json.loads((tmp_path / "drawn" / "manifest.json").read_text())
    draws = manifest["posterior_draws"]["draws"]
    assert len(draws) == 16 and len({d["russia.force_per_site"] for d in draws}) > 5


def test_posterior_draws_are_reproducible_and_follow_the_weights(tmp_path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"russia.force_per_site": [100.0, 900.0], "weight": [0.9, 0.1]}).to_parquet(path)
    post = load_posterior(path)
    a, b = post.draws(2000, 5), post.draws(2000, 5)
    assert a == b
    share = np.mean([d["russia.force_per_site"] == 100.0 for d in a])
    assert 0.87 < share < 0.93


@pytest.mark.parametrize(
    "frame,phrase",
    [
        (pd.DataFrame({"russia.force_per_site": [1.0]}), "needs a `weight` column"),
        (
            pd.DataFrame({"russia.forces_per_site": [1.0], "weight": [1.0]}),
            "Did you mean 'force_per_site'",
        ),
        (pd.DataFrame({"russia.force_per_site": [1.0], "weight": [-1.0]}), "at least 0"),
    ],
    ids=["no weight", "unknown key", "negative weight"],
)
def test_a_bad_posterior_is_one_paragraph_and_exit_2(frame, phrase, tmp_path, capsys):
    frame.to_parquet(tmp_path / "p.parquet")
    out = tmp_path / "out"
    code = main(
        [
            "run",
            str(KAZ),
            "--reps",
            "1",
            "--out",
            str(out),
            "--posterior",
            str(tmp_path / "p.parquet"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and phrase in err and "Traceback" not in err, err
    assert not out.exists()


def test_targets_may_use_every_numeric_summary_column():
    # a column added to summary.parquet (issue 12's detained_total, deaths, ...) is a target at once
    assert set(statistics()) == set(SUMMARY_COLUMNS) - {"rep", "seed", "outcome", "form"}


def test_the_shipped_spec_is_valid_and_says_why_for_every_prior():
    spec = load_spec(SHIPPED)
    assert 4 <= len(spec.parameters) <= 8
    assert all(len(p.why) > 40 for p in spec.parameters.values())
    assert len(spec.targets) >= 5


@pytest.mark.slow
def test_the_shipped_posterior_runs_on_the_kazakhstan_baseline(tmp_path):
    # README "Calibration": `sim run configs/kazakhstan_2022.yaml --posterior
    # configs/calibration/kazakhstan_2022.posterior.parquet` works on a fresh clone.
    out = tmp_path / "out"
    assert (
        main(
            [
                "run",
                str(KAZ),
                "--reps",
                "2",
                "--jobs",
                "1",
                "--no-plots",
                "--quiet",
                "--out",
                str(out),
                "--posterior",
                str(SHIPPED_POSTERIOR),
            ]
        )
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["posterior_draws"]["calibration"]["calibration"] == "kazakhstan_2022"
    assert set(manifest["posterior_draws"]["parameters"]) == set(load_spec(SHIPPED).parameters)


RECORD = ROOT / "docs" / "calibration"


def test_the_shipped_calibration_record_matches_the_readme():
    # README "Calibration": 8 generations of 300, 7,406 simulations, 3.6 minutes on 2 cores
    # (under 30); history inside the 10-90% band for all 8 targets; among the runs that deploy,
    # request day 2-3, landing 3-4, order 4-6, withdrawal 14-19; 21% of the runs send no troops.
    manifest = json.loads((RECORD / "manifest.json").read_text())
    assert manifest["generations"] == 8 and manifest["simulations"] == 7406
    assert manifest["spec"]["population"] == 300 and not manifest["quick"]
    assert manifest["where"] == "2 local processes"
    minutes = (manifest["wall_time_s"] + manifest["predictive_time_s"]) / 60
    assert 3.55 <= minutes < 3.65, minutes
    earlier = json.loads((RECORD / "manifest_first_edition.json").read_text())  # six parameters
    assert earlier["simulations"] == 8158 and len(earlier["spec"]["parameters"]) == 6
    assert 22 <= (earlier["wall_time_s"] + earlier["predictive_time_s"]) / 60 < 23
    check = pd.read_csv(RECORD / "predictive_check.csv").set_index("target")
    assert check["covered"].sum() == 8 == len(check)
    assert check.loc["request_day", "p90"] == 60  # the runs with no request reach the horizon


@pytest.mark.slow
def test_the_shipped_posteriors_deploying_runs_hold_history_in_narrow_bands(tmp_path):
    # README "Calibration": 21% of the posterior's runs send no troops; among those that deploy the
    # bands are narrow and hold history for all 8 targets. Recomputed from the shipped posterior.
    from sim.calibration.report import predictive
    from sim.calibration.run import Calibration
    from sim.calibration.simulator import Simulator
    from sim.calibration.spec import fixed_overrides
    from sim.parallel import InProcess

    spec = load_spec(SHIPPED)
    base = load_config(SHIPPED.parent / spec.base, fixed_overrides(spec))
    sim = Simulator(base, [(t.name, t.statistic) for t in spec.targets], list(spec.parameters))
    cal = Calibration(spec, SHIPPED, tmp_path, None, sim, {}, False, None, 0.0, "test")
    post = pd.read_parquet(SHIPPED_POSTERIOR)
    pred = predictive(cal, post, 300, InProcess())
    assert round(float((pred["peak_troops"] == 0).mean()), 2) == 0.21
    deployed = pred[pred["peak_troops"] > 0]
    bands = {
        t.name: (deployed[t.name].quantile(0.1), deployed[t.name].quantile(0.9))
        for t in spec.targets
    }
    assert bands["request_day"] == (2, 3) and bands["landing_day"] == (3, 4)
    assert bands["days_to_order"] == (4, 6) and bands["withdrawn_day"] == (14, 19)
    for t in spec.targets:
        assert bands[t.name][0] <= t.observed <= bands[t.name][1], (t.name, bands[t.name])


def test_the_shipped_posterior_is_the_recorded_calibration_of_the_shipped_spec():
    # the posterior, its record and the spec belong together: a changed spec or base config (e.g. a
    # retuned host default) means the calibration must be run again and its files shipped anew
    # (docs/calibration.md, "Adding a target").
    from sim.calibration.run import identity

    manifest = json.loads((RECORD / "manifest.json").read_text())
    post = load_posterior(SHIPPED_POSTERIOR)
    assert post.provenance["digest"] == manifest["digest"]
    current = identity(load_spec(SHIPPED), SHIPPED, quick=False)["digest"]
    assert current == manifest["digest"], (
        "the shipped spec or its base config changed since the "
        "calibration ran: run `sim calibrate` again and ship its files"
    )


@pytest.mark.slow
def test_quick_calibration_of_the_shipped_spec_takes_under_two_minutes(tmp_path, capsys):
    # README "Calibration": --quick runs the shipped spec small, in under two minutes on 2 cores.
    start = time.perf_counter()
    assert (
        main(["calibrate", str(SHIPPED), "--quick", "--jobs", "2", "--out", str(tmp_path / "q")])
        == 0
    )
    assert time.perf_counter() - start < 120
    manifest = json.loads((tmp_path / "q" / "manifest.json").read_text())
    assert manifest["quick"] and manifest["generations"] == 3


IN_SAMPLE = {
    "kazakhstan_2022": "Kazakhstan 2022",
    "transnistria_1992": "Transnistria 1992",
    "armenia_2022": "Armenia 2022",
    "tajikistan_1992": "Tajikistan 1992",
    "ukraine_2022": "Ukraine 2022",
    "crimea_2014": "Crimea 2014",
    "georgia_2008": "Georgia 2008",
    "karabakh_2020": "Karabakh 2020",
    "kyrgyzstan_2005": "Kyrgyzstan 2005",
    "kyrgyzstan_2010": "2010",  # "Kyrgyzstan 2005 and 2010"
    "belarus_2020": "Belarus 2020",  # the last out-of-sample case, until march_threat
}


def test_every_case_is_in_sample_and_the_readme_says_none_is_left_out_of_sample():
    # README backtest: which cases informed a mechanism or the calibration; since
    # movement.march_threat was set after Belarus 2020's decision-level miss, none is
    # out-of-sample for Moscow's decision.
    cases = {p.stem for p in (CONFIGS / "cases").glob("*.yaml")}
    assert cases == set(IN_SAMPLE)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    para = readme[readme.index("**In-sample and out-of-sample.**") :]
    para = " ".join(para[: para.index("\n\n")].split())  # as read, whatever the line breaks
    inside, after = para.split("No case is out-of-sample for Moscow's decision any longer")
    for title in IN_SAMPLE.values():
        assert title in inside, title
    assert "march_threat" in after


def test_an_experiment_spec_draws_each_replication_from_its_posterior(tmp_path, capsys):
    # README "Calibration": an experiment spec's `posterior:` draws each replication's parameters,
    # the same draw at every point, and a point's own parameters win.
    _posterior(tmp_path / "p.parquet", np.array([150.0, 900.0]))
    spec = {
        "name": "post",
        "base": str(KAZ),
        "set": {"horizon_days": 25},
        "replications": 4,
        "posterior": "p.parquet",
        "outcomes": ["peak_troops"],
        "variants": {"drawn": {}, "fixed": {"set": {"russia.force_per_site": 400}}},
    }
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
    out = tmp_path / "out"
    assert (
        main(
            [
                "experiment",
                str(tmp_path / "spec.yaml"),
                "--out",
                str(out),
                "--jobs",
                "1",
                "--no-plots",
                "--quiet",
            ]
        )
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    draws = [d["russia.force_per_site"] for d in manifest["posterior_draws"]["draws"]]
    assert len(draws) == 4 and set(draws) <= {150.0, 900.0}
    from sim.experiments.statistics import stored_summary

    plan, summary = stored_summary(out)
    peaks = summary.groupby("point_name")["peak_troops"]
    assert set(draws) == {150.0, 900.0}, "seed 0's four draws hold both particles"
    from sim.experiments.design import build_points, build_runs
    from sim.experiments.spec import load_spec as load_experiment

    exp = load_experiment(tmp_path / "spec.yaml")
    runs = build_runs(exp, tmp_path / "spec.yaml", build_points(exp, tmp_path / "spec.yaml"))
    assert [r.config.russia.force_per_site for r in runs if r.point == 1] == [
        400.0
    ] * 4  # the point wins
    assert [r.config.russia.force_per_site for r in runs if r.point == 0] == draws
    assert peaks.nunique()["drawn"] > 1  # a draw of 150 and one of 900 troops per site differ
    assert len(plan["key"].unique()) == 8


@pytest.mark.slow
def test_cases_with_a_posterior_record_the_draws_and_leave_events_out(tmp_path, capsys):
    # README "Calibration": `sim cases --posterior` draws each replication's parameters (events left
    # out).
    import shutil

    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(CONFIGS / "cases" / "armenia_2022.yaml", cases)
    shutil.copy(CONFIGS / "cases" / "history.csv", cases)
    out = tmp_path / "out"
    assert (
        main(
            [
                "cases",
                str(cases),
                "--reps",
                "2",
                "--jobs",
                "1",
                "--quiet",
                "--out",
                str(out),
                "--posterior",
                str(SHIPPED_POSTERIOR),
            ]
        )
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    draws = manifest["posterior_draws"]["draws"]
    assert len(draws) == 2 and all(
        "events.0.value" not in d and "host.forces.defect_rate" in d for d in draws
    )
    assert "leaving out events.0.value" in capsys.readouterr().out


@pytest.mark.slow
def test_the_shipped_posterior_widens_the_bands_and_moves_detentions_onto_history(tmp_path, capsys):
    # docs/calibration.md and README "Calibration": 100 replications of the baseline; with the
    # shipped posterior every band is wider, detentions 7,243 against 15,246 with the defaults; 74%
    # deploy.
    common = ["run", str(KAZ), "--reps", "100", "--jobs", "2", "--no-plots", "--quiet"]
    assert main([*common, "--out", str(tmp_path / "fixed")]) == 0
    assert (
        main([*common, "--out", str(tmp_path / "post"), "--posterior", str(SHIPPED_POSTERIOR)]) == 0
    )
    fixed = pd.read_parquet(tmp_path / "fixed" / "summary.parquet")
    post = pd.read_parquet(tmp_path / "post" / "summary.parquet")

    def spread(s, col):
        v = pd.to_numeric(s[col], errors="coerce").astype(float)
        return v.quantile(0.9) - v.quantile(0.1)

    for col in ("request_day", "days_to_order", "detained_total", "deaths"):
        assert spread(post, col) > spread(fixed, col), col
    assert fixed["detained_total"].median() == 15245.5 and post["detained_total"].median() == 7242.5
    assert fixed["deployed"].mean() == 0.93 and post["deployed"].mean() == 0.74
