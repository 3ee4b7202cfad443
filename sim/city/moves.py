"""Moves: free citizens and patrols step to a random cell in vision, in numpy and compiled.

Each mover (every citizen not in jail, then every patrol) tries a random cell within its vision
and moves there if it is empty; a cell claimed by several goes to one random claimant. A
``site_attraction`` share of the actives heads for the nearest strategic site instead: each takes
the best of four random steps toward it. :class:`Moves` is the numpy rule (the reference); the
kernel ``move`` (called by ``kernels.afternoon``) makes the same moves with the same draws, one
try per mover.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .jit import kernel
from .sites import Sites
from .state import ACTIVE, JAILED, CityState, Geometry
from .windows import offsets

if TYPE_CHECKING:  # the config sections, for the type checker only
    from ..config import schema


class Moves:
    """The day's moves of one city.

    Args:
        g: the grid.
        state: the city's arrays.
        sites: the city's sites (where heading actives go).
        protesters: the ``protesters`` config section (``vision``, ``site_attraction``).
        kind: the neighbourhood, ``"von_neumann"`` or ``"moore"``.
        rng: the city's random generator.
    """

    def __init__(
        self,
        g: Geometry,
        state: CityState,
        sites: Sites,
        protesters: schema.Protesters,
        kind: str,
        rng: np.random.Generator,
    ):
        self.g, self.s, self.sites, self.rng = g, state, sites, rng
        self.pull = protesters.site_attraction
        self.offsets = offsets(protesters.vision, kind)
        self.dy = np.ascontiguousarray(self.offsets[:, 0])
        self.dx = np.ascontiguousarray(self.offsets[:, 1])
        # Random cells a mover tries per day, taking the first empty one. Epstein's and Mesa's rule
        # is "move to a random empty cell in vision" (tries -> infinity); the calibrated model uses
        # 1.
        self.tries = 1

    def move(self) -> None:
        """Free citizens and patrols each try a random cell in vision and move there if it is empty.

        Targets must be empty before anyone moves; a cell claimed by several goes to one random
        claimant.
        """
        s, rng, n_offsets = self.s, self.rng, len(self.offsets)
        movers_c = np.flatnonzero(s.state != JAILED)  # who moves: all but the jailed
        src = np.concatenate([s.pos[movers_c], s.patrol_pos])  # where every mover stands
        if src.size == 0:
            return
        pick = rng.integers(0, n_offsets, size=src.size, dtype=np.int32)
        if self.pull > 0 and s.site_cell.size:
            # actives heading for a site take the best of a few random steps toward the nearest one
            draws = rng.random(movers_c.size)
            heading = np.flatnonzero((s.state[movers_c] == ACTIVE) & (draws < self.pull))
            tries = rng.integers(0, n_offsets, size=(heading.size, 4))
            self._steer(src, heading, tries, pick)
        dst, free = self._targets(src, pick)
        del pick
        for _ in range(self.tries - 1):  # Mesa's rule: a random *empty* cell; retry if occupied
            again = np.flatnonzero(~free)
            if again.size == 0:
                break
            pick = rng.integers(0, n_offsets, size=again.size, dtype=np.int32)
            dst[again], free[again] = self._targets(src[again], pick)
        cand = np.flatnonzero(free)
        order = rng.permutation(cand).astype(np.int32)
        self._settle(order, cand, src, dst, movers_c)

    def _steer(
        self, src: np.ndarray, heading: np.ndarray, tries: np.ndarray, pick: np.ndarray
    ) -> None:
        """Movers ``heading`` pick, of their ``tries`` (offset indices), the one nearest a site."""
        d = self.sites.distance(src[heading, None], self.offsets[tries])
        pick[heading] = tries[np.arange(heading.size), d.argmin(axis=1)]

    def _targets(self, src: np.ndarray, pick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cells at offsets ``pick`` from ``src``, and whether each is on the grid and empty."""
        g = self.g
        y, x = np.divmod(src, g.width)
        y += self.dy[pick]
        x += self.dx[pick]
        if g.torus:
            y %= g.height
            x %= g.width
            dst = y * g.width + x
            return dst, ~self.s.occupied[dst]
        inside = (y >= 0) & (y < g.height) & (x >= 0) & (x < g.width)
        dst = np.where(inside, y * g.width + x, 0)
        return dst, inside & ~self.s.occupied[dst]

    def _settle(
        self,
        order: np.ndarray,
        cand: np.ndarray,
        src: np.ndarray,
        dst: np.ndarray,
        movers_c: np.ndarray,
    ) -> None:
        """Movers ``cand`` claim their targets in random ``order``; the last claim on a cell
        stands."""
        s = self.s
        s.claim[dst[order]] = order  # the last write to a cell stands: a random claimant
        win = cand[s.claim[dst[cand]] == cand]
        s.occupied[src[win]] = False
        s.occupied[dst[win]] = True
        n_c = movers_c.size
        k = np.searchsorted(win, n_c)
        s.pos[movers_c[win[:k]]] = dst[win[:k]]
        s.patrol_pos[win[k:] - n_c] = dst[win[k:]]


# --- compiled ----------------------------------------------------------------------------------


class MoveTables(NamedTuple):
    """Moves: whether anyone moves, the pull of sites, the offsets in vision, distances to sites.
    Kernels are handed it as a plain tuple, in this order (see :mod:`.kernels`)."""

    movement: bool
    pull: float
    dy: np.ndarray
    dx: np.ndarray
    distance_map: np.ndarray  # to the nearest site, on the grid padded by ``margin``
    margin: int


@kernel
def move(
    rng: np.random.Generator,
    state: np.ndarray,
    pos: np.ndarray,
    patrol_pos: np.ndarray,
    occupied: np.ndarray,
    claim: np.ndarray,
    n_sites: int,
    geometry: tuple,
    moving: tuple,
) -> None:
    """``Moves.move`` with one try per mover, drawing the same numbers in the same order."""
    g, m = Geometry(*geometry), MoveTables(*moving)
    movers_c, src = movers(state, pos, patrol_pos)
    if src.size == 0:
        return
    n_offsets = m.dy.size
    pick = rng.integers(0, n_offsets, src.size, np.int32)
    if m.pull > 0 and n_sites:
        going = heading(state, movers_c, rng.random(movers_c.size), m.pull)
        tries = rng.integers(0, n_offsets, (going.size, 4))
        steer(src, going, tries, moving, g.width, pick)
    dst, free = targets(src, pick, moving, geometry, occupied)
    cand = np.flatnonzero(free)
    order = rng.permutation(cand).astype(np.int32)
    settle(order, cand, src, dst, movers_c, pos, patrol_pos, claim, occupied)


@kernel
def movers(
    state: np.ndarray, pos: np.ndarray, patrol_pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The citizens who move (all but the jailed), and the cells every mover starts from (citizens,
    then patrols)."""
    n = 0
    for i in range(state.size):
        if state[i] != JAILED:
            n += 1
    who = np.empty(n, dtype=np.int64)
    src = np.empty(n + patrol_pos.size, dtype=np.int32)
    n = 0
    for i in range(state.size):
        if state[i] != JAILED:
            who[n] = i
            src[n] = pos[i]
            n += 1
    src[n:] = patrol_pos
    return who, src


@kernel
def heading(state: np.ndarray, movers_c: np.ndarray, draws: np.ndarray, pull: float) -> np.ndarray:
    """The movers who head for a site: active ones whose draw is below ``pull``."""
    keep = np.empty(movers_c.size, dtype=np.int64)
    n = 0
    for i in range(movers_c.size):
        if state[movers_c[i]] == ACTIVE and draws[i] < pull:
            keep[n] = i
            n += 1
    return keep[:n]


@kernel
def steer(
    src: np.ndarray,
    going: np.ndarray,
    tries: np.ndarray,
    moving: tuple,
    width: int,
    pick: np.ndarray,
) -> None:
    """Each mover ``going`` for a site picks, of its ``tries`` (offset indices), the first nearest a
    site."""
    m = MoveTables(*moving)
    dy, dx, dist, margin = m.dy, m.dx, m.distance_map, m.margin
    stride = width + 2 * margin
    for i in range(going.size):
        c = src[going[i]]
        y, x = c // width + margin, c % width + margin
        best, best_d = tries[i, 0], dist[(y + dy[tries[i, 0]]) * stride + x + dx[tries[i, 0]]]
        for t in range(1, tries.shape[1]):
            o = tries[i, t]
            d = dist[(y + dy[o]) * stride + x + dx[o]]
            if d < best_d:
                best, best_d = o, d
        pick[going[i]] = best


@kernel
def targets(
    src: np.ndarray, pick: np.ndarray, moving: tuple, geometry: tuple, occupied: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The cell at offset ``pick`` from each ``src``, and whether it is on the grid and empty."""
    m, g = MoveTables(*moving), Geometry(*geometry)
    height, width, torus, dy, dx = g.height, g.width, g.torus, m.dy, m.dx
    dst = np.empty(src.size, dtype=np.int32)
    free = np.empty(src.size, dtype=np.bool_)
    for i in range(src.size):
        y = src[i] // width + dy[pick[i]]
        x = src[i] % width + dx[pick[i]]
        if torus:
            y %= height
            x %= width
        elif y < 0 or y >= height or x < 0 or x >= width:
            dst[i] = 0
            free[i] = False
            continue
        dst[i] = y * width + x
        free[i] = not occupied[dst[i]]
    return dst, free


@kernel
def settle(
    order: np.ndarray,
    cand: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    movers_c: np.ndarray,
    pos: np.ndarray,
    patrol_pos: np.ndarray,
    claim: np.ndarray,
    occupied: np.ndarray,
) -> None:
    """Movers ``cand`` (ascending) claim their targets in random ``order``; the last claim on a cell
    stands. Winners move: citizens (index < len(movers_c), which maps them to citizens), then
    patrols."""
    n_citizens = movers_c.size
    for c in order:
        claim[dst[c]] = c
    for c in cand:
        if claim[dst[c]] != c:
            continue
        occupied[src[c]] = False
        occupied[dst[c]] = True
        if c < n_citizens:
            pos[movers_c[c]] = dst[c]
        else:
            patrol_pos[c - n_citizens] = dst[c]
