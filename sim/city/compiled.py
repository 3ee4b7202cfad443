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
from .jail import count_down
from .kernels import ArrestTables, EpsteinTables
from .moves import MoveTables
from .rules import LOG_SCALE, SHIFT, escape, estimate
from .sites import StormTables
from .state import CityStats, DayInputs, Geometry
from .windows import offsets

if TYPE_CHECKING:  # the config sections, for the type checker only
    from ..config import schema

# patrol-by-patrol arrest hazard while patrols x window cells <= this x grid cells (two window sums
# cost about that many passes over the grid; measured, benchmarks/README.md)
_BY_PATROL = 8


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
        self.arrest_tables = ArrestTables(
            np.ascontiguousarray(seen[:, 0]),
            np.ascontiguousarray(seen[:, 1]),
            escape_table(len(seen), 1),
        )
        self.jailing = tuple(reference.rules.jail.tables)
        storm_grid = np.zeros(
            g.height * g.width + 1 if self.s.site_cell.size else 0, dtype=np.int32
        )
        # what the kernels take: plain tuples (see sim.city.kernels)
        self.geometry = tuple(g)
        self._arrest_p = arrest_probability_table(protesters.arrest_k)
        self._epstein = EpsteinTables(
            protesters.activation_rounds,
            self._arrest_p,
            np.float32(protesters.threshold),  # compared in float32, as numpy compares it
            np.float32(1.0),
            SHIFT,
            np.ascontiguousarray(sees[:, 0]),
            np.ascontiguousarray(sees[:, 1]),
        )
        self.epstein = tuple(self._epstein)
        self._epstein_key = (0.0, 1.0, 0.0)  # the day's (deterrence, visibility, reassurance)
        self.window, self.cop_window = tuple(rules.window.buffers), tuple(rules.cop_window.buffers)
        self.arrest = tuple(self.arrest_tables)
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

    def _for_today(self, today: Today) -> np.ndarray:
        """The tables for today's inputs (P' and visibility, the escape table's rows of picks);
        returns the day's picks (one each when the day has none)."""
        inputs: DayInputs = today.inputs
        key = (float(inputs.deterrence), float(inputs.visibility), float(inputs.reassurance))
        if key != self._epstein_key:
            p = self._arrest_p.copy()
            estimate(p, inputs)  # as Rules.update_citizens applies it, entry by entry
            self._epstein = self._epstein._replace(arrest_p=p, visibility=np.float32(key[1]))
            self.epstein = tuple(self._epstein)
            self._epstein_key = key
        n = self.s.patrol_pos.size
        if today.picks is None:
            today.picks = np.ones(n, dtype=np.int64)
        if today.picks.size != n:  # the kernels index it by patrol, unchecked
            raise ValueError(f"{today.picks.size} patrols' picks for {n} patrols")
        most = int(today.picks.max()) if n else 0
        if most >= self.arrest_tables.escape.shape[0]:
            table = escape_table(self.arrest_tables.dy.size, most)
            self.arrest_tables = self.arrest_tables._replace(escape=table)
            self.arrest = tuple(self.arrest_tables)
        return today.picks

    def tally(self) -> tuple[int, int, int, int, int, int]:
        s = self.s
        return kernels.tallies(s.state, s.site_held, s.patrol_owner, s.police_guards)

    # --- fused runs ----------------------------------------------------------------------------

    def morning(self, today: Today) -> int:
        """Jail, Epstein's rule and the arrest hazard in one kernel."""
        acting = self._acting_buffer()
        grievance = self.ref.rules.grievance(today.inputs)
        picks = self._for_today(today)
        packed, released, who, hazard = kernels.morning(
            self.s.arrays(),
            acting,
            grievance,
            self.geometry,
            self.epstein,
            self.window,
            self.arrest,
            self.cop_window,
            self.by_patrol(),
            picks,
        )
        today.acting, today.released = acting, int(released)
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
        fled, arrests, *tallies = kernels.afternoon(
            self.rng,
            self.s.arrays(),
            who,
            stay_free,
            self.geometry,
            self.arrest,
            self._moving or self._moves_table(),
            self.storming,
            (*self.jailing, today.day),
        )
        today.fled += int(fled)
        today.arrests = int(arrests)
        today.stats = CityStats.from_tallies(tallies, self.s, today.arrests, today.released)
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
        today.released = int(count_down(self.s.jail, acting, self.s.state))
        today.acting = acting

    def epstein_rounds(self, today: Today) -> None:
        grievance = self.ref.rules.grievance(today.inputs)
        if not kernels.epstein_rounds(
            self.s.arrays(), today.acting, grievance, self.geometry, self.epstein, self.window
        ):
            # too many guards to pack both counts in one grid: numpy's rounds
            self.ref.epstein(today)

    def hazard(self, today: Today) -> None:
        picks = self._for_today(today)
        today.who, today.hazard = kernels.arrest_hazard(
            self.s.arrays(),
            self.geometry,
            self.arrest,
            self.cop_window,
            self.by_patrol(),
            picks,
        )

    def by_patrol(self) -> bool:
        """Whether the arrest hazard goes patrol by patrol (cheaper than window sums for few
        patrols)."""
        return self.s.patrol_pos.size * self._patrol_window <= _BY_PATROL * self._n_cells

    def _acting_buffer(self) -> np.ndarray:
        if self._acting.size != self.s.jail.size:
            self._acting = np.empty(self.s.jail.size, dtype=bool)
        return self._acting


def escape_table(window: int, most: int) -> np.ndarray:
    """-log(1 - m/A) in fixed point for m = 0 .. ``most`` arrests and each A = 0 .. ``window``
    actives a patrol can see (a patrol that sees no active adds nothing)."""
    a = np.arange(window + 1)
    table = np.stack([escape(a, m) for m in range(most + 1)])
    table[:, 0] = 0
    return table


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
