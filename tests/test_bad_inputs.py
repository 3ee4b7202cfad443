"""Every user mistake in every command: exit code 2, one paragraph on stderr, no traceback, and
nothing created (issue 10).

The bad files live in tests/bad_inputs/, one per case: ``configs/`` (given to ``sim run``, ``sim
viz`` and, in a case folder, ``sim cases``), ``specs/`` (``sim experiment``), ``calibration/``
(``sim calibrate``) and ``cases_csv/`` (``sim cases --cases-csv``). Each file has an entry in EXPECT
below with a phrase its message must hold, so a new file cannot be added without saying what it
should produce. Command-line mistakes follow. Most cases run ``sim.cli.main`` in this process (an
exception escaping it fails the test, as a traceback would); a few run the real ``sim`` process to
show what a user sees.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

from .conftest import CONFIGS, ROOT

BAD = Path(__file__).resolve().parent / "bad_inputs"

EXPECT = {
    "configs/bad_yaml_syntax.yaml": "Invalid YAML",
    "configs/billion_laughs.yaml": "more than 100,000 values",
    "configs/binary.yaml": "not UTF-8 text",
    "configs/deep_nesting.yaml": "nested more than 64 deep",
    "configs/detention_min_above_max.yaml": "detention_min_days (20) exceeds",
    "configs/duplicate_allies.yaml": "troops_armenia",
    "configs/event_after_horizon.yaml": "event 0 (trigger) is dated day 45",
    "configs/extends_itself.yaml": "makes a cycle",
    "configs/huge_forces_committed.yaml": "forces_committed event's value",
    "configs/infinite_legitimacy.yaml": "finite number",
    "configs/latin1.yaml": "not UTF-8 text",
    "configs/misspelt_key.yaml": "Did you mean 'rule'",
    "configs/name_escapes_results.yaml": "letters, digits",
    "configs/nan_event_value.yaml": "finite number",
    "configs/march_every_zero_days.yaml": "movement.march_interval_days",
    "configs/negative_legitimacy_shock.yaml": "a negative shock would raise it",
    "configs/ordinary_arrests_above_mass.yaml": "mass_arrest_intensity (1.5) is below",
    "configs/recursive_alias.yaml": "recursive alias",
    "configs/threat_weights_negative.yaml": "host.threat_weights.0",
    "configs/top_level_list.yaml": "must hold a mapping",
    "configs/unknown_jail_model.yaml": "Allowed: 'detention' or 'epstein'",
    "specs/binary.yaml": "not UTF-8 text",
    "specs/empty_grid_values.yaml": "`values` is empty",
    "specs/huge_replications_grid.yaml": "SIM_MAX_RUNS",
    "specs/huge_sobol.yaml": "SIM_MAX_RUNS",
    "specs/missing_base.yaml": "does not exist",
    "specs/misspelt_design_key.yaml": "Did you mean 'legitimacy'",
    "specs/misspelt_variant_key.yaml": "Did you mean 'sanctions_signal'",
    "specs/name_escapes_results.yaml": "letters, digits",
    "specs/negative_seed.yaml": "key `seed` has the bad value -1",
    "specs/unknown_outcome.yaml": "'deploy_days'",
    "specs/unknown_series.yaml": "Did you mean 'troops_total'",
    "calibration/binary.yaml": "not UTF-8 text",
    "calibration/duplicate_targets.yaml": "target names must differ",
    "calibration/log_uniform_from_zero.yaml": "log-uniform prior needs bounds above 0",
    "calibration/missing_base.yaml": "does not exist",
    "calibration/misspelt_prior_key.yaml": "Did you mean 'high'",
    "calibration/no_stopping_rule.yaml": "say when to stop",
    "calibration/non_numeric_parameter.yaml": "cannot have a prior",
    "calibration/normal_without_sd.yaml": "needs `mean` and `sd`",
    "calibration/prior_outside_range.yaml": "reach outside the key's allowed range 0.0 .. 1.0",
    "calibration/prior_without_why.yaml": "`parameters.host.legitimacy.why` is required",
    "calibration/unknown_statistic.yaml": "Did you mean 'deploy_day'",
    "cases_csv/binary.csv": "cannot be read as the case table",
    "cases_csv/empty.csv": "cannot be read as the case table",
    "cases_csv/history_file.csv": "missing the column(s) case, start, form",
    "cases_csv/no_title_column.csv": "missing the column(s) case",
}


def _files(folder: str) -> list[str]:
    return sorted(str(p.relative_to(BAD)) for p in (BAD / folder).iterdir())


def invoke(argv, capsys) -> str:
    """Run ``sim ARGV`` in this process; assert exit 2 and one paragraph on stderr; return it."""
    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and err.strip(), err
    assert "\n\n" not in err.strip(), f"more than one paragraph:\n{err}"
    return err


def test_every_bad_file_has_an_expectation():
    present = {str(p.relative_to(BAD)) for p in BAD.rglob("*") if p.is_file()}
    assert present == set(EXPECT)


@pytest.mark.parametrize("name", _files("configs"))
@pytest.mark.parametrize("command", ["run", "viz"])
def test_bad_config(name, command, tmp_path, capsys):
    out = tmp_path / "out"
    argv = [command, BAD / name] + (
        ["--reps", "1", "--jobs", "1", "--out", out, "--quiet"]
        if command == "run"
        else ["--port", "8799"]
    )
    assert EXPECT[name] in invoke(argv, capsys)
    assert not out.exists()


@pytest.mark.parametrize(
    "name",
    ["configs/binary.yaml", "configs/event_after_horizon.yaml", "configs/duplicate_allies.yaml"],
)
def test_bad_case_config_stops_the_backtest_before_it_runs(name, tmp_path, capsys):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(CONFIGS / "cases" / "armenia_2022.yaml", cases)
    shutil.copy(BAD / name, cases / "zz_bad.yaml")
    out = tmp_path / "out"
    err = invoke(["cases", cases, "--reps", "1", "--jobs", "1", "--out", out, "--quiet"], capsys)
    assert EXPECT[name] in err and "zz_bad.yaml" in err
    assert not out.exists()


@pytest.mark.parametrize("name", _files("specs"))
def test_bad_spec(name, tmp_path, capsys):
    out = tmp_path / "out"
    err = invoke(
        ["experiment", BAD / name, "--jobs", "1", "--out", out, "--no-plots", "--quiet"], capsys
    )
    assert EXPECT[name] in err
    assert not out.exists()


@pytest.mark.parametrize("name", _files("calibration"))
def test_bad_calibration_spec(name, tmp_path, capsys):
    # README "Calibration": a bad spec gets a one-paragraph error with exit 2, and nothing is
    # created.
    out = tmp_path / "out"
    err = invoke(["calibrate", BAD / name, "--jobs", "1", "--out", out], capsys)
    assert EXPECT[name] in err
    assert not out.exists()


@pytest.mark.parametrize("name", _files("cases_csv"))
def test_bad_case_table(name, tmp_path, capsys):
    out = tmp_path / "out"
    err = invoke(
        ["cases", "--cases-csv", BAD / name, "--reps", "1", "--jobs", "1", "--out", out, "--quiet"],
        capsys,
    )
    assert EXPECT[name] in err
    assert not out.exists()


def _corrupt_manifest(d: Path) -> None:
    (d / "manifest.json").write_text("{not json")


def _files_without_manifest(d: Path) -> None:
    (d / "summary.parquet").write_bytes(b"PAR1")


def _experiment_manifest(d: Path) -> None:
    (d / "manifest.json").write_text('{"experiment": "x", "spec": {}}')


KAZ = CONFIGS / "kazakhstan_2022.yaml"
COMMAND_LINE = {  # id -> (argv, phrase, how to prepare the folder `{d}`)
    "run --seed -1": (["run", KAZ, "--seed", "-1"], "outside 0 to", None),
    "run --seed too large": (["run", KAZ, "--seed", str(2**63)], "outside 0 to", None),
    "run --seed not a number": (["run", KAZ, "--seed", "zero"], "not a whole number", None),
    "run --reps 10**12": (
        ["run", KAZ, "--reps", str(10**12), "--out", "{d}/o"],
        "SIM_MAX_REPS",
        None,
    ),
    "run --reps 0": (["run", KAZ, "--reps", "0"], "must be at least 1", None),
    "run unknown scenario name": (
        ["run", "kazakstan_2022", "--out", "{d}/o"],
        "shipped scenario",
        None,
    ),
    "run a folder as config": (["run", CONFIGS / "cases", "--out", "{d}/o"], "is a folder", None),
    "run --set bad value in a list": (
        ["run", KAZ, "--set", "events.0.value=nan", "--out", "{d}/o"],
        "--set events.0.value=nan",
        None,
    ),
    "run --set not KEY=VALUE": (
        ["run", KAZ, "--set", "russia.rule", "--out", "{d}/o"],
        "expected KEY=VALUE",
        None,
    ),
    "run --out a file": (
        ["run", KAZ, "--reps", "1", "--out", "{d}/file/o"],
        "is a file, not a folder",
        lambda d: (d / "file").write_text("x"),
    ),
    "run --out an experiment's folder": (
        ["run", KAZ, "--reps", "1", "--out", "{d}"],
        "sim experiment",
        _experiment_manifest,
    ),
    "run --out a corrupt manifest": (
        ["run", KAZ, "--reps", "1", "--out", "{d}"],
        "manifest.json that cannot be read",
        _corrupt_manifest,
    ),
    "run --out results without manifest": (
        ["run", KAZ, "--reps", "1", "--out", "{d}"],
        "--force",
        _files_without_manifest,
    ),
    "viz --port 70000": (["viz", "--port", "70000"], "a port is 1 to 65535", None),
    "viz --port 0": (["viz", "--port", "0"], "a port is 1 to 65535", None),
    "viz unknown scenario": (["viz", "nowhere_2030"], "shipped scenario", None),
    "viz --baseline no such folder": (["viz", "--baseline", "{d}/nowhere"], "no such folder", None),
    "plot no such folder": (["plot", "{d}/nowhere"], "is not a folder", None),
    "plot an empty folder": (["plot", "{d}"], "no results", None),
    "plot a corrupt manifest": (["plot", "{d}"], "cannot be read as JSON", _corrupt_manifest),
    "plot files without manifest": (["plot", "{d}"], "no manifest.json", _files_without_manifest),
    "plot a run with a damaged table": (
        ["plot", "{d}"],
        "cannot be read as a parquet table",
        lambda d: (
            (d / "manifest.json").write_text('{"scenario": "x", "config": {}}'),
            (d / "daily.parquet").write_text("x"),
        ),
    ),
    "cases --seed -1": (["cases", "--seed", "-1"], "outside 0 to", None),
    "cases no such folder": (
        ["cases", "{d}/nowhere", "--out", "{d}/o"],
        "Case directory not found",
        None,
    ),
    "cases a folder without configs": (["cases", "{d}", "--out", "{d}/o"], "No case configs", None),
    "cases --reps 10**12": (
        ["cases", "--reps", str(10**12), "--out", "{d}/o"],
        "SIM_MAX_REPS",
        None,
    ),
    "cases --out a run's folder": (
        ["cases", "--reps", "1", "--out", "{d}"],
        "sim run",
        lambda d: (d / "manifest.json").write_text('{"scenario": "x", "config": {}}'),
    ),
    "calibrate --out a run's folder": (
        ["calibrate", CONFIGS / "calibration" / "kazakhstan_2022.yaml", "--out", "{d}"],
        "not of a calibration",
        lambda d: (d / "manifest.json").write_text('{"scenario": "x", "config": {}}'),
    ),
    "calibrate no such spec": (["calibrate", "{d}/nowhere.yaml"], "not found", None),
    "experiment no such spec": (
        ["experiment", "{d}/nowhere.yaml", "--jobs", "1"],
        "not found",
        None,
    ),
    "no command": ([], "required", None),
    "unknown command": (["rnu"], "invalid choice", None),
}


@pytest.mark.parametrize("case", list(COMMAND_LINE))
def test_bad_command_line(case, tmp_path, capsys, monkeypatch):
    argv, phrase, prepare = COMMAND_LINE[case]
    monkeypatch.chdir(tmp_path)  # nothing may appear in the working directory either
    d = tmp_path / "d"
    d.mkdir()
    if prepare:
        prepare(d)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    err = invoke([str(a).replace("{d}", str(d)) for a in argv], capsys)
    assert phrase in err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before, (
        "it created something"
    )


@pytest.mark.parametrize(
    "argv,phrase",
    [
        (["run", BAD / "configs/billion_laughs.yaml", "--reps", "1"], "more than 100,000 values"),
        (["run", KAZ, "--seed", "-1"], "outside 0 to"),
        (["viz", "--port", "70000"], "a port is 1 to 65535"),
        (["experiment", BAD / "specs/unknown_series.yaml", "--jobs", "2"], "troops_totl"),
    ],
    ids=["billion laughs", "seed -1", "port 70000", "unknown series at 2 jobs"],
)
def test_the_real_process_prints_one_paragraph(argv, phrase, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim", *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and phrase in proc.stderr, (
        proc.stderr
    )
    assert "\n\n" not in proc.stderr.strip()
    assert not any(tmp_path.iterdir())


def test_build_points_rejects_a_misspelt_key():
    """The shipped-experiments test builds points: a misspelt key must fail there, not at run
    time."""
    from sim.config import ConfigError
    from sim.experiments.design import build_points
    from sim.experiments.spec import ExperimentSpec

    spec = ExperimentSpec.model_validate(
        {
            "name": "x",
            "base": "../configs/kazakhstan_2022.yaml",
            "design": {"kind": "grid", "parameters": {"host.legitimcy": {"values": [0.5]}}},
        }
    )
    with pytest.raises(ConfigError, match="Did you mean 'legitimacy'"):
        build_points(spec, ROOT / "experiments" / "x.yaml")


def test_spec_series_are_the_columns_the_model_records():
    """`series:` is checked against design.daily_series; it must name exactly the model's
    columns."""
    from sim.config import load_config
    from sim.experiments.design import daily_series
    from sim.model import CrisisModel

    for overrides in ([], ["allies.members=[{name: Uzbekistan}, {name: Kyrgyz Republic}]"]):
        cfg = load_config(KAZ, overrides)
        assert daily_series(cfg) == list(CrisisModel(cfg, rng=0).datacollector.model_reporters)


def test_plan_limits_can_be_raised_when_there_is_a_reason(monkeypatch):
    from sim.experiments.spec import load_spec

    monkeypatch.setenv("SIM_MAX_RUNS", "400000")
    assert load_spec(BAD / "specs" / "huge_replications_grid.yaml").replications == 100_000
    monkeypatch.setenv("SIM_MAX_RUNS", "lots")
    with pytest.raises(Exception, match="SIM_MAX_RUNS='lots' is not a whole number"):
        load_spec(BAD / "specs" / "huge_replications_grid.yaml")


@pytest.mark.parametrize(
    "errno_, says",
    [("EROFS", "read-only"), ("ENOSPC", "disk is full"), ("EACCES", "permission denied")],
)
@pytest.mark.parametrize("command", ["run", "cases"])
def test_an_unwritable_output_folder_is_found_before_the_first_run(
    command, errno_, says, tmp_path, capsys, monkeypatch
):
    """Root ignores permissions, so the file system's refusal is simulated where the probe
    writes."""
    import errno
    import tempfile

    import sim.runner

    def refuse(*args, **kwargs):
        raise OSError(getattr(errno, errno_), "simulated")

    def no_runs(*args, **kwargs):
        raise AssertionError("a replication ran before the output folder was checked")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(sim.runner, "run_replications", no_runs)
    argv = ["run", KAZ] if command == "run" else ["cases"]
    err = invoke([*argv, "--reps", "1", "--jobs", "1", "--out", tmp_path / "o", "--quiet"], capsys)
    assert says in err and str(tmp_path / "o") in err
