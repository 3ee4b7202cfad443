"""Scoring the backtest (definitions in :mod:`sim.cases` and docs/cases.md): each run's decisive
moment, one case's row of the table from its replications, and accuracy and Brier per level and
rule against the base-rate baseline."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .decision import FACTORS, INTERVENING_FORMS
from .records import FORMS, INTERVENED, RANKED_OUTCOMES

OUTCOMES = RANKED_OUTCOMES


def decisive_moments(res) -> pd.DataFrame:
    """Per run: the decisive day, the factors then (perceived and true) and the failed factors."""
    s, d = res.summary, res.daily
    rows = []
    log = res.decisions.set_index(["rep", "day"]) if len(res.decisions) else None
    for _, run in s.iterrows():
        days = d[d["rep"] == run["rep"]]
        outcome = run["outcome"]
        acted = (
            days[days["decision"].isin(INTERVENED)]
            if outcome in INTERVENED
            else days[days["decision"] == outcome]
        )
        if outcome != "watch" and len(acted):
            day = int(acted["day"].iloc[0])
        else:
            trig = days.loc[days["day"] >= 1, "trigger_perceived"]
            day = (
                int(days.loc[trig.idxmax(), "day"])
                if trig.notna().any()
                else int(days["day"].iloc[-1])
            )
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
    """One table row from one case's replications (``hit`` is None for a case with no coded
    history)."""
    s = res.summary
    n = len(s)
    shares = s["outcome"].value_counts().reindex(OUTCOMES, fill_value=0) / n
    acted = s[s["form"].isin([f.value for f in INTERVENING_FORMS])]
    forms = s["form"].value_counts().reindex(FORMS, fill_value=0) / n
    p = float(forms[[f.value for f in INTERVENING_FORMS]].sum())
    moments = decisive_moments(res)
    row: dict[str, Any] = {
        f"share_{o if o != 'watch' else 'none'}": float(shares[o]) for o in OUTCOMES
    }
    row.update(
        p_intervene=p,
        pred_intervened=p >= 0.5,
        pred_scale=float(acted["peak_troops"].median()) if len(acted) else np.nan,
        pred_day=float(pd.to_numeric(acted["deploy_day"], errors="coerce").median())
        if len(acted)
        else np.nan,
        decisive_day=float(moments["day"].median()),
        missing=moments["missing"].mode().iloc[0],
    )
    for f in FACTORS:
        for k in ("perceived", "true"):
            row[f"{f}_{k}"] = float(moments[f"{f}_{k}"].median())
    row["hit"] = (
        bool(row["pred_intervened"] == bool(hist["intervened"])) if hist is not None else None
    )
    hist_form = hist.get("form") if hist is not None else None
    row["hist_form"] = hist_form if isinstance(hist_form, str) else None
    row.update({f"p_form_{f}": float(forms[f]) for f in FORMS})
    row["pred_form"] = str(forms.idxmax())
    row["form_hit"] = (row["pred_form"] == row["hist_form"]) if row["hist_form"] else None
    return row


def scores(table: pd.DataFrame) -> pd.DataFrame:
    """Accuracy and Brier per level and rule (scored rows; and with unbiased variants swapped in),
    the baseline, and at the crisis level whether the host asked (``asked_*``)."""
    out = []
    for (level, rule), t in table.groupby(["level", "rule"], sort=False):
        sets = {"as coded": t[t["scored"]]}
        if (t["variant"] == "unbiased").any():
            unbiased = t[t["variant"] == "unbiased"]
            sets["biases cleared"] = pd.concat(
                [t[t["scored"] & ~t["case"].isin(unbiased["case"])], unbiased]
            )
        for label, s in sets.items():
            y = s["hist_intervened"].to_numpy(float)
            hit = s["hit"].astype(bool)
            p = s["p_intervene"].to_numpy(float)
            base = y.mean()
            majority = float(base >= 0.5)
            formed = s[s["form_hit"].notna()]
            form_hit = formed["form_hit"].astype(bool)
            asked = asked_scores(s) if level == "crisis" else {}
            out.append(
                {
                    "level": level,
                    "rule": rule,
                    "cases": label,
                    "n": len(s),
                    "hits": int(hit.sum()),
                    "accuracy": float(hit.mean()),
                    "brier": float(np.mean((p - y) ** 2)),
                    "base_rate": float(base),
                    "baseline_accuracy": float(np.mean(y == majority)),
                    "baseline_brier": float(np.mean((base - y) ** 2)),
                    "baseline_brier_majority": float(np.mean((majority - y) ** 2)),
                    "misses": ", ".join(s.loc[~hit, "case"]),
                    "form_n": len(formed),
                    "form_hits": int(form_hit.sum()),
                    "form_accuracy": float(form_hit.mean()) if len(formed) else float("nan"),
                    "form_misses": _misses(formed, form_hit, "pred_form", "hist_form"),
                    **asked,
                }
            )
    return pd.DataFrame(out)


def asked_scores(s: pd.DataFrame) -> dict:
    """Whether the host asked, scored over a level's rows (the crisis level's)."""
    known = s[s["asked_hit"].notna()]
    hit = known["asked_hit"].astype(bool)
    y = (known["hist_request"] == "yes").to_numpy(float)
    return {
        "asked_n": len(known),
        "asked_hits": int(hit.sum()),
        "asked_brier": float(np.mean((known["p_asked"].to_numpy(float) - y) ** 2))
        if len(known)
        else float("nan"),
        "asked_misses": _misses(known, hit, "p_asked", "hist_request", "{:.2f}"),
    }


def _misses(rows: pd.DataFrame, hit: pd.Series, model: str, history: str, fmt: str = "{}") -> str:
    """The cases missed, each as "case (the model's value for history's)"."""
    missed = rows[~hit]
    return ", ".join(
        f"{c} ({fmt.format(m)} for {h})"
        for c, m, h in zip(missed["case"], missed[model], missed[history], strict=True)
    )
