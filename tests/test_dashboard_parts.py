"""The dashboard's parts without a browser: controls, charts, map, stored runs, decision log, CSV,
and the run buttons' lock. Fast; the page itself is tested in Chromium by
tests/test_dashboard.py."""

from __future__ import annotations

import io
import re
import struct
import threading
import time
import zlib

import numpy as np
import pandas as pd
import pytest

from sim.app import baseline, charts, city, controls, log, panels
from sim.app.controls import KEYS, DashboardModel, base_config, configure, control_values
from sim.model import CrisisModel

from .conftest import CONFIGS

# --- controls ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cfg():
    return base_config()


@pytest.fixture(scope="module")
def model12(cfg):
    model = DashboardModel(seed="0", base=cfg)
    for _ in range(12):
        model.step()
    return model


def test_controls_default_to_the_scenario_and_apply_as_overrides(cfg):
    model = DashboardModel(base=cfg)  # every control at the scenario's value
    assert isinstance(model, CrisisModel) and model.cfg == cfg  # README: the model `sim run` runs
    values = control_values(cfg)
    assert set(controls.SLIDERS) | {"can_request", "rule"} == set(values)
    changed = DashboardModel(
        dict(
            legitimacy=0.6,
            price_shock=0.7,
            alignment=-0.5,
            police_loyalty=0.9,
            can_request=False,
            sanctions_credibility=0.9,
            forces_available=12000,
            rule="weighted",
            bias_support=0.2,
            bias_costs=-0.3,
        ),
        seed="7",
        base=cfg,
    )
    c = changed.cfg
    assert (c.host.legitimacy, c.host.alignment, c.host.can_request) == (0.6, -0.5, False)
    assert (c.west.sanctions_credibility, c.russia.forces_available, c.russia.rule) == (
        0.9,
        12000,
        "weighted",
    )
    assert c.russia.perception.bias == {"support": 0.2, "costs": -0.3}
    assert [e.value for e in c.events if e.kind == "hardship_shock"] == [0.7]
    assert changed.seed == 7 and changed.controls["police_loyalty"] == 0.9
    assert c.city == cfg.city and c.allies == cfg.allies and c.name == cfg.name


def test_each_control_sets_the_key_its_table_row_names(cfg):
    # the one table control -> config key (KEYS): reading and writing both go through it
    for name, key in KEYS.items():
        old = control_values(cfg)[name]
        if isinstance(old, bool):
            new = not old
        elif isinstance(old, str):
            new = "weighted" if old == "all_five" else "all_five"
        else:
            new = old // 2 if isinstance(old, int) else round(old / 2 + 0.1, 2)
        changed = configure(cfg, **{name: new})
        value = changed
        for part in key.split("."):
            value = getattr(value, part)
        assert value == pytest.approx(new) if isinstance(new, float) else value == new, name
        assert control_values(changed)[name] == value


def test_a_control_shows_its_value_with_its_unit():
    assert controls.SLIDERS["police_loyalty"].show(0.7) == "0.70 (0-1)"
    assert controls.SLIDERS["forces_available"].show(45000) == "45,000 soldiers"
    assert controls.show("can_request", False) == "no"
    assert controls.changed(
        {"legitimacy": 0.8, "rule": "all_five"}, {"legitimacy": 0.6, "rule": "all_five"}
    ) == {"legitimacy": (0.8, 0.6)}


# --- charts --------------------------------------------------------------------------------------


def test_axes_stand_before_data_and_grow_by_tens():
    assert (
        charts.x_span(0, 60) == 30 and charts.x_span(29, 60) == 30 and charts.x_span(30, 60) == 40
    )
    assert charts.x_span(5, 12) == 12  # never past the horizon
    assert [charts.nice_top(v) for v in (0, 0.3, 3731, 45000)] == [1.0, 0.5, 5000, 50000]
    empty = charts.svg_chart([charts.Line("x", [], "#000")], 30, y_range=None)
    assert "<polyline" not in empty and ">30</text>" in empty and ">1</text>" in empty


def test_a_line_is_one_point_a_day_and_nan_leaves_a_gap():
    svg = charts.svg_chart(
        [charts.Line("x", [0.1, 0.2, float("nan"), 0.4, 0.5], "#000")], 30, (0, 1)
    )
    runs = re.findall(r"points='([^']*)'", svg)
    assert [len(r.split()) for r in runs] == [2, 2]


def test_markers_bands_and_thresholds_are_drawn_where_given():
    marks = [
        charts.Marker(3, "request", "R", "day 3"),
        charts.Marker(45, "withdrawal", "W", "day 45"),
    ]
    band = charts.Band("10-90%", [0.1] * 5, [0.3] * 5, "#f00")
    svg = charts.svg_chart(
        [], 30, (0, 1), markers=marks, bands=[band], threshold=charts.Threshold(0.5, True)
    )
    assert svg.count("class='history-marker'") == 1  # day 45 lies past the shown 30 days
    assert "data-event='request'" in svg and "class='band'" in svg and "class='threshold'" in svg


# --- the dashboard's charts from a model ----------------------------------------------------------


def test_charts_name_their_series_in_words_and_mark_the_history(cfg, model12):
    # README: charts with the scenario's history as markers (S, R, L, O, w, W), readable names
    marks = baseline.markers(cfg)
    assert [m.event for m in marks][:5] == [
        "shock",
        "request",
        "landing",
        "order",
        "withdrawal_start",
    ]
    html = "".join(panels.all_charts(model12, marks, None, baseline.start_label(cfg)))
    for raw in ("active_share", "jailed_share", "troops_total", "regime_threat"):
        assert raw not in html
    assert "active protesters" in html and "all foreign troops" in html
    # README: foreign troops in total and by country (each contingent that came)
    troops = panels.troops_chart(model12)
    came = [c for j, c in enumerate(model12.countries) if model12.ledger.sent[j] > 0]
    assert came and all(f"</i>{c}</span>" in troops for c in came)
    for event in ("request", "landing", "order", "withdrawal"):
        assert html.count(f"data-event='{event}'") == 3, event  # on each of the three charts
    assert "0 = 2 Jan 2022" in html
    # README: the six factors, the rule's marked pass or fail today
    from sim.decision import RULE_FACTORS

    factors = panels.factor_panel(model12)
    assert factors.count("<svg") == 6 and factors.count("class='threshold'") == len(RULE_FACTORS)
    assert factors.count(" ✓") + factors.count(" ✗") == len(RULE_FACTORS)


def test_the_stored_runs_median_and_band_overlay_the_charts(cfg, tmp_path, model12, monkeypatch):
    # README: the median and 10-90% band of results/<name>/ (or --baseline); where it looked if none
    from sim.runner import run_replications

    monkeypatch.delenv("SIM_VIZ_BASELINE", raising=False)
    assert str(baseline.baseline_folder(cfg)) == "results/kazakhstan_2022"
    monkeypatch.setenv("SIM_VIZ_BASELINE", str(tmp_path / "run"))
    assert baseline.baseline_folder(cfg) == tmp_path / "run"
    note = baseline.load_baseline(cfg, tmp_path / "none")
    assert "sim run kazakhstan_2022" in note and str(tmp_path / "none") in note
    run_replications(cfg, reps=4, seed=0, jobs=1, progress=False).save(tmp_path / "run")
    base = baseline.load_baseline(cfg, tmp_path / "run")
    assert base.reps == 4 and base.note == ""
    assert len(base.median["active_share"]) == cfg.horizon_days + 1
    assert np.all(base.p10["troops_total"] <= base.median["troops_total"])
    assert np.all(base.median["troops_total"] <= base.p90["troops_total"])
    html = "".join(panels.all_charts(model12, [], base, ""))
    assert html.count("class='band'") == 3 and "stored runs (4)" in html
    other = cfg.model_copy(update={"name": "other"})
    assert "not other" in baseline.load_baseline(other, tmp_path / "run")


# --- the map -------------------------------------------------------------------------------------


def _unpng(data: bytes) -> np.ndarray:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    raw = zlib.decompress(data[data.index(b"IDAT") + 4 : data.index(b"IEND") - 8])
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(h, 1 + 3 * w)
    assert not rows[:, 0].any()  # filter byte 0
    return rows[:, 1:].reshape(h, w, 3)


def test_the_map_is_the_grid_one_pixel_a_cell(model12):
    # README: the city, one pixel a cell
    snap = model12.city.snapshot()
    img = city.city_pixels(snap, model12.countries)
    assert img.shape == (snap.height, snap.width, 3)
    assert np.array_equal(_unpng(city.png(img)), img)
    cells = img.reshape(-1, 3)
    for state in np.unique(snap.state):  # every state on the map in its colour
        where = snap.pos[snap.state == state][0]
        assert tuple(cells[where]) == tuple(city._rgb(city.STATE_COLOURS[int(state)]))
    police = snap.patrol_pos[snap.patrol_owner == 0][0]
    assert tuple(cells[police]) == tuple(city._rgb(city.palette.POLICE))
    # README: the sites, held or stormed, labelled with the police and troop units guarding them
    html = city.city_html(snap, model12.countries)
    labels = re.findall(r"class='site-label'[^>]*>(.*?)</div>", html)
    assert len(labels) == len(snap.site_names)
    for name, text in zip(snap.site_names, labels, strict=True):
        assert (
            text.startswith(f"{name} (held)" if "(held)" in text else f"{name} (STORMED)")
            and " police" in text
        )
    assert any("troop units" in t for t in labels)  # day 12 of the baseline: troops guard sites


# --- the decision log and the downloads -----------------------------------------------------------


def test_the_log_explains_a_held_deployment(cfg):
    # README: "force stays until calm: held since day N although the rule says watch"
    for seed in range(
        10
    ):  # the baseline's first run that holds a force on a day the rule says otherwise
        model = DashboardModel(seed=str(seed), base=cfg).run()
        rows = log.decision_rows(model.russia.log, model.cfg.russia)
        held = [
            r
            for r in rows
            if r["decision"] in ("deploy", "limited")
            and r["state"] == "deployed"
            and not r["troops ordered"]
            and r["rule says"] not in ("deploy", "limited")
        ]
        if held:
            break
    assert held, "no run of the baseline held a force on a day its rule said otherwise"
    for r in held:
        first = max(x["day"] for x in rows if x["day"] <= r["day"] and x["state"] != "deployed") + 1
        assert r["why"].startswith(
            f"force stays until calm: held since day {first} although the rule says "
            f"{r['rule says']}"
        ), r
        assert f"{cfg.russia.withdraw_calm_days} days in a row" in r["why"]


def test_the_log_names_orders_withdrawals_and_failing_factors():
    # README: a note on why: troops ordered, a withdrawal, or which factors fail
    russia = base_config().russia
    base = {
        "day": 1,
        "outcome": "watch",
        "state": "watching",
        "rule_verdict": "watch",
        "troops_ordered": 0,
        "failed": "",
        "near_miss": "",
    }
    assert (
        log.why([{**base, "failed": "trigger,support"}], 0, russia)
        == "the rule says watch: trigger, support fail"
    )
    ordered = {
        **base,
        "outcome": "deploy",
        "state": "deployed",
        "rule_verdict": "deploy",
        "troops_ordered": 2881,
    }
    assert log.why([ordered], 0, russia).startswith("ordered 2,881 troops")
    assert "withdrawing" in log.why(
        [{**base, "state": "withdrawing", "outcome": "withdraw"}], 0, russia
    )
    # an operation against the host (a war) does not end on calm, nor do peacekeepers
    war = {
        **base,
        "outcome": "deploy",
        "state": "deployed",
        "rule_verdict": "delay",
        "form": "full",
    }
    assert log.why([war], 0, russia).startswith("operation under way since day 1 although the rule")
    keep = {**war, "form": "peacekeeping"}
    assert log.why([keep], 0, russia).startswith("peacekeepers stay while the ceasefire holds")


def test_held_since_is_the_start_of_the_deployment_in_force():
    rows = [
        {"day": d, "state": s}
        for d, s in enumerate(
            ["watching", "deployed", "deployed", "withdrawn", "deployed", "deployed"], start=1
        )
    ]
    assert log.held_since(rows, 2) == 2 and log.held_since(rows, 5) == 5


def test_the_downloads_are_the_days_and_the_log_so_far(model12):
    daily = pd.read_csv(io.BytesIO(log.daily_csv(model12.datacollector.model_vars)))
    assert list(daily["day"]) == list(range(13)) and "active_share" in daily
    decisions = pd.read_csv(io.BytesIO(log.decisions_csv(model12.russia.log, model12.cfg.russia)))
    assert list(decisions["day"]) == list(range(1, 13)) and {
        "outcome",
        "rule_verdict",
        "why",
    } <= set(decisions)


# --- the run buttons -----------------------------------------------------------------------------


def test_pause_stops_at_once(cfg):
    # README: Pause stops at once, no day follows it
    # Mesa's play loop sleeps, then steps without looking: one more day after Pause. Here a day
    # starts only under the lock while playing, so no day follows a Pause that has returned.
    from sim.app.session import Session

    s = Session.open(cfg)
    s.speed.set("slow (1 s a day)")
    s.play()
    loop = threading.Thread(target=s.play_loop, args=(threading.Event(),))
    loop.start()
    deadline = time.monotonic() + 10
    while s.model.value.day < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    s.pause()  # in the middle of the 1 s wait before day 2
    paused_on = s.model.value.day
    loop.join(timeout=5)
    assert not loop.is_alive() and paused_on >= 1 and s.model.value.day == paused_on
    assert s.step() and s.model.value.day == paused_on + 1  # Step still works after Pause


def test_reset_applies_the_chosen_controls_and_seed(cfg):
    from sim.app.session import Session

    s = Session.open(cfg)
    s.step()
    s.chosen.set({**s.chosen.value, "can_request": False})
    s.seed.set("5")
    s.reset()
    m = s.model.value
    assert m.day == 0 and m.cfg.host.can_request is False and m.seed == 5 and s.day.value == 0


@pytest.mark.parametrize("name", sorted(p.stem for p in CONFIGS.glob("*.yaml")))
def test_every_shipped_scenario_draws(name):
    # sim viz takes any shipped scenario: each one's page parts build from its first days
    from sim.bundled import find_config
    from sim.config import load_config

    cfg = load_config(find_config(name))
    model = DashboardModel(seed="0", base=cfg)
    for _ in range(3):
        model.step()
    marks = baseline.markers(cfg)
    html = "".join(panels.all_charts(model, marks, None, baseline.start_label(cfg)))
    assert html.count("<svg") == 3 and panels.factor_panel(model).count("<svg") == 6
    assert html.count("class='history-marker'") == 3 * sum(m.day <= 30 for m in marks)
    assert "<img" in city.city_html(model.city.snapshot(), model.countries)
    assert len(log.decision_rows(model.russia.log, cfg.russia)) == (3 if cfg.russia.enabled else 0)
