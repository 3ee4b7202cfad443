"""Sweep machinery speed: the local executor against a plain serial loop over the same runs.

Usage: python benchmarks/sweep_speed.py [--runs 200] [--repeat 3] [--sobol]

Every figure comes from one invocation, each measurement a fresh process, as a user runs it:

- serial: ``python -c`` looping ``run_one`` over the replication seeds, nothing stored;
- ``sim experiment --jobs 1``: the whole machinery (spec, plan, config resolution, hashing, the
  crash-safe store) in one process; its run phase over the serial loop is the machinery's overhead;
- ``sim experiment --jobs N`` (all cores): the speed-up over the serial loop, both for the run phase
  (loop time against the experiment's own clock, ``last_run.json``) and end to end (wall time of
  each process, imports included).

The three are interleaved ``--repeat`` times and each figure is the median: on this shared 2-core
VM one process can run 20% slower than the next on the same work, so a single measurement cannot
settle a 5% question. CPU seconds of each process are reported beside the wall clock.

The machinery's cost is also measured without that noise, in one more fresh process: the serial
loop, then ``execute(jobs=1)`` over the same runs, each timed in CPU seconds outside the model's own
stepping (``CrisisModel.run``), which is the same work in both; the difference per run, planning and
storing included, is ``machinery_ms_per_run`` (``machinery_share_of_model``: over the model's time).

With ``--sobol`` it also times the shipped ``sensitivity_sobol`` experiment end to end. Writes
benchmarks/results/sweep_speed.json; the last printed line is that JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIM = [sys.executable, "-m", "sim"]

SERIAL = """
import time, sys
from sim.config import load_config
from sim.runner import replication_seeds, run_one
cfg = load_config(sys.argv[1])
seeds = replication_seeds(0, int(sys.argv[2]))
t = time.perf_counter()
for s in seeds:
    run_one(cfg, s)
print(time.perf_counter() - t)
"""

IN_PROCESS = """
import json, sys, tempfile, time
from sim.config import load_config
from sim.experiments.execute import execute
from sim.model import CrisisModel
from sim.runner import replication_seeds, run_one
base, spec, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
stepping = 0.0
step_all = CrisisModel.run
def timed_run(self):
    global stepping
    t = time.process_time()
    try:
        return step_all(self)
    finally:
        stepping += time.process_time() - t
def loop():
    for s in replication_seeds(0, runs):
        run_one(cfg, s)
def experiment():
    with tempfile.TemporaryDirectory() as out:
        execute(spec, out, jobs=1, progress=False)
CrisisModel.run = timed_run
cfg = load_config(base)
run_one(cfg, 0)  # loads the compiled engine: both start warm
res = {}
for name, work in (("loop", loop), ("jobs1", experiment)):
    stepping = 0.0
    t = time.process_time()
    work()
    res[name] = {"outside_model_ms": (time.process_time() - t - stepping) / runs * 1000,
                 "model_ms": stepping / runs * 1000}
print(json.dumps(res))
"""


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its children, stdout) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def experiment(spec: Path, out: Path, jobs: int) -> tuple[float, float, dict]:
    wall, cpu, _ = timed(
        [
            *SIM,
            "experiment",
            str(spec),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--quiet",
            "--no-plots",
        ]
    )
    report = json.loads((out / "last_run.json").read_text())
    shutil.rmtree(out)
    return wall, cpu, report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument(
        "--repeat", type=int, default=3, help="interleaved repetitions; figures are medians"
    )
    ap.add_argument(
        "--sobol", action="store_true", help="also time experiments/sensitivity_sobol.yaml"
    )
    args = ap.parse_args()
    base = ROOT / "configs" / "kazakhstan_2022.yaml"
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp())
    spec = tmp / "bench.yaml"
    spec.write_text(
        f"name: bench\nbase: {base}\nreplications: {args.runs}\nvariants:\n  baseline: {{}}\n"
    )

    m: dict[str, list[float]] = {
        k: []
        for k in (
            "serial_loop",
            "serial_wall",
            "serial_cpu",
            "jobs1_run",
            "jobs1_wall",
            "jobs1_cpu",
            "parallel_run",
            "parallel_wall",
        )
    }
    for _ in range(args.repeat):
        wall, cpu, out = timed([sys.executable, "-c", SERIAL, str(base), str(args.runs)])
        m["serial_loop"].append(float(out.strip().splitlines()[-1]))
        m["serial_wall"].append(wall)
        m["serial_cpu"].append(cpu)
        wall, cpu, one = experiment(spec, tmp / "j1", 1)
        m["jobs1_run"].append(one["wall_time_s"])
        m["jobs1_wall"].append(wall)
        m["jobs1_cpu"].append(cpu)
        wall, _, par = experiment(spec, tmp / "jn", cores)
        m["parallel_run"].append(par["wall_time_s"])
        m["parallel_wall"].append(wall)
    med = {k: statistics.median(v) for k, v in m.items()}
    res = {
        "runs": args.runs,
        "cores": cores,
        "repeats": args.repeat,
        "model_s_per_run": round(med["serial_loop"] / args.runs, 4),
        **{f"{k}_s": round(v, 2) for k, v in med.items()},
        "all_serial_loop_s": [round(x, 2) for x in m["serial_loop"]],
        "all_jobs1_run_s": [round(x, 2) for x in m["jobs1_run"]],
        "all_parallel_run_s": [round(x, 2) for x in m["parallel_run"]],
        "machinery_overhead_wall": round(med["jobs1_run"] / med["serial_loop"] - 1.0, 4),
        "machinery_overhead_cpu": round(med["jobs1_cpu"] / med["serial_cpu"] - 1.0, 4),
        "speedup_run_phase": round(med["serial_loop"] / med["parallel_run"], 3),
        "speedup_end_to_end": round(med["serial_wall"] / med["parallel_wall"], 3),
    }
    _, _, out = timed([sys.executable, "-c", IN_PROCESS, str(base), str(spec), str(args.runs)])
    cpu = json.loads(out.strip().splitlines()[-1])
    machinery = cpu["jobs1"]["outside_model_ms"] - cpu["loop"]["outside_model_ms"]
    res.update(
        {
            "outside_model_ms_per_run_loop": round(cpu["loop"]["outside_model_ms"], 2),
            "outside_model_ms_per_run_jobs1": round(cpu["jobs1"]["outside_model_ms"], 2),
            "machinery_ms_per_run": round(machinery, 2),
            "machinery_share_of_model": round(machinery / cpu["loop"]["model_ms"], 4),
        }
    )
    if args.sobol:
        wall, _, _ = timed(
            [
                *SIM,
                "experiment",
                str(ROOT / "experiments" / "sensitivity_sobol.yaml"),
                "--out",
                str(tmp / "sobol"),
                "--quiet",
            ]
        )
        rep = json.loads((tmp / "sobol" / "last_run.json").read_text())
        res.update(
            {
                "sobol_runs": rep["runs"],
                "sobol_run_s": round(rep["wall_time_s"], 1),
                "sobol_wall_s_with_analysis": round(wall, 1),
            }
        )
    shutil.rmtree(tmp, ignore_errors=True)
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "sweep_speed.json").write_text(
        json.dumps(res, indent=2) + "\n"
    )
    for k, v in res.items():
        print(f"{k:>26}: {v}")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
