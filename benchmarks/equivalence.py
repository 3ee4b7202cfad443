"""Macro equivalence of our engine and Mesa's Epstein example over many seeds.

    python benchmarks/equivalence.py [--seeds 20] [--steps 200] [--burn-in 50] [--size 40]

Both models at the same settings (benchmarks/common.py: legitimacy 0.8, J_max 30, torus, von
Neumann, vision 7, densities 0.7 / 0.074). For every seed, after the burn-in, we take the series of
the active and jailed shares and compute the macro statistics below; then we compare the two
models' means over seeds, each against a tolerance stated in TOLERANCES. Writes
benchmarks/results/equivalence.md (the report) and equivalence.json (per-seed figures).
"""

from __future__ import annotations

import argparse
import json
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.common import MAX_JAIL, city_series, mesa_series

RESULTS = Path(__file__).resolve().parent / "results"
OUTBURST_FLOOR = 0.005  # an outburst needs at least 0.5% of citizens active (about 6 at 40x40)

# statistic -> (description, absolute tolerance floor, relative tolerance)
# Two models agree on a statistic when the difference of their means over seeds is within
#   max(floor, relative * |Mesa's mean|, 3 standard errors of the difference).
# The 3-SE term is what sampling noise alone allows with this many seeds (a z-test at about 0.3%);
# the relative term is the practical margin: a 30% change in, e.g., how often outbursts happen
# would be a visible change in the model's behaviour, smaller ones are not; the floors keep
# near-zero statistics (the active share at legitimacy 0.8 is a fraction of a percent) from
# demanding agreement below one agent's worth of difference at 40x40 (1/1100 = 0.0009).
TOLERANCES = {
    "active_mean": ("mean active share", 0.001, 0.30),
    "active_sd": ("standard deviation of the active share over time", 0.001, 0.30),
    "active_max": ("largest active share in the run", 0.002, 0.30),
    "outbursts_per_100": (
        "outbursts per 100 steps (runs of steps above max(2 x median, 0.5%))",
        0.25,
        0.30,
    ),
    "outburst_peak": ("mean peak active share of an outburst", 0.002, 0.30),
    "jailed_mean": ("mean jailed share", 0.002, 0.15),
}


def macro(series: dict[str, np.ndarray]) -> dict[str, float]:
    """The macro statistics of one run."""
    a, j = series["active"], series["jailed"]
    theta = max(2 * float(np.median(a)), OUTBURST_FLOOR)
    above = a > theta
    starts = np.flatnonzero(above & ~np.r_[False, above[:-1]])
    ends = np.flatnonzero(above & ~np.r_[above[1:], False])
    peaks = [float(a[s : e + 1].max()) for s, e in zip(starts, ends, strict=True)]
    return {
        "active_mean": float(a.mean()),
        "active_sd": float(a.std()),
        "active_max": float(a.max()),
        "outbursts_per_100": 100.0 * len(peaks) / a.size,
        "outburst_peak": float(np.mean(peaks)) if peaks else float("nan"),
        "jailed_mean": float(j.mean()),
    }


def _run(job):
    kind, seed, size, steps, burn_in, max_jail = job
    f = city_series if kind == "ours" else mesa_series
    return kind, seed, macro(f(seed, size, steps, burn_in, max_jail))


def run_all(
    seeds: int, size: int, steps: int, burn_in: int, processes: int = 2, max_jail: int = MAX_JAIL
) -> dict[str, list[dict]]:
    jobs = [(k, s, size, steps, burn_in, max_jail) for s in range(seeds) for k in ("mesa", "ours")]
    out: dict[str, list[dict]] = {"ours": [], "mesa": []}
    if processes > 1:
        with Pool(processes) as pool:
            results = pool.map(_run, jobs, chunksize=1)
    else:
        results = [_run(j) for j in jobs]
    for kind, seed, stats in results:
        out[kind].append({"seed": seed, **stats})
    return out


def compare(runs: dict[str, list[dict]]) -> list[dict]:
    """One row per statistic: both means, their difference, the tolerance, and whether it holds."""
    rows = []
    for key, (desc, floor, rel) in TOLERANCES.items():
        o = np.array([r[key] for r in runs["ours"]], dtype=float)
        m = np.array([r[key] for r in runs["mesa"]], dtype=float)
        o, m = o[~np.isnan(o)], m[~np.isnan(m)]
        if o.size == 0 and m.size == 0:  # e.g. no outburst in any run of either model: they agree
            rows.append(
                {
                    "key": key,
                    "desc": desc,
                    "ours": float("nan"),
                    "mesa": float("nan"),
                    "diff": 0.0,
                    "se": 0.0,
                    "tol": floor,
                    "ok": True,
                    "n": (0, 0),
                }
            )
            continue
        if o.size == 0 or m.size == 0:
            rows.append(
                {
                    "key": key,
                    "desc": desc,
                    "ours": float(o.mean()) if o.size else float("nan"),
                    "mesa": float(m.mean()) if m.size else float("nan"),
                    "diff": float("nan"),
                    "se": float("nan"),
                    "tol": floor,
                    "ok": False,
                    "n": (o.size, m.size),
                }
            )
            continue
        se = (
            float(np.sqrt(o.var(ddof=1) / o.size + m.var(ddof=1) / m.size))
            if min(o.size, m.size) > 1
            else 0.0
        )
        diff = float(o.mean() - m.mean())
        tol = max(floor, rel * abs(float(m.mean())), 3 * se)
        rows.append(
            {
                "key": key,
                "desc": desc,
                "ours": float(o.mean()),
                "mesa": float(m.mean()),
                "diff": diff,
                "se": se,
                "tol": tol,
                "ok": abs(diff) <= tol,
                "n": (o.size, m.size),
            }
        )
    return rows


def report(rows: list[dict], args) -> str:
    lines = [
        "# Equivalence of the engine with Mesa's Epstein example",
        "",
        f"Generated by `python benchmarks/equivalence.py --seeds {args.seeds} --steps {args.steps} "
        f"--burn-in {args.burn_in} --size {args.size} --max-jail {args.max_jail}`.",
        "",
        f"Settings, both models: {args.size}x{args.size} torus, von Neumann vision 7, citizen "
        "density 0.7, cop density 0.074, legitimacy 0.8, threshold 0.1, k = 2.3, J_max = "
        f"{args.max_jail}; {args.seeds} seeds each; statistics over {args.steps} steps after a "
        f"burn-in of {args.burn_in}. Outburst: a run of consecutive steps with the active share "
        f"above max(2 x the run's median, {OUTBURST_FLOOR}).",
        "",
        "Agreement on a statistic: |mean(ours) - mean(Mesa)| <= max(floor, relative x "
        "|mean(Mesa)|, 3 SE), SE the standard error of the difference of the two means over "
        "seeds. Why these tolerances: see the comment on `TOLERANCES` in "
        "benchmarks/equivalence.py and benchmarks/README.md.",
        "",
        "| statistic | ours (mean over seeds) | Mesa | difference | 3 SE | tolerance | runs with "
        "data (ours, Mesa) | agree |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['desc']} | {r['ours']:.5f} | {r['mesa']:.5f} | {r['diff']:+.5f} | "
            f"{3 * r['se']:.5f} | {r['tol']:.5f} | {r['n'][0]}, {r['n'][1]} | "
            f"{'yes' if r['ok'] else '**no**'} |"
        )
    lines += ["", f"All statistics agree: **{'yes' if all(r['ok'] for r in rows) else 'no'}**.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--burn-in", type=int, default=50)
    ap.add_argument("--size", type=int, default=40)
    ap.add_argument(
        "--max-jail",
        type=int,
        default=MAX_JAIL,
        help="J_max for both models (Mesa's own default: 1000)",
    )
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument(
        "--name", default="equivalence", help="stem of the report files in benchmarks/results"
    )
    args = ap.parse_args(argv)
    runs = run_all(args.seeds, args.size, args.steps, args.burn_in, args.processes, args.max_jail)
    rows = compare(runs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(runs, indent=1))
    text = report(rows, args)
    (RESULTS / f"{args.name}.md").write_text(text)
    print(text)
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
