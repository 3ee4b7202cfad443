"""The host's security apparatus and playbook as pure rules (docs/model.md 7.5-7.6)."""

import pytest

from sim.actors.playbook import HostView, Measure, choose
from sim.actors.security import Apparatus, ForceKind, defecting_share
from sim.config import config_from_dict
from sim.config.schema.security import HostForces, PlaybookParams

from .conftest import ROOT


def view(**kw) -> HostView:
    base = dict(
        threat=0.0,
        defected=0.0,
        concessions=0,
        dismissed=False,
        emergency=False,
        calm_days=0,
        paid=False,
        mass_arrests=False,
        asked=False,
        may_ask=True,
        outnumbered=0.0,
        army_ordered=False,
        lethal=False,
    )
    base.update(kw)
    return HostView(**base)


def test_threshold_model_is_a_normal_cdf_around_loyalty():
    assert defecting_share(0.5, 0.5, 0.15) == pytest.approx(0.5)
    assert defecting_share(0.2, 0.8, 0.15) < 0.001
    assert defecting_share(0.95, 0.5, 0.15) > 0.99


def test_a_loyal_force_holds_where_a_split_one_defects():
    forces = HostForces(
        police={"strength": 1000, "loyalty": 0.5},
        security_service={"strength": 1000, "loyalty": 1.0},
    )
    app = Apparatus(forces)
    for day in range(10):
        app.update(day, threat=0.6, guarantee=0.0, paid=False)
    assert app[ForceKind.POLICE].defected > 0.4
    assert app[ForceKind.SECURITY_SERVICE].defected < 0.05


def test_an_allys_guarantee_brings_defectors_back():
    app = Apparatus(HostForces(police={"strength": 1000, "loyalty": 0.5}))
    for day in range(5):
        app.update(day, threat=0.6, guarantee=0.0, paid=False)
    before = app[ForceKind.POLICE].defected
    for day in range(5, 15):
        app.update(day, threat=0.6, guarantee=0.9, paid=False)
    assert before > 0.4 and app[ForceKind.POLICE].defected < 0.1


def test_defection_begets_defection():
    lone = HostForces(police={"strength": 1000, "loyalty": 0.55}, bandwagon=0.0)
    herd = HostForces(police={"strength": 1000, "loyalty": 0.55}, bandwagon=0.6)
    a, b = Apparatus(lone), Apparatus(herd)
    for day in range(10):
        a.update(day, threat=0.5, guarantee=0.0, paid=False)
        b.update(day, threat=0.5, guarantee=0.0, paid=False)
    assert b[ForceKind.POLICE].defected > a[ForceKind.POLICE].defected + 0.1


def test_the_army_serves_in_the_capital_only_after_its_delay():
    app = Apparatus(HostForces(army={"strength": 10000, "city_share": 0.2}, army_delay_days=2))
    assert app[ForceKind.ARMY].on_duty == 0
    app.order_army(3)
    app.update(4, threat=0.0, guarantee=0.0, paid=False)
    assert app[ForceKind.ARMY].on_duty == 0
    app.update(5, threat=0.0, guarantee=0.0, paid=False)
    assert app[ForceKind.ARMY].on_duty == pytest.approx(2000)


def test_the_playbook_escalates_with_the_threat():
    p = PlaybookParams()
    assert choose(p, view(threat=0.1)) == []
    mild = choose(p, view(threat=p.concede_at))
    assert Measure.CONCEDE in mild and Measure.LETHAL_FORCE not in mild
    grave = choose(p, view(threat=0.95))
    for m in (
        Measure.EMERGENCY,
        Measure.MASS_ARRESTS,
        Measure.ASK,
        Measure.COMMIT_ARMY,
        Measure.LETHAL_FORCE,
    ):
        assert m in grave


def test_each_measure_comes_once_and_concessions_stop_at_the_maximum():
    p = PlaybookParams(max_concessions=1)
    done = view(
        threat=0.95,
        concessions=1,
        dismissed=True,
        emergency=True,
        paid=True,
        mass_arrests=True,
        asked=True,
        army_ordered=True,
        lethal=True,
    )
    assert choose(p, done) == []


def test_a_host_that_may_not_ask_never_asks():
    assert Measure.ASK not in choose(PlaybookParams(), view(threat=1.0, may_ask=False))


def test_defecting_forces_make_a_host_ask_before_the_threat_does():
    p = PlaybookParams()
    assert Measure.ASK in choose(p, view(threat=0.2, defected=p.ask_defected))


def test_an_outnumbered_army_makes_a_calm_host_ask():
    p = PlaybookParams(ask_outnumbered=1.0)
    assert Measure.ASK in choose(p, view(outnumbered=1.5))  # an attacked ally, a civil war
    assert Measure.ASK in choose(p, view(outnumbered=float("inf")))  # no army at all
    assert Measure.ASK not in choose(p, view(outnumbered=0.8))  # its army is enough
    assert Measure.ASK not in choose(p, view(outnumbered=0.0))  # nobody fights it
    assert Measure.ASK not in choose(p, view(outnumbered=1.5, may_ask=False))
    # the army is for the streets: an outnumbered host that cannot ask does not bring it home
    assert Measure.COMMIT_ARMY not in choose(p, view(outnumbered=1.5, may_ask=False))


def _asks(*overrides: str) -> bool:
    """Whether the Kazakhstan crisis, with these overrides, makes its host ask within 10 days."""
    from pathlib import Path

    from sim.config import load_config
    from sim.model import CrisisModel

    path = Path(__file__).resolve().parents[1] / "configs" / "kazakhstan_2022.yaml"
    model = CrisisModel(load_config(path, overrides), rng=3)
    for _ in range(10):
        model.step()
    return model.host.request_day is not None


def test_a_host_without_grounds_to_expect_a_yes_does_not_ask():
    # no treaty frame and a Moscow with no wish to keep the ruler (Kyrgyzstan 2005's position)
    alone = ("russia.logistics.csto_framework=false", "russia.incumbent_stance=0.0")
    assert _asks()
    assert not _asks(*alone)
    assert _asks(*alone, "russia.incumbent_stance=0.5")  # a patron who wants it kept
    assert _asks(*alone, "host.playbook.ask_needs_backing=false")


def test_the_emergency_is_lifted_after_calm_days():
    p = PlaybookParams(lift_after_days=3)
    assert Measure.LIFT not in choose(p, view(emergency=True, calm_days=2))
    assert Measure.LIFT in choose(p, view(emergency=True, calm_days=3))


def test_a_disabled_playbook_takes_no_measure():
    assert choose(PlaybookParams(enabled=False), view(threat=1.0)) == []


def test_old_host_keys_are_named_where_they_moved(tmp_path):
    from sim.config import ConfigError

    with pytest.raises(ConfigError) as err:
        config_from_dict({"host": {"police_loyalty": 0.5}}, "old.yaml")
    assert "host.forces.police.loyalty" in str(err.value) and "old.yaml" in str(err.value)


def test_police_arrest_at_the_ordinary_intensity_until_mass_arrests():
    """host.playbook.ordinary_arrest_intensity is the city's arrests a patrol a day before any mass
    arrests (Epstein's 1 by default); mass arrests raise it to mass_arrest_intensity."""
    from sim.config import load_config
    from sim.model import CrisisModel

    path = ROOT / "configs" / "belarus_2020.yaml"
    epstein = CrisisModel(load_config(path), rng=0)
    assert epstein._day_inputs().arrest_intensity == 1.0
    over = ["host.playbook.ordinary_arrest_intensity=0.1"]
    contain = CrisisModel(load_config(path, over), rng=0)
    assert contain._day_inputs().arrest_intensity == pytest.approx(0.1)
    contain.host.mass_arrests = True
    assert contain._day_inputs().arrest_intensity == pytest.approx(1.5)
    contain.host.mass_arrests = False
    # containment arrests fewer in the city's first days (same seed, same draws otherwise)
    for _ in range(2):
        contain.step()
        epstein.step()
    assert 0 < contain.host.detained < epstein.host.detained


@pytest.mark.parametrize("kind", ["legitimacy_shock", "disputed_election"])
def test_calm_restores_a_lost_legitimacy_but_not_what_a_disputed_election_took(tmp_path, kind):
    """docs/model.md 7.8: calm days pull legitimacy back toward day 0's, less what a disputed
    election took (its result stands); a plain legitimacy shock heals."""
    from sim.config import load_config
    from sim.model import CrisisModel

    path = tmp_path / "calm.yaml"
    path.write_text(
        f"extends: {ROOT / 'configs' / 'kazakhstan_2022' / 'no_shock.yaml'}\n"
        f"events: [{{day: 0, kind: {kind}, value: 0.2}}]\n",
        encoding="utf-8",
    )
    model = CrisisModel(load_config(path), rng=0)
    l0 = model.host.legitimacy
    model.step()  # day 0's event: the loss puts the city out for a few days
    assert model.host.legitimacy < l0 - 0.1  # (a dismissal has given back a little)
    model.run()  # then calm to day 60
    assert model.host.calm_days > 30
    if kind == "disputed_election":
        assert model.host.legitimacy_target == pytest.approx(l0 - 0.2)
        assert model.host.legitimacy == pytest.approx(l0 - 0.2, abs=0.01)
    else:
        assert model.host.legitimacy == pytest.approx(l0, abs=0.01)
