"""Time our protester engine against Mesa's shipped Epstein example, in one invocation.

    python benchmarks/engine_vs_mesa.py [--quick] [--engine compiled|numpy]

Both models at Epstein's defaults (benchmarks/common.py): legitimacy 0.8, threshold 0.1, k 2.3,
vision 7, densities 0.7 / 0.074, torus, von Neumann, J_max 30. Sizes 40, 100, 200 for both; 500 and
1000 for ours alone; vision 3, 7, 15 for ours at 1000x1000. Reports seconds per step, agent-steps
per second (agents = citizens + cops), peak traced memory (tracemalloc, a separate untimed run) and
the ratio to Mesa's agent-steps per second measured in this same run. Writes
benchmarks/results/engine_vs_mesa.csv and engine_vs_mesa.png; the last line printed is one JSON
object.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.common import DAY, city_agents, make_city, make_mesa, mesa_agents
from sim.city import City

RESULTS = Path(__file__).resolve().parent / "results"
# (size, warm-up steps, timed steps): Mesa takes about 0.03 / 0.2 / 2 s per step at 40 / 100 / 200
OURS = [(40, 5, 300), (100, 5, 200), (200, 5, 100), (500, 3, 20), (1000, 2, 10)]
MESA = [(40, 2, 100), (100, 1, 30), (200, 1, 6)]  # Mesa's cost per step swings with its outbursts
VISIONS = (3, 7, 15)


def time_ours(
    size: int, warm: int, steps: int, vision: int = 7, seed: int = 1, compiled: bool = True
) -> dict:
    city = make_city(size, seed, vision=vision, compiled=compiled)
    for _ in range(warm):
        city.step(DAY)
    gc.collect()
    t0 = time.perf_counter()
    for _ in range(steps):
        city.step(DAY)
    dt = (time.perf_counter() - t0) / steps
    protesters, agents = city_agents(city)
    return {
        "engine": "ours",
        "size": size,
        "vision": vision,
        "protesters": protesters,
        "agents": agents,
        "steps_timed": steps,
        "s_per_step": dt,
        "agent_steps_per_s": agents / dt,
    }


def time_mesa(size: int, warm: int, steps: int, seed: int = 1) -> dict:
    model = make_mesa(size, seed)
    for cell in model.grid.all_cells:  # fill Mesa's neighbourhood cache, as in a long run
        cell.get_neighborhood(radius=7)
    for _ in range(warm):
        model.step()
    gc.collect()
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    dt = (time.perf_counter() - t0) / steps
    protesters, agents = mesa_agents(model)
    return {
        "engine": "mesa",
        "size": size,
        "vision": 7,
        "protesters": protesters,
        "agents": agents,
        "steps_timed": steps,
        "s_per_step": dt,
        "agent_steps_per_s": agents / dt,
    }


def peak_memory(build, steps: int) -> int:
    """Peak traced bytes while building a model and stepping it (tracemalloc sees numpy's
    buffers)."""
    gc.collect()
    tracemalloc.start()
    model = build()
    for _ in range(steps):
        model.step(DAY) if isinstance(model, City) else model.step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del model
    return peak


def slope(rows: list[dict], lo: int, hi: int) -> float:
    """Least-squares slope of log(s/step) on log(agents) over our sizes lo..hi (vision 7)."""
    pts = [
        (r["agents"], r["s_per_step"])
        for r in rows
        if r["engine"] == "ours" and r["vision"] == 7 and lo <= r["size"] <= hi
    ]
    x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return float(np.polyfit(x, y, 1)[0])


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for engine, style, label in (
        ("ours", "o-", f"this engine ({rows[0]['kernels']})"),
        ("mesa", "s--", "Mesa 3.5.1 example"),
    ):
        pts = sorted(
            (r["agents"], r["s_per_step"])
            for r in rows
            if r["engine"] == engine and r["vision"] == 7
        )
        ax.loglog([p[0] for p in pts], [p[1] for p in pts], style, label=label)
    pts = sorted(
        (r["agents"], r["s_per_step"]) for r in rows if r["engine"] == "ours" and r["vision"] == 7
    )
    a0, s0 = pts[1]
    xs = np.array([pts[1][0], pts[-1][0]])
    ax.loglog(xs, s0 * xs / a0, ":", color="grey", label="slope 1 (linear)")
    ax.set_xlabel("agents (citizens + cops)")
    ax.set_ylabel("seconds per step")
    ax.set_title("Epstein civil violence, legitimacy 0.8, vision 7, torus")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--quick", action="store_true", help="fewer steps (a smoke run, figures noisier)"
    )
    ap.add_argument(
        "--engine",
        choices=("compiled", "numpy"),
        default="compiled",
        help="our engine: numba kernels (sim.city.compiled, the default) or the numpy reference",
    )
    args = ap.parse_args(argv)
    compiled = args.engine == "compiled"
    ours, mesa = OURS, MESA
    if args.quick:
        ours = [(s, 1, max(2, n // 10)) for s, _, n in OURS]
        mesa = [(s, 1, max(1, n // 4)) for s, _, n in MESA]
    rows = []
    for size, warm, steps in ours:
        rows.append(time_ours(size, warm, steps, compiled=compiled))
        print(f"ours  {size:5d}x{size:<5d} {rows[-1]['s_per_step']:.5f} s/step", flush=True)
    for v in VISIONS:
        if v != 7:
            size, warm, steps = ours[-1]
            rows.append(time_ours(size, warm, steps, vision=v, compiled=compiled))
            print(
                f"ours  {size:5d}x{size:<5d} vision {v:2d} {rows[-1]['s_per_step']:.5f} s/step",
                flush=True,
            )
    for size, warm, steps in mesa:
        rows.append(time_mesa(size, warm, steps))
        print(f"mesa  {size:5d}x{size:<5d} {rows[-1]['s_per_step']:.5f} s/step", flush=True)

    # memory: separate, untimed runs (tracemalloc slows Python-object allocation)
    for r in rows:
        if r["engine"] == "ours":
            r["peak_bytes"] = peak_memory(
                lambda r=r: make_city(r["size"], 1, vision=r["vision"], compiled=compiled), 3
            )
        elif r["size"] <= 100 or not args.quick:
            r["peak_bytes"] = peak_memory(lambda r=r: make_mesa(r["size"], 1), 1)
        if "peak_bytes" in r:
            r["bytes_per_protester"] = r["peak_bytes"] / r["protesters"]

    mesa_rate = {r["size"]: r["agent_steps_per_s"] for r in rows if r["engine"] == "mesa"}
    for r in rows:
        if r["engine"] == "ours" and r["vision"] == 7 and r["size"] in mesa_rate:
            r["ratio_vs_mesa"] = r["agent_steps_per_s"] / mesa_rate[r["size"]]

    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if compiled else "_numpy"
    for r in rows:
        r["kernels"] = args.engine if r["engine"] == "ours" else ""
    fields = [
        "engine",
        "kernels",
        "size",
        "vision",
        "protesters",
        "agents",
        "steps_timed",
        "s_per_step",
        "agent_steps_per_s",
        "peak_bytes",
        "bytes_per_protester",
        "ratio_vs_mesa",
    ]
    with open(RESULTS / f"engine_vs_mesa{suffix}.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in fields})
    plot(rows, RESULTS / f"engine_vs_mesa{suffix}.png")

    print(
        f"\n{'engine':6s} {'size':>9s} {'vis':>3s} {'agents':>8s} {'s/step':>9s} "
        f"{'agent-steps/s':>14s} {'peak MB':>8s} {'B/protester':>11s} {'x Mesa':>7s}"
    )
    for r in rows:
        print(
            f"{r['engine']:6s} {r['size']:>4d}x{r['size']:<4d} {r['vision']:>3d} {r['agents']:>8d} "
            f"{r['s_per_step']:>9.5f} {r['agent_steps_per_s']:>14.0f} "
            f"{r.get('peak_bytes', float('nan')) / 1e6:>8.1f} "
            f"{r.get('bytes_per_protester', float('nan')):>11.1f} "
            f"{r.get('ratio_vs_mesa', float('nan')):>7.0f}"
        )
    big = max(s for s, _, _ in ours)
    get = {(r["engine"], r["size"], r["vision"]): r for r in rows}
    summary = {
        "engine": args.engine,
        "ratio_vs_mesa": {
            f"{s}x{s}": round(get[("ours", s, 7)]["ratio_vs_mesa"], 1) for s in mesa_rate
        },
        "s_per_step": {
            f"{r['engine']}_{r['size']}x{r['size']}"
            + (f"_v{r['vision']}" if r["vision"] != 7 else ""): round(r["s_per_step"], 6)
            for r in rows
        },
        "slope_100_to_1000": round(slope(rows, 100, 1000), 3),
        "slope_100_to_1000_two_point": round(
            float(
                np.log(get[("ours", big, 7)]["s_per_step"] / get[("ours", 100, 7)]["s_per_step"])
                / np.log(get[("ours", big, 7)]["agents"] / get[("ours", 100, 7)]["agents"])
            ),
            3,
        ),
        "bytes_per_protester_1000x1000": round(get[("ours", big, 7)]["bytes_per_protester"], 1),
        "vision_s_per_step_1000x1000": {
            str(v): round(get[("ours", big, v)]["s_per_step"], 4) for v in VISIONS
        },
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
