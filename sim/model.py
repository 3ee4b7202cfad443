"""The crisis model: wires the city and the actors into MODEL.md's daily order."""

from __future__ import annotations

import mesa
import numpy as np
from mesa.agentset import AgentSet

from .actors.allies import Ally
from .actors.host import HostGovernment
from .actors.russia import Russia
from .actors.west import West
from .attrition import Front, fight_day
from .city import City, DayInputs
from .config import Config
from .decision import FACTORS
from .forces import Forces

HOST_ARMY_BROKEN = 0.1  # the host army counts as broken below this share of its day-0 strength (assumption)


class CrisisModel(mesa.Model):
    """Unrest in a post-Soviet capital and Moscow's five-factor decision, one step per day.

    Daily order (MODEL.md 3): scenario events; protesters, arrests and moves; storming of sites;
    the host government; the West; Russia's decision; the CSTO allies (in random order); troop
    arrivals, withdrawal and, in the hostile-host mode, a day of attrition; reputation and data
    collection.

    Args:
        config: the validated scenario.
        rng: a seed (int), a ``numpy.random.SeedSequence``, or None for fresh entropy. Each
            component draws from its own stream spawned from it.
    """

    def __init__(self, config: Config, rng: int | np.random.SeedSequence | None = None):
        seq = rng if isinstance(rng, np.random.SeedSequence) else np.random.SeedSequence(rng)
        super().__init__(rng=np.random.default_rng(seq))
        self.cfg = config
        streams = [np.random.default_rng(s) for s in seq.spawn(5)]
        city_rng, host_rng, perception_rng, decision_rng, ally_rng = streams

        self.day = 0
        self.hardship_shock = 0.0
        self.event_trigger = 0.0
        self._trigger_until = -1

        members = config.allies.members
        self.countries = ["Russia"] + [a.name for a in members]
        self.forces = Forces(self.countries)
        self.city = City(config.city, config.protesters, config.police, config.troops,
                         config.host.police_strength, self.countries, city_rng)
        self.city_stats = self.city.stats()

        self.host = HostGovernment(self, config.host, host_rng)
        self.west = West(self, config.west)
        self.russia = Russia(self, config.russia, perception_rng, decision_rng)
        self.allies = AgentSet(
            [Ally(self, a, config.allies, i + 1, ally_rng) for i, a in enumerate(members)], random=self.random
        )
        self.front = Front(territory=config.host.separatist_territory)
        self._separatists = config.host.separatist_forces
        self._army0 = max(1.0, config.host.army_strength)

        self.datacollector = ScalarCollector(model_reporters=self._reporters())
        self.datacollector.collect(self)

    # --- the day ------------------------------------------------------------------------------

    def step(self) -> None:
        """One day, in MODEL.md's order."""
        self.day += 1
        self.forces.day = self.day
        self._fire_events()
        self.city_stats = self.city.step(DayInputs(self.host.legitimacy, self.hardship_shock))
        self.host.step()
        self.west.step()
        self.russia.step()
        self.allies.shuffle_do("step")
        self._move_troops()
        self.city_stats = self.city.stats()  # police counts after the host's and the troops' changes
        self.datacollector.collect(self)
        if self.day >= self.cfg.horizon_days:
            self.running = False

    def run(self) -> CrisisModel:
        """Run to the horizon; returns self so calls chain."""
        while self.running:
            self.step()
        return self

    def _fire_events(self) -> None:
        # Day 0 is the opening event; events dated 0 apply on the first step, before anything moves.
        today = self.day - 1
        for ev in self.cfg.events:
            if ev.kind == "hardship_shock" and ev.day <= today < ev.day + ev.duration:
                self.hardship_shock += ev.value / ev.duration  # builds up evenly over its duration
            if ev.day != today:
                continue
            if ev.kind == "legitimacy_shock":
                self.host.legitimacy = max(0.0, self.host.legitimacy - ev.value)
            elif ev.kind == "trigger":
                self.event_trigger = max(self.event_trigger, ev.value)
                self._trigger_until = max(self._trigger_until, self.day - 1 + ev.duration)
            elif ev.kind == "forces_committed":
                self.russia.committed_elsewhere += ev.value
            elif ev.kind == "west_signal":
                self.west.signal = ev.value
            elif ev.kind == "host_request_ban":
                self.host.can_request = False
            elif ev.kind == "host_request":
                self.host.ask()
        if today >= self._trigger_until:
            self.event_trigger = 0.0

    def _move_troops(self) -> None:
        self.forces.arrive()
        self.forces.withdraw_step()
        if self.russia.hostile:
            self._fight()
        else:
            self.city.set_troops(self.forces.on_ground)

    def _fight(self) -> None:
        """A day of Lanchester attrition between Russia plus separatists and the host plus aid.

        Only Russian troops on the ground fight (a withdrawn soldier leaves the front); separatists
        fight beside them from the first day of the war. Losses fall on both in proportion.
        """
        russian = self.forces.on_ground[0]
        if russian <= 0:
            return
        front = self.front
        front.russia = russian + self._separatists
        front.host = self.host.army + self.west.aid_today
        self.front = fight_day(front, self.cfg.attrition.russia_effectiveness,
                               self.cfg.attrition.host_effectiveness, self.cfg.attrition.territory_rate)
        survived = self.front.russia / front.russia
        self.forces.take_losses(0, russian * (1.0 - survived))
        self._separatists *= survived
        self.host.army = self.front.host
        if self.host_army_broken:
            self.host.status = "fallen"

    # --- what the actors read -------------------------------------------------------------------

    def troops_on_ground(self) -> float:
        return self.forces.total

    @property
    def order_restored(self) -> bool:
        return self.city_stats.active_share < self.cfg.russia.order_threshold

    @property
    def host_army_broken(self) -> bool:
        return self.host.army < HOST_ARMY_BROKEN * self._army0

    # --- data ------------------------------------------------------------------------------------

    def _reporters(self) -> dict:
        """Column name -> reporter; the column names are the output contract (README)."""
        rep = {
            "day": lambda m: m.day,
            "active_share": lambda m: m.city_stats.active_share,
            "quiet_share": lambda m: m.city_stats.quiet_share,
            "jailed_share": lambda m: m.city_stats.jailed_share,
            "sites_held": lambda m: m.city_stats.sites_held,
            "legitimacy": lambda m: m.host.legitimacy,
            "hardship_shock": lambda m: m.hardship_shock,
            "regime_threat": lambda m: m.host.regime_threat,
            "regime_status": lambda m: m.host.status,
            "requested": lambda m: m.host.requested,
            "police_strength": lambda m: m.city_stats.police_strength,
            "decision": lambda m: m.russia.outcome,
            "russia_state": lambda m: m.russia.state,
            "troops_total": lambda m: m.forces.total,
        }
        for i, name in enumerate(self.countries):
            rep[f"troops_{column_name(name)}"] = lambda m, i=i: m.forces.on_ground[i]
        rep["sanctions"] = lambda m: m.west.sanctions
        for f in FACTORS:
            rep[f"{f}_perceived"] = lambda m, f=f: m.russia.factors_perceived[f]
            rep[f"{f}_true"] = lambda m, f=f: m.russia.factors_true[f]
            rep[f"{f}_gap"] = lambda m, f=f: m.russia.factors_perceived[f] - m.russia.factors_true[f]
        for ally in self.allies:
            rep[f"unrest_{column_name(ally.name)}"] = lambda m, a=ally: a.unrest
        rep["reputation"] = lambda m: m.russia.reputation
        rep["territory_share"] = lambda m: m.front.territory
        rep["host_army"] = lambda m: m.host.army
        return rep


class ScalarCollector(mesa.DataCollector):
    """Mesa's DataCollector for model reporters that return immutable scalars (numbers, strings).

    Mesa deep-copies every model reporter's value on every step, so that a reporter returning a
    list is not changed later; copying scalars changes nothing and took about a tenth of a
    Kazakhstan run (Mesa's agent reporters already skip the copy for immutable values). The tables,
    ``get_model_vars_dataframe`` and the dashboard's charts work as with Mesa's class.
    """

    def collect(self, model) -> None:
        self._collection_steps.append(model.time)
        for var, reporter in self.model_reporters.items():
            self.model_vars[var].append(reporter(model))


def column_name(country: str) -> str:
    """A country's name as used in column names: ``troops_<name>``, ``unrest_<name>``."""
    return country.strip().lower().replace(" ", "_").replace("-", "_")
