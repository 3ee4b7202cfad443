"""The historical backtest behind ``sim cases``: run every case config, score it against history.

A *case* is one YAML file in a directory (default ``configs/cases/``); its file stem is its id. Its
history is the row with that id in ``history.csv`` (the directory's own, else the shipped
``configs/cases/history.csv``): ``intervened`` (1/0), ``scale_troops``, ``days_trigger_to_deploy``,
``history_outcome`` and a ``note`` saying how the row of the case table was coded. The case table,
``configs/cases/cases.csv`` (the project's compiled facts, one row per case, shipped with the
package), adds each case's title (``case``), the form of Moscow's move (``form``) and its start
date, and is checked for ids; ``--cases-csv`` gives another.

Each case runs once per rule family (``russia.rule`` overridden to ``all_five`` and ``weighted``;
nothing else of the rule is touched) and per level (``sim.cases_levels``): ``decision``, the host's
request as documented in ``history.csv`` (``request``, ``request_day``) applied as a fact, and
``crisis``, the case as configured, its host asking (or not) by its own rule, also scored on whether
it asked. A case whose config carries a perception bias also runs with the bias cleared (variant
``unbiased``), shown beside it and not scored.

Definitions (docs/cases.md):

- a run *intervened* when the strongest option it carried out (its ``form``) sent Russian troops
  into the crisis to act in it: ``guard``, ``limited`` or ``full`` (not ``covert`` support, nor
  ``peacekeeping`` with both parties' consent after a ceasefire); ``p_intervene`` is the share of
  such runs, and the model predicts intervention when it is >= 0.5;
- the *form* predicted is the commonest ``form`` over runs; it is scored against the ``form`` column
  of ``history.csv`` (optional; copied from the shared cases.csv), beside intervene / not;
- the *decisive moment* of a run is the first day of its strongest decision (``deploy`` or
  ``limited``: the day troops were ordered; ``delay`` or ``decline``: the first such day); a run
  that only watched is read on the first day its perceived trigger peaked. Factor columns are
  medians over runs of the factors on that day; ``missing`` is the commonest set of failed factors
  then;
- accuracy counts cases whose predicted intervene/not matches history; the Brier score is the mean
  of ``(p_intervene - intervened)^2``. The base-rate baseline predicts, for every case, the share of
  cases that intervened (Brier) and the majority outcome (accuracy, and a hard 0/1 Brier).

Rooms: the inputs in ``sim.cases_inputs``, the levels in ``sim.cases_levels``, the scoring in
``sim.cases_scoring``, the report (markdown and heatmap) in ``sim.cases_report``; this module runs
the cases and saves the backtest.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .cases_inputs import (  # noqa: F401 (re-exported: the backtest's inputs)
    CASES_CSV_COLUMNS,
    DEFAULT_CASES_CSV,
    DEFAULT_DIR,
    HISTORY_COLUMNS,
    Inputs,
    case_files,
    load_cases_csv,
    load_history,
    load_inputs,
)
from .cases_levels import LEVELS, asked_columns, at_level
from .cases_report import markdown_report, plot_heatmap, summary_text  # noqa: F401 (summary_text: sim cases)
from .cases_scoring import OUTCOMES, score_case, scores
from .config import load_config
from .decision import FACTORS
from .files import write_csv, write_parquet, write_text
from .records import FORMS

RULES = ("all_five", "weighted")

TABLE_COLUMNS = (
    "case",
    "title",
    "start",
    "level",
    "rule",
    "variant",
    "scored",
    "hist_intervened",
    "hist_outcome",
    "hist_form",
    "hist_scale",
    "hist_days",
    *(f"share_{o if o != 'watch' else 'none'}" for o in OUTCOMES),
    "p_intervene",
    "pred_intervened",
    "pred_scale",
    "pred_day",
    "decisive_day",
    *(f"{f}_{k}" for f in FACTORS for k in ("perceived", "true")),
    "missing",
    "hit",
    *(f"p_form_{f}" for f in FORMS),
    "pred_form",
    "form_hit",
    "hist_request",
    "hist_request_day",
    "p_asked",
    "pred_request_day",
    "asked_hit",
)


@dataclass
class Backtest:
    """The backtest table (one row per case, rule and variant) and the scores per rule."""

    table: pd.DataFrame
    scores: pd.DataFrame
    notes: list[str]

    manifest: dict = field(default_factory=dict)

    def save(self, out: str | Path) -> list[Path]:
        """Write cases.csv, cases.parquet, scores.csv, cases.md, cases.png and, last, manifest.json
        into ``out``, each atomically."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "manifest.json").unlink(missing_ok=True)  # an earlier backtest's record goes first
        files = [
            out / "cases.csv",
            out / "cases.parquet",
            out / "scores.csv",
            out / "cases.md",
            out / "cases.png",
        ]
        write_csv(self.table, files[0])
        write_parquet(self.table, files[1])
        write_csv(self.scores, files[2])
        write_text(files[3], self.markdown())
        plot_heatmap(self.table, files[4])
        write_text(out / "manifest.json", json.dumps(self.manifest, indent=2, default=str))
        return files + [out / "manifest.json"]

    def markdown(self) -> str:
        return markdown_report(self.table, self.scores, self.notes)


# --- the backtest -------------------------------------------------------------------------------


def run_backtest(
    directory: str | Path = DEFAULT_DIR,
    reps: int = 20,
    seed: int = 0,
    jobs: int | None = None,
    cases_csv: str | Path | None = None,
    rules=RULES,
    progress: bool = False,
    inputs: Inputs | None = None,
    levels=LEVELS,
    posterior=None,
) -> Backtest:
    """Run every case config in ``directory`` under each rule family and score it against history.

    Args:
        directory: folder of case YAML files (file stem = case id).
        reps: replications per case, rule and variant.
        seed: root seed, the same for every case.
        jobs: worker processes per case (default: all cores).
        cases_csv: the case table (titles, form, dates); default the shipped
            configs/cases/cases.csv.
        rules: rule families to run.
        progress: print one line per case to stderr.
        inputs: the inputs already read by :func:`load_inputs` (else read here).
        levels: the levels to run (``sim.cases_levels.LEVELS``: decision, crisis).
        posterior: a ``sim.calibration.posterior.Posterior``: each replication of every case draws
            its parameters from it (the same draws in every case; keys under ``events`` are left
            out, as they describe the calibrated scenario's own shocks).
    """
    from .runner import git_commit, package_versions

    inputs = inputs or load_inputs(directory, cases_csv)
    history, shared = inputs.history, inputs.table
    rows, notes, record, drawn = [], list(inputs.notes), None, None
    if posterior is not None:
        from .calibration.posterior import mechanism_only

        draws, dropped = mechanism_only(posterior.draws(reps, seed))
        record = posterior.record(draws)
        drawn = (posterior, draws)
        left_out = (
            f" (leaving out {', '.join(dropped)}: the calibrated scenario's own events)"
            if dropped
            else ""
        )
        notes.append(f"parameters drawn from the posterior {posterior.path}{left_out}")
    for path in inputs.files:
        cid = path.stem
        hist = history.loc[cid] if cid in history.index else None
        facts = shared.loc[cid] if shared is not None and cid in shared.index else None
        for level in levels:
            for rule in rules:
                rows += _run_case(path, level, rule, hist, facts, reps, seed, jobs, progress, drawn)
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    manifest = {
        **inputs.identity(reps, seed, rules, levels),
        "cases_dir": str(inputs.directory),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "command": " ".join(sys.argv),
    }
    if record is not None:
        manifest["backtest"]["posterior"] = posterior.sha256  # another posterior: another backtest
        manifest["posterior_draws"] = record
    return Backtest(table, scores(table), notes, manifest)


def _run_case(
    path: Path,
    level: str,
    rule: str,
    hist: pd.Series | None,
    facts,
    reps: int,
    seed: int,
    jobs: int | None,
    progress: bool,
    drawn: tuple | None = None,
) -> list[dict]:
    """The table rows of one case at one level under one rule: the case, and its unbiased variant
    when it carries a perception bias; ``drawn`` = (posterior, one draw per replication) gives each
    replication its own parameters."""
    from .runner import run_replications

    cid, known = path.stem, hist is not None
    cfg = load_config(path, [f"russia.rule={rule}"])
    variants = [("", cfg)]
    if cfg.russia.perception.bias:
        variants.append(
            ("unbiased", load_config(path, [f"russia.rule={rule}", "russia.perception.bias={}"]))
        )
    rows = []
    for variant, c in variants:
        leveled, own = at_level(c, level, hist), None
        if drawn is not None:
            from .calibration.posterior import draw_configs

            own = draw_configs(leveled, drawn[0], drawn[1], str(path))
        res = run_replications(
            leveled, reps=reps, seed=seed, jobs=jobs, progress=False, configs=own
        )
        row = {
            "case": cid,
            "title": facts["case"] if facts is not None else cid,
            "start": facts["start"] if facts is not None else None,
            "level": level,
            "rule": rule,
            "variant": variant,
            "scored": variant == "" and known,
            "hist_intervened": int(hist["intervened"]) if hist is not None else None,
            "hist_outcome": hist["history_outcome"] if hist is not None else "unknown",
            "hist_form": facts["form"] if facts is not None else None,
            "hist_scale": _number(hist, "scale_troops"),
            "hist_days": _number(hist, "days_trigger_to_deploy"),
        }
        row.update(score_case(res, hist))
        row.update(asked_columns(res.summary, hist))
        rows.append(row)
        if progress:
            print(
                f"  {cid:<20} {level:<8} {rule:<9} {variant or '':<9} P(intervene) "
                f"{row['p_intervene']:.2f} "
                f"{'-' if row['hit'] is None else 'hit' if row['hit'] else 'MISS'}  P(asked) "
                f"{row['p_asked']:.2f}",
                file=sys.stderr,
            )
    return rows


def _number(hist: pd.Series | None, column: str) -> float:
    return float(hist[column]) if hist is not None and pd.notna(hist[column]) else np.nan
