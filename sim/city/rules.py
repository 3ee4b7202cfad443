"""The protesters' rules in numpy, the reference engine: jail, Epstein's rule, arrests.

Epstein (2002), Model I, applied to every free citizen at once on yesterday's picture of the city::

    grievance G = H (1 - L)
    arrest probability P = 1 - exp(-k * round(C / A))    C: security agents in vision,
                                                         A: actives in vision counting itself
    active  iff  G - R P > T

with the second edition's inputs (docs/model.md 7.1-7.2): G = H (1 - L) (1 - F) with protest
fatigue F (:mod:`.jail`); P' = 1 - (1 - P (1 - reassurance))(1 - deterrence) (a called march
reassures, 7.2a; curfew, lethal force and troops deter); the other actives a citizen counts in
vision times ``visibility``.

Each patrol makes ``m`` arrests a day among the actives in its vision (``m``: the day's
``arrest_intensity``, rounded up or down at random; 1 in Epstein's model), picked without
replacement: an active seen by patrols that see A_1, A_2, ... actives is arrested with probability
1 - prod_j (1 - m_j/A_j), the exact chance that at least one of them picks it (see
:meth:`Rules.arrest` and benchmarks/README.md). Terms are drawn by :class:`.jail.Jail`.

Every count "in vision" is a window sum (:class:`.windows.WindowSum`), whose cost per cell does not
depend on the vision radius; every rule is a whole-array numpy operation, with no loop over agents.
Moves are in :mod:`.moves`, storming in :mod:`.sites`; the compiled kernels (:mod:`.kernels`) give
the same numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .jail import Jail
from .sites import Sites
from .state import ACTIVE, JAILED, CityState, DayInputs, Geometry
from .windows import WindowSum, offsets

if TYPE_CHECKING:  # the config sections, for the type checker only
    from ..config import schema

SHIFT = 16  # one window sum counts both: security agents in the high 16 bits, actives in the low
LOG_SCALE = 4096.0  # fixed point for the arrest hazard window sum (error < 1.3e-4 per patrol)
CERTAIN = 30.0  # hazard from a patrol that sees exactly one active: exp(-30) ~ 1e-13, i.e. certain


class Rules:
    """Jail, Epstein's rule and arrests for one city, in numpy.

    Args:
        g: the grid.
        state: the city's arrays.
        sites: the city's sites (their guards count as security agents where they stand).
        protesters: the ``protesters`` config section.
        windows: what a citizen sees and what a patrol sees (the same object when the visions
            agree).
        rng: the city's random generator.
    """

    def __init__(
        self,
        g: Geometry,
        state: CityState,
        sites: Sites,
        protesters: schema.Protesters,
        windows: tuple[WindowSum, WindowSum],
        rng: np.random.Generator,
    ):
        self.g, self.s, self.sites, self.cfg, self.rng = g, state, sites, protesters, rng
        self.window, self.cop_window = windows
        self.window_cells = len(offsets(protesters.vision, self.window.kind)) + 1  # centre included
        self.jail = Jail(state, protesters, rng)
        self._g: np.ndarray | None = None  # grievance before fatigue, cached while its inputs stay
        self._g_key: tuple[float, float] | None = None
        self._tired = np.empty(0, dtype=np.float32)  # grievance with fatigue (a work buffer)

    # --- Epstein's rule ------------------------------------------------------------------------

    def epstein_rounds(self, acting: np.ndarray, inputs: DayInputs) -> None:
        """Epstein's rule, re-applied within the day on the day's new picture until nobody
        changes."""
        for _ in range(self.cfg.activation_rounds):
            if not self.update_citizens(acting, inputs):
                break

    def grievance(self, inputs: DayInputs) -> np.ndarray:
        """G = clip(H + shock, 0, 1) (1 - L) (1 - F); the part before fatigue is cached while
        legitimacy and shock stay put, and without fatigue (rates 0) it is G."""
        key = (float(inputs.legitimacy), float(inputs.hardship_shock))
        if self._g_key != key or self._g is None or self._g.size != self.s.hardship.size:
            shocked = np.clip(self.s.hardship + np.float32(inputs.hardship_shock), 0, 1)
            self._g = shocked * np.float32(1 - inputs.legitimacy)
            self._g_key = key
        if not self.jail.tiring:
            return self._g
        if self._tired.size != self._g.size:
            self._tired = np.empty(self._g.size, dtype=np.float32)
        np.subtract(1, self.s.fatigue, out=self._tired)
        self._tired *= self._g
        return self._tired

    def seen(self, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Security agents C and actives (others only) in each citizen's vision."""
        s, grid, guards = self.s, self.s.grid, self.sites.guards()
        if self.window_cells + int(guards.sum()) < 2**SHIFT:
            # one window sum for both counts: each security agent adds 2**16, each active 1
            grid.fill(0)
            grid[s.patrol_pos] = 1 << SHIFT
            grid[s.site_cell] = guards << SHIFT  # sites hold no citizen and no patrol
            grid[s.pos[active]] = 1  # a citizen's cell holds nothing else
            both = self.window(grid).ravel()[s.pos].view(np.uint32)
            return both >> SHIFT, both & ((1 << SHIFT) - 1)
        grid.fill(0)  # too many guards to pack: two window sums
        grid[s.patrol_pos] = 1
        grid[s.site_cell] = guards
        cops = self.window(grid).ravel()[s.pos]
        grid.fill(0)
        grid[s.pos[active]] = 1
        return cops, self.window(grid).ravel()[s.pos]

    def update_citizens(self, acting: np.ndarray, inputs: DayInputs) -> int:
        """Epstein's rule for every free citizen at once, on the picture of the city as it stands.

        Term by term, in float32 and in place (one pass over the citizens per operation). Returns
        how many citizens changed.
        """
        p, s = self.cfg, self.s
        before = s.state.copy()
        active = s.state == ACTIVE
        cops, others = self.seen(active)
        a = others.astype(np.float32)
        a *= np.float32(inputs.visibility)  # others seen: fewer under an internet shutdown
        a += 1
        a -= active  # A: actives in vision, counting itself
        risk = cops.astype(np.float32)
        risk /= a  # C / A
        np.rint(risk, out=risk)  # round half to even, as Python's round
        risk *= -p.arrest_k
        np.exp(risk, out=risk)
        np.subtract(1, risk, out=risk)  # P = 1 - exp(-k round(C / A))
        estimate(risk, inputs)  # P' = 1 - (1 - P (1 - reassurance))(1 - deterrence)
        risk *= s.risk  # R P
        net = self.grievance(inputs) - risk  # G - R P, G = H (1 - L)
        decide = net > p.threshold  # active iff G - R P > T
        # QUIET = 0, ACTIVE = 1; the jailed (not acting) keep theirs
        np.copyto(s.state, decide.view(np.int8), where=acting)
        return int(np.count_nonzero(before != s.state))

    # --- arrests -------------------------------------------------------------------------------

    def patrol_picks(self, intensity: float) -> np.ndarray:
        """Arrests each patrol makes today: ``intensity`` rounded down, plus one with probability
        its fractional part (a draw per patrol from the city's stream only when it has one)."""
        n = self.s.patrol_pos.size
        base = int(np.floor(intensity))
        picks = np.full(n, base, dtype=np.int64)
        if intensity > base and n:
            picks += self.rng.random(n) < intensity - base
        return picks

    def active_hazard(self, picks: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The active citizens and their arrest hazard (fixed point) when each patrol makes
        ``picks`` arrests (default one each); none when nobody is active."""
        who = np.flatnonzero(self.s.state == ACTIVE)
        if not who.size:
            return who, np.empty(0, dtype=np.int64)
        return who, self.hazard(self.s.pos[who], picks)

    def hazard(self, cells: np.ndarray, picks: np.ndarray | None = None) -> np.ndarray:
        """The arrest hazard of actives at ``cells``, in fixed point (x LOG_SCALE), when each
        patrol makes ``picks`` arrests (default one each)."""
        if cells.size * self.s.patrol_pos.size <= self.s.occupied.size:
            return self.hazard_pairs(cells, picks)  # few actives: pairs beat window sums
        return self.hazard_windows(cells, picks)

    def hazard_windows(self, cells: np.ndarray, picks: np.ndarray | None = None) -> np.ndarray:
        """The arrest hazard of actives at ``cells`` (fixed point), from two window sums."""
        grid, patrols = self.s.grid, self.s.patrol_pos
        picks = self._picks(picks)
        grid.fill(0)
        grid[cells] = 1
        seen = self.cop_window(grid).ravel()[patrols]  # actives each patrol sees
        grid.fill(0)
        watching = seen > 0
        grid[patrols[watching]] = escape(seen[watching], picks[watching])  # -log(1 - m/A)
        return self.cop_window(grid).ravel()[cells]  # summed over the patrols that see each active

    def hazard_pairs(self, cells: np.ndarray, picks: np.ndarray | None = None) -> np.ndarray:
        """The arrest hazard of actives at ``cells`` (fixed point), from active-patrol pairs.

        The same sums as the window-sum path, term for term, so the same result."""
        g, patrols = self.g, self.s.patrol_pos
        picks = self._picks(picks)
        ay, ax = np.divmod(cells, g.width)
        py, px = np.divmod(patrols, g.width)
        dy = np.abs(ay[:, None] - py[None, :])
        dx = np.abs(ax[:, None] - px[None, :])
        if g.torus:
            np.minimum(dy, g.height - dy, out=dy)
            np.minimum(dx, g.width - dx, out=dx)
        d = dy + dx if self.cop_window.kind == "von_neumann" else np.maximum(dy, dx)
        active_i, patrol_j = np.nonzero(d <= self.cop_window.radius)  # pairs in vision
        seen = np.bincount(patrol_j, minlength=patrols.size)  # actives each patrol sees
        field = escape(seen[patrol_j], picks[patrol_j])
        return np.bincount(active_i, weights=field, minlength=cells.size).astype(np.int64)

    def _picks(self, picks: np.ndarray | None) -> np.ndarray:
        return np.ones(self.s.patrol_pos.size, dtype=np.int64) if picks is None else picks

    def arrest(self, who: np.ndarray, hazard: np.ndarray, day: int = 0) -> int:
        """Each patrol arrests ``m`` random actives in its vision; two patrols' picks of one
        active: one arrest. Returns how many were arrested (on the city's day ``day``).

        Exact per active: a patrol seeing A actives picks a given one with probability m/A, so an
        active is arrested with probability 1 - prod over the patrols that see it of (1 - m_j/A_j),
        i.e. 1 - exp(-hazard) with hazard = sum_j -log(1 - m_j/A_j): a window sum of a per-patrol
        field, whose cost does not grow with the vision. Arrests of different actives are drawn
        independently (the only approximation: with explicit picks, a patrol jails at most m).
        """
        if self.s.patrol_pos.size == 0 or who.size == 0:
            return 0
        stay_free = np.expm1(hazard * (-1.0 / LOG_SCALE))  # -P(arrest)
        caught = who[self.rng.random(who.size) < -stay_free]
        self.s.state[caught] = JAILED
        self.s.jail[caught] = self.jail.terms(caught.size, day)
        return int(caught.size)


def estimate(p: np.ndarray, inputs: DayInputs) -> None:
    """A citizen's estimate of the arrest probability from Epstein's P, in float32 and in place:
    P' = 1 - (1 - P (1 - reassurance))(1 - deterrence) (no change at 0 and 0). Both engines apply
    it, entry by entry: the numpy engine to each citizen's P, the compiled one to its table of P
    by security agents per active."""
    if inputs.reassurance:
        p *= np.float32(1 - inputs.reassurance)
    deterrence = inputs.deterrence
    if deterrence:
        np.subtract(1, p, out=p)
        p *= np.float32(1 - deterrence)
        np.subtract(1, p, out=p)


def escape(n_seen: np.ndarray, picks: np.ndarray | int = 1) -> np.ndarray:
    """-log(1 - m/A) in fixed point for patrols that see A >= 1 actives and make m arrests
    (m >= A: certain arrest; m = 0: none)."""
    a = n_seen.astype(np.float64)
    m = np.broadcast_to(np.asarray(picks, dtype=np.float64), a.shape)
    some = np.where(m > 0, CERTAIN, 0.0)
    hazard = np.where(a > m, -np.log1p(-m / np.maximum(a, m + 1.0)), some)
    return np.rint(hazard * LOG_SCALE).astype(np.int32)
