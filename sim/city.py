"""The city: protesters (Epstein 2002) as arrays, police and troops, strategic sites and storming.

Protesters are a struct of arrays, one entry per citizen; police and troop patrols another.
Each day (MODEL.md 3.2-3.3):

1. jail terms count down; released agents rejoin as quiet;
2. every free citizen applies Epstein's rule, all at once on yesterday's picture of the city::

       grievance G = H (1 - L)
       arrest probability P = 1 - exp(-k * round(C / A))    C: security agents in vision,
                                                             A: actives in vision counting itself
       active  iff  G - R P > T

3. each patrol arrests one random active in its vision (jail ~ U{0..J_max});
4. free citizens and patrols move to a random empty cell in vision (conflicts: one random winner);
5. a site is stormed when actives within ``storm_radius`` outnumber its guards (posted police,
   troops, and patrols within the radius) by ``storm_ratio``; a lost site is retaken when that no
   longer holds and it has guards again.

Guards at a site are counts standing on the site's cell (sites are not habitable); they count in
C where they stand. Imports nothing of ours (config sections are duck-typed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .neighborhood import WindowSum, offsets

QUIET, ACTIVE, JAILED = 0, 1, 2
POLICE = 0  # patrol owner code; troop patrols carry 1 + the index of their country


@dataclass
class CityStats:
    """What the rest of the model reads from the city after a day."""

    active_share: float
    quiet_share: float
    jailed_share: float
    sites_held: int
    sites_lost: int
    police_patrol: int
    police_guards: int


class City:
    """Grid, protesters, patrols and sites.

    Args:
        city: the ``city`` config section.
        protesters: the ``protesters`` section.
        police: the ``police`` section.
        troops: the ``troops`` section.
        police_strength: host police strength (x nominal density).
        countries: names of the countries that may send troops (Russia first).
        rng: this component's random generator.
    """

    def __init__(self, city, protesters, police, troops, police_strength: float, countries: list[str], rng):
        self.rng = rng
        self.p_cfg, self.c_cfg, self.t_cfg = protesters, city, troops
        self.height, self.width = city.height, city.width
        n = self.height * self.width
        self.n_cells = n
        self.torus = city.torus
        self.countries = list(countries)
        self.site_cell = np.array([s.y * self.width + s.x for s in city.sites], dtype=np.int64)
        self.site_names = [s.name for s in city.sites]
        self.site_held = np.ones(len(self.site_cell), dtype=bool)

        self.window = WindowSum(self.height, self.width, protesters.vision, city.neighborhood, city.torus)
        self.cop_window = (
            self.window if police.vision == protesters.vision
            else WindowSum(self.height, self.width, police.vision, city.neighborhood, city.torus)
        )
        self.move_offsets = offsets(protesters.vision, city.neighborhood)
        self.cop_offsets = offsets(police.vision, city.neighborhood)

        # Place citizens and police on free cells, as Epstein: each cell is a citizen with
        # probability density_c, a cop with density_p, else empty (Mesa's example does the same).
        free = np.ones(n, dtype=bool)
        free[self.site_cell] = False
        draw = rng.random(n)
        p_cop = police.density * police_strength
        is_cit = free & (draw < protesters.density)
        is_cop = free & (draw >= protesters.density) & (draw < protesters.density + p_cop)
        self.pos = np.flatnonzero(is_cit)
        m = self.pos.size
        self.hardship = rng.random(m)
        self.risk = rng.random(m)
        self.state = np.zeros(m, dtype=np.int8)
        self.jail = np.zeros(m, dtype=np.int32)

        cop_cells = np.flatnonzero(is_cop)
        n_guard_total = int(round(police.guard_share * cop_cells.size))
        self.guards_wanted = _split(n_guard_total, len(self.site_cell))
        self.police_guards = self.guards_wanted.copy()
        # guards stand at sites, so their cells go back to the pool of empty cells
        self.patrol_pos = cop_cells[n_guard_total:]
        self.patrol_owner = np.zeros(self.patrol_pos.size, dtype=np.int8)
        self.troop_guards = np.zeros((len(self.site_cell), len(self.countries)), dtype=np.int64)

        self.occupied = np.zeros(n, dtype=bool)
        self.occupied[self.pos] = True
        self.occupied[self.patrol_pos] = True
        self.occupied[self.site_cell] = True
        self.citizen_at = np.full(n, -1, dtype=np.int64)
        self.citizen_at[self.pos] = np.arange(m)
        self.police_initial = int(cop_cells.size)
        self.fled = 0  # police who abandoned stormed sites since the host last counted

    # --- the day -------------------------------------------------------------------------------

    def step(self, legitimacy: float, hardship_shock: float) -> CityStats:
        """Advance protesters, arrests, moves and storming by one day."""
        acting = self._count_down_jail()
        self._update_citizens(acting, legitimacy, hardship_shock)
        self._arrest()
        if self.p_cfg.movement:
            self._move(acting)
        self._storm()
        return self.stats()

    def _count_down_jail(self) -> np.ndarray:
        jailed = self.state == JAILED
        serving = jailed & (self.jail > 0)
        self.jail[serving] -= 1
        self.state[jailed & ~serving] = QUIET
        return ~serving

    def security_map(self) -> np.ndarray:
        """Security agents per cell: patrols where they stand, guards on their site's cell."""
        sec = np.bincount(self.patrol_pos, minlength=self.n_cells)
        np.add.at(sec, self.site_cell, self.police_guards + self.troop_guards.sum(axis=1))
        return sec

    def active_map(self) -> np.ndarray:
        return np.bincount(self.pos[self.state == ACTIVE], minlength=self.n_cells)

    def _update_citizens(self, acting: np.ndarray, legitimacy: float, shock: float) -> None:
        p = self.p_cfg
        shape = (self.height, self.width)
        cops_seen = self.window(self.security_map().reshape(shape)).ravel()
        actives_seen = self.window(self.active_map().reshape(shape)).ravel()
        idx = np.flatnonzero(acting)
        cells = self.pos[idx]
        c = cops_seen[cells]
        a = actives_seen[cells] - (self.state[idx] == ACTIVE) + 1  # actives in vision, counting itself
        arrest_p = 1.0 - np.exp(-p.arrest_k * np.rint(c / a))  # rint: round half to even, as Python's round
        grievance = np.clip(self.hardship[idx] + shock, 0.0, 1.0) * (1.0 - legitimacy)
        self.state[idx] = np.where(grievance - self.risk[idx] * arrest_p > p.threshold, ACTIVE, QUIET)

    def _neighbour_cells(self, cells: np.ndarray, offs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cells at ``offs`` from each of ``cells``: (len(cells), len(offs)) indices and validity."""
        y = cells[:, None] // self.width + offs[None, :, 0]
        x = cells[:, None] % self.width + offs[None, :, 1]
        if self.torus:
            return (y % self.height) * self.width + (x % self.width), np.ones(y.shape, dtype=bool)
        ok = (y >= 0) & (y < self.height) & (x >= 0) & (x < self.width)
        return np.where(ok, y * self.width + x, 0), ok

    def _arrest(self) -> None:
        if self.patrol_pos.size == 0:
            return
        cells, ok = self._neighbour_cells(self.patrol_pos, self.cop_offsets)
        who = self.citizen_at[cells]
        is_active = ok & (who >= 0) & (self.state[np.maximum(who, 0)] == ACTIVE)
        has = is_active.any(axis=1)
        if not has.any():
            return
        keys = np.where(is_active[has], self.rng.random((int(has.sum()), is_active.shape[1])), -1.0)
        target = who[has][np.arange(keys.shape[0]), keys.argmax(axis=1)]
        target = np.unique(target)  # two patrols on one active: one arrest
        self.state[target] = JAILED
        self.jail[target] = self.rng.integers(0, self.p_cfg.max_jail_days + 1, size=target.size)

    def _move(self, acting: np.ndarray) -> None:
        movers_c = np.flatnonzero(acting & (self.state != JAILED))
        src = np.concatenate([self.pos[movers_c], self.patrol_pos])
        if src.size == 0:
            return
        pick = self.rng.integers(0, len(self.move_offsets), size=src.size)
        pull = self.p_cfg.site_attraction
        if pull > 0 and self.site_cell.size:
            # actives heading for a site take the best of a few random steps toward the nearest one
            heading = np.flatnonzero((self.state[movers_c] == ACTIVE) & (self.rng.random(movers_c.size) < pull))
            tries = self.rng.integers(0, len(self.move_offsets), size=(heading.size, 4))
            d = self._site_distance(src[heading, None], self.move_offsets[tries])
            pick[heading] = tries[np.arange(heading.size), d.argmin(axis=1)]
        y = src // self.width + self.move_offsets[pick, 0]
        x = src % self.width + self.move_offsets[pick, 1]
        if self.torus:
            ok = np.ones(src.size, dtype=bool)
            y, x = y % self.height, x % self.width
        else:
            ok = (y >= 0) & (y < self.height) & (x >= 0) & (x < self.width)
        dst = np.where(ok, y * self.width + x, 0)
        ok &= ~self.occupied[dst]
        order = self.rng.permutation(np.flatnonzero(ok))
        _, first = np.unique(dst[order], return_index=True)
        win = order[first]  # one random claimant per target cell
        self.occupied[src[win]] = False
        self.occupied[dst[win]] = True
        n_c = movers_c.size
        cw, pw = win[win < n_c], win[win >= n_c] - n_c
        moved = movers_c[cw]
        self.citizen_at[self.pos[moved]] = -1
        self.pos[moved] = dst[cw]
        self.citizen_at[self.pos[moved]] = moved
        self.patrol_pos[pw] = dst[pw + n_c]

    def _site_distance(self, cells: np.ndarray, offs: np.ndarray) -> np.ndarray:
        """Chebyshev distance to the nearest site from each cell + offset (no wrapping)."""
        y = cells // self.width + offs[..., 0]
        x = cells % self.width + offs[..., 1]
        sy, sx = self.site_cell // self.width, self.site_cell % self.width
        return np.maximum(np.abs(y[..., None] - sy), np.abs(x[..., None] - sx)).min(axis=-1)

    def _site_counts(self, grid_flat: np.ndarray) -> np.ndarray:
        r = self.c_cfg.storm_radius
        g = grid_flat.reshape(self.height, self.width)
        out = np.empty(len(self.site_cell), dtype=np.int64)
        for i, cell in enumerate(self.site_cell):
            y, x = divmod(int(cell), self.width)
            out[i] = g[max(0, y - r): y + r + 1, max(0, x - r): x + r + 1].sum()
        return out

    def _storm(self) -> None:
        actives = self._site_counts(self.active_map())
        guards = self._site_counts(self.security_map())
        overrun = (actives >= self.c_cfg.storm_min_actives) & (actives > self.c_cfg.storm_ratio * guards)
        stormed = self.site_held & overrun
        self.fled += int(self.police_guards[stormed].sum())  # guards of a stormed site abandon it
        self.police_guards[stormed] = 0
        retaken = ~self.site_held & ~overrun & (guards > 0)
        self.site_held = (self.site_held & ~stormed) | retaken

    # --- forces ---------------------------------------------------------------------------------

    def remove_police(self, n: int) -> int:
        """Police leaving their posts, patrols and site guards alike at random. Returns how many went."""
        patrol = np.flatnonzero(self.patrol_owner == POLICE)
        pool = np.concatenate([patrol, np.repeat(-1 - np.arange(len(self.site_cell)), self.police_guards)])
        n = int(min(n, pool.size))
        gone = self.rng.choice(pool, size=n, replace=False) if n else pool[:0]
        self._drop_patrols(gone[gone >= 0])
        self.police_guards -= np.bincount(-1 - gone[gone < 0], minlength=len(self.site_cell))
        return n

    def add_police(self, n: int) -> int:
        """Police coming back: they refill empty guard posts at held sites, the rest patrol.

        Returns how many came back (fewer than ``n`` only when the grid has no empty cell left).
        """
        n, back = int(n), 0
        unguarded = self.site_held & (self.troop_guards.sum(axis=1) == 0)
        for i in np.flatnonzero(unguarded):
            take = min(n - back, int(max(0, self.guards_wanted[i] - self.police_guards[i])))
            self.police_guards[i] += take
            back += take
        before = int((self.patrol_owner == POLICE).sum())
        self._set_patrols(POLICE, before + n - back)
        return back + int((self.patrol_owner == POLICE).sum()) - before

    def police_total(self) -> int:
        return int((self.patrol_owner == POLICE).sum() + self.police_guards.sum())

    def set_troops(self, soldiers: np.ndarray) -> None:
        """Put each country's troops (soldiers, per country) on the grid as agents.

        Guard agents go to the sites, lost sites first; a ``policing_share`` of them patrols instead.
        Police guards at a site that troops hold are freed to patrol, and return when troops leave.
        """
        agents = np.rint(np.asarray(soldiers, dtype=float) / self.t_cfg.per_agent).astype(np.int64)
        patrols = np.rint(agents * self.t_cfg.policing_share).astype(np.int64)
        guards = agents - patrols
        order = np.argsort(self.site_held, kind="stable")  # lost sites first
        self.troop_guards[:] = 0
        for j, g in enumerate(guards):
            self.troop_guards[order, j] = _split(int(g), len(order))
        for j, want in enumerate(patrols):
            self._set_patrols(j + 1, int(want))
        covered = self.troop_guards.sum(axis=1) > 0
        freed = int(self.police_guards[covered].sum())
        self.police_guards[covered] = 0
        patrol = int((self.patrol_owner == POLICE).sum()) + freed
        for i in np.flatnonzero(~covered & self.site_held):  # troops gone: police take the posts back
            take = min(patrol, int(max(0, self.guards_wanted[i] - self.police_guards[i])))
            self.police_guards[i] += take
            patrol -= take
        self._set_patrols(POLICE, patrol)

    def _set_patrols(self, owner: int, want: int) -> None:
        mine = np.flatnonzero(self.patrol_owner == owner)
        if want < mine.size:
            self._drop_patrols(self.rng.choice(mine, size=mine.size - want, replace=False))
        elif want > mine.size:
            empty = np.flatnonzero(~self.occupied)
            cells = self.rng.choice(empty, size=min(want - mine.size, empty.size), replace=False)
            self.occupied[cells] = True
            self.patrol_pos = np.concatenate([self.patrol_pos, cells])
            self.patrol_owner = np.concatenate([self.patrol_owner, np.full(cells.size, owner, np.int8)])

    def _drop_patrols(self, idx: np.ndarray) -> None:
        self.occupied[self.patrol_pos[idx]] = False
        keep = np.ones(self.patrol_pos.size, dtype=bool)
        keep[idx] = False
        self.patrol_pos, self.patrol_owner = self.patrol_pos[keep], self.patrol_owner[keep]

    def stats(self) -> CityStats:
        n = max(1, self.state.size)
        counts = np.bincount(self.state, minlength=3)
        held = int(self.site_held.sum())
        return CityStats(
            active_share=counts[ACTIVE] / n,
            quiet_share=counts[QUIET] / n,
            jailed_share=counts[JAILED] / n,
            sites_held=held,
            sites_lost=len(self.site_cell) - held,
            police_patrol=int((self.patrol_owner == POLICE).sum()),
            police_guards=int(self.police_guards.sum()),
        )


def _split(total: int, parts: int) -> np.ndarray:
    """``total`` split into ``parts`` near-equal integers."""
    if parts == 0:
        return np.zeros(0, dtype=np.int64)
    base = np.full(parts, total // parts, dtype=np.int64)
    base[: total % parts] += 1
    return base
