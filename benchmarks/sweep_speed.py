"""Sweep machinery speed: the local executor against a plain serial loop over the same runs.

Usage: python benchmarks/sweep_speed.py [--runs 200] [--sobol]

Every figure comes from one invocation, each measurement a fresh process, as a user runs it:

- serial: ``python -c`` looping ``run_one`` over the replication seeds, nothing stored;
- ``sim experiment --jobs 1``: the whole machinery (spec, plan, config resolution, hashing, the
  crash-safe store) in one process; its run phase over the serial loop is the machinery's overhead;
- ``sim experiment --jobs N`` (all cores): the speed-up over the serial loop, both for the run phase
  (loop time against the experiment's own clock, ``last_run.json``) and end to end (wall time of
  each process, imports included).

With ``--sobol`` it also times the shipped ``sensitivity_sobol`` experiment end to end. Writes
benchmarks/results/sweep_speed.json; the last printed line is that JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
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


def timed(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return time.perf_counter() - t, out


def experiment(spec: Path, out: Path, jobs: int) -> tuple[float, dict]:
    wall, _ = timed([*SIM, "experiment", str(spec), "--out", str(out), "--jobs", str(jobs), "--quiet", "--no-plots"])
    return wall, json.loads((out / "last_run.json").read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--sobol", action="store_true", help="also time experiments/sensitivity_sobol.yaml")
    args = ap.parse_args()
    base = ROOT / "configs" / "kazakhstan_2022.yaml"
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp())
    spec = tmp / "bench.yaml"
    spec.write_text(f"name: bench\nbase: {base}\nreplications: {args.runs}\nvariants:\n  baseline: {{}}\n")

    serial_wall, out = timed([sys.executable, "-c", SERIAL, str(base), str(args.runs)])
    serial_loop = float(out.strip().splitlines()[-1])
    one_wall, one = experiment(spec, tmp / "j1", 1)
    all_wall, par = experiment(spec, tmp / f"j{cores}", cores)
    res = {
        "runs": args.runs, "cores": cores,
        "model_s_per_run": round(serial_loop / args.runs, 4),
        "serial_loop_s": round(serial_loop, 2), "serial_wall_s": round(serial_wall, 2),
        "jobs1_run_s": round(one["wall_time_s"], 2), "jobs1_wall_s": round(one_wall, 2),
        f"jobs{cores}_run_s": round(par["wall_time_s"], 2), f"jobs{cores}_wall_s": round(all_wall, 2),
        "machinery_overhead": round(one["wall_time_s"] / serial_loop - 1.0, 4),
        "speedup_run_phase": round(serial_loop / par["wall_time_s"], 3),
        "speedup_end_to_end": round(serial_wall / all_wall, 3),
    }
    if args.sobol:
        wall, rep = experiment(ROOT / "experiments" / "sensitivity_sobol.yaml", tmp / "sobol", cores)
        res.update({"sobol_runs": rep["runs"], "sobol_run_s": round(rep["wall_time_s"], 1), "sobol_wall_s": round(wall, 1)})
        t = time.perf_counter()
        subprocess.run([*SIM, "plot", str(tmp / "sobol")], check=True, capture_output=True, cwd=ROOT)
        res["sobol_plot_s"] = round(time.perf_counter() - t, 1)
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "sweep_speed.json").write_text(json.dumps(res, indent=2) + "\n")
    for k, v in res.items():
        print(f"{k:>22}: {v}")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
