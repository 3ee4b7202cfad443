"""The backtest's reports: markdown tables, the factor heatmap and the console summary (``sim
cases``).

Reads only the frames it is given (``Backtest.table`` and ``Backtest.scores``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .decision import FACTORS
from .files import save_figure

# --- reports ------------------------------------------------------------------------------------

SHORT = {
    "trigger": "τ",
    "support": "σ",
    "opposition": "ω",
    "feasibility": "φ",
    "costs": "κ",
    "motive": "μ",
}


def _fmt_int(v) -> str:
    return "" if pd.isna(v) else f"{v:,.0f}"


LEVEL_TITLES = {
    "decision": "Decision level (the host's request as documented)",
    "crisis": "Crisis level (the host's request predicted by its own rule)",
}


def _asked(r) -> tuple[str, str]:
    """The crisis level's request cells: history / model (share of runs, median day), and hit."""
    day = "" if pd.isna(r["hist_request_day"]) else f" day {r['hist_request_day']:.0f}"
    hist = f"{r['hist_request'] or '?'}{day}"
    pday = "" if pd.isna(r["pred_request_day"]) else f", day {r['pred_request_day']:g}"
    model = f"{'yes' if r['p_asked'] >= 0.5 else 'no'} ({r['p_asked']:.0%}{pday})"
    if pd.isna(r["asked_hit"]):
        return f"{hist} / {model}", "not scored"
    hit = "hit" if r["asked_hit"] else "**miss**"
    return f"{hist} / {model}", hit if r["scored"] else f"({hit.strip('*')})"


def markdown_report(table: pd.DataFrame, sc: pd.DataFrame, notes: Sequence[str] = ()) -> str:
    """The backtest as markdown: one table per level and rule, then the scores."""
    lines = []
    for (level, rule), t in table.groupby(["level", "rule"], sort=False):
        crisis = level == "crisis"
        lines += [
            f"### {LEVEL_TITLES.get(level, level)}, rule `{rule}`",
            "",
            "| case | history | scale / day | deploy · limited · delay · decline · none | P(int) | "
            "model scale / day | τ σ ω φ κ μ perceived (true) at the decisive moment | missing | "
            "hit | form: history / model (share) | form hit |"
            + (" host asked: history / model (share, day) | asked hit |" if crisis else ""),
            "|---|---|---|---|---|---|---|---|---|---|---|" + ("---|---|" if crisis else ""),
        ]
        for _, r in t.iterrows():
            name = r["case"] + (f" ({r['variant']})" if r["variant"] else "")
            if pd.isna(r["hist_intervened"]):
                hist, hs = "unknown (no coded history)", ""
            else:
                hist = ("yes" if r["hist_intervened"] else "no") + f" ({r['hist_outcome']})"
                hs = (
                    f"{_fmt_int(r['hist_scale'])} / {_fmt_int(r['hist_days'])}"
                    if r["hist_intervened"]
                    else ""
                )
            shares = " · ".join(
                f"{r[f'share_{o}']:.0%}" for o in ("deploy", "limited", "delay", "decline", "none")
            )
            pred = (
                f"{_fmt_int(r['pred_scale'])} / {_fmt_int(r['pred_day'])}"
                if r["pred_intervened"]
                else ""
            )
            facs = " ".join(
                f"{r[f'{f}_perceived']:.2f}"
                + (
                    f" ({r[f'{f}_true']:.2f})"
                    if abs(r[f"{f}_perceived"] - r[f"{f}_true"]) > 0.1
                    else ""
                )
                for f in FACTORS
            )
            if pd.isna(r["hit"]):
                hit = "not scored"
            else:
                hit = (
                    ("hit" if r["hit"] else "**miss**")
                    if r["scored"]
                    else ("(hit)" if r["hit"] else "(miss)")
                )
            share = r[f"p_form_{r['pred_form']}"]
            form = f"{r['hist_form'] or '?'} / {r['pred_form']} ({share:.0%})"
            fhit = (
                "not scored"
                if pd.isna(r["form_hit"])
                else ("hit" if r["form_hit"] else "**miss**")
                if r["scored"]
                else ("(hit)" if r["form_hit"] else "(miss)")
            )
            asked = " | ".join(_asked(r)) + " |" if crisis else ""
            lines.append(
                f"| {name} | {hist} | {hs} | {shares} | {r['p_intervene']:.2f} | {pred} | {facs} | "
                f"{r['missing']} | {hit} | {form} | {fhit} |" + (f" {asked}" if crisis else "")
            )
        lines.append("")
    lines += [
        "### Scores (intervene / not, and form; at the crisis level also whether the host asked)",
        "",
        "| level | rule | cases | n | hits | accuracy | Brier | base-rate Brier | majority "
        "accuracy | majority Brier | misses | form right | form misses (model for history) | host "
        "asked right | asked Brier | asked misses (P(asked) for history) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for _, r in sc.iterrows():
        if pd.notna(r.get("asked_n")):
            asked = (
                f"{int(r['asked_hits'])} / {int(r['asked_n'])} | {r['asked_brier']:.3f} "
                f"| {r['asked_misses'] or '-'}"
            )
        else:
            asked = "(as documented) | | "
        lines.append(
            f"| {r['level']} | {r['rule']} | {r['cases']} | {r['n']} | {r['hits']} | "
            f"{r['accuracy']:.0%} | {r['brier']:.3f} | {r['baseline_brier']:.3f} | "
            f"{r['baseline_accuracy']:.0%} | {r['baseline_brier_majority']:.3f} | "
            f"{r['misses'] or '-'} | {r['form_hits']} / {r['form_n']} | {r['form_misses'] or '-'} "
            f"| {asked} |"
        )
    lines.append("")
    lines.append(
        "Factors: the median over runs on each run's decisive moment; true values in brackets "
        "where they differ from the perceived by more than 0.1. `missing`: the factors that failed "
        "their threshold then (commonest set over runs). Unbiased variants (in brackets) are "
        "shown, not scored."
    )
    lines += [f"Note: {n}" for n in notes]
    return "\n".join(lines) + "\n"


def plot_heatmap(table: pd.DataFrame, path: Path) -> None:
    """The six perceived factors per case at the decisive moment, one panel per level and rule, with
    history and prediction marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if "level" not in table.columns:  # a backtest written before the two levels
        table = table.assign(level="decision")
    panels = list(dict.fromkeys(zip(table["level"], table["rule"], strict=True)))
    n = int(((table["level"] == panels[0][0]) & (table["rule"] == panels[0][1])).sum())
    fig, axes = plt.subplots(
        1, len(panels), figsize=(5.6 * len(panels) + 1.6, 0.42 * n + 2.6), squeeze=False
    )
    im = None
    for k, (ax, (level, rule)) in enumerate(zip(axes[0], panels, strict=True)):
        t = table[(table["level"] == level) & (table["rule"] == rule)].reset_index(drop=True)
        vals = t[[f"{f}_perceived" for f in FACTORS]].to_numpy(float)
        im = ax.imshow(vals, cmap="viridis", vmin=0, vmax=1, aspect="auto")
        for i in range(len(t)):
            for j in range(len(FACTORS)):
                v = vals[i, j]
                ax.text(
                    j,
                    i,
                    f"{v:.2f}",
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white" if v < 0.55 else "black",
                )
        labels = [r["case"] + (" (unbiased)" if r["variant"] else "") for _, r in t.iterrows()]
        ax.set_yticks(range(len(t)), labels if k == 0 else [""] * len(t), fontsize=8)
        ax.set_xticks(range(len(FACTORS)), [f"{f}\n{SHORT[f]}" for f in FACTORS], fontsize=8)
        ax.set_title(f"{level} level, rule: {rule}", fontsize=10)
        ax.text(
            1.02,
            1.0,
            "hist P(int)",
            transform=ax.transAxes,
            va="bottom",
            ha="left",
            fontsize=8,
            family="monospace",
        )
        for i, r in t.iterrows():
            mark = "?" if pd.isna(r["hit"]) else "hit" if r["hit"] else "MISS"
            color = ("tab:green" if r["hit"] else "tab:red") if r["scored"] else "grey"
            y = 1.0 - (i + 0.5) / len(t)
            told = "?" if pd.isna(r["hist_intervened"]) else "yes" if r["hist_intervened"] else "no"
            ax.text(
                1.02,
                y,
                f"{told:<4} {r['p_intervene']:.2f} {mark}",
                transform=ax.transAxes,
                va="center",
                ha="left",
                fontsize=8,
                color=color,
                family="monospace",
            )
    assert im is not None  # at least one panel: panels[0] was read above
    fig.colorbar(
        im,
        ax=axes[0].tolist(),
        orientation="horizontal",
        fraction=0.035,
        pad=0.1,
        label="perceived factor at the decisive moment (grey rows: unbiased twin, not scored)",
    )
    fig.suptitle(
        "Historical cases: Moscow's factors at the decisive moment; history (intervened?) vs model "
        "P(intervene)",
        fontsize=10,
    )
    fig.subplots_adjust(left=0.13, right=0.9, wspace=0.42, top=0.92, bottom=0.2)
    save_figure(fig, path, dpi=130)
    plt.close(fig)


def summary_text(bt) -> str:
    """Short console summary of the scores."""
    lines = []
    for _, r in bt.scores.iterrows():
        asked = (
            f"; host asked right {int(r['asked_hits'])}/{int(r['asked_n'])}"
            + (f" (misses: {r['asked_misses']})" if r["asked_misses"] else "")
            if pd.notna(r.get("asked_n"))
            else ""
        )
        lines.append(
            f"  {r['level']:<8} {r['rule']:<9} ({r['cases']}): {r['hits']}/{r['n']} right "
            f"({r['accuracy']:.0%}), Brier {r['brier']:.3f}; base rate {r['base_rate']:.2f}: Brier "
            f"{r['baseline_brier']:.3f}, majority right {r['baseline_accuracy']:.0%}"
            + (f"; misses: {r['misses']}" if r["misses"] else "")
            + f"; form right {r['form_hits']}/{r['form_n']}"
            + (f" (misses: {r['form_misses']})" if r["form_misses"] else "")
            + asked
        )
    return "\n".join(lines)
