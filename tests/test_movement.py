"""docs/model.md 7.2a: an organised protest movement calls marches once it is on the streets, and a
called march lowers each citizen's estimated arrest risk; a leaderless protest calls nothing."""

import numpy as np
import pytest

from sim.city import DayInputs
from sim.city.rules import estimate
from sim.config import load_config
from sim.model import CrisisModel
from sim.records import summarize

from .conftest import ROOT

BELARUS = ROOT / "configs" / "belarus_2020.yaml"
AT_REST = ROOT / "configs" / "kazakhstan_2022" / "no_shock.yaml"


def days_called(model: CrisisModel) -> list[int]:
    model.run()
    cols = model.datacollector.model_vars
    return [d for d, called in zip(cols["day"], cols["march_called"], strict=True) if called]


def marches(model: CrisisModel) -> int:
    """The run's `marches` summary column."""
    return summarize(model.datacollector.model_vars, model.cfg.russia.order_threshold)["marches"]


def test_a_called_march_lowers_the_estimated_risk_before_deterrence():
    p = np.array([0.0, 0.9, 0.99], dtype=np.float32)
    estimate(p, DayInputs(0.5, 0.0, deterrence=0.05, reassurance=0.99))
    expected = 1 - (1 - np.array([0.0, 0.9, 0.99]) * 0.01) * 0.95
    np.testing.assert_allclose(p, expected, rtol=1e-5)
    q = np.array([0.9], dtype=np.float32)
    estimate(q, DayInputs(0.5, 0.0))
    assert q[0] == np.float32(0.9)  # no march, no deterrence: Epstein's P
    with pytest.raises(ValueError, match="reassurance 1.5 must be 0..1"):
        DayInputs(0.5, 0.0, reassurance=1.5)


def test_an_organised_movement_marches_every_seventh_day_once_on_the_streets():
    model = CrisisModel(load_config(BELARUS), rng=0)
    called = days_called(model)
    # day 0 is Sunday 9 Aug 2020: the election's night fills the streets on day 1, and the
    # Sunday marches follow from day 7 (16 Aug) to the horizon
    assert called == [7, 14, 21, 28, 35, 42, 49, 56]
    assert model.movement.start_day == 1 and marches(model) == 8
    # day 60 is no march day: the smaller actions Belarus calls between marches, at their safety
    assert not model.movement.called and model.movement.reassurance == 0.9


def test_the_city_weighs_a_called_march_and_a_leaderless_one_calls_nothing():
    organised = CrisisModel(load_config(BELARUS), rng=0)
    while organised.day < 6:
        organised.step()
    organised.step()  # day 7: a march
    assert organised.movement.called and organised._day_inputs().reassurance == 0.99
    leaderless = CrisisModel(load_config(BELARUS, ["movement.organised=false"]), rng=0)
    assert days_called(leaderless) == [] and marches(leaderless) == 0
    assert organised.city_stats.active_share > 0.1  # the march fills the streets ...
    cols = leaderless.datacollector.model_vars
    assert cols["active_share"][7] < 0.05  # ... that a leaderless Minsk has left by day 7


def test_a_city_at_rest_is_never_called_out_and_a_fallen_regime_ends_the_calls():
    at_rest = CrisisModel(load_config(AT_REST, ["movement.organised=true"]), rng=0)
    assert days_called(at_rest) == [] and at_rest.movement.start_day is None
    model = CrisisModel(load_config(BELARUS), rng=0)
    while model.day < 6:
        model.step()
    model.host.collapse()
    model.step()  # day 7: the regime has fallen, so no march is called
    assert model.movement.start_day == 1 and not model.movement.called


def test_the_street_share_scales_persons_not_shares():
    # docs/model.md 9: no setting of city.street_share changes the days above 5%
    base = CrisisModel(load_config(BELARUS), rng=3).run().datacollector.model_vars
    wide = CrisisModel(load_config(BELARUS, ["city.street_share=0.1"]), rng=3).run()
    assert wide.datacollector.model_vars["active_share"] == base["active_share"]
    assert wide.host.detained > 3 * base["detained"][-1]


def test_the_host_reads_a_called_march_at_march_threat_of_its_size():
    def day_seven(overrides):
        # an unrest scale of 1 keeps the index below its cap of 1, so the readings differ; no
        # smaller actions, so that the day after a march is an uncalled day
        overrides = ["host.unrest_scale=1", "movement.action_reassurance=0", *overrides]
        model = CrisisModel(load_config(BELARUS, overrides), rng=0)
        while model.day < 7:
            model.step()
        return model

    none = day_seven([])  # march_threat 0, the default: a march counts by what it does
    half = day_seven(["movement.march_threat=0.5"])
    whole = day_seven(["movement.march_threat=1"])  # read as a riot of its size
    # the same streets (the threat is read after the city's day) ...
    share = none.city_stats.active_share
    assert half.city_stats.active_share == whole.city_stats.active_share == share
    assert none.movement.called and share > 0.2
    # ... read at none, half and all of their size
    assert none.host.unrest_index == 0.0 and none.movement.threat_weight == 0.0
    assert half.host.unrest_index == pytest.approx(0.5 * share)
    assert whole.host.unrest_index == pytest.approx(share)
    assert none.host.regime_threat < half.host.regime_threat < whole.host.regime_threat
    none.step()  # day 8: no march, the crowd still out counts in full
    assert none.movement.threat_weight == 1.0
    assert none.host.unrest_index == pytest.approx(none.city_stats.active_share)


def test_a_called_marchs_safety_in_numbers_is_real():
    # docs/model.md 7.2a: the police's arrests per patrol are cut by march_reassurance on a
    # called day, as each marcher's estimated risk is (no smaller actions called between)
    model = CrisisModel(load_config(BELARUS, ["movement.action_reassurance=0"]), rng=0)
    while model.day < 6:
        model.step()
    assert model._day_inputs().arrest_intensity == 1.0  # day 6: no march
    jailed_before = model.host.detained
    model.step()  # day 7: a march
    inputs = model._day_inputs()
    assert inputs.arrest_intensity == pytest.approx(0.01) and inputs.reassurance == 0.99
    # a third of the city out, and a few hundred persons detained (the record's order)
    assert model.city_stats.active_share > 0.3
    assert model.host.detained - jailed_before < 1_000


def test_smaller_actions_are_called_between_marches_only_when_set():
    # docs/model.md 7.2a: with action_reassurance above 0 the movement calls smaller actions on
    # every day it is on the streets and no march is called; 0, the default, calls none
    assert load_config(AT_REST).movement.action_reassurance == 0.0
    assert load_config(BELARUS).movement.action_reassurance == 0.9  # the case's assumption
    model = CrisisModel(load_config(BELARUS, ["movement.action_reassurance=0.6"]), rng=0)
    seen = {}
    while model.day < 9:
        model.step()
        m = model.movement
        inputs = model._day_inputs()
        cut = inputs.arrest_intensity / model.host.arrest_intensity()
        seen[model.day] = (m.called, m.action_called, inputs.reassurance, m.threat_weight, cut)
    # day 1, before the movement is on: nothing called, the crowd counts in full
    assert seen[1] == (False, False, 0.0, 1.0, 1.0)
    for day in (2, 3, 4, 5, 6, 8, 9):  # smaller actions, at their own safety, read as a march
        called, action, r, w, cut = seen[day]
        assert (called, action, r, w) == (False, True, 0.6, 0.0), day
        assert cut == pytest.approx(0.4), day  # the police's arrests per patrol, cut by 0.6
    assert seen[7][:4] == (True, False, 0.99, 0.0)  # the Sunday march keeps its own
    model.run()
    row = summarize(model.datacollector.model_vars, model.cfg.russia.order_threshold)
    assert row["marches"] == 8 and row["actions"] == 59 - 8  # days 2-60 less the marches
    plain = CrisisModel(load_config(BELARUS, ["movement.action_reassurance=0"]), rng=0).run()
    summary = summarize(plain.datacollector.model_vars, plain.cfg.russia.order_threshold)
    assert summary["actions"] == 0 and not any(plain.datacollector.model_vars["action_called"])
