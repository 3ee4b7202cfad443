"""The crisis model: wires the city and the actors into the daily order of docs/model.md 3."""

from __future__ import annotations

import mesa
import numpy as np
from mesa.agentset import AgentSet

from . import events
from .actors.allies import Ally
from .actors.host import HostGovernment
from .actors.movement import Movement
from .actors.russia import Russia
from .actors.war import War
from .actors.west import West
from .city import City, DayInputs
from .component import named_stream
from .config import Config
from .ledger import TroopLedger


class CrisisModel(mesa.Model):
    """Unrest in a post-Soviet capital and Moscow's five-factor decision, one step per day.

    Daily order (docs/model.md 3), as written in ``step``: scenario events; the protest movement's
    call (a march today, if an organised movement calls one); the city (protesters, arrests, moves,
    storming); the host government; the West; Russia's decision (and its reputation); the CSTO
    allies (in random order); troop arrivals and withdrawal; a day of war if one is fought (with or
    without Russian troops); troops placed on the city grid unless Russian units fight the host
    (only a guard mission stands at the capital's sites); data collection.

    Components: ``city``, ``host``, ``movement``, ``west``, ``russia``, ``allies``, ``ledger``
    (troops per country), ``war`` (the front); world state no actor owns: ``shock`` (the
    outstanding hardship shock) and ``trigger`` (a scenario's trigger), changed only by events and
    through their methods.

    Args:
        config: the validated scenario.
        rng: a seed (int), a ``numpy.random.SeedSequence``, or None for fresh entropy. Each
            component draws from its own stream, named by its key (``stream``).
        compiled: the city's engine: compiled (True), numpy (False), or compiled where numba is
            available (None); both give the same run.
    """

    def __init__(
        self,
        config: Config,
        rng: int | np.random.SeedSequence | None = None,
        compiled: bool | None = None,
    ):
        seq = rng if isinstance(rng, np.random.SeedSequence) else np.random.SeedSequence(rng)
        super().__init__(rng=np.random.default_rng(seq))
        self.cfg = config
        self._seq = seq
        self.day = 0
        self.shock = events.HardshipShock()
        self.trigger = events.ScenarioTrigger()

        members = config.allies.members
        self.countries = ["Russia"] + [a.name for a in members]
        self.ledger = TroopLedger(self.countries)
        self.city = City(
            config.city,
            config.protesters,
            config.police,
            config.troops,
            config.host.police_strength,
            self.countries,
            self.stream("city"),
            compiled=compiled,
        )
        self.people_per_agent = self.city.people_per_agent
        """Persons one citizen on the grid stands for (docs/model.md 7.1)."""
        self.city.burn_in(config.city.burn_in_days, self._rest_inputs(config))  # at rest (7.2)
        self.city_stats = self.city.stats()

        self.host = HostGovernment(self, config.host)
        self.movement = Movement(self, config.movement)
        self.west = West(self, config.west)
        self.russia = Russia(self, config.russia)
        self.allies = AgentSet(
            [Ally(self, a, config.allies, i + 1) for i, a in enumerate(members)], random=self.random
        )
        self.war = War(self, config.attrition, config.host)
        self._no_troops = np.zeros(len(self.countries))

        self.datacollector = ScalarCollector(model_reporters=self._reporters())
        self.datacollector.collect(self)

    def stream(self, key: str) -> np.random.Generator:
        """The random stream of the component ``key`` (``city``, ``host``, ``ally:Armenia``,
        ...)."""
        return named_stream(self._seq, key)

    # --- the day ------------------------------------------------------------------------------

    def step(self) -> None:
        """One day, in the order of docs/model.md 3."""
        self.day += 1
        self.ledger.begin_day(self.day)
        events.fire(
            self, self.day - 1
        )  # day 0 is the opening event: events dated 0 act in the first step
        self.movement.step()  # a march called for today, on yesterday's streets
        self.city_stats = self.city.step(self._day_inputs())
        self.host.step()
        self.west.step()
        self.russia.step()
        self.allies.shuffle_do("step")
        self._move_troops()
        self.city_stats = (
            self.city.stats()
        )  # police counts after the host's and the troops' changes
        self.datacollector.collect(self)
        if self.day >= self.cfg.horizon_days:
            self.running = False

    def run(self) -> CrisisModel:
        """Run to the horizon; returns self so calls chain."""
        while self.running:
            self.step()
        return self

    def _day_inputs(self) -> DayInputs:
        """What the city gets today: legitimacy, the shock, the deterrence, visibility and arrest
        intensity of the host's measures and of foreign troops' presence, and the safety in numbers
        of a called march (docs/model.md 7.2-7.7)."""
        host, troops = self.host, self.cfg.troops
        deterrence = host.deterrence()
        if troops.deterrence_channel and self.russia.in_city and not self.russia.hostile:
            presence = min(1.0, self.ledger.total / troops.presence_reference)
            deterrence = 1.0 - (1.0 - deterrence) * (1.0 - troops.deterrence * presence)
        return DayInputs(
            host.legitimacy,
            self.shock.level,
            deterrence=deterrence,
            visibility=host.visibility(),
            reassurance=self.movement.reassurance,
            # a called march's safety in numbers is real as well as felt: the police pick as few
            # of its marchers as each expects (docs/model.md 7.2a)
            arrest_intensity=host.arrest_intensity() * (1.0 - self.movement.reassurance),
        )

    @staticmethod
    def _rest_inputs(config: Config) -> DayInputs:
        """The city at rest before day 0: day-0 legitimacy, no shock, no measures."""
        return DayInputs(config.host.legitimacy, 0.0)

    def _move_troops(self) -> None:
        self.ledger.arrive()
        self.ledger.withdraw_step()
        # a day of fighting if a war is being fought (with or without Russian troops)
        self.war.step()
        if not self.russia.hostile:
            guard = self.russia.in_city and self.cfg.troops.guard
            self.city.set_troops(self.ledger.on_ground if guard else self._no_troops)

    # --- what the actors read -------------------------------------------------------------------

    def troops_on_ground(self) -> float:
        return self.ledger.total

    @property
    def order_restored(self) -> bool:
        return self.city_stats.active_share < self.cfg.russia.order_threshold

    # --- data ------------------------------------------------------------------------------------

    def _reporters(self) -> dict:
        """Column name -> reporter, collected from what each component declares (the README's
        contract)."""
        rep = {
            "day": lambda: self.day,
            "active_share": lambda: self.city_stats.active_share,
            "quiet_share": lambda: self.city_stats.quiet_share,
            "jailed_share": lambda: self.city_stats.jailed_share,
            "sites_held": lambda: self.city_stats.sites_held,
            "hardship_shock": lambda: self.shock.level,
        }
        parts = (
            self.host,
            self.russia,
            self.ledger,
            self.west,
            *self.allies,
            self.war,
            self.movement,  # last, so that the older columns keep their places
        )
        for part in parts:
            rep.update(part.columns())
        return rep


class ScalarCollector(mesa.DataCollector):
    """Mesa's DataCollector for reporters that take no argument and return immutable scalars.

    The components declare their columns as closures over themselves (``columns()``), so a reporter
    needs no model argument. Mesa deep-copies every model reporter's value on every step, so that a
    reporter returning a list is not changed later; copying scalars changes nothing and took about a
    tenth of a Kazakhstan run. The tables, ``get_model_vars_dataframe`` and the dashboard's charts
    work as with Mesa's class.
    """

    def collect(self, model) -> None:
        self._collection_steps.append(model.time)
        for var, reporter in self.model_reporters.items():
            self.model_vars[var].append(reporter())
