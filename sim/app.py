"""The interactive dashboard: a Mesa SolaraViz page for one scenario (``sim viz``).

Run it with ``sim viz [CONFIG]`` or, equivalently, ``SIM_VIZ_CONFIG=CONFIG solara run sim.app``.
The scenario comes from the environment variable ``SIM_VIZ_CONFIG`` (default: the Kazakhstan 2022
baseline). The page shows:

- the city: quiet, active and jailed protesters, police and foreign patrols, and the strategic sites
  (held or stormed) with the police and foreign troops guarding them. Protesters are numpy arrays,
  not Mesa agents, so the grid is drawn by a custom component (an image built from the arrays)
  rather than by Mesa's agent portrayal;
- live charts from the model's DataCollector (``make_plot_component``): unrest, troops by country,
  regime threat and sanctions;
- the six factors as Moscow perceives them (solid) and as they are (dashed), against the
  ``all_five`` rule's thresholds;
- Moscow's current decision and state, and its decision log so far.

SolaraViz provides play, pause, step, reset and the step counter in its sidebar. Its "Model
Parameters" card holds the controls; on reset SolaraViz re-instantiates :class:`DashboardModel` with
their values, which are applied as overrides to the scenario config (:func:`configure`), so a
changed control takes effect on reset. The charts come from Mesa's ``make_plot_component``; the main
area is laid out by :func:`MainView` rather than SolaraViz's draggable grid (see there why).
"""

from __future__ import annotations

import math
import os
import zlib
from pathlib import Path

import solara
from mesa.visualization import Slider, SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from .app_figures import COUNTRY_COLOURS, STATE_COLOURS, city_figure, factors_figure
from .city import Citizen
from .commands.viz import CONFIG_ENV, resolve_config
from .config import Config, apply_override, config_from_dict, load_config
from .config.names import ally_column
from .model import CrisisModel

BIASED = ("support", "opposition", "feasibility", "costs")  # perception biases with a slider

# Colours: protesters after Mesa's Epstein example (quiet blue, active orange, jailed grey).
# --- the scenario and its controls ------------------------------------------------------------------


def config_path() -> Path:
    """The scenario shown: ``$SIM_VIZ_CONFIG``, else the baseline."""
    return resolve_config(os.environ.get(CONFIG_ENV))


def base_config() -> Config:
    return load_config(config_path())


def _hardship_events(cfg: Config) -> list[int]:
    return [i for i, ev in enumerate(cfg.events) if ev.kind == "hardship_shock"]


def control_values(cfg: Config) -> dict:
    """The controls' values in a config (the dashboard's starting values)."""
    shocks = _hardship_events(cfg)
    values = {
        "legitimacy": cfg.host.legitimacy,
        "price_shock": cfg.events[shocks[0]].value if shocks else 0.0,
        "alignment": cfg.host.alignment,
        "police_loyalty": cfg.host.police_loyalty,
        "can_request": cfg.host.can_request,
        "sanctions_credibility": cfg.west.sanctions_credibility,
        "forces_available": int(cfg.russia.forces_available),
        "rule": cfg.russia.rule,
    }
    for f in BIASED:
        values[f"bias_{f}"] = cfg.russia.perception.bias.get(f, 0.0)
    return values


def configure(base: Config, **controls) -> Config:
    """The base config with the dashboard's controls applied; a control left at None keeps its value.

    Scalar keys go through :func:`~sim.config.apply_override` (the same path as ``--set``); the price
    shock sets the first ``hardship_shock`` event's value (adding one on day 0 if there is none), and
    the biases set ``russia.perception.bias``. The result is validated like any config.
    """
    data = base.model_dump(mode="python")
    keys = {
        "legitimacy": "host.legitimacy",
        "alignment": "host.alignment",
        "police_loyalty": "host.police_loyalty",
        "can_request": "host.can_request",
        "sanctions_credibility": "west.sanctions_credibility",
        "forces_available": "russia.forces_available",
        "rule": "russia.rule",
    }
    for name, key in keys.items():
        value = controls.get(name)
        if value is not None:
            apply_override(data, f"{key}={value}")
    shock = controls.get("price_shock")
    if shock is not None:
        shocks = _hardship_events(base)
        if shocks:
            data["events"][shocks[0]]["value"] = float(shock)
        elif shock > 0:
            data["events"].append({"day": 0, "kind": "hardship_shock", "value": float(shock), "duration": 2})
    bias = dict(data["russia"]["perception"]["bias"])
    for f in BIASED:
        value = controls.get(f"bias_{f}")
        if value is not None:
            bias[f] = float(value)
    data["russia"]["perception"]["bias"] = {f: v for f, v in bias.items() if v != 0.0}
    return config_from_dict(data, source=f"dashboard controls on {config_path()}")


def _seed(rng) -> int | None:
    if rng is None or (isinstance(rng, str) and not rng.strip()):
        return None
    try:
        return int(rng)
    except (TypeError, ValueError):
        return zlib.crc32(str(rng).encode())  # any text is a seed


class DashboardModel(CrisisModel):
    """A :class:`~sim.model.CrisisModel` built from keyword controls, as SolaraViz's reset needs.

    Each control left at None keeps the scenario's value (see :func:`configure`); ``rng`` is the
    seed (an integer, or text from the seed box).
    """

    def __init__(
        self,
        legitimacy: float | None = None,
        price_shock: float | None = None,
        alignment: float | None = None,
        police_loyalty: float | None = None,
        can_request: bool | None = None,
        sanctions_credibility: float | None = None,
        forces_available: float | None = None,
        rule: str | None = None,
        bias_support: float | None = None,
        bias_opposition: float | None = None,
        bias_feasibility: float | None = None,
        bias_costs: float | None = None,
        rng: int | str | None = 0,
    ):
        controls = {k: v for k, v in locals().items() if k not in ("self", "rng", "__class__")}
        config = configure(base_config(), **controls)
        super().__init__(config, rng=_seed(rng))
        self.controls = control_values(config)
        self.seed = _seed(rng)


def model_params(cfg: Config) -> dict:
    """SolaraViz controls, starting at the scenario's values."""
    v = control_values(cfg)
    forces_max = max(100_000, math.ceil(v["forces_available"] * 2 / 10_000) * 10_000)
    params = {
        "rng": {"type": "InputText", "value": "0", "label": "Random seed"},
        "legitimacy": Slider("Host legitimacy L", v["legitimacy"], 0.0, 1.0, 0.01),
        "price_shock": Slider("Price shock (hardship added)", v["price_shock"], 0.0, 1.0, 0.05),
        "alignment": Slider("Host alignment (-1 West, +1 Russia)", v["alignment"], -1.0, 1.0, 0.05),
        "police_loyalty": Slider("Police loyalty", v["police_loyalty"], 0.0, 1.0, 0.05),
        "can_request": {"type": "Checkbox", "value": v["can_request"], "label": "Host may request help"},
        "sanctions_credibility": Slider("West: sanctions credibility", v["sanctions_credibility"], 0.0, 1.0, 0.05),
        "forces_available": Slider("Russian forces available", v["forces_available"], 0, forces_max, 1000),
        "rule": {"type": "Select", "value": v["rule"], "values": ["all_five", "weighted"], "label": "Decision rule"},
    }
    for f in BIASED:
        params[f"bias_{f}"] = Slider(f"Moscow's bias: {f}", v[f"bias_{f}"], -1.0, 1.0, 0.05)
    return params


# --- the city --------------------------------------------------------------------------------------


@solara.component
def CityGrid(model: CrisisModel):
    update_counter.get()
    solara.FigureMatplotlib(city_figure(model), format="png")


# --- Moscow's factors ----------------------------------------------------------------------------


@solara.component
def FactorsChart(model: CrisisModel):
    update_counter.get()
    solara.FigureMatplotlib(factors_figure(model), format="png")


# --- Moscow's decision -------------------------------------------------------------------------


def _fmt(value) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.2f}"
    return str(value)


def decision_rows(model: CrisisModel, last: int = 12) -> list[dict]:
    """The decision log's most recent rows, newest first, in the columns the panel shows."""
    rows = []
    for row in reversed(model.russia.log[-last:]):
        rows.append({
            "day": row["day"],
            "outcome": row["outcome"],
            "state": row["state"],
            "rule says": row["rule_verdict"],
            "score": _fmt(row["score"]),
            "request": "pending" if row["request_pending"] else "",
            "troops ordered": f"{row['troops_ordered']:,.0f}" if row["troops_ordered"] else "",
            "failed": row["failed"],
            "near miss": row["near_miss"],
        })
    return rows


def _html(text: str) -> str:
    """``**bold**`` to <b>bold</b>: the panels are HTML (solara.Markdown would load mermaid from a CDN)."""
    parts = text.split("**")
    return "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts))


@solara.component
def DecisionPanel(model: CrisisModel):
    """Moscow's current decision, the situation it reads, and the scenario's control values."""
    update_counter.get()
    russia, host = model.russia, model.host
    c = getattr(model, "controls", None) or control_values(model.cfg)
    head = f"Day {model.day}: Moscow's decision **{russia.outcome}** (state: {russia.state})"
    situation = (
        f"Foreign troops on the ground **{model.ledger.total:,.0f}** · host government **{host.status}**, "
        f"regime threat {host.regime_threat:.2f} · request for help: "
        f"**{'day ' + str(host.request_day) if host.requested else 'none'}** · "
        f"sanctions {model.west.sanctions:.2f} · reputation {russia.reputation:.2f}"
    )
    scenario = (
        f"Scenario **{model.cfg.name}**, seed {getattr(model, 'seed', '')} · rule **{c['rule']}** · "
        f"legitimacy **{c['legitimacy']:.2f}** · price shock **{c['price_shock']:.2f}** · "
        f"alignment **{c['alignment']:+.2f}** · police loyalty **{c['police_loyalty']:.2f}** · "
        f"host may request help: **{'yes' if c['can_request'] else 'no'}** · "
        f"sanctions credibility **{c['sanctions_credibility']:.2f}** · "
        f"forces available **{c['forces_available']:,}** · Moscow's biases "
        + ", ".join(f"{f} **{c['bias_' + f]:+.2f}**" for f in BIASED)
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<h3 class='decision-head' style='margin:4px 0 8px'>{_html(head)}</h3>"
            f"<p class='decision-situation' style='margin:0 0 8px'>{_html(situation)}</p>"
            f"<p class='scenario-summary' style='margin:0;color:#444;font-size:90%'>{_html(scenario)}</p>"
        ),
        style={"padding": "4px 12px"},
    )


@solara.component
def DecisionLog(model: CrisisModel):
    """Moscow's decision log so far, newest first."""
    update_counter.get()
    rows = decision_rows(model, last=len(model.russia.log))
    with solara.Column(style={"padding": "4px 12px"}):
        if rows:
            import pandas as pd

            solara.HTML(tag="div", unsafe_innerHTML=f"<b>Moscow's decision log</b> ({len(rows)} days, newest first)")
            solara.DataFrame(pd.DataFrame(rows), items_per_page=10)
        else:
            solara.HTML(tag="div", unsafe_innerHTML="<i>Moscow's decision log is empty: Moscow first reads "
                        "the situation on day 1. Press Step or &#9654;.</i>")


# --- the page ------------------------------------------------------------------------------------


def _troop_colours(cfg: Config) -> dict[str, str]:
    countries = ["Russia"] + [a.name for a in cfg.allies.members]
    colours = {"troops_total": "#000000"}
    for j, name in enumerate(countries):
        colours[f"troops_{ally_column(name)}"] = COUNTRY_COLOURS[j % len(COUNTRY_COLOURS)]
    return colours


def _titled(title: str, ylim: tuple | None = None):
    def post(ax):
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("day")
        if ylim:
            ax.set_ylim(*ylim)
        ax.grid(alpha=0.3)
        ax.get_figure().set_size_inches(6.0, 3.4)

    return post


def charts(cfg: Config) -> list:
    """The DataCollector charts, made by Mesa's ``make_plot_component`` (each a (component, page) pair)."""
    return [
        make_plot_component({"active_share": STATE_COLOURS[Citizen.ACTIVE],
                             "jailed_share": STATE_COLOURS[Citizen.JAILED]},
                            post_process=_titled("Unrest: share of protesters", (0, 1))),
        make_plot_component(_troop_colours(cfg), post_process=_titled("Foreign troops on the ground")),
        make_plot_component({"regime_threat": "#6a040f", "sanctions": "#1d3557", "legitimacy": "#2b9348"},
                            post_process=_titled("Regime threat, sanctions, legitimacy", (0, 1.05))),
    ]


_CARD = {"min-width": "0", "overflow": "hidden"}
_CSS = ".dashboard-main img { max-width: 100%; height: auto; }"


@solara.component
def MainView(model: CrisisModel, plots: list):
    """The page's main area: the city and Moscow's factors, the charts, the decision log.

    SolaraViz's own main area (``ComponentsView``) lays components out with Solara's
    ``GridDraggable``, whose vue-grid-layout 2 script fails under ipyvue/ipyvuetify 3
    ("GlobalVue.use is not a function", mesa issue #3806) and leaves the page blank, so the
    dashboard lays out the same kind of components itself, in a fixed grid.
    """
    solara.Style(_CSS)
    with solara.Column(classes=["dashboard-main"], style={"padding": "8px"}):
        with solara.Columns([6, 6]):
            with solara.Card(style=_CARD):
                CityGrid(model)
            with solara.Column(style=_CARD):
                with solara.Card():
                    DecisionPanel(model)
                with solara.Card():
                    FactorsChart(model)
        with solara.Columns([1, 1, 1]):
            for make, _page in plots:
                with solara.Card(style=_CARD):
                    make(model)
        with solara.Card():
            DecisionLog(model)


@solara.component
def Dashboard():
    """The page: SolaraViz (controls, play, pause, step, reset) and the dashboard's main view.

    One model per browser session, so two tabs do not step the same model. SolaraViz replaces
    ``model.value`` on reset with a new :class:`DashboardModel` built from the controls.
    """
    cfg = solara.use_memo(base_config, [])
    params = solara.use_memo(lambda: model_params(cfg), [])
    plots = solara.use_memo(lambda: charts(cfg), [])
    first = solara.use_memo(lambda: DashboardModel(rng=params["rng"]["value"]), [])
    model = solara.use_reactive(first)
    SolaraViz(model, components=[], model_params=params, name=f"Moscow's decision: {cfg.name}", play_interval=300)
    MainView(model.value, plots)


page = Dashboard()
