"""The city on compiled kernels: the same rules and random draws as :class:`sim.city.City`, faster.

:class:`CompiledCity` overrides the city's deterministic steps (window sums, Epstein's rule, the
arrest hazard, target cells, settling moves, storm counts, jail) with the numba loops of
``sim.kernels``; every random draw is still made by the parent class, in the same order on the
same stream, so a run is bit-identical to the numpy engine's (tests/test_kernels.py). Use
:func:`new_city`, which picks this class when numba is available.
"""

from __future__ import annotations

import numpy as np

from . import kernels
from . import kernels_day as kday
from .city import _SHIFT, City, _escape
from .neighborhood import offsets

_BY_PATROL = 8  # patrol-by-patrol arrest hazard while patrols x window cells <= this x grid cells (two window
#                 sums cost about that many passes over the grid; measured, benchmarks/README.md)


class CompiledCity(City):
    """:class:`sim.city.City` with its hot loops compiled (``sim.kernels``)."""

    COMPILED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._arrest_p = arrest_probability_table(self.p_cfg.arrest_k)
        # -log(1 - 1/A) for each number A of actives a patrol can see (one citizen per cell)
        sees = np.vstack([[0, 0], offsets(self.p_cfg.vision, self.c_cfg.neighborhood)])  # a citizen's window
        self._see_dy, self._see_dx = np.ascontiguousarray(sees[:, 0]), np.ascontiguousarray(sees[:, 1])
        seen = np.vstack([[0, 0], offsets(self.cop_window.radius, self.c_cfg.neighborhood)])  # what a patrol sees
        self._cop_dy, self._cop_dx = np.ascontiguousarray(seen[:, 0]), np.ascontiguousarray(seen[:, 1])
        self._escape = _escape(np.arange(len(seen) + 1))
        self._escape[0] = 0  # a patrol that sees no active adds nothing
        self._acting = np.empty(self.jail.size, dtype=bool)
        self._storm_grid = np.zeros(self.n_cells + 1 if self.site_cell.size else 0, dtype=np.int32)
        self._threshold = np.float32(self.p_cfg.threshold)  # compared in float32, as numpy compares it

    def _count_down_jail(self) -> np.ndarray:
        if self._acting.size != self.jail.size:
            self._acting = np.empty(self.jail.size, dtype=bool)
        kday.count_down(self.jail, self._acting)
        return self._acting

    def _contagion(self, acting: np.ndarray, legitimacy: float, shock: float) -> None:
        guards = self._site_guards()
        if self._window_cells + int(guards.sum()) >= 2**_SHIFT:  # too many guards to pack both counts: numpy
            return super()._contagion(acting, legitimacy, shock)
        kernels.epstein_rounds(self.p_cfg.activation_rounds, self._grid, self.patrol_pos, self.site_cell, guards,
                               self.pos, self.state, acting, self._grievance(legitimacy, shock), self.risk,
                               self._arrest_p, self._threshold, _SHIFT, self._see_dy, self._see_dx, self.torus,
                               *self.window.kernel_args())

    def _actives(self) -> np.ndarray:
        return kday.actives(self.state)

    def _caught(self, who: np.ndarray, stay_free: np.ndarray, draws: np.ndarray) -> np.ndarray:
        return kday.jail_caught(who, stay_free, draws, self.state)

    def _movers(self) -> tuple[np.ndarray, np.ndarray]:
        return kday.movers(self.state, self.pos, self.patrol_pos)

    def _heading(self, movers_c: np.ndarray, draws: np.ndarray, pull: float) -> np.ndarray:
        return kday.heading(self.state, movers_c, draws, pull)

    def _hazard(self, cells: np.ndarray) -> np.ndarray:
        grid, window = self._grid, self.cop_window
        kday.paint_ones(grid, cells)
        if self.patrol_pos.size * len(self._cop_dy) <= _BY_PATROL * self.n_cells:
            return kday.hazard_by_patrol(grid, self.patrol_pos, self._cop_dy, self._cop_dx, self.height, self.width,
                                            self.torus, self._escape, cells)
        seen = window(grid, copy=False).ravel()[self.patrol_pos]  # actives each patrol sees
        kday.paint_values(grid, self.patrol_pos, self._escape[seen])  # the patrol's -log(1 - 1/A)
        return window(grid, copy=False).ravel()[cells].astype(np.int64)

    def _steer(self, src: np.ndarray, heading: np.ndarray, tries: np.ndarray, pick: np.ndarray) -> None:
        if self._dist_map is None:
            self._dist_map = self._site_distance_map()
        kday.steer(src, heading, tries, self._move_dy, self._move_dx, self._dist_map, self.width,
                      self.p_cfg.vision, pick)

    def _targets(self, src: np.ndarray, pick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dst, free = np.empty(src.size, dtype=np.int32), np.empty(src.size, dtype=bool)
        kday.targets(src, pick, self._move_dy, self._move_dx, self.height, self.width, self.torus,
                        self.occupied, dst, free)
        return dst, free

    def _settle(self, order, cand, src, dst, movers_c) -> None:
        kday.settle_moves(order, cand, src, dst, self._claim, self.occupied, movers_c.size, movers_c,
                             self.pos, self.patrol_pos)

    def _storm(self) -> None:
        self.fled += kday.storm(self._storm_grid, self._site_window, self.pos, self.state, self.patrol_pos,
                                   self.site_cell, self._site_guards(), self.c_cfg.storm_min_actives,
                                   self.c_cfg.storm_ratio, self.site_held, self.police_guards)

    def _state_counts(self) -> np.ndarray:
        return kday.state_counts(self.state)


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
