"""Police and foreign troops on the city grid: defection, return, guard posts and troop patrols.

A mixin of :class:`sim.city.City` (it uses the city's arrays: ``patrol_pos``, ``patrol_owner``,
``police_guards``, ``troop_guards``, ``site_held``, ``occupied``, ``rng``...), kept apart so that the
city module holds the protesters' day. Imports nothing of ours.
"""

from __future__ import annotations

import numpy as np

POLICE = 0  # patrol owner code; troop patrols carry 1 + the index of their country


class GridForces:
    """Security forces on the grid: police who leave and come back, troops who take guard posts."""

    def remove_police(self, n: int) -> int:
        """Police leaving their posts, patrols and site guards alike at random. Returns how many went."""
        if n <= 0:
            return 0
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
        if n <= 0:
            return 0
        n, back = int(n), 0
        unguarded = self.site_held & (self.troop_guards.sum(axis=1) == 0)
        for i in np.flatnonzero(unguarded):
            take = min(n - back, int(max(0, self.guards_wanted[i] - self.police_guards[i])))
            self.police_guards[i] += take
            back += take
        before = np.count_nonzero(self.patrol_owner == POLICE)
        self._set_patrols(POLICE, before + n - back)
        return back + np.count_nonzero(self.patrol_owner == POLICE) - before

    def police_total(self) -> int:
        return np.count_nonzero(self.patrol_owner == POLICE) + int(self.police_guards.sum())

    def set_troops(self, soldiers: np.ndarray) -> None:
        """Put each country's troops (soldiers, per country) on the grid as agents.

        Guard agents go to the sites, lost sites first; a ``policing_share`` of them patrols instead.
        Police guards at a site that troops hold are freed to patrol, and return when troops leave.
        """
        agents = np.rint(np.asarray(soldiers, dtype=float) / self.t_cfg.per_agent).astype(np.int64)
        # the model calls this daily; on most days nothing it depends on has changed since its last
        # call, and then a call would change nothing (it draws only when a patrol count changes)
        if self._forces_state == self._forces_key(agents):
            return
        patrols = np.rint(agents * self.t_cfg.policing_share).astype(np.int64)
        guards = agents - patrols
        key = (agents.tobytes(), self.site_held.tobytes())
        if key != self._troops_key:  # the model calls this daily; troops change on few days
            self._troops_key = key
            order = np.argsort(self.site_held, kind="stable")  # lost sites first
            self.troop_guards[:] = 0
            for j, g in enumerate(guards):
                self.troop_guards[order, j] = split_evenly(int(g), len(order))
            for j, want in enumerate(patrols):
                self._set_patrols(j + 1, int(want))
        covered = self.troop_guards.sum(axis=1) > 0
        freed = int(self.police_guards[covered].sum())
        self.police_guards[covered] = 0
        patrol = np.count_nonzero(self.patrol_owner == POLICE) + freed
        for i in np.flatnonzero(~covered & self.site_held):  # troops gone: police take the posts back
            take = min(patrol, int(max(0, self.guards_wanted[i] - self.police_guards[i])))
            self.police_guards[i] += take
            patrol -= take
        self._set_patrols(POLICE, patrol)
        self._forces_state = self._forces_key(agents)

    def _forces_key(self, agents: np.ndarray) -> tuple:
        return agents.tobytes(), self.site_held.tobytes(), self.police_guards.tobytes(), self.patrol_owner.tobytes()

    def _set_patrols(self, owner: int, want: int) -> None:
        mine = np.flatnonzero(self.patrol_owner == owner)
        if want < mine.size:
            self._drop_patrols(self.rng.choice(mine, size=mine.size - want, replace=False))
        elif want > mine.size:
            empty = np.flatnonzero(~self.occupied)
            cells = self.rng.choice(empty, size=min(want - mine.size, empty.size), replace=False)
            self.occupied[cells] = True
            self.patrol_pos = np.concatenate([self.patrol_pos, cells.astype(np.int32)])
            self.patrol_owner = np.concatenate([self.patrol_owner, np.full(cells.size, owner, np.int8)])

    def _drop_patrols(self, idx: np.ndarray) -> None:
        self.occupied[self.patrol_pos[idx]] = False
        keep = np.ones(self.patrol_pos.size, dtype=bool)
        keep[idx] = False
        self.patrol_pos, self.patrol_owner = self.patrol_pos[keep], self.patrol_owner[keep]


def split_evenly(total: int, parts: int) -> np.ndarray:
    """``total`` split into ``parts`` near-equal integers."""
    if parts == 0:
        return np.zeros(0, dtype=np.int64)
    base = np.full(parts, total // parts, dtype=np.int64)
    base[: total % parts] += 1
    return base
