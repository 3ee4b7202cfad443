"""The compiled engine's day: the numpy engine's phases, most of them run by numba kernels.

:class:`CompiledDay` follows :data:`.day.DAY` with two fused runs: ``kernels.morning`` (jail, the
day's rounds of Epstein's rule, the arrest hazard) and ``kernels.afternoon`` (arrests, moves,
storming, the day's tallies), with numpy's ``expm1`` of the hazard in between. The afternoon draws
from the city's own ``numpy.random.Generator`` inside numba, which yields numpy's numbers, in the
numpy engine's order, so a run is bit-identical to the numpy engine's (tests/test_kernels.py).
The arrest hazard goes patrol by patrol where patrols are few, else by two window sums (the
same sums). Where a fused run does not apply (guards too many to pack both counts in one grid,
several tries per move) the day goes on phase by phase: Epstein's rule and the hazard by their
own kernels, the other phases by the numpy engine's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import kernels
from .day import NumpyDay, Phase, Plan, Today
from .kernels import ArrestTables, EpsteinTables
from .moves import MoveTables
from .rules import LOG_SCALE, SHIFT, escape
from .sites import StormTables
from .state import CityStats, Geometry
from .windows import offsets

if TYPE_CHECKING:  # the config sections, for the type checker only
    from ..config import schema

_BY_PATROL = (
    8  # patrol-by-patrol arrest hazard while patrols x window cells <= this x grid cells (two
)
#                 window sums cost about that many passes over the grid; measured, benchmarks/README.md)


class CompiledDay:
    """The day on the compiled kernels, with the numpy engine's day (``reference``) for the rest.

    Args:
        reference: the numpy engine's day for the same city (its rules, moves, sites and state).
        g: the grid.
        protesters: the ``protesters`` config section.
        kind: the neighbourhood, ``"von_neumann"`` or ``"moore"``.
        rng: the city's random generator.
    """

    def __init__(
        self,
        reference: NumpyDay,
        g: Geometry,
        protesters: schema.Protesters,
        kind: str,
        rng: np.random.Generator,
    ):
        self.ref, self.s, self.rng, self.p_cfg = reference, reference.s, rng, protesters
        rules, sites = reference.rules, reference.sites
        # a citizen's window and a patrol's, centre first
        sees = np.vstack([[0, 0], offsets(protesters.vision, kind)])
        seen = np.vstack([[0, 0], offsets(rules.cop_window.radius, kind)])
        escapes = escape(np.arange(len(seen) + 1))  # -log(1 - 1/A) for each A a patrol can see
        escapes[0] = 0  # a patrol that sees no active adds nothing
        self.arrest_tables = ArrestTables(
            np.ascontiguousarray(seen[:, 0]),
            np.ascontiguousarray(seen[:, 1]),
            escapes,
            protesters.max_jail_days,
        )
        storm_grid = np.zeros(
            g.height * g.width + 1 if self.s.site_cell.size else 0, dtype=np.int32
        )
        # what the kernels take: plain tuples (see sim.city.kernels)
        self.geometry = tuple(g)
        self.epstein = tuple(
            EpsteinTables(
                protesters.activation_rounds,
                arrest_probability_table(protesters.arrest_k),
                np.float32(protesters.threshold),  # compared in float32, as numpy compares it
                SHIFT,
                np.ascontiguousarray(sees[:, 0]),
                np.ascontiguousarray(sees[:, 1]),
            )
        )
        self.window, self.cop_window = tuple(rules.window.buffers), tuple(rules.cop_window.buffers)
        self.arrest = tuple(self.arrest_tables)
        self._morning_tables = (
            self.geometry,
            self.epstein,
            self.window,
            self.arrest,
            self.cop_window,
        )
        self.storming = tuple(
            StormTables(
                sites.window, storm_grid, sites.cfg.storm_min_actives, sites.cfg.storm_ratio
            )
        )
        self._moving: tuple | None = None  # built on the first afternoon (the distance map is lazy)
        self._acting = np.empty(self.s.jail.size, dtype=bool)
        self._patrol_window, self._n_cells = self.arrest_tables.dy.size, g.height * g.width
        phases = {
            **reference.phases,
            Phase.JAIL: self.jail,
            Phase.EPSTEIN: self.epstein_rounds,
            Phase.HAZARD: self.hazard,
        }
        self.plan = Plan(
            phases,
            {
                (Phase.JAIL, Phase.EPSTEIN, Phase.HAZARD): self.morning,
                (Phase.ARRESTS, Phase.MOVES, Phase.STORMING, Phase.TALLIES): self.afternoon,
            },
        )

    def run(self, today: Today) -> None:
        self.plan.run(today)

    def tally(self) -> tuple[int, int, int, int, int, int]:
        s = self.s
        return kernels.tallies(s.state, s.site_held, s.patrol_owner, s.police_guards)

    # --- fused runs ----------------------------------------------------------------------------

    def morning(self, today: Today) -> int:
        """Jail, Epstein's rule and the arrest hazard in one kernel."""
        acting = self._acting_buffer()
        grievance = self.ref.rules.grievance(today.inputs)
        packed, who, hazard = kernels.morning(
            self.s.arrays(), acting, grievance, *self._morning_tables, self.by_patrol()
        )
        today.acting = acting
        if not packed:  # too many guards to pack both counts: the jail alone has counted down
            return 1
        today.who, today.hazard = who, hazard
        return 3

    def afternoon(self, today: Today) -> int:
        """Arrests, moves, storming and tallies in one kernel (which makes one try per mover)."""
        if self.ref.moves.tries != 1:
            return 0
        who = today.who
        # -P(arrest) by numpy, as Rules.arrest computes it
        stay_free = np.expm1(today.hazard * (-1.0 / LOG_SCALE)) if who.size else np.empty(0)
        fled, *tallies = kernels.afternoon(
            self.rng,
            self.s.arrays(),
            who,
            stay_free,
            self.geometry,
            self.arrest,
            self._moving or self._moves_table(),
            self.storming,
        )
        today.fled += int(fled)
        today.stats = CityStats.from_tallies(tallies, self.s)
        return 4

    def _moves_table(self) -> tuple:
        moves, sites = self.ref.moves, self.ref.sites
        distance = sites.distance_map() if self.s.site_cell.size else np.zeros(1, dtype=np.int32)
        self._moving = tuple(
            MoveTables(
                self.ref.movement, moves.pull, moves.dy, moves.dx, distance, self.p_cfg.vision
            )
        )
        return self._moving

    # --- phases on their own -------------------------------------------------------------------

    def jail(self, today: Today) -> None:
        acting = self._acting_buffer()
        kernels.count_down(self.s.jail, acting)
        today.acting = acting

    def epstein_rounds(self, today: Today) -> None:
        grievance = self.ref.rules.grievance(today.inputs)
        if not kernels.epstein_rounds(
            self.s.arrays(), today.acting, grievance, self.geometry, self.epstein, self.window
        ):
            # too many guards to pack both counts in one grid: numpy's rounds
            self.ref.epstein(today)

    def hazard(self, today: Today) -> None:
        today.who, today.hazard = kernels.arrest_hazard(
            self.s.arrays(), self.geometry, self.arrest, self.cop_window, self.by_patrol()
        )

    def by_patrol(self) -> bool:
        """Whether the arrest hazard goes patrol by patrol (cheaper than window sums for few patrols)."""
        return self.s.patrol_pos.size * self._patrol_window <= _BY_PATROL * self._n_cells

    def _acting_buffer(self) -> np.ndarray:
        if self._acting.size != self.s.jail.size:
            self._acting = np.empty(self.s.jail.size, dtype=bool)
        return self._acting


def arrest_probability_table(k: float) -> np.ndarray:
    """P = 1 - exp(-k n) for n = 0, 1, ... security agents per active, computed as
    ``Rules.update_citizens`` computes it (float32, in place), up to the first n where it reaches 1
    (or 2**16, the packing limit); ``kernels.decide`` reads the last entry for any larger n."""
    t = np.arange(2**SHIFT + 1, dtype=np.float32)
    t *= -k
    np.exp(t, out=t)
    np.subtract(1, t, out=t)
    below = np.flatnonzero(t != 1.0)
    return t[: below[-1] + 2] if below.size else t[:1]
