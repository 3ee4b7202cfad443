"""Police and foreign troops on the city grid: defection, return, guard posts and troop patrols.

:class:`GridForces` moves the security forces of one :class:`~.state.CityState`: police who leave
their posts and come back (the host's decisions), and foreign troops who take guard posts at the
sites, lost sites first, or patrol (the model's troop ledger). Draws from the city's stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .state import POLICE, CityState, split_evenly

if TYPE_CHECKING:  # the config sections, for the type checker only
    from ..config import schema


class GridForces:
    """Security forces on the grid: police who leave and come back, troops who take guard posts.

    Args:
        state: the city's arrays (patrols, guards, sites, occupied cells are changed here).
        troops: the ``troops`` config section (``per_agent``, ``policing_share``).
        rng: the city's random generator.
    """

    def __init__(self, state: CityState, troops: schema.Troops, rng: np.random.Generator):
        self.s, self.cfg, self.rng = state, troops, rng
        self._troops_key: tuple | None = None  # troops last put on the grid
        self._forces_key: tuple | None = (
            None  # troops, sites, guards and patrols as set_troops left them
        )

    def police_total(self) -> int:
        s = self.s
        return int(np.count_nonzero(s.patrol_owner == POLICE) + s.police_guards.sum())

    def remove_police(self, n: int) -> int:
        """Police leaving their posts, patrols and site guards alike at random. Returns how many
        went."""
        if n <= 0:
            return 0
        s = self.s
        patrol = np.flatnonzero(s.patrol_owner == POLICE)
        pool = np.concatenate(
            [patrol, np.repeat(-1 - np.arange(s.site_cell.size), s.police_guards)]
        )
        n = int(min(n, pool.size))
        gone = self.rng.choice(pool, size=n, replace=False) if n else pool[:0]
        self._drop_patrols(gone[gone >= 0])
        s.police_guards -= np.bincount(-1 - gone[gone < 0], minlength=s.site_cell.size)
        return n

    def add_police(self, n: int) -> int:
        """Police coming back: they refill empty guard posts at held sites, the rest patrol.

        Returns how many came back (fewer than ``n`` only when the grid has no empty cell left).
        """
        if n <= 0:
            return 0
        s = self.s
        n, back = int(n), 0
        unguarded = s.site_held & (s.troop_guards.sum(axis=1) == 0)
        for i in np.flatnonzero(unguarded):
            take = min(n - back, int(max(0, s.guards_wanted[i] - s.police_guards[i])))
            s.police_guards[i] += take
            back += take
        before = int(np.count_nonzero(s.patrol_owner == POLICE))
        self._set_patrols(POLICE, before + n - back)
        return int(back + np.count_nonzero(s.patrol_owner == POLICE) - before)

    def set_troops(self, soldiers: np.ndarray) -> bool:
        """Put each country's troops (soldiers, per country) on the grid as agents.

        Guard agents go to the sites, lost sites first; a ``policing_share`` of them patrols
        instead. Police guards at a site that troops hold are freed to patrol, and return when
        troops leave. Returns whether anything could have changed.
        """
        s = self.s
        agents = np.rint(np.asarray(soldiers, dtype=float) / self.cfg.per_agent).astype(np.int64)
        # the model calls this daily; on most days nothing it depends on has changed since its last
        # call, and then a call would change nothing (it draws only when a patrol count changes)
        if self._forces_key == self._key(agents):
            return False
        patrols = np.rint(agents * self.cfg.policing_share).astype(np.int64)
        guards = agents - patrols
        key = (agents.tobytes(), s.site_held.tobytes())
        if key != self._troops_key:  # troops change on few days
            self._troops_key = key
            order = np.argsort(s.site_held, kind="stable")  # lost sites first
            s.troop_guards[:] = 0
            for j, g in enumerate(guards):
                s.troop_guards[order, j] = split_evenly(int(g), len(order))
            for j, want in enumerate(patrols):
                self._set_patrols(j + 1, int(want))
        covered = s.troop_guards.sum(axis=1) > 0
        freed = int(s.police_guards[covered].sum())
        s.police_guards[covered] = 0
        patrol = int(np.count_nonzero(s.patrol_owner == POLICE)) + freed
        for i in np.flatnonzero(~covered & s.site_held):  # troops gone: police take the posts back
            take = min(patrol, int(max(0, s.guards_wanted[i] - s.police_guards[i])))
            s.police_guards[i] += take
            patrol -= take
        self._set_patrols(POLICE, patrol)
        self._forces_key = self._key(agents)
        return True

    def _key(self, agents: np.ndarray) -> tuple:
        s = self.s
        return (
            agents.tobytes(),
            s.site_held.tobytes(),
            s.police_guards.tobytes(),
            s.patrol_owner.tobytes(),
        )

    def _set_patrols(self, owner: int, want: int) -> None:
        s = self.s
        mine = np.flatnonzero(s.patrol_owner == owner)
        if want < mine.size:
            self._drop_patrols(self.rng.choice(mine, size=mine.size - want, replace=False))
        elif want > mine.size:
            empty = np.flatnonzero(~s.occupied)
            cells = self.rng.choice(empty, size=min(want - mine.size, empty.size), replace=False)
            s.occupied[cells] = True
            s.patrol_pos = np.concatenate([s.patrol_pos, cells.astype(np.int32)])
            s.patrol_owner = np.concatenate([s.patrol_owner, np.full(cells.size, owner, np.int8)])

    def _drop_patrols(self, idx: np.ndarray) -> None:
        s = self.s
        s.occupied[s.patrol_pos[idx]] = False
        keep = np.ones(s.patrol_pos.size, dtype=bool)
        keep[idx] = False
        s.patrol_pos, s.patrol_owner = s.patrol_pos[keep], s.patrol_owner[keep]
