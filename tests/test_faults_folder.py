"""Experiment folders: one writer at a time, only the current plan's runs, failed runs retried,
each batch published whole and as it finishes, and reading that changes nothing."""

import os
import uuid
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.experiments import execute as ex
from sim.store import ResultStore

from . import test_faults
from .test_experiments import write_spec
from .test_faults import ONE, RUNS, batches, experiment, start, wait_for

sweep = test_faults.sweep  # the module-scoped spec fixture of tests/test_faults.py, used here too


# README: "`--retry-failed` runs them again, their old error rows moved aside"
def test_retry_failed_runs_them_again_and_replaces_their_error_rows(tmp_path, monkeypatch, capsys):
    spec = write_spec(tmp_path, "name: flaky\nreplications: 3\nvariants: {a: {}}\n")
    real, calls = ex.simulate, []

    def fails_once(config, seed):
        calls.append(seed)
        if len(calls) == 2:
            raise RuntimeError("injected failure")
        return real(config, seed)

    monkeypatch.setattr(ex, "simulate", fails_once)
    out = tmp_path / "o"
    args = ["experiment", str(spec), "--out", str(out), "--jobs", "1", "--quiet", "--no-plots"]
    assert main(args) == 1
    assert "rerun with --retry-failed" in capsys.readouterr().out
    assert main(args) == 1 and len(calls) == 3  # without the flag a failed run counts as done
    assert main([*args, "--retry-failed"]) == 0 and len(calls) == 4
    text = capsys.readouterr().out
    assert "1 failed runs run again" in text and "2 already stored, 1 run now" in text
    last = [line for line in text.splitlines() if line.startswith("flaky: ")][-1]
    assert "failed" not in last  # nothing failed this time
    assert not list((out / "errors").glob("*.parquet"))
    summary = pd.read_parquet(out / "summary")
    assert len(summary) == 3 and summary["key"].is_unique
    old = list((out / "stale").glob("*/errors/*.parquet"))
    assert len(old) == 1
    assert pd.read_parquet(old[0])["error"].tolist() == ["RuntimeError: injected failure"]


# README: "A folder's tables hold only the current spec's runs: rerunning a changed spec moves the
# stored runs no longer planned, and the plots drawn from them, into `DIR/stale/<time>/` (nothing is
# deleted) and says so"
def test_a_changed_spec_moves_runs_no_longer_planned_aside(tmp_path, capsys):
    body = (
        "name: changing\nreplications: 3\ndesign:\n  kind: grid\n  parameters:\n"
        "    west.sanctions_credibility: {{values: {values}}}\n"
    )
    out = tmp_path / "o"
    first = write_spec(tmp_path, body.format(values="[0.0, 0.5]"), "a.yaml")
    assert main(["experiment", str(first), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    before = pd.read_parquet(out / "summary")
    assert batches(out) == 1  # one batch holding both points: it is re-split below
    second = write_spec(tmp_path, body.format(values="[0.5, 1.0]"), "b.yaml")
    assert main(["experiment", str(second), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "3 stored runs are not in this spec's plan: moved into" in text
    assert "3 already stored, 3 run now" in text
    summary = pd.read_parquet(out / "summary")
    plan = pd.read_parquet(out / "plan.parquet")
    assert set(summary["key"]) == set(plan["key"]) and len(summary) == 6
    assert sorted(summary["west.sanctions_credibility"]) == [0.5] * 3 + [1.0] * 3
    kept = before[before["west.sanctions_credibility"] == 0.5].sort_values("key", ignore_index=True)
    again = summary[summary["west.sanctions_credibility"] == 0.5]
    again = again.sort_values("key", ignore_index=True)
    pd.testing.assert_frame_equal(again, kept)  # the kept runs were not run again, only re-split
    (aside,) = (out / "stale").iterdir()
    moved = pd.read_parquet(aside / "summary")
    pd.testing.assert_frame_equal(
        moved.sort_values("key", ignore_index=True), before.sort_values("key", ignore_index=True)
    )  # nothing deleted
    assert (aside / "plots").is_dir() and (out / "plots").is_dir()  # old plots went with their runs


# README: "a folder holding another experiment or a `sim run` is refused unless --force, which moves
# its contents into DIR/stale/<time>/"
def test_a_folder_of_another_experiment_is_refused_unless_forced(tmp_path, capsys):
    out = tmp_path / "o"
    one = write_spec(tmp_path, "name: one\nreplications: 1\nvariants: {a: {}}\n", "one.yaml")
    two = write_spec(tmp_path, "name: two\nreplications: 1\nvariants: {a: {}}\n", "two.yaml")
    assert experiment(one, out, *ONE) == 0
    capsys.readouterr()
    assert experiment(two, out, *ONE) == 2
    err = capsys.readouterr().err
    assert "holds experiment 'one', not experiment 'two'" in err and "--force" in err
    assert "Traceback" not in err
    assert experiment(two, out, *ONE, "--force") == 0
    assert "held experiment 'one': moved into" in capsys.readouterr().out
    assert ResultStore(out).read_json("manifest.json")["experiment"] == "two"
    assert len(pd.read_parquet(out / "summary")) == 1
    (aside,) = (out / "stale").iterdir()
    assert ResultStore(aside).read_json("manifest.json")["experiment"] == "one"
    ran = tmp_path / "ran"  # what `sim run` leaves: its manifest names a scenario
    ran.mkdir()
    (ran / "manifest.json").write_text('{"scenario": "kazakhstan_2022"}')
    assert experiment(one, ran, *ONE) == 2
    assert (
        "holds the results of `sim run` (scenario 'kazakhstan_2022'), not experiment 'one'"
        in capsys.readouterr().err
    )


# README: "One process writes a folder at a time: a second `sim experiment` into a folder being
# written is refused (exit code 2) with the first one's pid, command and start time"
def test_a_second_writer_is_refused_and_nothing_is_stored_twice(sweep, tmp_path, capsys):
    out, mark = tmp_path / "o", uuid.uuid4().hex
    first = start(sweep, out, "--jobs", "1", mark=mark)
    wait_for(lambda: batches(out) >= 2, proc=first)
    assert experiment(sweep, out, *ONE) == 2
    err = capsys.readouterr().err
    assert f"is being written by another sim process (pid {first.pid}, started " in err
    assert "Traceback" not in err
    assert f": `python -m sim experiment {sweep} --out {out} " in err
    _, ferr = first.communicate(timeout=120)
    assert first.returncode == 0, ferr
    summary = pd.read_parquet(out / "summary")
    assert len(summary) == RUNS and summary["key"].is_unique


# README: "Each batch of runs is stored into `DIR` ... as soon as it finishes, at every `--jobs`,
# one included (the progress bar moves batch by batch)"
def test_one_job_stores_each_batch_before_the_next_runs(tmp_path, monkeypatch):
    import tqdm

    real, calls, seen = ex.simulate, [], []
    out = tmp_path / "o"

    class Bar(tqdm.tqdm):
        def update(self, n=1):
            seen.append((len(calls), batches(out)))  # runs started, batches stored, at each tick
            return super().update(n)

    monkeypatch.setattr(ex, "simulate", lambda cfg, seed: calls.append(seed) or real(cfg, seed))
    monkeypatch.setattr(tqdm, "tqdm", Bar)
    spec = write_spec(tmp_path, "name: bar\nreplications: 6\nbatch_size: 2\nvariants: {a: {}}\n")
    ex.execute(spec, out, jobs=1, progress=True)
    assert seen == [(2, 1), (4, 2), (6, 3)]


# README: "its files are written under temporary names, flushed to disk and renamed, the batch's
# marker last"
def test_a_batch_is_flushed_before_it_is_published_and_its_marker_comes_last(tmp_path, monkeypatch):
    import sim.files as files
    from sim.files import FolderLock

    events = []
    fsync, replace = os.fsync, os.replace

    def spy_fsync(fd):
        events.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}")).name))
        return fsync(fd)

    def spy_replace(src, dst):
        events.append(("rename", Path(src).name, Path(dst).parent.name))
        return replace(src, dst)

    monkeypatch.setattr(files.os, "fsync", spy_fsync)
    monkeypatch.setattr(files.os, "replace", spy_replace)
    with FolderLock(tmp_path) as lock:
        ResultStore(tmp_path, lock).write_parts({"summary": b"s", "daily": b"d"}, ["k1", "k2"])
    renames = [e for e in events if e[0] == "rename"]
    assert [e[2] for e in renames] == ["summary", "daily", "batches"]  # the marker last
    for _, tmp, _ in renames:  # each file flushed before it takes its name
        assert events.index(("fsync", tmp)) < events.index(next(e for e in renames if e[1] == tmp))


# README: "`sim plot DIR` ... like the analysis, only reads the stored tables: it creates no table
# folder and removes nothing"
def test_reading_a_store_creates_and_removes_nothing(tmp_path):
    spec = write_spec(tmp_path, "name: read\nreplications: 1\nvariants: {a: {}}\n")
    out = tmp_path / "o"
    assert experiment(spec, out, *ONE) == 0
    (out / "errors").rmdir()  # no run failed: an empty table folder
    in_flight = out / "summary" / ".part-abc.parquet.x.tmp"  # as another process's write in flight
    in_flight.write_bytes(b"...")
    assert main(["plot", str(out)]) == 0
    assert in_flight.exists() and not (out / "errors").exists()
    store = ResultStore(out)
    assert len(store.done_keys()) == 1 and store.load("errors").empty
    with pytest.raises(ValueError, match="reading only"):
        store.write_parts({}, ["k"])
    missing = tmp_path / "nothing"
    assert main(["plot", str(missing)]) == 2 and not missing.exists()
