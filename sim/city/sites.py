"""Strategic sites on the city grid: their guards, the crowd's pull toward them, and storming.

A site is stormed when actives within ``storm_radius`` (Chebyshev distance, no wrap) outnumber its
guards (posted police, troops, and patrols within the radius) by ``storm_ratio``, and are at least
``storm_min_actives``; its police guards then abandon it. A lost site is retaken when that no
longer holds and it has guards again. :class:`Sites` holds the sites' tables and the numpy rule (the
reference); the kernel ``storm`` (called by ``kernels.afternoon``) is the compiled one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .jit import kernel
from .state import ACTIVE, CityState, Geometry

if TYPE_CHECKING:  # the config sections, for the type checker only
    from ..config import schema


class Sites:
    """The sites of one city: their windows, the distance map toward them, storming and retaking.

    Args:
        g: the grid.
        state: the city's arrays.
        city: the ``city`` config section (``sites``, ``storm_radius``, ``storm_ratio``,
            ``storm_min_actives``).
        margin: how far beyond the grid the distance map reaches (the protesters' vision: how far
            a mover looks).
    """

    def __init__(self, g: Geometry, state: CityState, city: schema.CityParams, margin: int):
        self.g, self.s, self.cfg, self.margin = g, state, city, margin
        self.names = tuple(site.name for site in city.sites)
        self.window = self._windows()
        self._distance_map: np.ndarray | None = None

    def guards(self) -> np.ndarray:
        """Guards posted at each site: police and troops."""
        return self.s.police_guards + self.s.troop_guards.sum(axis=1)

    def distance_map(self) -> np.ndarray:
        """Chebyshev distance to the nearest site from every cell of the grid padded by ``margin``
        (flat, rows of ``width + 2 margin``); built when first needed."""
        if self._distance_map is None:
            v, g = self.margin, self.g
            y = np.arange(-v, g.height + v)[:, None, None]
            x = np.arange(-v, g.width + v)[None, :, None]
            sy, sx = np.divmod(self.s.site_cell, g.width)
            d = np.maximum(np.abs(y - sy), np.abs(x - sx)).min(axis=-1)
            self._distance_map = d.astype(np.int32).ravel()
        return self._distance_map

    def distance(self, cells: np.ndarray, offs: np.ndarray) -> np.ndarray:
        """Distance to the nearest site from each cell + offset (no wrapping; offsets within
        ``margin``)."""
        v, w = self.margin, self.g.width
        y, x = np.divmod(cells, w)
        return self.distance_map()[(y + offs[..., 0] + v) * (w + 2 * v) + (x + offs[..., 1] + v)]

    def _windows(self) -> np.ndarray:
        """(sites, (2r+1)**2) flat cells within storm_radius of each site (Chebyshev, clipped at the
        edges, no wrap); cells off the grid point at a spare always-zero cell (index height x
        width)."""
        r, g, cell = self.cfg.storm_radius, self.g, self.s.site_cell
        sy, sx = np.divmod(cell, g.width)
        d = np.arange(-r, r + 1)
        y = (sy[:, None, None] + d[None, :, None]) + np.zeros_like(d)[None, None, :]
        x = (sx[:, None, None] + d[None, None, :]) + np.zeros_like(d)[None, :, None]
        inside = (y >= 0) & (y < g.height) & (x >= 0) & (x < g.width)
        flat = np.where(inside, y * g.width + x, g.height * g.width)
        return flat.reshape(cell.size, (2 * r + 1) ** 2)

    def storm_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Actives and security agents within ``storm_radius`` of each site."""
        s = self.s
        grid = np.zeros(s.occupied.size + 1, dtype=np.int32)
        grid[s.pos[s.state == ACTIVE]] = 1
        actives = grid[self.window].sum(axis=1)
        grid[:] = 0
        grid[s.patrol_pos] = 1
        grid[s.site_cell] = self.guards()  # sites hold no patrol
        return actives, grid[self.window].sum(axis=1)

    def storm(self) -> int:
        """Sites overrun fall and their police guards flee; lost sites are retaken. Returns how
        many police fled."""
        s, cfg = self.s, self.cfg
        actives, guards = self.storm_counts()
        overrun = (actives >= cfg.storm_min_actives) & (actives > cfg.storm_ratio * guards)
        stormed = s.site_held & overrun
        fled = int(s.police_guards[stormed].sum())  # guards of a stormed site abandon it
        s.police_guards[stormed] = 0
        retaken = ~s.site_held & ~overrun & (guards > 0)
        s.site_held = (s.site_held & ~stormed) | retaken
        return fled


# --- compiled ----------------------------------------------------------------------------------


class StormTables(NamedTuple):
    """Storming: each site's window of cells (Sites.window), a work grid, the storming thresholds.
    Kernels are handed it as a plain tuple, in this order (see :mod:`.kernels`)."""

    window: np.ndarray
    grid: np.ndarray  # height x width + 1 cells (the last always 0: cells off the grid point there)
    min_actives: int
    ratio: float


@kernel
def storm(
    state: np.ndarray,
    pos: np.ndarray,
    patrol_pos: np.ndarray,
    site_cell: np.ndarray,
    held: np.ndarray,
    police_guards: np.ndarray,
    troop_guards: np.ndarray,
    storming: tuple,
) -> int:
    """Sites overrun by actives fall, and their police guards flee; lost sites with guards again and
    no longer overrun are retaken (``Sites.storm``). ``held`` and ``police_guards`` are updated.
    Returns how many police fled.

    A site's window lists its cells; cells off the grid point at a spare cell that stays 0."""
    s = StormTables(*storming)
    min_actives, ratio = s.min_actives, s.ratio
    guards = police_guards + troop_guards.sum(axis=1)
    grid, window = s.grid, s.window
    n_sites, k = window.shape
    n_active = np.zeros(n_sites, dtype=np.int64)
    security = np.zeros(n_sites, dtype=np.int64)
    grid[:] = 0
    for i in range(pos.size):
        if state[i] == ACTIVE:
            grid[pos[i]] = 1
    for site in range(n_sites):
        for t in range(k):
            n_active[site] += grid[window[site, t]]
    grid[:] = 0
    for c in patrol_pos:
        grid[c] = 1
    for site in range(n_sites):  # sites hold no patrol
        grid[site_cell[site]] = guards[site]
    fled = 0
    for site in range(n_sites):
        for t in range(k):
            security[site] += grid[window[site, t]]
        overrun = n_active[site] >= min_actives and n_active[site] > ratio * security[site]
        if held[site] and overrun:
            fled += police_guards[site]
            police_guards[site] = 0
            held[site] = False
        elif not held[site] and not overrun and security[site] > 0:
            held[site] = True
    return fled
