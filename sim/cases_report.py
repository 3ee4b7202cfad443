"""The backtest's reports: markdown tables, the factor heatmap and the console summary (``sim cases``).

Reads only the frames it is given (``Backtest.table`` and ``Backtest.scores``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .decision import FACTORS
from .files import save_figure

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
    save_figure(fig, path, dpi=130)
    plt.close(fig)


def summary_text(bt) -> str:
    """Short console summary of the scores."""
    lines = []
    for _, r in bt.scores.iterrows():
        lines.append(f"  {r['rule']:<9} ({r['cases']}): {r['hits']}/{r['n']} right ({r['accuracy']:.0%}), Brier {r['brier']:.3f}"
                     f"; base rate {r['base_rate']:.2f}: Brier {r['baseline_brier']:.3f}, majority right {r['baseline_accuracy']:.0%}"
                     + (f"; misses: {r['misses']}" if r["misses"] else "")
                     + f"; form right {r['form_hits']}/{r['form_n']}" + (f" (misses: {r['form_misses']})" if r["form_misses"] else ""))
    return "\n".join(lines)
