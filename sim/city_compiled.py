"""The city on compiled kernels: the same rules and random draws as :class:`sim.city.City`, faster.

:class:`CompiledCity` runs the city's day as two numba kernels (``sim.kernels_day``): the morning
(jail countdown, the day's rounds of Epstein's rule, the arrest hazard) and the afternoon (arrests,
moves, storming, the day's tallies), with numpy's ``expm1`` of the hazard in between. The afternoon
draws from the city's own ``numpy.random.Generator`` inside numba, which yields numpy's numbers, in
the numpy engine's order, so a run is bit-identical to the numpy engine's (tests/test_kernels.py).
Where a kernel does not apply (guards too many to pack both counts in one grid, the arrest hazard
on a city with many patrols, several tries per move) the day falls back step by step to the
parent's methods, most of them overridden here by single kernels. Use :func:`new_city`, which picks
this class when numba is available.
"""

from __future__ import annotations

import numpy as np

from . import kernels
from . import kernels_day as kday
from .city import _LOG_SCALE, _SHIFT, City, _escape
from .neighborhood import offsets

_BY_PATROL = 8  # patrol-by-patrol arrest hazard while patrols x window cells <= this x grid cells (two window
#                 sums cost about that many passes over the grid; measured, benchmarks/README.md)


class CompiledCity(City):
    """:class:`sim.city.City` with its hot loops compiled (``sim.kernels``)."""

    COMPILED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._arrest_p = arrest_probability_table(self.p_cfg.arrest_k)
        sees = np.vstack([[0, 0], offsets(self.p_cfg.vision, self.c_cfg.neighborhood)])  # a citizen's window
        self._see_dy, self._see_dx = np.ascontiguousarray(sees[:, 0]), np.ascontiguousarray(sees[:, 1])
        seen = np.vstack([[0, 0], offsets(self.cop_window.radius, self.c_cfg.neighborhood)])  # what a patrol sees
        self._cop_dy, self._cop_dx = np.ascontiguousarray(seen[:, 0]), np.ascontiguousarray(seen[:, 1])
        self._escape = _escape(np.arange(len(seen) + 1))  # -log(1 - 1/A) for each A a patrol can see
        self._escape[0] = 0  # a patrol that sees no active adds nothing
        self._acting = np.empty(self.jail.size, dtype=bool)
        self._storm_grid = np.zeros(self.n_cells + 1 if self.site_cell.size else 0, dtype=np.int32)
        self._threshold = np.float32(self.p_cfg.threshold)  # compared in float32, as numpy compares it

    def _acting_buffer(self) -> np.ndarray:
        if self._acting.size != self.jail.size:
            self._acting = np.empty(self.jail.size, dtype=bool)
        return self._acting

    def _count_down_jail(self) -> np.ndarray:
        acting = self._acting_buffer()
        kday.count_down(self.jail, acting)
        return acting

    def step(self, legitimacy: float, hardship_shock: float):
        if self.move_tries != 1:  # the kernels make one try per mover
            return super().step(legitimacy, hardship_shock)
        who, hazard = self._morning(legitimacy, hardship_shock)
        stay_free = np.expm1(hazard * (-1.0 / _LOG_SCALE)) if who.size else np.empty(0)  # as City._arrest
        if self._dist_map is None:
            self._dist_map = self._site_distance_map() if self.site_cell.size else np.zeros(1, dtype=np.int32)
        fled, *tallies = kday.afternoon(
            self.rng, who, stay_free, self.state, self.jail, self.p_cfg.max_jail_days, self.p_cfg.movement, self.pos,
            self.patrol_pos, len(self.move_offsets), self.p_cfg.site_attraction, self._move_dy, self._move_dx,
            self._dist_map, self.p_cfg.vision, self.height, self.width, self.torus, self.occupied, self._claim,
            self._storm_grid, self._site_window, self.site_cell, self.police_guards, self.troop_guards,
            self.c_cfg.storm_min_actives, self.c_cfg.storm_ratio, self.site_held, self.patrol_owner)
        self.fled += int(fled)
        return self.stats(tuple(int(v) for v in tallies))

    def _morning(self, legitimacy: float, shock: float) -> tuple[np.ndarray, np.ndarray | None]:
        if not self._by_patrol():
            return super()._morning(legitimacy, shock)
        acting = self._acting_buffer()
        packed, who, hazard = kday.morning(
            self.jail, acting, self.p_cfg.activation_rounds, self._grid, self.patrol_pos, self.site_cell,
            self.police_guards, self.troop_guards, self.pos, self.state, self._grievance(legitimacy, shock), self.risk,
            self._arrest_p, self._threshold, _SHIFT, self._see_dy, self._see_dx, self.torus, *self.window.kernel_args(),
            self._cop_dy, self._cop_dx, self._escape)
        if packed:
            return who, hazard
        City._contagion(self, acting, legitimacy, shock)  # too many guards to pack both counts: numpy rounds
        return self._active_hazard()

    def _evening(self):
        fled, *tallies = kday.evening(self._storm_grid, self._site_window, self.pos, self.state, self.patrol_pos,
                                      self.site_cell, self.police_guards, self.troop_guards,
                                      self.c_cfg.storm_min_actives, self.c_cfg.storm_ratio, self.site_held,
                                      self.patrol_owner)
        self.fled += int(fled)
        return self.stats(tuple(int(v) for v in tallies))

    def _contagion(self, acting: np.ndarray, legitimacy: float, shock: float) -> None:
        packed = kernels.epstein_rounds(
            self.p_cfg.activation_rounds, self._grid, self.patrol_pos, self.site_cell, self.police_guards,
            self.troop_guards, self.pos, self.state, acting, self._grievance(legitimacy, shock), self.risk,
            self._arrest_p, self._threshold, _SHIFT, self._see_dy, self._see_dx, self.torus, *self.window.kernel_args())
        if not packed:  # too many guards to pack both counts in one grid: the numpy rounds
            super()._contagion(acting, legitimacy, shock)

    def _actives(self) -> np.ndarray:
        return kday.actives(self.state)

    def _caught(self, who: np.ndarray, stay_free: np.ndarray, draws: np.ndarray) -> np.ndarray:
        return kday.jail_caught(who, stay_free, draws, self.state)

    def _movers(self) -> tuple[np.ndarray, np.ndarray]:
        return kday.movers(self.state, self.pos, self.patrol_pos)

    def _heading(self, movers_c: np.ndarray, draws: np.ndarray, pull: float) -> np.ndarray:
        return kday.heading(self.state, movers_c, draws, pull)

    def _by_patrol(self) -> bool:
        return self.patrol_pos.size * len(self._cop_dy) <= _BY_PATROL * self.n_cells

    def _hazard(self, cells: np.ndarray) -> np.ndarray:
        grid, window = self._grid, self.cop_window
        kday.paint_ones(grid, cells)
        if self._by_patrol():
            return kday.hazard_by_patrol(grid, self.patrol_pos, self._cop_dy, self._cop_dx, self.height, self.width,
                                         self.torus, self._escape, cells)
        seen = window(grid, copy=False).ravel()[self.patrol_pos]  # actives each patrol sees
        kday.paint_values(grid, self.patrol_pos, self._escape[seen])  # the patrol's -log(1 - 1/A)
        return window(grid, copy=False).ravel()[cells].astype(np.int64)

    def _aim(self, src: np.ndarray, pick: np.ndarray, heading: np.ndarray, tries: np.ndarray):
        if self._dist_map is None:
            self._dist_map = self._site_distance_map()
        return kday.aim(src, pick, heading, tries, self._move_dy, self._move_dx, self._dist_map, self.p_cfg.vision,
                        self.height, self.width, self.torus, self.occupied)

    def _targets(self, src: np.ndarray, pick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return kday.targets(src, pick, self._move_dy, self._move_dx, self.height, self.width, self.torus,
                            self.occupied)

    def _settle(self, order, cand, src, dst, movers_c) -> None:
        kday.settle_moves(order, cand, src, dst, self._claim, self.occupied, movers_c.size, movers_c,
                          self.pos, self.patrol_pos)

    def _tallies(self) -> tuple[int, int, int, int, int, int]:
        return tuple(int(v) for v in kday.tallies(self.state, self.site_held, self.patrol_owner, self.police_guards))


def warm_up() -> None:
    """Load (or compile) the kernels by running a tiny city with a site for three days.

    An optimisation only (``sim.warm``): if anything here fails, each worker loads the kernels itself
    on its first run, where a real problem then shows."""
    if not kernels.ENABLED:
        return
    from .config.schema import City as CityCfg
    from .config.schema import Police, Protesters, Site, Troops

    try:
        city = CompiledCity(CityCfg(width=12, height=12, sites=[Site(name="warm-up", x=3, y=3)]), Protesters(),
                            Police(guard_share=0.2), Troops(), 1.0, ["Russia"], np.random.default_rng(0))
        for _ in range(3):
            city.step(0.5, 0.3)
    except Exception:  # noqa: BLE001 - see the docstring
        pass


def new_city(*args, compiled: bool | None = None, **kwargs) -> City:
    """A city with :class:`City`'s arguments: compiled when numba is available (``sim.kernels.ENABLED``)."""
    use = kernels.ENABLED if compiled is None else compiled
    return (CompiledCity if use else City)(*args, **kwargs)


def arrest_probability_table(k: float) -> np.ndarray:
    """P = 1 - exp(-k n) for n = 0, 1, ... security agents per active, computed as
    ``City._update_citizens`` computes it (float32, in place), up to the first n where it reaches 1
    (or 2**16, the packing limit); ``kernels.decide`` reads the last entry for any larger n."""
    t = np.arange(2**_SHIFT + 1, dtype=np.float32)
    t *= -k
    np.exp(t, out=t)
    np.subtract(1, t, out=t)
    below = np.flatnonzero(t != 1.0)
    return t[: below[-1] + 2] if below.size else t[:1]
