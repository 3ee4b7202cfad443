"""A calibration's outputs: the posterior, the generations, the posterior predictive check, plots.

Written into the output folder (each file atomically, ``sim.files``):

- ``posterior.parquet``: one row per particle of the last generation, a column per free parameter
  (its config key) and ``weight`` (summing to 1).
- ``generations.csv``: per generation the tolerance (epsilon), particles, simulations and
  acceptance rate.
- ``predictive.parquet``: ``predictive`` runs, each with parameters drawn from the posterior
  (weighted) and its own seed: the drawn parameters and every target's value.
- ``predictive_check.csv``: per target the observed value, the predictive 10%, 50% and 90%
  quantiles and whether history lies inside the 10-90% band.
- ``plots/``: ``marginals.png``, ``pairs.png``, ``generations.png``, ``predictive_check.png``.
- ``manifest.json``: the spec, the resolved base config, seeds, size, versions, times.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import write_csv, write_parquet, write_text
from ..runner import git_commit, package_versions, replication_seeds
from .posterior import draw_rows, metadata_bytes
from .run import Calibration

BAND = (0.1, 0.9)


def posterior_frame(cal: Calibration) -> pd.DataFrame:
    """The last generation's particles and weights, one column per free parameter, then
    ``weight``."""
    frame, weights = cal.history.get_distribution(m=0, t=cal.history.max_t)
    frame = frame.reset_index(drop=True)[list(cal.spec.parameters)]
    for key in frame:
        if cal.simulator.integer.get(key):
            frame[key] = frame[key].round().astype("int64")
    frame["weight"] = np.asarray(weights, dtype=float) / float(np.sum(weights))
    return frame


def generations_frame(cal: Calibration) -> pd.DataFrame:
    """Tolerance, particles, simulations and acceptance per finished generation."""
    pops = cal.history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    return pd.DataFrame(
        {
            "generation": pops["t"].astype(int).to_numpy(),
            "epsilon": pops["epsilon"].astype(float).to_numpy(),
            "particles": pops["particles"].astype(int).to_numpy(),
            "simulations": pops["samples"].astype(int).to_numpy(),
            "acceptance": (pops["particles"] / pops["samples"]).astype(float).to_numpy(),
        }
    )


def _predict_batch(sim, rows: list[tuple[dict, int]]) -> list[dict]:
    return [sim.run(params, seed) for params, seed in rows]


def predictive(cal: Calibration, posterior: pd.DataFrame, runs: int, runner) -> pd.DataFrame:
    """``runs`` runs with parameters drawn from the posterior (weighted) and seeds spawned from the
    spec's seed: one row each, the draw's parameters then the targets."""
    rng = np.random.default_rng([cal.spec.seed, 7])  # the predictive check's own stream
    draws = draw_rows(posterior, runs, rng)
    seeds = replication_seeds(cal.spec.seed, runs)
    work = list(zip(draws, seeds, strict=True))
    size = 16
    tasks = [(cal.simulator, work[i : i + size]) for i in range(0, len(work), size)]
    results = dict(runner.imap_unordered(_predict_batch, tasks))
    values = [v for i in sorted(results) for v in results[i]]
    return pd.concat([pd.DataFrame(draws).add_prefix("param:"), pd.DataFrame(values)], axis=1)


def check_table(cal: Calibration, pred: pd.DataFrame) -> pd.DataFrame:
    """Per target: observed, predictive 10/50/90% quantiles, and whether history is inside the
    band."""
    rows = []
    for t in cal.spec.targets:
        v = pred[t.name].astype(float)
        lo, mid, hi = (float(v.quantile(q)) for q in (BAND[0], 0.5, BAND[1]))
        rows.append(
            {
                "target": t.name,
                "statistic": t.statistic,
                "observed": t.observed,
                "p10": lo,
                "median": mid,
                "p90": hi,
                "covered": bool(lo <= t.observed <= hi),
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)


def write_report(cal: Calibration, runner) -> dict:
    """Write every output of a finished calibration into ``cal.out``; returns a short account."""
    out = cal.out
    _, _, runs = cal.spec.budget(cal.quick)
    post = posterior_frame(cal)
    gens = generations_frame(cal)
    start = time.perf_counter()
    pred = predictive(cal, post, runs, runner)
    table = check_table(cal, pred)
    manifest = {
        "calibration": cal.spec.name,
        "spec_file": str(cal.spec_path),
        "spec": cal.identity["spec"],
        "base_config": cal.identity["base_config"],
        "digest": cal.identity["digest"],
        "quick": cal.quick,
        "seed": cal.spec.seed,
        "where": cal.where,
        "resumed_from_generation": cal.resumed_from,
        "generations": int(len(gens)),
        "simulations": int(gens["simulations"].sum()),
        "final_epsilon": float(gens["epsilon"].iloc[-1]) if len(gens) else None,
        "predictive_runs": runs,
        "covered": int(table["covered"].sum()),
        "targets": len(table),
        "wall_time_s": round(cal.wall_time_s, 3),
        "predictive_time_s": round(time.perf_counter() - start, 3),
        "versions": {**package_versions(), "pyabc": _version("pyabc")},
        "git_commit": git_commit(),
        "command": " ".join(sys.argv),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_parquet_with_meta(post, out / "posterior.parquet", manifest)
    write_csv(gens, out / "generations.csv")
    write_parquet(pred, out / "predictive.parquet")
    write_csv(table, out / "predictive_check.csv")
    from .figures import draw_all  # matplotlib only when drawing

    draw_all(cal.spec, post, gens, pred, table, out / "plots")
    write_text(out / "manifest.json", json.dumps(manifest, indent=2, default=str))
    return {"posterior": post, "generations": gens, "check": table, "manifest": manifest}


def write_parquet_with_meta(frame: pd.DataFrame, path: Path, manifest: dict) -> Path:
    """The posterior with its provenance (calibration, spec, digest, seed) in the parquet metadata,
    so a copy of the file (``configs/calibration/*.posterior.parquet``) still says where it came
    from."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..files import atomic_write

    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = {**(table.schema.metadata or {}), b"sim.calibration": metadata_bytes(manifest)}
    table = table.replace_schema_metadata(meta)
    return atomic_write(path, lambda fh: pq.write_table(table, fh))


def summary_text(cal: Calibration, report: dict) -> str:
    """What the command prints: generations, tolerance, coverage and the posterior's medians."""
    gens, table, post = report["generations"], report["check"], report["posterior"]
    lines = [
        f"{cal.spec.name}: {len(gens)} generations, {int(gens['simulations'].sum()):,} "
        f"simulations, final tolerance {gens['epsilon'].iloc[-1]:.3g}, {cal.wall_time_s:.0f} s "
        f"({cal.where})"
        + (f", resumed after generation {cal.resumed_from}" if cal.resumed_from else "")
    ]
    lines.append(
        f"  posterior predictive 10-90% band covers history for {int(table['covered'].sum())} of "
        f"{len(table)} targets:"
    )
    for r in table.itertuples():
        mark = "inside" if r.covered else "OUTSIDE"
        lines.append(
            f"    {r.target:<16} observed {r.observed:>8g}  band {r.p10:>8.4g} .. {r.p90:<8.4g} "
            f"{mark}"
        )
    lines.append("  posterior (weighted median, 10-90%):")
    for key in cal.spec.parameters:
        q = weighted_quantiles(
            post[key].to_numpy(float), post["weight"].to_numpy(float), (0.5, 0.1, 0.9)
        )
        lines.append(f"    {key:<32} {q[0]:.4g} ({q[1]:.4g} .. {q[2]:.4g})")
    return "\n".join(lines)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> list[float]:
    """Quantiles of a weighted sample (the inverse of its weighted empirical distribution)."""
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = np.cumsum(w) / np.sum(w)
    return [float(v[min(np.searchsorted(cum, q), len(v) - 1)]) for q in qs]


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
