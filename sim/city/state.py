"""The city's state: one dataclass of arrays, the citizens' states, and what the city reports.

Protesters are a struct of arrays, one entry per citizen; police and troop patrols another; the
strategic sites a third. Storage is compact (positions int32, hardship and risk float32, state int8,
jail int16). Every component of the city (:mod:`.forces`, :mod:`.sites`, the engines) works on the
one :class:`CityState` it is handed; the rest of the model sees only :class:`CityStats`,
:class:`CitySnapshot` and the city's methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:  # the config sections, for the type checker only
    from ..config import schema


class Citizen(IntEnum):
    """A citizen's state (stored as int8; the compiled kernels compare the same integers)."""

    QUIET = 0
    ACTIVE = 1
    JAILED = 2


# The same values as plain ints, for whole-array comparisons (an IntEnum member costs numpy twice
# as long) and for the compiled kernels (which compile module-level ints as constants).
QUIET, ACTIVE, JAILED = int(Citizen.QUIET), int(Citizen.ACTIVE), int(Citizen.JAILED)

MAX_ARRESTS = 100  # most arrests a patrol makes a day (DayInputs.arrest_intensity)

POLICE = 0  # a patrol's owner: the host's police; a troop patrol carries 1 + its country's index


class Geometry(NamedTuple):
    """The grid, as every rule sees it: cells are numbered row by row, ``y * width + x``."""

    height: int
    width: int
    torus: bool  # the edges wrap (else cells beyond an edge do not exist)


@dataclass(frozen=True, slots=True)
class DayInputs:
    """What the rest of the model hands the city for a day."""

    legitimacy: float  # the host's legitimacy L
    hardship_shock: float  # added to every citizen's hardship H (clipped to [0, 1])
    # 0..1: raises each citizen's estimated arrest risk, P' = 1 - (1 - P)(1 - deterrence)
    # (curfew, lethal force, foreign troops' presence)
    deterrence: float = 0.0
    # 0..1: the other actives a citizen counts in vision are multiplied by it (an internet
    # shutdown: fewer see a crowd)
    visibility: float = 1.0
    # 0..1: lowers each citizen's estimated arrest risk before deterrence, P (1 - reassurance)
    # (a march an organised protest movement has called: safety in numbers)
    reassurance: float = 0.0
    # expected arrests per patrol per day (mass arrests raise it, a called march's numbers lower
    # it); each patrol makes the integer part, and one more with probability the fractional part
    # (drawn from the city's stream)
    arrest_intensity: float = 1.0

    def __post_init__(self) -> None:
        # the compiled kernels index tables by these: a value out of range would read past them
        if not (
            0.0 <= self.deterrence <= 1.0
            and 0.0 <= self.visibility <= 1.0
            and 0.0 <= self.reassurance <= 1.0
            and 0.0 <= self.arrest_intensity <= MAX_ARRESTS
        ):
            raise ValueError(
                f"day inputs out of range: deterrence {self.deterrence!r}, visibility "
                f"{self.visibility!r} and reassurance {self.reassurance!r} must be 0..1, "
                f"arrest_intensity {self.arrest_intensity!r} 0..{MAX_ARRESTS}"
            )


@dataclass(slots=True)
class CityState:
    """Every array of the city. Built by :func:`populate`; changed only by the city's components."""

    # citizens
    pos: np.ndarray  # cell of each citizen (int32)
    hardship: np.ndarray  # H ~ U(0, 1) (float32)
    risk: np.ndarray  # risk aversion R ~ U(0, 1) (float32)
    state: np.ndarray  # a Citizen value (int8)
    jail: np.ndarray  # days of jail left (int16, int32 for very long terms)
    fatigue: np.ndarray  # protest fatigue F in [0, 1] (float32)
    # patrols: police and foreign troops who patrol and arrest
    patrol_pos: np.ndarray  # cell of each patrol (int32)
    patrol_owner: np.ndarray  # POLICE, or 1 + the index of the troops' country (int8)
    # strategic sites; guards are counts standing on the site's cell (sites are not habitable)
    site_cell: np.ndarray  # (int64)
    site_held: np.ndarray  # held by the government (bool)
    police_guards: np.ndarray  # police posted at each site (int64)
    troop_guards: np.ndarray  # (sites, countries) troop agents posted at each site (int64)
    guards_wanted: np.ndarray  # police posted at each site at day 0 (int64)
    # the grid
    occupied: np.ndarray  # a citizen, a patrol or a site stands on the cell (bool)
    grid: np.ndarray  # work buffer: a per-cell map to be window-summed (int32)
    claim: np.ndarray  # work buffer: who claims a cell in a move (int32)
    police_initial: int  # police on the grid at day 0, patrols and guards

    def arrays(self) -> tuple:
        """The arrays the compiled kernels take, as a plain tuple in :class:`CityArrays`' order."""
        return _KERNEL_ARRAYS(self)


class CityArrays(NamedTuple):
    """The compiled kernels' view of :class:`CityState` (the same arrays, no copies)."""

    pos: np.ndarray
    risk: np.ndarray
    state: np.ndarray
    jail: np.ndarray
    patrol_pos: np.ndarray
    patrol_owner: np.ndarray
    site_cell: np.ndarray
    site_held: np.ndarray
    police_guards: np.ndarray
    troop_guards: np.ndarray
    occupied: np.ndarray
    grid: np.ndarray
    claim: np.ndarray


_KERNEL_ARRAYS = attrgetter(*CityArrays._fields)  # a tuple: numba types plain tuples fastest


@dataclass(frozen=True, slots=True)
class CityStats:
    """What the rest of the model reads from the city after a day."""

    active_share: float
    quiet_share: float
    jailed_share: float
    sites_held: int
    sites_lost: int
    police_patrol: int  # police patrolling the grid
    police_guards: int  # police posted at sites
    police_initial: int  # police on the grid at day 0
    arrests: int = 0  # citizens arrested today
    released: int = 0  # citizens released from jail today

    @property
    def police_total(self) -> int:
        return self.police_patrol + self.police_guards

    @property
    def police_strength(self) -> float:
        """Police on the grid as a share of day 0's."""
        return self.police_total / max(1, self.police_initial)

    @classmethod
    def from_tallies(
        cls, tallies: Sequence[int], state: CityState, arrests: int = 0, released: int = 0
    ) -> CityStats:
        """From (quiet, active, jailed citizens, sites held, police patrols, police guards), and
        the day's arrests and releases."""
        quiet, active, jailed, held, patrol, guards = tallies
        n = max(1, state.state.size)
        held = int(held)
        return cls(  # positional, in the order of the fields (cheaper than keywords)
            active / n,
            quiet / n,
            jailed / n,
            held,
            state.site_cell.size - held,
            int(patrol),
            int(guards),
            state.police_initial,
            int(arrests),
            int(released),
        )


@dataclass(frozen=True)
class CitySnapshot:
    """A read-only copy of the city for drawing it (the dashboard's map)."""

    height: int
    width: int
    pos: np.ndarray  # cell of each citizen
    state: np.ndarray  # their Citizen values
    patrol_pos: np.ndarray
    patrol_owner: np.ndarray  # POLICE or 1 + the country's index
    site_names: tuple[str, ...]
    site_cell: np.ndarray
    site_held: np.ndarray
    police_guards: np.ndarray  # per site
    troop_guards: np.ndarray  # per site and country

    @classmethod
    def of(cls, g: Geometry, s: CityState, site_names: tuple[str, ...]) -> CitySnapshot:
        def frozen(a: np.ndarray) -> np.ndarray:
            a = a.copy()
            a.flags.writeable = False
            return a

        return cls(
            g.height,
            g.width,
            frozen(s.pos),
            frozen(s.state),
            frozen(s.patrol_pos),
            frozen(s.patrol_owner),
            site_names,
            frozen(s.site_cell),
            frozen(s.site_held),
            frozen(s.police_guards),
            frozen(s.troop_guards),
        )


def populate(
    g: Geometry,
    site_cell: np.ndarray,
    protesters: schema.Protesters,
    police: schema.Police,
    police_strength: float,
    n_countries: int,
    rng: np.random.Generator,
) -> CityState:
    """Place citizens and police on the free cells, as Epstein: each cell is a citizen with
    probability ``protesters.density``, a cop with ``police.density * police_strength``, else empty
    (Mesa's example does the same). A ``police.guard_share`` of the police, picked at random, is
    posted at the sites (their cells go back to the pool of empty cells); the rest patrol where
    they were placed. ``protesters`` and ``police`` are the config sections (duck-typed)."""
    n = g.height * g.width
    free = np.ones(n, dtype=bool)
    free[site_cell] = False
    draw = rng.random(n)
    p_cop = police.density * police_strength
    is_cit = free & (draw < protesters.density)
    is_cop = free & (draw >= protesters.density) & (draw < protesters.density + p_cop)
    del draw
    pos = np.flatnonzero(is_cit).astype(np.int32)
    m = pos.size
    hardship = rng.random(m).astype(np.float32)
    risk = rng.random(m).astype(np.float32)
    longest = max(
        protesters.max_jail_days,
        protesters.detention_max_days + protesters.release_interval_days,
    )
    jail = np.zeros(m, dtype=np.int16 if longest < 2**15 else np.int32)

    cop_cells = np.flatnonzero(is_cop).astype(np.int32)
    n_guard_total = round(police.guard_share * cop_cells.size)
    guards_wanted = split_evenly(n_guard_total, site_cell.size)
    patrol_pos = np.sort(rng.permutation(cop_cells)[n_guard_total:])

    occupied = np.zeros(n, dtype=bool)
    occupied[pos] = True
    occupied[patrol_pos] = True
    occupied[site_cell] = True
    return CityState(
        pos=pos,
        hardship=hardship,
        risk=risk,
        state=np.zeros(m, dtype=np.int8),
        jail=jail,
        fatigue=np.zeros(m, dtype=np.float32),
        patrol_pos=patrol_pos,
        patrol_owner=np.zeros(patrol_pos.size, dtype=np.int8),
        site_cell=site_cell,
        site_held=np.ones(site_cell.size, dtype=bool),
        police_guards=guards_wanted.copy(),
        troop_guards=np.zeros((site_cell.size, n_countries), dtype=np.int64),
        guards_wanted=guards_wanted,
        occupied=occupied,
        grid=np.zeros(n, dtype=np.int32),
        claim=np.zeros(n, dtype=np.int32),
        police_initial=int(cop_cells.size),
    )


def split_evenly(total: int, parts: int) -> np.ndarray:
    """``total`` split into ``parts`` near-equal integers."""
    if parts == 0:
        return np.zeros(0, dtype=np.int64)
    base = np.full(parts, total // parts, dtype=np.int64)
    base[: total % parts] += 1
    return base
