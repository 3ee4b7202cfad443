"""Strategic sites on the city grid: guards, the crowd's pull toward them, and storming.

A mixin of :class:`sim.city.City` (it uses the city's arrays: ``site_cell``, ``site_held``,
``police_guards``, ``troop_guards``, ``pos``, ``patrol_pos``, ``_actives()``...). A site is stormed when
actives within ``storm_radius`` outnumber its guards (posted police, troops, and patrols within the
radius) by ``storm_ratio``; a lost site is retaken when that no longer holds and it has guards again.
Imports nothing of ours.
"""

from __future__ import annotations

import numpy as np


class Sites:
    """Sites: their windows and guards, the distance map toward them, storming and retaking."""

    def _site_guards(self) -> np.ndarray:
        return self.police_guards + self.troop_guards.sum(axis=1)

    def _site_distance(self, cells: np.ndarray, offs: np.ndarray) -> np.ndarray:
        """Chebyshev distance to the nearest site from each cell + offset (no wrapping)."""
        if self._dist_map is None:
            self._dist_map = self._site_distance_map()
        v = self.p_cfg.vision
        y, x = np.divmod(cells, self.width)
        return self._dist_map[(y + offs[..., 0] + v) * (self.width + 2 * v) + (x + offs[..., 1] + v)]

    def _site_distance_map(self) -> np.ndarray:
        """Distance to the nearest site for every cell of the grid padded by the vision (flat)."""
        v = self.p_cfg.vision
        y = np.arange(-v, self.height + v)[:, None, None]
        x = np.arange(-v, self.width + v)[None, :, None]
        sy, sx = np.divmod(self.site_cell, self.width)
        return np.maximum(np.abs(y - sy), np.abs(x - sx)).min(axis=-1).astype(np.int32).ravel()

    def _site_counts(self, grid_flat: np.ndarray) -> np.ndarray:
        r = self.c_cfg.storm_radius
        g = grid_flat.reshape(self.height, self.width)
        out = np.empty(len(self.site_cell), dtype=np.int64)
        for i, cell in enumerate(self.site_cell):
            y, x = divmod(int(cell), self.width)
            out[i] = g[max(0, y - r): y + r + 1, max(0, x - r): x + r + 1].sum()
        return out

    def _site_windows(self) -> np.ndarray:
        """(sites, (2r+1)**2) flat cells within storm_radius of each site (Chebyshev, clipped at the
        edges, no wrap); cells off the grid point at a spare always-zero cell (index n_cells)."""
        r = self.c_cfg.storm_radius
        sy, sx = np.divmod(self.site_cell, self.width)
        d = np.arange(-r, r + 1)
        y = (sy[:, None, None] + d[None, :, None]) + np.zeros_like(d)[None, None, :]
        x = (sx[:, None, None] + d[None, None, :]) + np.zeros_like(d)[None, :, None]
        inside = (y >= 0) & (y < self.height) & (x >= 0) & (x < self.width)
        return np.where(inside, y * self.width + x, self.n_cells).reshape(len(self.site_cell), (2 * r + 1) ** 2)

    def _storm_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Actives and security agents within ``storm_radius`` of each site."""
        grid = np.zeros(self.n_cells + 1, dtype=np.int32)
        grid[self.pos[self._actives()]] = 1  # City._actives: indices of the active citizens
        actives = grid[self._site_window].sum(axis=1)
        grid[:] = 0
        grid[self.patrol_pos] = 1
        grid[self.site_cell] = self._site_guards()  # sites hold no patrol
        return actives, grid[self._site_window].sum(axis=1)

    def _storm(self) -> None:
        actives, guards = self._storm_counts()
        overrun = (actives >= self.c_cfg.storm_min_actives) & (actives > self.c_cfg.storm_ratio * guards)
        stormed = self.site_held & overrun
        self.fled += int(self.police_guards[stormed].sum())  # guards of a stormed site abandon it
        self.police_guards[stormed] = 0
        retaken = ~self.site_held & ~overrun & (guards > 0)
        self.site_held = (self.site_held & ~stormed) | retaken
