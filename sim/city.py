"""The city: protesters (Epstein 2002) as arrays, police and troops, strategic sites and storming.

Protesters are a struct of arrays, one entry per citizen; police and troop patrols another.
Each day (docs/model.md 7.1-7.4):

1. jail terms count down; released agents rejoin as quiet;
2. every free citizen applies Epstein's rule, all at once on yesterday's picture of the city::

       grievance G = H (1 - L)
       arrest probability P = 1 - exp(-k * round(C / A))    C: security agents in vision,
                                                             A: actives in vision counting itself
       active  iff  G - R P > T

3. each patrol arrests one random active in its vision (jail ~ U{0..J_max}): an active seen by
   patrols that see A_1, A_2, ... actives is arrested with probability 1 - prod_j (1 - 1/A_j), the
   exact chance that at least one of them picks it (see ``_arrest`` and benchmarks/README.md);
4. free citizens and patrols move to a random cell in vision if it is empty (conflicts: one random
   winner);
5. a site is stormed when actives within ``storm_radius`` outnumber its guards (posted police,
   troops, and patrols within the radius) by ``storm_ratio``; a lost site is retaken when that no
   longer holds and it has guards again.

Guards at a site are counts standing on the site's cell (sites are not habitable); they count in
C where they stand. Imports only the city's own modules (forces, sites, window sums; config
sections are duck-typed).

Speed: every count "in vision" is a window sum (neighborhood.WindowSum), whose cost per cell does
not depend on the vision radius; all rules are whole-array numpy operations, with no loop over
agents. Storage is compact (positions int32, hardship and risk float32, state int8, jail int16).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .city_forces import POLICE, GridForces, split_evenly
from .city_sites import Sites
from .neighborhood import WindowSum, offsets

QUIET, ACTIVE, JAILED = 0, 1, 2

_SHIFT = 16  # one window sum counts both: security agents in the high 16 bits, actives in the low
_LOG_SCALE = 4096.0  # fixed point for the arrest hazard window sum (error < 1.3e-4 per patrol)
_CERTAIN = 30.0  # hazard from a patrol that sees exactly one active: exp(-30) ~ 1e-13, i.e. certain


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


class City(GridForces, Sites):
    """Grid, protesters, patrols and sites: the numpy engine (the reference; see ``new_city``).

    Args:
        city: the ``city`` config section.
        protesters: the ``protesters`` section.
        police: the ``police`` section.
        troops: the ``troops`` section.
        police_strength: host police strength (x nominal density).
        countries: names of the countries that may send troops (Russia first).
        rng: this component's random generator.
    """

    COMPILED = False  # window sums by numpy; sim.city_compiled.CompiledCity uses the numba kernels

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

        self.window = WindowSum(self.height, self.width, protesters.vision, city.neighborhood, city.torus, self.COMPILED)
        self.cop_window = (
            self.window if police.vision == protesters.vision
            else WindowSum(self.height, self.width, police.vision, city.neighborhood, city.torus, self.COMPILED)
        )
        self.move_offsets = offsets(protesters.vision, city.neighborhood)
        self._move_dy = np.ascontiguousarray(self.move_offsets[:, 0])
        self._move_dx = np.ascontiguousarray(self.move_offsets[:, 1])
        self._window_cells = len(self.move_offsets) + 1

        # Place citizens and police on free cells, as Epstein: each cell is a citizen with
        # probability density_c, a cop with density_p, else empty (Mesa's example does the same).
        free = np.ones(n, dtype=bool)
        free[self.site_cell] = False
        draw = rng.random(n)
        p_cop = police.density * police_strength
        is_cit = free & (draw < protesters.density)
        is_cop = free & (draw >= protesters.density) & (draw < protesters.density + p_cop)
        del draw
        self.pos = np.flatnonzero(is_cit).astype(np.int32)
        m = self.pos.size
        self.hardship = rng.random(m).astype(np.float32)
        self.risk = rng.random(m).astype(np.float32)
        self.state = np.zeros(m, dtype=np.int8)
        self.jail = np.zeros(m, dtype=np.int16 if protesters.max_jail_days < 2**15 else np.int32)

        cop_cells = np.flatnonzero(is_cop).astype(np.int32)
        n_guard_total = int(round(police.guard_share * cop_cells.size))
        self.guards_wanted = split_evenly(n_guard_total, len(self.site_cell))
        self.police_guards = self.guards_wanted.copy()
        # a random share of the police is posted at the sites (their cells go back to the pool of
        # empty cells); the rest patrol where they were placed, all over the city
        self.patrol_pos = np.sort(rng.permutation(cop_cells)[n_guard_total:])
        self.patrol_owner = np.zeros(self.patrol_pos.size, dtype=np.int8)
        self.troop_guards = np.zeros((len(self.site_cell), len(self.countries)), dtype=np.int64)

        self.occupied = np.zeros(n, dtype=bool)
        self.occupied[self.pos] = True
        self.occupied[self.patrol_pos] = True
        self.occupied[self.site_cell] = True
        self._grid = np.zeros(n, dtype=np.int32)   # work buffer: a per-cell map to be window-summed
        self._claim = np.zeros(n, dtype=np.int32)  # work buffer: who claims a cell in a move
        # Random cells a mover tries per day, taking the first empty one. Epstein's and Mesa's rule is
        # "move to a random empty cell in vision" (tries -> infinity); the calibrated model uses 1.
        self.move_tries = 1
        self._g, self._g_key = None, None  # grievance cache
        self._troops_key = None  # troops last put on the grid (set_troops)
        self._forces_state = None  # troops, sites, guards and patrols as set_troops last left them
        self._dist_map = None  # distance to the nearest site, built when first needed
        self._site_window = self._site_windows()
        self.police_initial = int(cop_cells.size)
        self.fled = 0  # police who abandoned stormed sites since the host last counted

    def take_fled(self) -> int:
        """Police who abandoned stormed sites since the last call (the host counts them as absent)."""
        fled, self.fled = self.fled, 0
        return fled

    # --- the day -------------------------------------------------------------------------------

    def step(self, legitimacy: float, hardship_shock: float) -> CityStats:
        """Advance protesters, arrests, moves and storming by one day."""
        self._arrest(*self._morning(legitimacy, hardship_shock))
        if self.p_cfg.movement:
            self._move()
        return self._evening()

    def _morning(self, legitimacy: float, shock: float) -> tuple[np.ndarray, np.ndarray | None]:
        """Jail terms count down, Epstein's rule; returns the actives and their arrest hazard."""
        self._contagion(self._count_down_jail(), legitimacy, shock)
        return self._active_hazard()

    def _evening(self) -> CityStats:
        """Storming of sites, and the day's figures."""
        if self.site_cell.size:
            self._storm()
        return self.stats()

    def _contagion(self, acting: np.ndarray, legitimacy: float, shock: float) -> None:
        """Epstein's rule, re-applied within the day on the day's new picture until nobody changes."""
        for _ in range(self.p_cfg.activation_rounds):
            if not self._update_citizens(acting, legitimacy, shock):
                break

    def _count_down_jail(self) -> np.ndarray:
        """Jail terms count down; who is free to act today (released prisoners included)."""
        serving = self.jail > 0  # only jailed citizens have days left
        np.subtract(self.jail, 1, out=self.jail, where=serving)
        return ~serving

    def security_map(self) -> np.ndarray:
        """Security agents per cell: patrols where they stand, guards on their site's cell."""
        sec = np.bincount(self.patrol_pos, minlength=self.n_cells)
        np.add.at(sec, self.site_cell, self.police_guards + self.troop_guards.sum(axis=1))
        return sec

    def active_map(self) -> np.ndarray:
        return np.bincount(self.pos[self.state == ACTIVE], minlength=self.n_cells)

    def _seen(self, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Security agents C and actives (others only) in each citizen's vision, from yesterday's city."""
        grid, guards = self._grid, self._site_guards()
        if self._window_cells + int(guards.sum()) < 2**_SHIFT:
            # one window sum for both counts: each security agent adds 2**16, each active 1
            grid.fill(0)
            grid[self.patrol_pos] = 1 << _SHIFT
            grid[self.site_cell] = guards << _SHIFT  # sites hold no citizen and no patrol
            grid[self.pos[active]] = 1               # a citizen's cell holds nothing else
            both = self.window(grid).ravel()[self.pos].view(np.uint32)
            return both >> _SHIFT, both & ((1 << _SHIFT) - 1)
        grid.fill(0)  # too many guards to pack: two window sums
        grid[self.patrol_pos] = 1
        grid[self.site_cell] = guards
        cops = self.window(grid).ravel()[self.pos]
        grid.fill(0)
        grid[self.pos[active]] = 1
        return cops, self.window(grid).ravel()[self.pos]

    def _update_citizens(self, acting: np.ndarray, legitimacy: float, shock: float) -> int:
        """Epstein's rule for every free citizen at once, on yesterday's picture of the city.

        Term by term, in float32 and in place (one pass over the citizens per operation). Returns
        how many citizens changed.
        """
        p = self.p_cfg
        before = self.state.copy()
        active = self.state == ACTIVE
        cops, others = self._seen(active)
        a = others.astype(np.float32)
        a += 1
        a -= active                                   # A: actives in vision, counting itself
        risk = cops.astype(np.float32)
        risk /= a                                     # C / A
        np.rint(risk, out=risk)                       # round half to even, as Python's round
        risk *= -p.arrest_k
        np.exp(risk, out=risk)
        np.subtract(1, risk, out=risk)                # P = 1 - exp(-k round(C / A))
        risk *= self.risk                             # R P
        net = self._grievance(legitimacy, shock) - risk  # G - R P, G = H (1 - L)
        decide = net > p.threshold                    # active iff G - R P > T
        np.copyto(self.state, decide.view(np.int8), where=acting)  # QUIET = 0, ACTIVE = 1; jailed keep theirs
        return int(np.count_nonzero(before != self.state))

    def _grievance(self, legitimacy: float, shock: float) -> np.ndarray:
        """G = clip(H + shock, 0, 1) (1 - L), cached while legitimacy and shock stay put."""
        key = (float(legitimacy), float(shock))
        if self._g_key != key or self._g is None or self._g.size != self.hardship.size:
            self._g = np.clip(self.hardship + np.float32(shock), 0, 1) * np.float32(1 - legitimacy)
            self._g_key = key
        return self._g

    def _arrest(self, who: np.ndarray, hazard: np.ndarray | None) -> None:
        """Each patrol arrests one random active in its vision, two patrols' picks of one active: one arrest.

        Exact per active: a patrol seeing A actives picks a given one with probability 1/A, so an
        active is arrested with probability 1 - prod over the patrols that see it of (1 - 1/A_j),
        i.e. 1 - exp(-hazard) with hazard = sum_j -log(1 - 1/A_j): a window sum of a per-patrol field,
        whose cost does not grow with the vision. Arrests of different actives are drawn
        independently (the only approximation: with explicit picks, a patrol jails at most one).
        """
        if self.patrol_pos.size == 0 or who.size == 0:
            return
        stay_free = np.expm1(hazard * (-1.0 / _LOG_SCALE))  # -P(arrest)
        caught = self._caught(who, stay_free, self.rng.random(who.size))
        self.jail[caught] = self.rng.integers(0, self.p_cfg.max_jail_days + 1, size=caught.size)

    def _actives(self) -> np.ndarray:
        return np.flatnonzero(self.state == ACTIVE)

    def _active_hazard(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The active citizens and their arrest hazard (fixed point); no hazard when nobody is active."""
        who = self._actives()
        return who, (self._hazard(self.pos[who]) if who.size else None)

    def _caught(self, who: np.ndarray, stay_free: np.ndarray, draws: np.ndarray) -> np.ndarray:
        """Jail the actives ``who`` whose uniform draw falls below their arrest probability."""
        caught = who[draws < -stay_free]
        self.state[caught] = JAILED
        return caught

    def _hazard(self, cells: np.ndarray) -> np.ndarray:
        """The arrest hazard of actives at ``cells``, in fixed point (x _LOG_SCALE)."""
        if cells.size * self.patrol_pos.size <= self.n_cells:
            return self._hazard_pairs(cells)  # few actives: pairs are cheaper than window sums
        return self._hazard_windows(cells)

    def _hazard_windows(self, cells: np.ndarray) -> np.ndarray:
        """The arrest hazard of actives at ``cells`` (fixed point), from two window sums."""
        grid = self._grid
        grid.fill(0)
        grid[cells] = 1
        seen = self.cop_window(grid).ravel()[self.patrol_pos]  # actives each patrol sees
        grid.fill(0)
        watching = seen > 0
        grid[self.patrol_pos[watching]] = _escape(seen[watching])  # the patrol's -log(1 - 1/A)
        return self.cop_window(grid).ravel()[cells]  # summed over the patrols that see each active

    def _hazard_pairs(self, cells: np.ndarray) -> np.ndarray:
        """The arrest hazard of actives at ``cells`` (fixed point), from active-patrol pairs.

        The same sums as the window-sum path, term for term, so the same result."""
        ay, ax = np.divmod(cells, self.width)
        py, px = np.divmod(self.patrol_pos, self.width)
        dy = np.abs(ay[:, None] - py[None, :])
        dx = np.abs(ax[:, None] - px[None, :])
        if self.torus:
            np.minimum(dy, self.height - dy, out=dy)
            np.minimum(dx, self.width - dx, out=dx)
        d = dy + dx if self.c_cfg.neighborhood == "von_neumann" else np.maximum(dy, dx)
        active_i, patrol_j = np.nonzero(d <= self.cop_window.radius)  # pairs in vision
        seen = np.bincount(patrol_j, minlength=self.patrol_pos.size)  # actives each patrol sees
        field = _escape(seen[patrol_j])
        return np.bincount(active_i, weights=field, minlength=cells.size).astype(np.int64)

    def _move(self) -> None:
        """Free citizens and patrols each try one random cell in vision and move there if it is empty.

        Targets must be empty before anyone moves; a cell claimed by several goes to one random claimant.
        """
        movers_c, src = self._movers()
        if src.size == 0:
            return
        pick = self.rng.integers(0, len(self.move_offsets), size=src.size, dtype=np.int32)
        pull = self.p_cfg.site_attraction
        if pull > 0 and self.site_cell.size:
            # actives heading for a site take the best of a few random steps toward the nearest one
            heading = self._heading(movers_c, self.rng.random(movers_c.size), pull)
            tries = self.rng.integers(0, len(self.move_offsets), size=(heading.size, 4))
            dst, free = self._aim(src, pick, heading, tries)
        else:
            dst, free = self._targets(src, pick)
        del pick
        for _ in range(self.move_tries - 1):  # Mesa's rule: a random *empty* cell; retry if occupied
            again = np.flatnonzero(~free)
            if again.size == 0:
                break
            pick = self.rng.integers(0, len(self.move_offsets), size=again.size, dtype=np.int32)
            dst[again], free[again] = self._targets(src[again], pick)
        cand = np.flatnonzero(free)
        order = self.rng.permutation(cand).astype(np.int32)
        self._settle(order, cand, src, dst, movers_c)

    def _movers(self) -> tuple[np.ndarray, np.ndarray]:
        """Citizens who move (all but the jailed), and where every mover stands (citizens, then patrols)."""
        movers_c = np.flatnonzero(self.state != JAILED)
        return movers_c, np.concatenate([self.pos[movers_c], self.patrol_pos])

    def _heading(self, movers_c: np.ndarray, draws: np.ndarray, pull: float) -> np.ndarray:
        """Movers (indices into ``movers_c``) heading for a site: actives whose draw is below ``pull``."""
        return np.flatnonzero((self.state[movers_c] == ACTIVE) & (draws < pull))

    def _aim(self, src: np.ndarray, pick: np.ndarray, heading: np.ndarray, tries: np.ndarray):
        """Steer the movers ``heading`` for a site, then every mover's target cell (``_targets``)."""
        self._steer(src, heading, tries, pick)
        return self._targets(src, pick)

    def _steer(self, src: np.ndarray, heading: np.ndarray, tries: np.ndarray, pick: np.ndarray) -> None:
        """Movers ``heading`` pick, of their ``tries`` (offset indices), the one nearest a site."""
        d = self._site_distance(src[heading, None], self.move_offsets[tries])
        pick[heading] = tries[np.arange(heading.size), d.argmin(axis=1)]

    def _settle(self, order: np.ndarray, cand: np.ndarray, src: np.ndarray, dst: np.ndarray,
                movers_c: np.ndarray) -> None:
        """Movers ``cand`` claim their targets in random ``order``; the last claim on a cell stands."""
        self._claim[dst[order]] = order  # the last write to a cell stands: a random claimant
        win = cand[self._claim[dst[cand]] == cand]
        self.occupied[src[win]] = False
        self.occupied[dst[win]] = True
        n_c = movers_c.size
        k = np.searchsorted(win, n_c)
        self.pos[movers_c[win[:k]]] = dst[win[:k]]
        self.patrol_pos[win[k:] - n_c] = dst[win[k:]]

    def _targets(self, src: np.ndarray, pick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cells at offsets ``pick`` from ``src``, and whether each is on the grid and empty."""
        y, x = np.divmod(src, self.width)
        y += self._move_dy[pick]
        x += self._move_dx[pick]
        if self.torus:
            y %= self.height
            x %= self.width
            dst = y * self.width + x
            return dst, ~self.occupied[dst]
        inside = (y >= 0) & (y < self.height) & (x >= 0) & (x < self.width)
        dst = np.where(inside, y * self.width + x, 0)
        return dst, inside & ~self.occupied[dst]

    def _tallies(self) -> tuple[int, int, int, int, int, int]:
        """Quiet, active and jailed citizens, sites held, police patrols, police guards."""
        counts = np.bincount(self.state, minlength=3)
        return (int(counts[QUIET]), int(counts[ACTIVE]), int(counts[JAILED]), np.count_nonzero(self.site_held),
                np.count_nonzero(self.patrol_owner == POLICE), int(self.police_guards.sum()))

    def stats(self, tallies: tuple[int, int, int, int, int, int] | None = None) -> CityStats:
        n = max(1, self.state.size)
        quiet, active, jailed, held, patrol, guards = tallies or self._tallies()
        return CityStats(
            active_share=active / n,
            quiet_share=quiet / n,
            jailed_share=jailed / n,
            sites_held=held,
            sites_lost=len(self.site_cell) - held,
            police_patrol=patrol,
            police_guards=guards,
        )


def _escape(n_seen: np.ndarray) -> np.ndarray:
    """-log(1 - 1/A) in fixed point for patrols that see A >= 1 actives (A = 1: certain arrest)."""
    a = n_seen.astype(np.float64)
    return np.rint(np.where(a > 1, -np.log1p(-1.0 / np.maximum(a, 2.0)), _CERTAIN) * _LOG_SCALE).astype(np.int32)
