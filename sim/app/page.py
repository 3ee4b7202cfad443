"""The dashboard page: the sidebar (run buttons, controls, stored runs) and the main view (the
headline, the city, Moscow's factors, the charts, the decision log and the downloads).

Each component reads only the session's values it shows, so a new day redraws the main view, not
the sidebar. The charts and the map are HTML and SVG built as text
(``panels``, ``city``), not matplotlib figures.
"""

from __future__ import annotations

from html import escape

import solara

from ..city import warm_up
from .city import city_html, legend
from .controls import BIASED, CONTROLS, LABELS, RULES, base_config, changed, show, slider_range
from .log import SHOWN, daily_csv, decision_rows, decisions_csv, log_table
from .panels import all_charts, factor_panel
from .session import SPEEDS, Session
from .style import CSS

warm_up()  # load the compiled engine when the server starts, not on the first page load


def _bold(text: str) -> str:
    """``**bold**`` to <b>bold</b> (the panels are HTML: solara.Markdown would load mermaid from
    a CDN)."""
    parts = escape(text).split("**")
    return "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts))


# --- the sidebar --------------------------------------------------------------------------------


@solara.component
def RunButtons(s: Session):
    """Reset, play or pause, step; the play speed (the day is in the headline)."""
    playing, running = s.playing.value, s.running.value
    model = s.model.value
    solara.use_thread(s.play_loop, dependencies=[playing, model], intrusive_cancel=False)
    with solara.Row(justify="space-between"):
        solara.Button("Reset", color="primary", on_click=s.reset)
        if playing:
            solara.Button("❚❚", color="primary", on_click=s.pause)
        else:
            solara.Button("▶", color="primary", on_click=s.play, disabled=not running)
        solara.Button("Step", color="primary", on_click=s.step, disabled=playing or not running)
    end = "" if running else " This run has reached its last day: press Reset for a new one."
    solara.HTML(
        tag="div",
        classes=["day-counter"],
        unsafe_innerHTML=f"One step is one day; the run lasts {model.cfg.horizon_days} days.{end}",
    )
    solara.Select("Play speed", values=list(SPEEDS), value=s.speed)
    if s.error.value:
        solara.Error(s.error.value)


@solara.component
def Slider(s: Session, name: str):
    c = next(c for c in CONTROLS if c.name == name)
    value = s.chosen.value[name]
    lo, hi = slider_range(s.cfg, name)

    def set_value(v):
        s.chosen.set({**s.chosen.value, name: round(float(v), 6)})  # no 0.55000000000000004

    solara.HTML(
        tag="div",
        classes=["control-head"],
        unsafe_innerHTML=f"<span>{escape(c.label)}</span> <b class='control-value'>"
        f"{escape(c.show(value))}</b>",
    )
    solara.SliderFloat(
        "", value=value, min=lo, max=hi, step=c.step, on_value=set_value, thumb_label=False
    )
    solara.HTML(
        tag="div",
        classes=["control-range"],
        unsafe_innerHTML=f"<span>{escape(c.fmt.format(lo))}</span>"
        f"<span>{escape(c.help)}</span><span>{escape(c.fmt.format(hi))}</span>",
    )


@solara.component
def Controls(s: Session):
    """The scenario's controls, each with its value, range and unit; what waits for Reset."""
    chosen = s.chosen.value
    model = s.model.value
    pending = changed(model.controls, chosen)
    if s.seed.value.strip() != str(model.seed if model.seed is not None else "").strip():
        pending["seed"] = (model.seed, s.seed.value)
    if pending:
        items = ", ".join(
            f"{LABELS.get(k, k).lower()} {show(k, a)} → {show(k, b)}"
            for k, (a, b) in pending.items()
        )
        solara.HTML(
            tag="div",
            classes=["pending"],
            unsafe_innerHTML=f"<b>Changes apply on Reset:</b> {escape(items)}",
        )
    else:
        solara.HTML(
            tag="div",
            classes=["apply-note"],
            unsafe_innerHTML="Change a control, then press <b>Reset</b> to start a run with it.",
        )
    for c in CONTROLS:
        if c.name == f"bias_{BIASED[0]}":
            solara.HTML(
                tag="div", classes=["control-group"], unsafe_innerHTML="Moscow's perception biases"
            )
        Slider(s, c.name)

    def set_check(v):
        s.chosen.set({**chosen, "can_request": bool(v)})

    def set_rule(v):
        s.chosen.set({**chosen, "rule": v})

    solara.Checkbox(
        label=f"{LABELS['can_request']}: {show('can_request', chosen['can_request'])}",
        value=chosen["can_request"],
        on_value=set_check,
    )
    solara.Select(LABELS["rule"], values=list(RULES), value=chosen["rule"], on_value=set_rule)
    solara.InputText("Random seed (any text)", value=s.seed, continuous_update=True)


@solara.component
def Compare(s: Session):
    solara.Checkbox(label="Compare with the stored runs (median, 10-90%)", value=s.compare)
    base = s.baseline
    if isinstance(base, str):
        text = base
    else:
        text = f"{base.reps} stored runs in {base.folder}/" + (
            f"; {base.note}" if base.note else ""
        )
    solara.HTML(tag="div", classes=["baseline-note"], unsafe_innerHTML=escape(text))


# --- the main view ------------------------------------------------------------------------------


@solara.component
def Headline(s: Session, m, day: int):
    russia, host = m.russia, m.host
    head = f"Day {m.day}: Moscow's decision **{russia.outcome}** (state: {russia.state})"
    request = f"day {host.request_day}" if host.requested else "none"
    situation = (
        f"Foreign troops on the ground **{m.ledger.total:,.0f}** · "
        f"host government **{host.status}**, "
        f"regime threat {host.regime_threat:.2f} · request for help: **{request}** · "
        f"sanctions {m.west.sanctions:.2f} · reputation {russia.reputation:.2f}"
    )
    c = m.controls
    scenario = (
        f"Scenario **{m.cfg.name}**, seed {m.seed} · rule **{c['rule']}** · host may request help: "
        f"**{show('can_request', c['can_request'])}** · police loyalty "
        f"**{show('police_loyalty', c['police_loyalty'])}**"
    )
    solara.HTML(
        tag="div",
        classes=["headline"],
        unsafe_innerHTML=(
            f"<h3 class='decision-head'>{_bold(head)}</h3>"
            f"<p class='decision-situation'>{_bold(situation)}</p>"
            f"<p class='scenario-summary'>{_bold(scenario)}</p>"
        ),
    )


@solara.component
def CityCard(s: Session, m, day: int):
    html = solara.use_memo(lambda: city_html(m.city.snapshot(), m.countries), [m, day])
    stats = m.city_stats
    title = (
        f"The city on day {m.day}: {stats.active_share:.0%} active, "
        f"{stats.jailed_share:.0%} jailed, "
        f"{stats.sites_held}/{stats.sites_held + stats.sites_lost} sites held"
    )
    solara.HTML(
        tag="div",
        classes=["card", "city-card"],
        unsafe_innerHTML=(
            f"<div class='chart-title'>{escape(title)}</div>{html}"
            f"{legend(tuple(m.countries), m.cfg.troops.per_agent)}"
        ),
    )


@solara.component
def FactorCard(s: Session, m, day: int):
    solara.HTML(
        tag="div", classes=["card", "factor-panel"], unsafe_innerHTML=factor_panel(s.model.value)
    )


@solara.component
def Charts(s: Session, m, day: int):
    base = s.baseline if s.compare.value and not isinstance(s.baseline, str) else None
    cards = all_charts(m, s.marks, base, s.start)
    note = ""
    if s.compare.value and isinstance(s.baseline, str):
        note = f"<div class='baseline-note card wide'>{escape(s.baseline)}</div>"
    grid = "".join(f"<div class='card'>{c}</div>" for c in cards)
    solara.HTML(
        tag="div",
        classes=["chart-row"],
        unsafe_innerHTML=f"{note}<div class='chart-grid'>{grid}</div>",
    )


@solara.component
def LogCard(s: Session, m, day: int):
    rows = decision_rows(m.russia.log, m.cfg.russia)
    stem = f"{m.cfg.name}_seed{m.seed}_day{m.day}"
    with solara.Row(classes=["downloads"]):
        solara.FileDownload(
            lambda: daily_csv(m.datacollector.model_vars),
            filename=f"{stem}_daily.csv",
            label="Daily table (CSV)",
            mime_type="text/csv",
        )
        solara.FileDownload(
            lambda: decisions_csv(m.russia.log, m.cfg.russia),
            filename=f"{stem}_decisions.csv",
            label="Decision log (CSV)",
            mime_type="text/csv",
        )
    if rows:
        body = (
            f"<div class='chart-title'>Moscow's decision log ({len(rows)} days, newest first"
            f"{f'; the newest {SHOWN} shown, the CSV has all' if len(rows) > SHOWN else ''})</div>"
            f"<div class='log-scroll'>{log_table(rows)}</div>"
        )
    elif not m.cfg.russia.enabled:
        body = (
            "<div class='chart-title'>Moscow's decision log</div><i>Moscow takes no decisions in "
            "this scenario (russia.enabled is false).</i>"
        )
    else:
        body = (
            "<div class='chart-title'>Moscow's decision log</div><i>Empty: Moscow first reads the "
            "situation on day 1. Press Step or ▶.</i>"
        )
    solara.HTML(tag="div", classes=["card", "log-card"], unsafe_innerHTML=body)


@solara.component
def MainView(s: Session):
    """Everything that changes with the day; the one component that follows the day, so that a
    step is one render."""
    day, m = s.day.value, s.model.value
    with solara.Div(classes=["dashboard-main"]):
        Headline(s, m, day)
        with solara.Div(classes=["top-row"]):
            CityCard(s, m, day)
            FactorCard(s, m, day)
        Charts(s, m, day)
        LogCard(s, m, day)


@solara.component
def Dashboard():
    """The page; one session (model, controls, lock) per browser tab."""
    cfg = solara.use_memo(base_config, [])
    s = solara.use_memo(lambda: Session.open(cfg), [])
    solara.Style(CSS)
    solara.Title(f"Moscow's decision: {cfg.name}")
    with solara.Div(classes=["dash"]):
        with solara.Div(classes=["dash-side"]):
            solara.HTML(
                tag="div",
                classes=["dash-title"],
                unsafe_innerHTML=f"Moscow's decision: {escape(cfg.name)}",
            )
            with solara.Card("Run", classes=["run-card"]):
                RunButtons(s)
            with solara.Card("Compare"):
                Compare(s)
            with solara.Card("Scenario controls"):
                Controls(s)
            solara.HTML(
                tag="div", classes=["credits"], unsafe_innerHTML="Built with Mesa and Solara."
            )
        MainView(s)


Page = Dashboard
"""What ``solara run sim.app.page`` serves."""
