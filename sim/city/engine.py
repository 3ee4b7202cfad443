"""The city: protesters (Epstein 2002) as arrays, police and troops, strategic sites and storming.

:class:`City` puts the city's parts together (composition: each part is handed the one
:class:`~.state.CityState` it works on) and is all the rest of the model touches: ``step`` runs a
day (:data:`.day.DAY`) and returns :class:`~.state.CityStats`; the host's police decisions and the
model's troops reach the grid through ``remove_police``, ``add_police``, ``set_troops`` and
``take_fled``; the dashboard draws ``snapshot()``. ``burn_in`` runs days before day 0, so that
the city starts from its resting state (docs/model.md 7.1). Two engines give bit-identical runs: the
numpy reference (:class:`~.day.NumpyDay`) and the compiled one (:class:`~.compiled.CompiledDay`),
the default where numba is available (``sim.city.jit.ENABLED``).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import numpy as np

from . import jit
from .compiled import CompiledDay
from .day import NumpyDay, Today
from .forces import GridForces
from .moves import Moves
from .rules import Rules
from .sites import Sites
from .state import CitySnapshot, CityStats, DayInputs, Geometry, populate
from .windows import WindowSum

if TYPE_CHECKING:  # the config sections, for the type checker only
    from ..config import schema


class City:
    """Grid, protesters, patrols and sites, on the numpy or the compiled engine.

    Args:
        city: the ``city`` config section.
        protesters: the ``protesters`` section.
        police: the ``police`` section.
        troops: the ``troops`` section.
        police_strength: host police strength (x nominal density).
        countries: names of the countries that may send troops (Russia first).
        rng: this component's random generator.
        compiled: the compiled engine (True), the numpy one (False), or the compiled one where
            numba is available (None, the default).
    """

    def __init__(
        self,
        city: schema.CityParams,
        protesters: schema.Protesters,
        police: schema.Police,
        troops: schema.Troops,
        police_strength: float,
        countries: list[str],
        rng: np.random.Generator,
        compiled: bool | None = None,
    ):
        compiled = jit.ENABLED if compiled is None else compiled
        self.geometry = g = Geometry(city.height, city.width, city.torus)
        site_cell = np.array([s.y * g.width + s.x for s in city.sites], dtype=np.int64)
        self.state = populate(
            g, site_cell, protesters, police, police_strength, len(countries), rng
        )
        self.sites = Sites(g, self.state, city, margin=protesters.vision)
        self.forces = GridForces(self.state, troops, rng)
        window = WindowSum(
            g.height, g.width, protesters.vision, city.neighborhood, g.torus, compiled
        )
        cop_window = (
            window
            if police.vision == protesters.vision
            else WindowSum(g.height, g.width, police.vision, city.neighborhood, g.torus, compiled)
        )
        rules = self.rules = Rules(g, self.state, self.sites, protesters, (window, cop_window), rng)
        self.moves = Moves(g, self.state, self.sites, protesters, city.neighborhood, rng)
        numpy_day = NumpyDay(self.state, rules, self.moves, self.sites, protesters.movement)
        self.day: NumpyDay | CompiledDay = (
            CompiledDay(numpy_day, g, protesters, city.neighborhood, rng) if compiled else numpy_day
        )
        self.population = float(city.population) * float(city.street_share)  # who could protest
        self.days = 0  # days the city has run, the burn-in's included (its release calendar)
        self._fled = 0  # police who abandoned stormed sites since the host last counted
        self._stats: CityStats | None = None  # the figures as the city stands; None: to be counted
        self._today = (0, 0)  # the last day's arrests and releases

    @property
    def compiled(self) -> bool:
        return isinstance(self.day, CompiledDay)

    @property
    def people_per_agent(self) -> float:
        """Persons each citizen agent stands for: ``city.population x city.street_share`` / citizens
        (docs/model.md 7.1)."""
        return self.population / max(1, self.state.pos.size)

    @property
    def move_tries(self) -> int:
        """Random cells a mover tries a day, taking the first empty one (1: the calibrated model;
        Epstein's and Mesa's rule, "a random empty cell in vision", as it grows)."""
        return self.moves.tries

    @move_tries.setter
    def move_tries(self, tries: int) -> None:
        self.moves.tries = int(tries)

    # --- the day -------------------------------------------------------------------------------

    def step(self, inputs: DayInputs) -> CityStats:
        """Advance protesters, arrests, moves and storming by one day; the day's figures."""
        self.days += 1
        today = Today(inputs, self.days, self.rules.patrol_picks(inputs.arrest_intensity))
        self.day.run(today)
        self._fled += today.fled
        self._today = (today.arrests, today.released)
        stats = self._stats = today.stats
        assert stats is not None  # the TALLIES phase has run
        return stats

    def burn_in(self, days: int, inputs: DayInputs) -> None:
        """Run ``days`` days before day 0 with ``inputs`` (the day-0 legitimacy, no shock), not
        recorded: the city starts from its resting state, with the citizens who are active, jailed
        or tired at rest. Police who fled stormed sites meanwhile are not reported, and the next
        day's figures start afresh (``stats`` reports no arrests or releases before it)."""
        for _ in range(int(days)):
            self.step(inputs)
        self._fled = 0
        self._today = (0, 0)
        self._stats = None

    def stats(self) -> CityStats:
        """The figures of the city as it stands (after the day, and any police or troop changes
        since)."""
        stats = self._stats
        if stats is None:
            stats = self._stats = CityStats.from_tallies(self.day.tally(), self.state, *self._today)
        return stats

    # --- the security forces -------------------------------------------------------------------

    def take_fled(self) -> int:
        """Police who abandoned stormed sites since the last call (the count starts again at 0)."""
        fled, self._fled = self._fled, 0
        return fled

    def remove_police(self, n: int) -> int:
        """Police leaving their posts, patrols and site guards alike at random. Returns how many
        went."""
        self._stats = None
        return self.forces.remove_police(n)

    def add_police(self, n: int) -> int:
        """Police coming back: empty guard posts at held sites first, then patrols. Returns how many
        came back (fewer than ``n`` only when the grid has no empty cell left)."""
        self._stats = None
        return self.forces.add_police(n)

    def set_troops(self, soldiers: np.ndarray) -> None:
        """Each country's troops on the ground (soldiers, Russia first) as guard posts and
        patrols."""
        if self.forces.set_troops(soldiers):
            self._stats = None

    # --- for drawing ---------------------------------------------------------------------------

    def snapshot(self) -> CitySnapshot:
        return CitySnapshot.of(self.geometry, self.state, self.sites.names)


def warm_up() -> None:
    """Load (or compile) the kernels by running a tiny city with a site for three days.

    An optimisation only (``sim.warm``): if anything here fails, each worker loads the kernels
    itself on its first run, where a real problem then shows."""
    if not jit.ENABLED:
        return
    from ..config.schema import CityParams, Police, Protesters, Site, Troops

    with contextlib.suppress(Exception):  # see the docstring
        city = City(
            CityParams(width=12, height=12, sites=[Site(name="warm-up", x=3, y=3)]),
            Protesters(),
            Police(guard_share=0.2),
            Troops(),
            1.0,
            ["Russia"],
            np.random.default_rng(0),
            compiled=True,
        )
        for _ in range(3):
            city.step(DayInputs(0.5, 0.3))
