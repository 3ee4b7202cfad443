"""Experiments and runs under faults: kills and stop signals at one job and two, dead workers,
orphaned processes, Dask clusters that fail (the folder's own guarantees: test_faults_folder.py).

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
    host.forces.police.loyalty: {values: [0.3, 0.9]}
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


ONE = ("--jobs", "1", "--no-plots")


def experiment(spec: Path, out: Path, *extra: str) -> int:
    """``sim experiment SPEC --out OUT --quiet EXTRA`` in this process: its exit code."""
    return main(["experiment", str(spec), "--out", str(out), "--quiet", *extra])


def start(spec: Path, out: Path, *extra: str, mark: str) -> subprocess.Popen:
    """``sim experiment`` in a session of its own, marked in its environment."""
    command = [
        sys.executable,
        "-m",
        "sim",
        "experiment",
        str(spec),
        "--out",
        str(out),
        "--quiet",
        "--no-plots",
        *extra,
    ]
    env = {**os.environ, "SIM_TEST_MARK": mark, "PYTHONFAULTHANDLER": "1"}
    return subprocess.Popen(
        command,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


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
    found, tag = [], f"SIM_TEST_MARK={mark}".encode()
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and tag in (proc / "environ").read_bytes():
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


# README (Stops and faults): "Ctrl-C (SIGINT), SIGTERM ... or SIGKILL at any moment lose only the
# batches in flight: Ctrl-C and SIGTERM stop the run ..., print one line saying how many runs are
# stored, and exit with 130 or 143; running the same command again runs only what is missing and
# ends with the same tables as an uninterrupted run. A stop is never recorded as a failed run. No
# worker process outlives its driver, even one killed with SIGKILL", at --jobs 1 and 2.
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(
    "sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name
)
def test_stop_mid_run_then_resume_equals_uninterrupted_run(
    sweep, reference, tmp_path, capsys, sig, jobs
):
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
            os.killpg(proc.pid, sig)  # the whole group, as Ctrl-C in a terminal or `docker stop`
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
    assert experiment(sweep, out, *ONE) == 0
    text = capsys.readouterr().out
    assert f"{before} already stored, {RUNS - before} run now" in text and "failed (see" not in text
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
    code = experiment(spec, out, *ONE)
    killer.join(timeout=60)
    return code, capsys.readouterr().err


# README: "A worker that dies (killed, out of memory) is reported in one paragraph and the
# unfinished batches run again on a fresh pool"
def test_a_killed_worker_is_reported_and_its_batches_rerun(sweep, reference, tmp_path):
    out, mark = tmp_path / "o", uuid.uuid4().hex
    proc = start(sweep, out, "--jobs", "2", mark=mark)
    wait_for(lambda: batches(out) >= 2 and len(workers(proc.pid)) == 2, proc=proc)
    victim = workers(proc.pid)[0]
    victim.kill()
    text, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert f"warning: worker process {victim.pid} killed by signal SIGKILL" in err
    assert "fresh pool" in err
    assert "Traceback" not in err and "BrokenProcessPool" not in err
    assert f"0 already stored, {RUNS} run now" in text
    s, d = stored(out)
    pd.testing.assert_frame_equal(s, reference[0])
    pd.testing.assert_frame_equal(d, reference[1])
    assert no_orphans(mark) == []


# README: "when workers have died three times the run stops with exit code 1, saying how many runs
# are stored and to rerun" (this test and the next)
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
    assert experiment(spec, tmp_path / "o", "--no-plots") == 1
    err = capsys.readouterr().err
    assert err == (
        "error: Worker processes died 3 times. 2 of 5 runs are stored in "
        f"{tmp_path / 'o'}; run the same command again to resume (stored runs are not "
        "run again).\n"
    )


# README: "A stop is never recorded as a failed run" (whatever the signal turned into)
def test_a_run_cut_short_by_a_stop_is_not_recorded_as_failed(tmp_path, monkeypatch):
    def cut_short(config, seed):
        interrupts._State.signum = signal.SIGINT  # as the handler does; then the signal turns up
        raise SystemError("<numba kernel> returned a result with an exception set")  # as this

    monkeypatch.setattr(ex, "simulate", cut_short)
    spec = write_spec(tmp_path, "name: cut\nreplications: 2\nvariants: {a: {}}\n")
    try:
        with pytest.raises(Interrupted) as stop:
            ex.execute(spec, tmp_path / "o", jobs=1, progress=False)
    finally:
        interrupts._State.signum = None
    assert "0 of 2 runs are stored" in stop.value.detail
    assert not list((tmp_path / "o" / "errors").glob("*.parquet"))


# README: "Ctrl-C and SIGTERM stop the run (at one job, once the run in progress has ended)"
def test_a_stop_at_one_job_waits_for_the_run_in_progress(tmp_path, monkeypatch, capsys):
    real, finished = ex.simulate, []

    def signalled(config, seed):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives in the middle of the run
        result = real(config, seed)
        finished.append(seed)
        return result

    monkeypatch.setattr(ex, "simulate", signalled)
    spec = write_spec(tmp_path, "name: waits\nreplications: 3\nbatch_size: 1\nvariants: {a: {}}\n")
    assert experiment(spec, tmp_path / "o", "--jobs", "1") == 143
    assert len(finished) == 1  # the first run went on to its end; the next one never started
    assert capsys.readouterr().err.startswith("interrupted (SIGTERM): 0 of 3 runs are stored")


# README (sim run): "Ctrl-C or SIGTERM stops `sim run` with one line and exit code 130 or 143 (...
# nothing is written)"
def test_sim_run_stopped_by_sigterm_says_so_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "o"
    timer = threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        code = main(
            [
                "run",
                str(CONFIGS / "kazakhstan_2022.yaml"),
                "--reps",
                "1000",
                "--jobs",
                "1",
                "--out",
                str(out),
                "--quiet",
                "--no-plots",
            ]
        )
    finally:
        timer.cancel()
    err = capsys.readouterr().err
    assert code == 143 and err.startswith("interrupted (SIGTERM): No files were written")
    assert "Traceback" not in err
    assert not (out / "summary.parquet").exists()


# README: "a scheduler that cannot be reached, or has no worker within `--worker-timeout` seconds
# (default 60), is one paragraph and exit code 2"
def test_dask_scheduler_without_workers_is_a_clear_error(tmp_path, capsys):
    from distributed import LocalCluster

    spec = write_spec(tmp_path, "name: x\nreplications: 1\nvariants: {a: {}}\n")
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster:
        code = main(
            [
                "experiment",
                str(spec),
                "--out",
                str(tmp_path / "o"),
                "--scheduler",
                cluster.scheduler_address,
                "--worker-timeout",
                "1",
                "--quiet",
                "--no-plots",
            ]
        )
    err = capsys.readouterr().err
    assert code == 2 and "has no workers (waited 1 s, --worker-timeout)" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o" / "manifest.json").exists()
    from sim.commands.experiment import WORKER_TIMEOUT_S
    from sim.experiments import cluster

    assert WORKER_TIMEOUT_S == cluster.WORKER_TIMEOUT_S == 60  # README: "(default 60)"


# README: "one that goes away in the middle of a run, or loses every worker for that long, is one
# paragraph and exit code 1, the finished batches stored" (losing every worker)
def test_dask_cluster_that_loses_its_workers_mid_run_is_a_clear_error(sweep, tmp_path, capsys):
    from distributed import LocalCluster

    out = tmp_path / "o"
    options = {"threads_per_worker": 1, "processes": False, "dashboard_address": None}
    with LocalCluster(n_workers=1, **options) as cluster:

        def retire():
            wait_for(lambda: batches(out) >= 1)
            cluster.scale(0)

        retirer = threading.Thread(target=retire, daemon=True)
        retirer.start()
        code = experiment(
            sweep,
            out,
            "--scheduler",
            cluster.scheduler_address,
            "--worker-timeout",
            "1",
            "--no-plots",
        )
        retirer.join(timeout=60)
    err = capsys.readouterr().err
    assert code == 1, err
    address = cluster.scheduler_address
    assert err.startswith(f"error: The Dask scheduler at {address} has had no workers for 1 s")
    assert "run the same command again to resume" in err and "Traceback" not in err
    assert 0 < len(ResultStore(out).done_keys()) < RUNS


class _FlakyExecutor:
    """Stands in for the Dask executor: the first ``fail`` submissions come back as distributed
    hands back a batch whose worker went away (an error it cannot even raise properly)."""

    def __init__(self, fail: int):
        self.fail, self.calls = fail, 0

    def submit(self, fn, *args):
        from concurrent.futures import Future

        self.calls += 1
        future: Future = Future()
        if self.calls <= self.fail:
            future.set_exception(AttributeError("'str' object has no attribute 'with_traceback'"))
        else:
            future.set_result(fn(*args))
        return future


def _runner(executor):
    from sim.experiments.cluster import DaskCluster

    class Client:
        status = "running"

        def scheduler_info(self, n_workers=-1):
            return {"workers": {"w": {}}}

    runner = DaskCluster.__new__(DaskCluster)  # no cluster: only the driver's loop is under test
    runner.address, runner.worker_timeout, runner._gone = "inproc://test", 1.0, False
    runner.client, runner._executor = Client(), executor
    return runner


def test_a_batch_whose_worker_went_away_is_submitted_again_and_not_a_traceback():
    # seen in CI: a worker retired with a batch in flight made distributed's executor raise an
    # AttributeError of its own, which escaped as a traceback; now the batch runs again
    from sim.experiments.cluster import RESUBMITS

    runner = _runner(_FlakyExecutor(fail=1))
    assert sorted(runner.imap_unordered(lambda x: 2 * x, [(1,), (2,)])) == [(0, 2), (1, 4)]
    assert runner._executor.calls == 3
    runner = _runner(_FlakyExecutor(fail=1 + RESUBMITS))  # one that never gets through stops
    with pytest.raises(RunAborted, match="A batch failed on the Dask cluster at inproc://test 4"):
        list(runner.imap_unordered(lambda x: 2 * x, [(1,)]))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# README: "one that goes away in the middle of a run ... is one paragraph and exit code 1, the
# finished batches stored"
def test_dask_scheduler_that_dies_mid_run_is_a_clear_error(sweep, tmp_path, capsys):
    dask, port, mark = str(Path(sys.executable).parent / "dask"), _free_port(), uuid.uuid4().hex
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "SIM_TEST_MARK": mark}
    quiet = {
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
        "env": env,
        "start_new_session": True,
    }
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet
    )
    worker = subprocess.Popen(
        [
            dask,
            "worker",
            address,
            "--nthreads",
            "1",
            "--host",
            "127.0.0.1",
            "--no-dashboard",
            "--no-nanny",
        ],
        **quiet,
    )
    out = tmp_path / "o"

    def kill_scheduler():
        wait_for(lambda: batches(out) >= 1)
        os.killpg(scheduler.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_scheduler, daemon=True)
    killer.start()
    try:
        code = experiment(sweep, out, "--scheduler", address, "--no-plots")
        killer.join(timeout=60)
    finally:
        for p in (scheduler, worker):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=30)
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith(f"error: The Dask scheduler at {address} went away in the middle of")
    assert "run the same command again to resume" in err and "Traceback" not in err
    assert 0 < len(ResultStore(out).done_keys()) < RUNS
    assert no_orphans(mark) == []


# README (sim run): "no worker process outlives it, even when it is killed with SIGKILL"
def test_sim_run_workers_die_with_their_driver(tmp_path):
    mark = uuid.uuid4().hex
    command = [
        sys.executable,
        "-m",
        "sim",
        "run",
        str(CONFIGS / "kazakhstan_2022.yaml"),
        "--reps",
        "400",
        "--jobs",
        "2",
        "--out",
        str(tmp_path / "o"),
        "--quiet",
        "--no-plots",
    ]
    proc = subprocess.Popen(
        command,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "SIM_TEST_MARK": mark},
    )
    wait_for(lambda: len(workers(proc.pid)) == 2, proc=proc)
    time.sleep(0.5)  # into the replications
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert no_orphans(mark) == []
