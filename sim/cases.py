"""The historical backtest behind ``sim cases``: run every case config, score it against history.

A *case* is one YAML file in a directory (default ``configs/cases/``); its file stem is its id. Its
history is the row with that id in ``history.csv`` (the directory's own, else the repository's
``configs/cases/history.csv``): ``intervened`` (1/0), ``scale_troops``, ``days_trigger_to_deploy``,
``history_outcome`` and a ``note`` saying how the row of ``../shared/cases/cases.csv`` was coded.
The shared ``cases.csv``, when present, only adds each case's title and is checked for ids.

Each case runs once per rule family (``russia.rule`` overridden to ``all_five`` and ``weighted``;
nothing else of the rule is touched). A case whose config carries a perception bias also runs with
the bias cleared (variant ``unbiased``), shown beside it and not scored.

Definitions (docs/cases.md):

- a run *intervened* when the strongest option it carried out (its ``form``) sent Russian troops into
  the crisis to act in it: ``guard``, ``limited`` or ``full`` (not ``covert`` support, nor
  ``peacekeeping`` with both parties' consent after a ceasefire); ``p_intervene`` is the share of
  such runs, and the model predicts intervention when it is >= 0.5;
- the *form* predicted is the commonest ``form`` over runs; it is scored against the ``form`` column
  of ``history.csv`` (optional; copied from the shared cases.csv), beside intervene / not;
- the *decisive moment* of a run is the first day of its strongest decision (``deploy`` or
  ``limited``: the day troops were ordered; ``delay`` or ``decline``: the first such day); a run that
  only watched is read on the first day its perceived trigger peaked. Factor columns are medians
  over runs of the factors on that day; ``missing`` is the commonest set of failed factors then;
- accuracy counts cases whose predicted intervene/not matches history; the Brier score is the mean
  of ``(p_intervene - intervened)^2``. The base-rate baseline predicts, for every case, the share of
  cases that intervened (Brier) and the majority outcome (accuracy, and a hard 0/1 Brier).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .config import ConfigError, load_config
from .decision import FACTORS
from .decision import INTERVENING_FORMS
from .records import FORMS, INTERVENED, RANKED_OUTCOMES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT / "configs" / "cases"
DEFAULT_CASES_CSV = ROOT.parent / "shared" / "cases" / "cases.csv"
RULES = ("all_five", "weighted")
OUTCOMES = RANKED_OUTCOMES
HISTORY_COLUMNS = ("id", "intervened", "scale_troops", "days_trigger_to_deploy", "history_outcome", "note")

TABLE_COLUMNS = (
    "case", "title", "rule", "variant", "scored", "hist_intervened", "hist_outcome", "hist_scale", "hist_days",
    *(f"share_{o if o != 'watch' else 'none'}" for o in OUTCOMES),
    "p_intervene", "pred_intervened", "pred_scale", "pred_day", "decisive_day",
    *(f"{f}_{k}" for f in FACTORS for k in ("perceived", "true")),
    "missing", "hit", "hist_form", *(f"p_form_{f}" for f in FORMS), "pred_form", "form_hit",
)


@dataclass
class Backtest:
    """The backtest table (one row per case, rule and variant) and the scores per rule."""

    table: pd.DataFrame
    scores: pd.DataFrame
    notes: list[str]

    def save(self, out: str | Path) -> list[Path]:
        """Write cases.csv, cases.parquet, scores.csv, cases.md and cases.png into ``out``."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        files = [out / "cases.csv", out / "cases.parquet", out / "scores.csv", out / "cases.md", out / "cases.png"]
        self.table.to_csv(files[0], index=False)
        self.table.to_parquet(files[1], index=False)
        self.scores.to_csv(files[2], index=False)
        files[3].write_text(self.markdown(), encoding="utf-8")
        plot_heatmap(self.table, files[4])
        return files

    def markdown(self) -> str:
        return markdown_report(self.table, self.scores, self.notes)


# --- inputs -------------------------------------------------------------------------------------


def case_files(directory: str | Path) -> list[Path]:
    """Every ``*.yaml`` in ``directory``, sorted; each one is a case."""
    d = Path(directory)
    if not d.is_dir():
        raise ConfigError(f"Case directory not found: {d}. Give a folder of case configs, e.g. configs/cases/.")
    files = sorted(d.glob("*.yaml"))
    if not files:
        raise ConfigError(f"No case configs (*.yaml) in {d}.")
    return files


def load_history(directory: str | Path) -> pd.DataFrame:
    """The coded history: ``directory/history.csv`` if there is one, else the repository's."""
    path = Path(directory) / "history.csv"
    if not path.is_file():
        path = DEFAULT_DIR / "history.csv"
    if not path.is_file():
        raise ConfigError(f"No history.csv in {directory} or {DEFAULT_DIR}: the backtest needs each case's coded history.")
    h = pd.read_csv(path, dtype={"id": str})
    missing = [c for c in HISTORY_COLUMNS if c not in h.columns]
    if missing:
        raise ConfigError(f"{path}: missing columns {', '.join(missing)}; expected {', '.join(HISTORY_COLUMNS)}.")
    bad = h.loc[~h["intervened"].isin([0, 1]), "id"].tolist()
    if bad:
        raise ConfigError(f"{path}: `intervened` must be 1 or 0; rows {', '.join(bad)} are not.")
    return h.set_index("id")


def load_cases_csv(path: str | Path | None) -> tuple[pd.DataFrame | None, str | None]:
    """The shared cases.csv for titles; None with a note when the default location is empty.

    Raises ConfigError when a path was given explicitly and is missing or lacks the ``id`` column.
    """
    explicit = path is not None
    p = Path(path) if explicit else DEFAULT_CASES_CSV
    if not p.is_file():
        if explicit:
            raise ConfigError(f"--cases-csv {p}: file not found. Give the path of the shared cases.csv "
                              f"(default {DEFAULT_CASES_CSV}), or leave the option out to score from history.csv alone.")
        return None, f"{p} not found: scored from history.csv alone, without case titles."
    rows = pd.read_csv(p, dtype=str)
    if "id" not in rows.columns:
        raise ConfigError(f"{p}: no `id` column; is this the shared cases.csv?")
    return rows.set_index("id"), None


# --- one case -----------------------------------------------------------------------------------


def decisive_moments(res) -> pd.DataFrame:
    """Per run: the decisive day, the factors then (perceived and true) and the failed factors."""
    s, d = res.summary, res.daily
    rows = []
    log = res.decisions.set_index(["rep", "day"]) if len(res.decisions) else None
    for _, run in s.iterrows():
        days = d[d["rep"] == run["rep"]]
        outcome = run["outcome"]
        acted = days[days["decision"].isin(INTERVENED)] if outcome in INTERVENED else days[days["decision"] == outcome]
        if outcome != "watch" and len(acted):
            day = int(acted["day"].iloc[0])
        else:
            trig = days.loc[days["day"] >= 1, "trigger_perceived"]
            day = int(days.loc[trig.idxmax(), "day"]) if trig.notna().any() else int(days["day"].iloc[-1])
        at = days[days["day"] == day].iloc[0]
        row = {"rep": run["rep"], "day": day}
        for f in FACTORS:
            row[f"{f}_perceived"] = at[f"{f}_perceived"]
            row[f"{f}_true"] = at[f"{f}_true"]
        failed = ""
        if log is not None and (run["rep"], day) in log.index:
            failed = log.loc[(run["rep"], day), "failed"]
        row["missing"] = failed or "none"
        rows.append(row)
    return pd.DataFrame(rows)


def score_case(res, hist: pd.Series | None) -> dict:
    """One table row from one case's replications (``hit`` is None for a case with no coded history)."""
    s = res.summary
    n = len(s)
    shares = s["outcome"].value_counts().reindex(OUTCOMES, fill_value=0) / n
    acted = s[s["form"].isin([f.value for f in INTERVENING_FORMS])]
    forms = s["form"].value_counts().reindex(FORMS, fill_value=0) / n
    p = float(forms[[f.value for f in INTERVENING_FORMS]].sum())
    moments = decisive_moments(res)
    row = {f"share_{o if o != 'watch' else 'none'}": float(shares[o]) for o in OUTCOMES}
    row.update(
        p_intervene=p,
        pred_intervened=p >= 0.5,
        pred_scale=float(acted["peak_troops"].median()) if len(acted) else np.nan,
        pred_day=float(pd.to_numeric(acted["deploy_day"], errors="coerce").median()) if len(acted) else np.nan,
        decisive_day=float(moments["day"].median()),
        missing=moments["missing"].mode().iloc[0],
    )
    for f in FACTORS:
        for k in ("perceived", "true"):
            row[f"{f}_{k}"] = float(moments[f"{f}_{k}"].median())
    row["hit"] = bool(row["pred_intervened"] == bool(hist["intervened"])) if hist is not None else None
    hist_form = hist.get("form") if hist is not None else None
    row["hist_form"] = hist_form if isinstance(hist_form, str) else None
    row.update({f"p_form_{f}": float(forms[f]) for f in FORMS})
    row["pred_form"] = str(forms.idxmax())
    row["form_hit"] = (row["pred_form"] == row["hist_form"]) if row["hist_form"] else None
    return row


# --- the backtest -------------------------------------------------------------------------------


def run_backtest(directory: str | Path = DEFAULT_DIR, reps: int = 20, seed: int = 0, jobs: int | None = None,
                 cases_csv: str | Path | None = None, rules=RULES, progress: bool = False) -> Backtest:
    """Run every case config in ``directory`` under each rule family and score it against history.

    Args:
        directory: folder of case YAML files (file stem = case id).
        reps: replications per case, rule and variant.
        seed: root seed, the same for every case.
        jobs: worker processes per case (default: all cores).
        cases_csv: the shared cases.csv (titles only); default ``../shared/cases/cases.csv``.
        rules: rule families to run.
        progress: print one line per case to stderr.
    """
    import sys

    from .runner import run_replications

    files = case_files(directory)
    history = load_history(directory)
    shared, note = load_cases_csv(cases_csv)
    notes = [note] if note else []
    unknown = [f.stem for f in files if f.stem not in history.index]
    if unknown:  # a new case runs and shows its prediction; it is scored once its history is coded
        notes.append(f"no coded history for {', '.join(unknown)}: shown, not scored (add a row with that id to "
                     f"history.csv, columns {', '.join(HISTORY_COLUMNS)}, to score it)")
    if shared is not None:
        absent = [f.stem for f in files if f.stem not in shared.index]
        if absent:
            notes.append(f"not in the shared cases.csv: {', '.join(absent)}")
    rows = []
    for path in files:
        cid = path.stem
        hist = history.loc[cid] if cid in history.index else None
        title = shared.loc[cid, "case"] if shared is not None and cid in shared.index else cid
        for rule in rules:
            cfg = load_config(path, [f"russia.rule={rule}"])
            variants = [("", cfg)]
            if cfg.russia.perception.bias:
                variants.append(("unbiased", load_config(path, [f"russia.rule={rule}", "russia.perception.bias={}"])))
            for variant, c in variants:
                res = run_replications(c, reps=reps, seed=seed, jobs=jobs, progress=False)
                known = hist is not None
                row = {"case": cid, "title": title, "rule": rule, "variant": variant, "scored": variant == "" and known,
                       "hist_intervened": int(hist["intervened"]) if known else None,
                       "hist_outcome": hist["history_outcome"] if known else "unknown",
                       "hist_scale": float(hist["scale_troops"]) if known and pd.notna(hist["scale_troops"]) else np.nan,
                       "hist_days": float(hist["days_trigger_to_deploy"]) if known and pd.notna(hist["days_trigger_to_deploy"]) else np.nan}
                row.update(score_case(res, hist))
                rows.append(row)
                if progress:
                    print(f"  {cid:<20} {rule:<9} {variant or '':<9} P(intervene) {row['p_intervene']:.2f}"
                          f" {'-' if row['hit'] is None else 'hit' if row['hit'] else 'MISS'}", file=sys.stderr)
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    return Backtest(table, scores(table), notes)


def scores(table: pd.DataFrame) -> pd.DataFrame:
    """Accuracy and Brier per rule (scored rows; and with unbiased variants swapped in), and the baseline."""
    out = []
    for rule, t in table.groupby("rule", sort=False):
        sets = {"as coded": t[t["scored"]]}
        if (t["variant"] == "unbiased").any():
            unbiased = t[t["variant"] == "unbiased"]
            sets["biases cleared"] = pd.concat([t[t["scored"] & ~t["case"].isin(unbiased["case"])], unbiased])
        for label, s in sets.items():
            y = s["hist_intervened"].to_numpy(float)
            hit = s["hit"].astype(bool)
            p = s["p_intervene"].to_numpy(float)
            base = y.mean()
            majority = float(base >= 0.5)
            formed = s[s["form_hit"].notna()]
            form_hit = formed["form_hit"].astype(bool)
            out.append({
                "rule": rule, "cases": label, "n": len(s), "hits": int(hit.sum()),
                "accuracy": float(hit.mean()), "brier": float(np.mean((p - y) ** 2)),
                "base_rate": float(base), "baseline_accuracy": float(np.mean(y == majority)),
                "baseline_brier": float(np.mean((base - y) ** 2)),
                "baseline_brier_majority": float(np.mean((majority - y) ** 2)),
                "misses": ", ".join(s.loc[~hit, "case"]),
                "form_n": len(formed), "form_hits": int(form_hit.sum()),
                "form_accuracy": float(form_hit.mean()) if len(formed) else float("nan"),
                "form_misses": ", ".join(f"{c} ({p} for {h})" for c, p, h in
                                         zip(formed.loc[~form_hit, "case"], formed.loc[~form_hit, "pred_form"],
                                             formed.loc[~form_hit, "hist_form"])),
            })
    return pd.DataFrame(out)


# --- reports ------------------------------------------------------------------------------------

SHORT = {"trigger": "τ", "support": "σ", "opposition": "ω", "feasibility": "φ", "costs": "κ", "motive": "μ"}


def _fmt_int(v) -> str:
    return "" if pd.isna(v) else f"{v:,.0f}"


def markdown_report(table: pd.DataFrame, sc: pd.DataFrame, notes: list[str] = ()) -> str:
    """The backtest as markdown: one table per rule, then the scores."""
    lines = []
    for rule, t in table.groupby("rule", sort=False):
        lines += [f"### Rule `{rule}`", "",
                  "| case | history | scale / day | deploy · limited · delay · decline · none | P(int) | model scale / day "
                  "| τ σ ω φ κ μ perceived (true) at the decisive moment | missing | hit | form: history / model (share) | form hit |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for _, r in t.iterrows():
            name = r["case"] + (f" ({r['variant']})" if r["variant"] else "")
            if pd.isna(r["hist_intervened"]):
                hist, hs = "unknown (no coded history)", ""
            else:
                hist = ("yes" if r["hist_intervened"] else "no") + f" ({r['hist_outcome']})"
                hs = f"{_fmt_int(r['hist_scale'])} / {_fmt_int(r['hist_days'])}" if r["hist_intervened"] else ""
            shares = " · ".join(f"{r[f'share_{o}']:.0%}" for o in ("deploy", "limited", "delay", "decline", "none"))
            pred = f"{_fmt_int(r['pred_scale'])} / {_fmt_int(r['pred_day'])}" if r["pred_intervened"] else ""
            facs = " ".join(f"{r[f'{f}_perceived']:.2f}" + (f" ({r[f'{f}_true']:.2f})" if abs(r[f'{f}_perceived'] - r[f'{f}_true']) > 0.1 else "")
                            for f in FACTORS)
            if pd.isna(r["hit"]):
                hit = "not scored"
            else:
                hit = ("hit" if r["hit"] else "**miss**") if r["scored"] else ("(hit)" if r["hit"] else "(miss)")
            share = r[f"p_form_{r['pred_form']}"]
            form = f"{r['hist_form'] or '?'} / {r['pred_form']} ({share:.0%})"
            fhit = "not scored" if pd.isna(r["form_hit"]) else ("hit" if r["form_hit"] else "**miss**") if r["scored"] else (
                "(hit)" if r["form_hit"] else "(miss)")
            lines.append(f"| {name} | {hist} | {hs} | {shares} | {r['p_intervene']:.2f} | {pred} | {facs} | {r['missing']} | {hit} "
                         f"| {form} | {fhit} |")
        lines.append("")
    lines += ["### Scores (intervene / not, and form)", "",
              "| rule | cases | n | hits | accuracy | Brier | base-rate Brier | majority accuracy | majority Brier | misses "
              "| form right | form misses (model for history) |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for _, r in sc.iterrows():
        lines.append(f"| {r['rule']} | {r['cases']} | {r['n']} | {r['hits']} | {r['accuracy']:.0%} | {r['brier']:.3f} | "
                     f"{r['baseline_brier']:.3f} | {r['baseline_accuracy']:.0%} | {r['baseline_brier_majority']:.3f} | {r['misses'] or '-'} "
                     f"| {r['form_hits']} / {r['form_n']} | {r['form_misses'] or '-'} |")
    lines.append("")
    lines.append("Factors: the median over runs on each run's decisive moment; true values in brackets where they differ "
                 "from the perceived by more than 0.1. `missing`: the factors that failed their threshold then "
                 "(commonest set over runs). Unbiased variants (in brackets) are shown, not scored.")
    lines += [f"Note: {n}" for n in notes]
    return "\n".join(lines) + "\n"


def plot_heatmap(table: pd.DataFrame, path: Path) -> None:
    """The six perceived factors per case at the decisive moment, one panel per rule, with history and prediction marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rules = list(dict.fromkeys(table["rule"]))
    n = int((table["rule"] == rules[0]).sum())
    fig, axes = plt.subplots(1, len(rules), figsize=(5.6 * len(rules) + 1.6, 0.42 * n + 2.6), squeeze=False)
    im = None
    for k, (ax, rule) in enumerate(zip(axes[0], rules)):
        t = table[table["rule"] == rule].reset_index(drop=True)
        vals = t[[f"{f}_perceived" for f in FACTORS]].to_numpy(float)
        im = ax.imshow(vals, cmap="viridis", vmin=0, vmax=1, aspect="auto")
        for i in range(len(t)):
            for j in range(len(FACTORS)):
                v = vals[i, j]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7.5, color="white" if v < 0.55 else "black")
        labels = [r["case"] + (" (unbiased)" if r["variant"] else "") for _, r in t.iterrows()]
        ax.set_yticks(range(len(t)), labels if k == 0 else [""] * len(t), fontsize=8)
        ax.set_xticks(range(len(FACTORS)), [f"{f}\n{SHORT[f]}" for f in FACTORS], fontsize=8)
        ax.set_title(f"rule: {rule}", fontsize=10)
        ax.text(1.02, 1.0, "hist P(int)", transform=ax.transAxes, va="bottom", ha="left", fontsize=8, family="monospace")
        for i, r in t.iterrows():
            mark = "?" if pd.isna(r["hit"]) else "hit" if r["hit"] else "MISS"
            color = ("tab:green" if r["hit"] else "tab:red") if r["scored"] else "grey"
            y = 1.0 - (i + 0.5) / len(t)
            told = "?" if pd.isna(r["hist_intervened"]) else "yes" if r["hist_intervened"] else "no"
            ax.text(1.02, y, f"{told:<4} {r['p_intervene']:.2f} {mark}",
                    transform=ax.transAxes, va="center", ha="left", fontsize=8, color=color, family="monospace")
    fig.colorbar(im, ax=axes[0].tolist(), orientation="horizontal", fraction=0.035, pad=0.1,
                 label="perceived factor at the decisive moment (grey rows: unbiased twin, not scored)")
    fig.suptitle("Historical cases: Moscow's factors at the decisive moment; history (intervened?) vs model P(intervene)",
                 fontsize=10)
    fig.subplots_adjust(left=0.13, right=0.9, wspace=0.42, top=0.92, bottom=0.2)
    fig.savefig(path, dpi=130)
    plt.close(fig)


def summary_text(bt: Backtest) -> str:
    """Short console summary of the scores."""
    lines = []
    for _, r in bt.scores.iterrows():
        lines.append(f"  {r['rule']:<9} ({r['cases']}): {r['hits']}/{r['n']} right ({r['accuracy']:.0%}), Brier {r['brier']:.3f}"
                     f"; base rate {r['base_rate']:.2f}: Brier {r['baseline_brier']:.3f}, majority right {r['baseline_accuracy']:.0%}"
                     + (f"; misses: {r['misses']}" if r["misses"] else "")
                     + f"; form right {r['form_hits']}/{r['form_n']}" + (f" (misses: {r['form_misses']})" if r["form_misses"] else ""))
    return "\n".join(lines)

