"""Experiments and runs under faults: kills and stop signals at one job and two, a dead worker,
orphaned processes, two writers, changed specs, failed runs retried, Dask clusters that fail.

The killed experiments run in a subprocess of their own session (``sim experiment``), like a user's;
what they leave behind is checked against one uninterrupted run of the same spec (``reference``).
Each process a test starts carries an environment marker, so a scan of /proc finds any it left.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest

from sim import interrupts
from sim.cli import main
from sim.experiments import execute as ex
from sim.interrupts import Interrupted, RunAborted
from sim.parallel import LocalPool
from sim.store import ResultStore

from .conftest import CONFIGS
from .test_experiments import stored, write_spec

# 48 runs of a tiny city in batches of 2: long enough to stop in the middle, short enough to rerun
SWEEP = """
name: faults
replications: 12
batch_size: 2
design:
  kind: grid
  parameters:
    west.sanctions_credibility: {values: [0.0, 1.0]}
    host.police_loyalty: {values: [0.3, 0.9]}
"""
RUNS = 48


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    return write_spec(tmp_path_factory.mktemp("spec"), SWEEP)


@pytest.fixture(scope="module")
def reference(sweep, tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sweep's tables from one uninterrupted run."""
    _, out, report = ex.execute(sweep, tmp_path_factory.mktemp("ref") / "o", jobs=1, progress=False)
    assert report["ran"] == RUNS and report["failed_total"] == 0
    return stored(out)


def start(spec: Path, out: Path, *extra: str, mark: str) -> subprocess.Popen:
    """``sim experiment`` in a session of its own, marked in its environment."""
    return subprocess.Popen([sys.executable, "-m", "sim", "experiment", str(spec), "--out", str(out), "--quiet",
                             "--no-plots", *extra], start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SIM_TEST_MARK": mark, "PYTHONFAULTHANDLER": "1"})


def batches(out: Path) -> int:
    folder = out / "batches"
    return len(list(folder.glob("*.json"))) if folder.is_dir() else 0


def wait_for(predicate, timeout: float = 120, proc: subprocess.Popen | None = None) -> None:
    deadline = time.time() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"exited early ({proc.returncode}): {proc.stderr.read()}")
        assert time.time() < deadline, "timed out"
        time.sleep(0.02)


def marked(mark: str) -> list[str]:
    """Command lines of live processes carrying the marker (zombies have no environment)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and f"SIM_TEST_MARK={mark}".encode() in (proc / "environ").read_bytes():
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:100])
        except OSError:
            continue
    return found


def no_orphans(mark: str, within: float = 10.0) -> list[str]:
    deadline = time.time() + within
    while (left := marked(mark)) and time.time() < deadline:
        time.sleep(0.1)
    return left


def workers(pid: int) -> list:
    """A driver's pool workers: its grandchildren (children of the forkserver)."""
    import psutil

    return [c for c in psutil.Process(pid).children(recursive=True) if c.ppid() != pid]


# README (Experiments): "SIGINT, SIGTERM or SIGKILL at any moment lose only the batches in flight:
# rerunning resumes, ... ends with the same tables as an uninterrupted run", at --jobs 1 and 2;
# "Ctrl-C and SIGTERM: ... exit 130 / 143"; "an interrupt is never recorded as a failed run";
# "no worker process outlives its driver, even one killed with SIGKILL".
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_stop_mid_run_then_resume_equals_uninterrupted_run(sweep, reference, tmp_path, capsys, sig, jobs):
    out, mark = tmp_path / "o", uuid.uuid4().hex
    if jobs == 1 and sig != signal.SIGKILL:
        # one job runs everything in the driver: stop this process itself (no second start-up)
        code, err = stopped_in_process(sweep, out, sig, capsys)
    else:
        proc = start(sweep, out, "--jobs", str(jobs), mark=mark)
        wait_for(lambda: batches(out) >= 4, proc=proc)
        if sig == signal.SIGKILL:
            os.kill(proc.pid, sig)  # the driver alone: its workers must go by themselves
        else:
            os.killpg(proc.pid, sig)  # the whole group, as Ctrl-C in a terminal or `docker stop` does
        _, err = proc.communicate(timeout=60)
        code = proc.returncode
        assert no_orphans(mark) == []
    if sig == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 128 + sig, err
        assert err.startswith(f"interrupted ({sig.name}): ") and "run the same command again" in err
        assert f" of {RUNS} runs are stored in {out}" in err
        assert "Traceback" not in err
    before = len(ResultStore(out).done_keys())
    assert 4 * 2 <= before < RUNS
    assert not list((out / "errors").glob("*.parquet")), "an interrupt was recorded as a failed run"
    # the rerun in this process (a second process start would double the test's time)
    assert main(["experiment", str(sweep), "--out", str(out), "--jobs", "1", "--quiet", "--no-plots"]) == 0
    text = capsys.readouterr().out
    assert f"{before} already stored, {RUNS - before} run now" in text and "0 failed" in text
    s, d = stored(out)
    assert s["key"].is_unique and len(s) == RUNS
    pd.testing.assert_frame_equal(s, reference[0])
    pd.testing.assert_frame_equal(d, reference[1])


def stopped_in_process(spec: Path, out: Path, sig: int, capsys) -> tuple[int, str]:
    """``sim experiment --jobs 1`` in this process, sent ``sig`` once four batches are stored."""
    def stop():
        wait_for(lambda: batches(out) >= 4)
        os.kill(os.getpid(), sig)

    killer = threading.Thread(target=stop, daemon=True)
    killer.start()
    code = main(["experiment", str(spec), "--out", str(out), "--jobs", "1", "--quiet", "--no-plots"])
    killer.join(timeout=60)
    return code, capsys.readouterr().err


# README: "a worker that dies ... is reported in one paragraph and its batches run again on a fresh pool"
def test_a_killed_worker_is_reported_and_its_batches_rerun(sweep, reference, tmp_path):
    out, mark = tmp_path / "o", uuid.uuid4().hex
    proc = start(sweep, out, "--jobs", "2", mark=mark)
    wait_for(lambda: batches(out) >= 2 and len(workers(proc.pid)) == 2, proc=proc)
    victim = workers(proc.pid)[0]
    victim.kill()
    text, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert f"warning: worker process {victim.pid} killed by signal SIGKILL" in err and "fresh pool" in err
    assert "Traceback" not in err and "BrokenProcessPool" not in err
    assert f"0 already stored, {RUNS} run now" in text
    s, d = stored(out)
    pd.testing.assert_frame_equal(s, reference[0])
    pd.testing.assert_frame_equal(d, reference[1])
    assert no_orphans(mark) == []


def test_workers_that_keep_dying_end_the_run_with_a_message():
    pool = LocalPool(2, warn=lambda text: None)
    with pytest.raises(RunAborted, match=r"died 3 times \(worker process \d+ exited with code 3\)"):
        list(pool.imap_unordered(os._exit, [(3,)]))
    pool.close()


def test_an_aborted_experiment_says_what_was_kept_and_exits_1(tmp_path, capsys, monkeypatch):
    class DiesAfterTwo(ex.InProcess):
        def imap_unordered(self, fn, tasks):
            for n, item in enumerate(super().imap_unordered(fn, tasks)):
                if fn is ex.run_and_pack and n == 2:
                    raise RunAborted("Worker processes died 3 times.")
                yield item

    monkeypatch.setattr(ex, "_runner", lambda opts: DiesAfterTwo())
    spec = write_spec(tmp_path, "name: dies\nreplications: 5\nbatch_size: 1\nvariants: {a: {}}\n")
    assert main(["experiment", str(spec), "--out", str(tmp_path / "o"), "--quiet", "--no-plots"]) == 1
    err = capsys.readouterr().err
    assert err == ("error: Worker processes died 3 times. 2 of 5 runs are stored in "
                   f"{tmp_path / 'o'}; run the same command again to resume (stored runs are not run again).\n")


# README: "an interrupt is never recorded as a failed run"
def test_a_run_cut_short_by_a_stop_is_not_recorded_as_failed(tmp_path, monkeypatch):
    def cut_short(config, seed):
        interrupts._State.signum = signal.SIGINT  # as the handler does, before the signal turns into
        raise SystemError("<numba kernel> returned a result with an exception set")  # some other error

    monkeypatch.setattr(ex, "simulate", cut_short)
    spec = write_spec(tmp_path, "name: cut\nreplications: 2\nvariants: {a: {}}\n")
    try:
        with pytest.raises(Interrupted) as stop:
            ex.execute(spec, tmp_path / "o", jobs=1, progress=False)
    finally:
        interrupts._State.signum = None
    assert "0 of 2 runs are stored" in stop.value.detail
    assert not list((tmp_path / "o" / "errors").glob("*.parquet"))


# README: "at one job, a stop waits for the run in progress to end" (never raised inside the model)
def test_a_stop_at_one_job_waits_for_the_run_in_progress(tmp_path, monkeypatch, capsys):
    real, finished = ex.simulate, []

    def signalled(config, seed):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives in the middle of the run
        result = real(config, seed)
        finished.append(seed)
        return result

    monkeypatch.setattr(ex, "simulate", signalled)
    spec = write_spec(tmp_path, "name: waits\nreplications: 3\nbatch_size: 1\nvariants: {a: {}}\n")
    assert main(["experiment", str(spec), "--out", str(tmp_path / "o"), "--jobs", "1", "--quiet"]) == 143
    assert len(finished) == 1  # the first run went on to its end; the next one never started
    assert capsys.readouterr().err.startswith("interrupted (SIGTERM): 0 of 3 runs are stored")


# README (sim run): "Ctrl-C or SIGTERM stops it with one line (exit 130 / 143; nothing is written)"
def test_sim_run_stopped_by_sigterm_says_so_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "o"
    timer = threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        code = main(["run", str(CONFIGS / "kazakhstan_2022.yaml"), "--reps", "1000", "--jobs", "1", "--out",
                     str(out), "--quiet", "--no-plots"])
    finally:
        timer.cancel()
    err = capsys.readouterr().err
    assert code == 143 and err.startswith("interrupted (SIGTERM): No files were written") and "Traceback" not in err
    assert not (out / "summary.parquet").exists()


# README: "Runs that failed are run again with --retry-failed, their error rows set aside"
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
    assert "1 failed runs run again" in text and "2 already stored, 1 run now" in text and "0 failed" in text
    assert not list((out / "errors").glob("*.parquet"))
    assert len(pd.read_parquet(out / "summary")) == 3 and pd.read_parquet(out / "summary")["key"].is_unique
    old = list((out / "stale").glob("*/errors/*.parquet"))
    assert len(old) == 1 and pd.read_parquet(old[0])["error"].tolist() == ["RuntimeError: injected failure"]


# README: "A folder's tables hold only the current spec's runs: rerunning a changed spec moves the
# runs no longer planned into DIR/stale/<time>/"
def test_a_changed_spec_moves_runs_no_longer_planned_aside(tmp_path, capsys):
    body = "name: changing\nreplications: 3\ndesign:\n  kind: grid\n  parameters:\n" \
           "    west.sanctions_credibility: {{values: {values}}}\n"
    out = tmp_path / "o"
    first = write_spec(tmp_path, body.format(values="[0.0, 0.5]"), "a.yaml")
    assert main(["experiment", str(first), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    before = pd.read_parquet(out / "summary")
    assert len(list((out / "batches").glob("*.json"))) == 1  # one batch holding both points: re-split below
    second = write_spec(tmp_path, body.format(values="[0.5, 1.0]"), "b.yaml")
    assert main(["experiment", str(second), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "3 stored runs are not in this spec's plan: moved into" in text and "3 already stored, 3 run now" in text
    summary = pd.read_parquet(out / "summary")
    plan = pd.read_parquet(out / "plan.parquet")
    assert set(summary["key"]) == set(plan["key"]) and len(summary) == 6
    assert sorted(summary["west.sanctions_credibility"]) == [0.5] * 3 + [1.0] * 3
    kept = before[before["west.sanctions_credibility"] == 0.5].sort_values("key", ignore_index=True)
    again = summary[summary["west.sanctions_credibility"] == 0.5].sort_values("key", ignore_index=True)
    pd.testing.assert_frame_equal(again, kept)  # the kept runs were not run again, only re-split
    (aside,) = (out / "stale").iterdir()
    moved = pd.read_parquet(aside / "summary")
    pd.testing.assert_frame_equal(moved.sort_values("key", ignore_index=True),
                                  before.sort_values("key", ignore_index=True))  # nothing deleted
    assert (aside / "plots").is_dir() and (out / "plots").is_dir()  # the old plots went with their runs


# README: "a folder holding another experiment or a `sim run` is refused unless --force, which moves
# its contents into DIR/stale/<time>/"
def test_a_folder_of_another_experiment_is_refused_unless_forced(tmp_path, capsys):
    out = tmp_path / "o"
    one = write_spec(tmp_path, "name: one\nreplications: 1\nvariants: {a: {}}\n", "one.yaml")
    two = write_spec(tmp_path, "name: two\nreplications: 1\nvariants: {a: {}}\n", "two.yaml")
    assert main(["experiment", str(one), "--out", str(out), "--jobs", "1", "--quiet", "--no-plots"]) == 0
    capsys.readouterr()
    assert main(["experiment", str(two), "--out", str(out), "--jobs", "1", "--quiet", "--no-plots"]) == 2
    err = capsys.readouterr().err
    assert "holds experiment 'one', not experiment 'two'" in err and "--force" in err and "Traceback" not in err
    assert main(["experiment", str(two), "--out", str(out), "--jobs", "1", "--quiet", "--no-plots", "--force"]) == 0
    assert "held experiment 'one': moved into" in capsys.readouterr().out
    assert ResultStore(out).read_json("manifest.json")["experiment"] == "two"
    assert len(pd.read_parquet(out / "summary")) == 1
    (aside,) = (out / "stale").iterdir()
    assert ResultStore(aside).read_json("manifest.json")["experiment"] == "one"
    ran = tmp_path / "ran"  # what `sim run` leaves: its manifest names a scenario
    ran.mkdir()
    (ran / "manifest.json").write_text('{"scenario": "kazakhstan_2022"}')
    assert main(["experiment", str(one), "--out", str(ran), "--jobs", "1", "--quiet", "--no-plots"]) == 2
    assert "holds the results of `sim run` (scenario 'kazakhstan_2022'), not experiment 'one'" \
        in capsys.readouterr().err


# README: "one process writes a folder at a time: a second is refused, naming the first"
def test_a_second_writer_is_refused_and_nothing_is_stored_twice(sweep, tmp_path, capsys):
    out, mark = tmp_path / "o", uuid.uuid4().hex
    first = start(sweep, out, "--jobs", "1", mark=mark)
    wait_for(lambda: batches(out) >= 2, proc=first)
    assert main(["experiment", str(sweep), "--out", str(out), "--jobs", "1", "--quiet", "--no-plots"]) == 2
    err = capsys.readouterr().err
    assert f"is being written by another sim process (pid {first.pid}, started " in err and "Traceback" not in err
    assert f": `python -m sim experiment {sweep} --out {out} " in err
    _, ferr = first.communicate(timeout=120)
    assert first.returncode == 0, ferr
    summary = pd.read_parquet(out / "summary")
    assert len(summary) == RUNS and summary["key"].is_unique


# README: "Each batch of runs is stored ... as soon as it finishes, at every --jobs, one included
# (the progress bar moves batch by batch)"
def test_one_job_stores_each_batch_before_the_next_runs(tmp_path, monkeypatch):
    import tqdm

    real, calls, seen = ex.simulate, [], []
    out = tmp_path / "o"

    class Bar(tqdm.tqdm):
        def update(self, n=1):
            seen.append((len(calls), batches(out)))  # runs started, batches stored, at each tick
            return super().update(n)

    monkeypatch.setattr(ex, "simulate", lambda config, seed: calls.append(seed) or real(config, seed))
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
    assert main(["experiment", str(spec), "--out", str(out), "--jobs", "1", "--quiet", "--no-plots"]) == 0
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


def test_dask_scheduler_without_workers_is_a_clear_error(tmp_path, capsys):
    from distributed import LocalCluster

    spec = write_spec(tmp_path, "name: x\nreplications: 1\nvariants: {a: {}}\n")
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster:
        code = main(["experiment", str(spec), "--out", str(tmp_path / "o"), "--scheduler",
                     cluster.scheduler_address, "--worker-timeout", "1", "--quiet", "--no-plots"])
    err = capsys.readouterr().err
    assert code == 2 and "has no workers (waited 1 s, --worker-timeout)" in err and "Traceback" not in err
    assert not (tmp_path / "o" / "manifest.json").exists()
    from sim.commands.experiment import WORKER_TIMEOUT_S
    from sim.experiments import cluster

    assert WORKER_TIMEOUT_S == cluster.WORKER_TIMEOUT_S == 60  # README: "(default 60)"


# README: "one that ... loses every worker for that long, is one paragraph and exit code 1"
def test_dask_cluster_that_loses_its_workers_mid_run_is_a_clear_error(sweep, tmp_path, capsys):
    from distributed import LocalCluster

    out = tmp_path / "o"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        def retire():
            wait_for(lambda: batches(out) >= 1)
            cluster.scale(0)

        retirer = threading.Thread(target=retire, daemon=True)
        retirer.start()
        code = main(["experiment", str(sweep), "--out", str(out), "--scheduler", cluster.scheduler_address,
                     "--worker-timeout", "1", "--quiet", "--no-plots"])
        retirer.join(timeout=60)
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith(f"error: The Dask scheduler at {cluster.scheduler_address} has had no workers for 1 s")
    assert "run the same command again to resume" in err and "Traceback" not in err
    assert 0 < len(ResultStore(out).done_keys()) < RUNS


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dask_scheduler_that_dies_mid_run_is_a_clear_error(sweep, tmp_path, capsys):
    dask, port, mark = str(Path(sys.executable).parent / "dask"), _free_port(), uuid.uuid4().hex
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "SIM_TEST_MARK": mark}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "start_new_session": True}
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], **quiet)
    worker = subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                               "--no-dashboard", "--no-nanny"], **quiet)
    out = tmp_path / "o"

    def kill_scheduler():
        wait_for(lambda: batches(out) >= 1)
        os.killpg(scheduler.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_scheduler, daemon=True)
    killer.start()
    try:
        code = main(["experiment", str(sweep), "--out", str(out), "--scheduler", address, "--quiet", "--no-plots"])
        killer.join(timeout=60)
    finally:
        for p in (scheduler, worker):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=30)
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith(f"error: The Dask scheduler at {address} went away in the middle of the run")
    assert "run the same command again to resume" in err and "Traceback" not in err
    assert 0 < len(ResultStore(out).done_keys()) < RUNS
    assert no_orphans(mark) == []


# README (sim run): "no worker process outlives a killed `sim run`"
def test_sim_run_workers_die_with_their_driver(tmp_path):
    mark = uuid.uuid4().hex
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", str(CONFIGS / "kazakhstan_2022.yaml"), "--reps",
                             "400", "--jobs", "2", "--out", str(tmp_path / "o"), "--quiet", "--no-plots"],
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "SIM_TEST_MARK": mark})
    wait_for(lambda: len(workers(proc.pid)) == 2, proc=proc)
    time.sleep(0.5)  # into the replications
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert no_orphans(mark) == []
