"""Replications: seeded streams, parallel runs, and the result files of ``sim run``.

``run_replications`` spawns one independent stream per replication from a root seed
(``numpy.random.SeedSequence``), runs them on a process pool, and returns :class:`Results`, whose
``save`` writes ``daily.parquet``, ``summary.parquet``, ``decisions.parquet`` and ``manifest.json``
(each written to a temporary file and renamed, so a crash never leaves half a file) and whose
``plot`` draws the outcome curves. Calls chain: ``run_replications(cfg, 50).save(out).plot(out)``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from .config import Config
from .files import write_parquet, write_text
from .interrupts import Interrupted, RunAborted, deferred
from .model import CrisisModel
from .parallel import InProcess, LocalPool
from .records import RANKED_OUTCOMES, summarize, summary_frame

NOTHING_WRITTEN = (
    "No files were written (`sim run` and `sim cases` write theirs once every "
    "replication has run); run the same command again."
)
PACKAGES = (
    "moscow-sim",
    "mesa",
    "numpy",
    "pandas",
    "pyarrow",
    "pydantic",
    "matplotlib",
    "pyyaml",
    "tqdm",
)


def replication_seeds(root_seed: int, reps: int) -> list[int]:
    """One 64-bit seed per replication, spawned from ``root_seed``; ``CrisisModel(cfg, rng=s)``
    replays it."""
    children = np.random.SeedSequence(root_seed).spawn(reps)
    return [int(c.generate_state(1, dtype=np.uint64)[0]) for c in children]


def simulate(config: Config, seed: int) -> tuple[dict[str, list], dict, list[dict]]:
    """Run one replication to the horizon: (daily columns, summary row, decision log).

    The daily series is the model's own record, column name -> one value per day from day 0, with
    no frame built from it: the sweep executor stores many runs' columns in one table at once.
    """
    model = CrisisModel(config, rng=seed).run()
    columns = model.datacollector.model_vars
    return columns, summarize(columns, config.russia.order_threshold), model.russia.log


def run_one(config: Config, seed: int) -> tuple[pd.DataFrame, dict, list[dict]]:
    """Run one replication to the horizon: (daily frame, summary row, decision log)."""
    columns, summary, log = simulate(config, seed)
    return pd.DataFrame(columns), summary, log


def _run_chunk(
    args: tuple[Config, list[tuple]],
) -> list[tuple[int, int, pd.DataFrame, dict, list[dict]]]:
    """Replications in this process; a stop signal waits for the one in progress (``deferred``).
    A job is (rep, seed) or (rep, seed, config): the replication's own config (a posterior draw)."""
    config, jobs = args
    out = []
    for rep, seed, *own in jobs:
        with deferred():
            out.append((rep, seed, *run_one(own[0] if own else config, seed)))
    return out


@dataclass
class Results:
    """The outputs of N replications of one scenario."""

    config: Config
    root_seed: int
    seeds: list[int]
    daily: pd.DataFrame
    summary: pd.DataFrame
    decisions: pd.DataFrame
    wall_time_s: float
    extra: dict = field(default_factory=dict)

    def manifest(self) -> dict:
        return {
            "scenario": self.config.name,
            "config": self.config.model_dump(mode="json"),
            "root_seed": self.root_seed,
            "replications": len(self.seeds),
            "seeds": self.seeds,
            "versions": package_versions(),
            "git_commit": git_commit(),
            "wall_time_s": round(self.wall_time_s, 3),
            "command": " ".join(sys.argv),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            **self.extra,
        }

    def save(self, out: str | Path) -> Results:
        """Write the three tables and the manifest into ``out``; returns self."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        write_parquet(self.daily, out / "daily.parquet")
        write_parquet(self.summary, out / "summary.parquet")
        write_parquet(self.decisions, out / "decisions.parquet")
        write_text(out / "manifest.json", json.dumps(self.manifest(), indent=2, default=str))
        return self

    def plot(self, out: str | Path) -> Results:
        """Draw the outcome curves into ``out/plots``; returns self."""
        from .plots import plot_results  # matplotlib only when plotting

        plot_results(self.daily, self.config, Path(out) / "plots")
        return self

    def describe(self) -> str:
        """A short text summary fitting the scenario: for a war, the option taken, territory,
        losses, the war's end and sanctions; otherwise outcome shares, deployment, survival and
        unrest."""
        s = self.summary
        n = len(s)
        shares = s["outcome"].value_counts(normalize=True)
        parts = ", ".join(
            f"{k} {shares.get(k, 0):.0%}" for k in RANKED_OUTCOMES if shares.get(k, 0)
        )
        dep = s[s["deployed"]]

        def med(col, frame=s, fmt="{:.1f}"):
            v = pd.to_numeric(frame[col], errors="coerce").dropna()
            return fmt.format(v.median()) if len(v) else "n/a"

        head = f"{self.config.name}: {n} replications in {self.wall_time_s:.1f} s"
        if "war_phase" in self.daily and (self.daily["war_phase"] != "peace").any():
            return "\n".join([head, *self._describe_war(med)])
        forms = s["form"].value_counts(normalize=True) if "form" in s else pd.Series(dtype=float)
        taken = ", ".join(f"{k} {v:.0%}" for k, v in forms.items())
        lines = [
            head,
            f"  outcome (strongest decision per run): {parts}"
            + (
                f"; option carried out (form): {taken}"
                if set(forms.index) - {"none", "guard"}
                else ""
            ),
            f"  deployed in {s['deployed'].mean():.0%} of runs; median deploy day "
            f"{med('deploy_day', dep)}, median peak troops {med('peak_troops', dep, '{:,.0f}')}, "
            f"median withdrawn day {med('withdrawn_day', dep)}",
            f"  regime survived in {s['regime_survived'].mean():.0%}; median days to restore "
            f"order {med('days_to_order')}; median peak unrest {med('peak_unrest', fmt='{:.1%}')}",
        ]
        return "\n".join(lines)

    def _describe_war(self, med) -> list[str]:
        s = self.summary
        forms = s["form"].value_counts(normalize=True)
        taken = ", ".join(f"{k} {v:.0%}" for k, v in forms.items())
        ended = s["war_end_day"].notna()
        t = s["final_territory_share"]
        return [
            f"  option carried out (form, per run): {taken}; deployed in "
            f"{s['deployed'].mean():.0%} of runs, median peak troops "
            f"{med('peak_troops', s[s['deployed']], '{:,.0f}')}, more than one deployment in "
            f"{(s['deployments'] > 1).mean():.0%}",
            f"  war ended (ceasefire) in {ended.mean():.0%} of runs, median day "
            f"{med('war_end_day', s[ended], '{:.0f}')}; territory held by Moscow's side at the "
            f"end: median {t.median():.3f} (10-90%: {t.quantile(0.1):.3f}-{t.quantile(0.9):.3f})",
            "  losses (median, dead, wounded and captured): Russian "
            f"{med('russian_losses', fmt='{:,.0f}')}, host {med('host_losses', fmt='{:,.0f}')}; "
            f"host soldiers defected {med('host_forces_defected', fmt='{:,.0f}')}; deaths, all "
            f"sides {med('war_deaths', fmt='{:,.0f}')}",
            f"  sanctions: median peak {med('peak_sanctions', fmt='{:.2f}')}; regime survived in "
            f"{s['regime_survived'].mean():.0%}",
        ]


def run_replications(
    config: Config,
    reps: int = 50,
    seed: int = 0,
    jobs: int | None = None,
    progress: bool = True,
    configs: list[Config] | None = None,
) -> Results:
    """Run ``reps`` replications of ``config`` from root seed ``seed`` on ``jobs`` processes.

    Args:
        config: the scenario.
        reps: number of replications.
        seed: root seed; replication i uses the i-th stream spawned from it.
        jobs: worker processes (default: all local cores; 1 runs in this process).
        progress: show a progress bar.
        configs: one config per replication (parameters drawn from a posterior,
            ``sim.calibration.posterior``); default: ``config`` for every replication.
    """
    from tqdm import tqdm

    start = time.perf_counter()
    seeds = replication_seeds(seed, reps)
    jobs = max(1, min(jobs or os.cpu_count() or 1, reps))
    work = [(rep, s, configs[rep]) if configs else (rep, s) for rep, s in enumerate(seeds)]
    chunk = max(1, min(8, reps // (jobs * 4) or 1))
    chunks = [(config, work[i : i + chunk]) for i in range(0, len(work), chunk)]
    bar = tqdm(total=reps, desc=config.name, unit="run", disable=not progress, file=sys.stderr)
    done: list[tuple[int, int, pd.DataFrame, dict, list[dict]]] = []
    warn = lambda text: tqdm.write(text, file=sys.stderr)  # noqa: E731 - above the bar
    runner = InProcess() if jobs == 1 else LocalPool(jobs, warn=warn)
    finished = False
    try:
        for _, part in runner.imap_unordered(_run_chunk, [(c,) for c in chunks]):
            done.extend(part)
            bar.update(len(part))
        finished = True
    except Interrupted as stop:
        stop.detail = stop.detail or NOTHING_WRITTEN
        raise
    except RunAborted as err:
        raise RunAborted(f"{err} {NOTHING_WRITTEN}") from None
    finally:
        runner.close(kill=not finished)
        bar.close()
    done.sort(key=lambda r: r[0])
    daily = pd.concat([d.assign(rep=rep) for rep, _, d, _, _ in done], ignore_index=True)
    daily = daily[["rep"] + [c for c in daily.columns if c != "rep"]]
    summary = summary_frame([{"rep": rep, "seed": s, **row} for rep, s, _, row, _ in done])
    decisions = pd.DataFrame([{"rep": rep, **row} for rep, _, _, _, log in done for row in log])
    return Results(config, seed, seeds, daily, summary, decisions, time.perf_counter() - start)


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str | None:
    """The commit of the working tree the package runs from, when it is a git checkout."""
    try:
        res = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None
