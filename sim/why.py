"""One of Moscow's decisions explained in plain words, from the decision log.

For one run and day: what Moscow chose and what its rule said; each factor as Moscow perceived it
against its threshold, on the side that passes (trigger, support and feasibility must reach their
thresholds; opposition and costs must stay below), passed or failed and by how much, with the
true value beside it; what changed since the day before; the state of the crisis that day; and,
when a force is on the ground, why it stays (a force once sent stays until order has held, with
a secure regime, for ``russia.withdraw_calm_days`` days, whatever the rule says that day).

Works on a ``sim run`` folder (``decisions.parquet``, ``daily.parquet``, ``manifest.json``) and on
an experiment folder (``decisions/``, ``daily/``, the points in ``manifest.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import Config, ConfigError, load_config
from .decision import BURDENS, FACTORS, RULE_FACTORS
from .history import calendar

ACTED = ("deploy", "limited")


@dataclass
class Decision:
    """One decision with everything needed to explain it."""

    config: Config
    label: str  # which run: "run 3" or "point 2 (legitimacy=0.7), run 3"
    row: pd.Series  # the decision log's row that day
    before: pd.Series | None  # the row of the day before, if any
    state: pd.Series | None  # the daily table's row that day, if stored


def load_decision(
    folder: str | Path, rep: int = 0, day: int | None = None, point: int | None = None
) -> Decision:
    """The decision of run ``rep`` (at ``point`` of an experiment) on ``day`` (default: the first
    day Moscow chose deploy or limited, else the last day logged)."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ConfigError(
            f"{folder} holds no results (no manifest.json); give a folder `sim run` or "
            "`sim experiment` wrote, e.g. results/kazakhstan_2022."
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if "points" in manifest:
        config, log, daily, label = _experiment(folder, manifest, rep, point)
    else:
        if point is not None:
            raise ConfigError(
                f"--point {point}: {folder} is a `sim run` folder with one scenario; leave --point "
                "out (it picks a point of an experiment)."
            )
        config = Config.model_validate(manifest["config"])
        log = pd.read_parquet(folder / "decisions.parquet")
        reps = sorted(log["rep"].unique()) if len(log) else []
        if rep not in reps:
            raise ConfigError(
                f"--rep {rep}: {folder} has no run {rep}; its runs are {_span(reps)}."
            )
        log = log[log["rep"] == rep]
        daily_path = folder / "daily.parquet"
        daily = (
            pd.read_parquet(daily_path, filters=[("rep", "==", rep)])
            if daily_path.is_file()
            else None
        )
        label = f"run {rep}"
    log = log.sort_values("day").reset_index(drop=True)
    if log.empty:
        raise ConfigError(
            f"{folder}: {label} logged no decision (Moscow is switched off in this scenario: "
            "russia.enabled is false)."
        )
    if day is None:
        acted = log[log["outcome"].isin(ACTED)]
        day = int(acted["day"].iloc[0]) if len(acted) else int(log["day"].iloc[-1])
    if day not in set(log["day"]):
        raise ConfigError(
            f"--day {day}: {label} has no decision that day; Moscow decided on days "
            f"{_span(list(log['day']))}."
        )
    i = int(log.index[log["day"] == day][0])
    state = None
    if daily is not None and len(daily):
        match = daily[daily["day"] == day]
        state = match.iloc[0] if len(match) else None
    return Decision(config, label, log.loc[i], log.loc[i - 1] if i > 0 else None, state)


def _experiment(folder: Path, manifest: dict, rep: int, point: int | None):
    point = 0 if point is None else point
    points = manifest["points"]
    if not 0 <= point < len(points):
        raise ConfigError(
            f"--point {point}: experiment {manifest.get('experiment')!r} has points 0 to "
            f"{len(points) - 1}."
        )
    p = points[point]
    try:
        config = load_config(p["config"], p["overrides"])
    except ConfigError as err:
        raise ConfigError(
            f"{folder}: point {point}'s config cannot be read again ({err}); run `sim why` from "
            "the folder `sim experiment` was run in."
        ) from None
    plan = pd.read_parquet(folder / "plan.parquet")
    keys = plan[(plan["point"] == point) & (plan["rep"] == rep)]["key"]
    if keys.empty:
        reps = sorted(plan[plan["point"] == point]["rep"].unique())
        raise ConfigError(
            f"--rep {rep}: point {point} has no run {rep}; its runs are {_span(reps)}."
        )
    key = keys.iloc[0]
    parts = folder / "decisions"
    if not any(parts.glob("part-*.parquet")):
        raise ConfigError(
            f"{folder}: no decisions stored yet; run `sim experiment` on its spec first."
        )
    log = pd.read_parquet(parts, filters=[("key", "==", key)])
    if log.empty:
        raise ConfigError(
            f"{folder}: point {point}, run {rep} has not finished (or failed: see "
            f"{folder}/errors/)."
        )
    daily = (
        pd.read_parquet(folder / "daily", filters=[("key", "==", key)])
        if (folder / "daily").is_dir()
        else None
    )
    return config, log, daily, f"point {point} ({p['name']}), run {rep}"


def _span(values: list) -> str:
    if not values:
        return "none"
    return f"{values[0]} to {values[-1]}" if len(values) > 1 else str(values[0])


def explain(d: Decision) -> str:
    """The decision in plain words (several short paragraphs and a factor table)."""
    row, cfg = d.row, d.config
    russia = cfg.russia
    day = int(row["day"])
    date = calendar(cfg.history, day)
    when = f"day {day}" + (f" ({date})" if date else "")
    lines = [
        f"{cfg.name}, {d.label}, {when}: Moscow chose `{row['outcome']}` (state: {row['state']}); "
        f"its {row['rule']} rule said `{row['rule_verdict']}`."
    ]
    lines += [
        "",
        "The factors as Moscow perceived them (true value in brackets); trigger, support and "
        "feasibility must reach their thresholds, opposition and costs must stay BELOW theirs:",
    ]
    for f in FACTORS:
        lines.append("  " + _factor_line(f, row, russia, d.before))
    lines += ["", _verdict(row, russia)]
    changed = _changes(row, d.before)
    if changed:
        lines += ["", changed]
    if d.state is not None:
        lines += ["", _state(d.state)]
    held = _held(row, russia)
    if held:
        lines += ["", held]
    return "\n".join(lines)


def _factor_line(f: str, row: pd.Series, russia, before: pd.Series | None) -> str:
    value, true = float(row[f"{f}_perceived"]), float(row[f"{f}_true"])
    text = f"{f:<12} {value:5.2f} ({true:.2f})"
    if f in RULE_FACTORS:
        th = getattr(russia.thresholds, f)
        if f in BURDENS:
            slack, need = th - value, f"must stay below {th:.2f}"
        else:
            slack, need = value - th, f"must reach {th:.2f}"
        status = row.get(f"{f}_status", "pass" if slack >= 0 else "fail")
        verdict = {
            "pass": f"passes by {slack:.2f}",
            "near": f"misses by {-slack:.2f}, within the margin {russia.margin:g} (a near miss)",
            "fail": f"FAILS by {-slack:.2f}",
        }[status]
        text += f"  {need:<20}  {verdict}"
    else:
        text += "  (no threshold; counts in the weighted rule only)"
    if (
        before is not None
        and f"{f}_perceived" in before
        and before[f"{f}_perceived"] == before[f"{f}_perceived"]
    ):
        delta = value - float(before[f"{f}_perceived"])
        if abs(delta) >= 0.005:
            text += f"; {'+' if delta > 0 else ''}{delta:.2f} since the day before"
    return text


def _verdict(row: pd.Series, russia) -> str:
    failed = [f for f in str(row.get("failed") or "").split(",") if f]
    near = [f for f in str(row.get("near_miss") or "").split(",") if f]
    if row["rule"] == "weighted":
        return (
            f"The weighted score U - U0 was {row['score']:+.2f}, so P(deploy) = "
            f"{row['p_deploy']:.2f}; the rule deploys once P exceeds the run's resolve, drawn once "
            "per run (thresholds shown for reference)."
        )
    if failed:
        return (
            f"The all_five rule needs every factor on its passing side: {', '.join(failed)} failed "
            f"{'and ' + ', '.join(near) + ' missed narrowly ' if near else ''}(weakest slack "
            f"{row['score']:+.2f})."
        )
    if near:
        kind = (
            "a limited force" if set(near) <= {"feasibility", "costs", "opposition"} else "a delay"
        )
        return (
            f"No factor failed outright, but {', '.join(near)} missed within the margin "
            f"{russia.margin:g}: the rule gives {kind} (weakest slack {row['score']:+.2f})."
        )
    return f"Every factor passed (weakest slack {row['score']:+.2f}): the rule says deploy."


def _changes(row: pd.Series, before: pd.Series | None) -> str:
    if before is None:
        return "This was Moscow's first reading of the crisis."
    parts = []
    if before["outcome"] != row["outcome"]:
        parts.append(f"the decision went from `{before['outcome']}` to `{row['outcome']}`")
    if before["state"] != row["state"]:
        parts.append(f"the state from {before['state']} to {row['state']}")
    if bool(before.get("request_pending")) != bool(row.get("request_pending")):
        parts.append(
            "a request for help became pending"
            if row.get("request_pending")
            else "the request stopped pending (answered)"
        )
    for f in RULE_FACTORS:
        was, now = before.get(f"{f}_status"), row.get(f"{f}_status")
        if was is not None and was != now:
            parts.append(f"{f} went from {was} to {now}")
    if not parts:
        return (
            f"Since day {int(before['day'])}: no factor changed sides and the decision "
            "stayed the same."
        )
    return f"Since day {int(before['day'])}: " + "; ".join(parts) + "."


def _state(s: pd.Series) -> str:
    text = (
        f"The crisis that day: {float(s['active_share']):.0%} of protesters active, regime threat "
        f"{float(s['regime_threat']):.2f} ({s['regime_status']}), police on duty "
        f"{float(s['police_strength']):.0%} of day 0, "
        f"{'a request made' if bool(s['requested']) else 'no request'}, "
        f"{int(round(float(s['troops_total']))):,} foreign troops on the ground."
    )
    return text


def _held(row: pd.Series, russia) -> str:
    if row["state"] != "deployed" or row["outcome"] not in ACTED:
        if row["state"] == "withdrawing":
            return (
                "The force is withdrawing: order held with a secure regime for "
                f"{russia.withdraw_calm_days} days, and the withdrawal takes "
                f"{russia.withdrawal_days} days."
            )
        return ""
    ordered = float(row.get("troops_ordered") or 0)
    if ordered > 0:
        return (
            f"Moscow ordered {int(round(ordered)):,} troops that day; they land after "
            f"{russia.lead_time_days} day(s)."
        )
    if row["rule_verdict"] not in ACTED:
        return (
            f"The force is held, though the rule today says `{row['rule_verdict']}`: a force once "
            f"sent stays until order has held with a secure regime for {russia.withdraw_calm_days} "
            "days in a row."
        )
    return (
        f"The force already sent stays; it withdraws once order has held with a secure regime for "
        f"{russia.withdraw_calm_days} days in a row."
    )
