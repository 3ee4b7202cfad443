"""The city's day: its phases, their order (written here once), and the numpy engine's day.

Each day, in the order of :data:`DAY` (docs/model.md, section 3 step 3; the rules in 7.1-7.4):

1. ``JAIL``: jail terms count down; the released rejoin as quiet (:mod:`.jail`);
2. ``EPSTEIN``: every free citizen applies Epstein's rule (:mod:`.rules`), all at once, re-applied
   on the day's new picture up to ``activation_rounds`` times until nobody changes;
3. ``HAZARD``: each active's arrest hazard from the patrols that see it;
4. ``ARRESTS``: patrols arrest actives; the arrested get their terms (:mod:`.jail`);
5. ``MOVES``: free citizens and patrols move (:mod:`.moves`);
6. ``STORMING``: sites are stormed or retaken (:mod:`.sites`);
7. ``TALLIES``: the day's figures (:class:`~.state.CityStats`);
8. ``FATIGUE``: the day's actives tire, the others recover (:mod:`.jail`).

Before the phases, the day draws how many arrests each patrol makes (``Rules.patrol_picks``).

Both engines follow :data:`DAY` through a :class:`Plan`: the numpy engine (:class:`NumpyDay`) runs
the phases one by one; the compiled one (:class:`~.compiled.CompiledDay`) runs adjacent phases
fused in one kernel where :data:`DAY` has them in a row, and the rest one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum

import numpy as np

from .moves import Moves
from .rules import Rules
from .sites import Sites
from .state import ACTIVE, JAILED, POLICE, QUIET, CityState, CityStats, DayInputs


class Phase(Enum):
    """A phase of the city's day; :data:`DAY` gives their order."""

    JAIL = "jail terms count down"
    EPSTEIN = "Epstein's rule"
    HAZARD = "arrest hazard"
    ARRESTS = "arrests"
    MOVES = "moves"
    STORMING = "storming of sites"
    TALLIES = "the day's figures"
    FATIGUE = "protest fatigue"


NOTHING = np.empty(0, dtype=np.int64)  # what a phase has not handed over yet

DAY: tuple[Phase, ...] = (
    Phase.JAIL,
    Phase.EPSTEIN,
    Phase.HAZARD,
    Phase.ARRESTS,
    Phase.MOVES,
    Phase.STORMING,
    Phase.TALLIES,
    Phase.FATIGUE,
)


class Today:
    """What one phase of the day hands the next."""

    __slots__ = (
        "acting",
        "arrests",
        "day",
        "fled",
        "hazard",
        "inputs",
        "picks",
        "released",
        "stats",
        "who",
    )

    def __init__(self, inputs: DayInputs, day: int = 0, picks: np.ndarray | None = None):
        self.inputs = inputs
        self.day = day  # the city's own day count (the burn-in's days included)
        self.picks = picks  # arrests each patrol makes today (None: one each)
        self.acting: np.ndarray = NOTHING  # JAIL: who is free to act (not serving a term)
        self.released = 0  # JAIL: citizens who walk out of jail today
        self.who: np.ndarray = NOTHING  # HAZARD: the active citizens...
        self.hazard: np.ndarray = NOTHING  # ...and their arrest hazard (fixed point)
        self.arrests = 0  # ARRESTS: citizens arrested today
        self.fled = 0  # STORMING: police who abandoned stormed sites
        self.stats: CityStats | None = None  # TALLIES


PhaseRun = Callable[[Today], None]
FusedRun = Callable[[Today], int]  # returns how many of its phases it ran (0: it does not apply)


class Plan:
    """Runs :data:`DAY` in order: a fused run where one starts, else each phase's own.

    Args:
        single: every phase's own implementation.
        fused: runs of phases done in one call, used where :data:`DAY` has that run in a row
            (elsewhere their phases run one by one, in :data:`DAY`'s order). A fused run returns
            how many of its phases it did (it may stop early, or not apply today: 0); the plan
            goes on from the next phase.
    """

    def __init__(
        self,
        single: Mapping[Phase, PhaseRun],
        fused: Mapping[tuple[Phase, ...], FusedRun] | None = None,
    ):
        if missing := [p.name for p in DAY if p not in single]:
            raise ValueError(f"no implementation of the phases {missing}")
        self._single = [single[p] for p in DAY]
        self._fused: list[FusedRun | None] = [None] * len(DAY)
        for run, fn in (fused or {}).items():
            for i in range(len(DAY)):
                if DAY[i : i + len(run)] == run:
                    self._fused[i] = fn

    def run(self, today: Today) -> None:
        i, n = 0, len(DAY)
        while i < n:
            fused = self._fused[i]
            done = fused(today) if fused is not None else 0
            if not done:
                self._single[i](today)
                done = 1
            i += done


class NumpyDay:
    """The day in numpy, phase by phase: the reference engine.

    Args:
        state: the city's arrays.
        rules: jail, Epstein's rule and arrests.
        moves: the moves.
        sites: the sites (storming).
        movement: whether citizens and patrols move (``protesters.movement``).
    """

    def __init__(self, state: CityState, rules: Rules, moves: Moves, sites: Sites, movement: bool):
        self.s, self.rules, self.moves, self.sites = state, rules, moves, sites
        self.movement = movement
        self.phases: dict[Phase, PhaseRun] = {
            Phase.JAIL: self.jail,
            Phase.EPSTEIN: self.epstein,
            Phase.HAZARD: self.hazard,
            Phase.ARRESTS: self.arrests,
            Phase.MOVES: self.move,
            Phase.STORMING: self.storming,
            Phase.TALLIES: self.tallies,
            Phase.FATIGUE: self.fatigue,
        }
        self.plan = Plan(self.phases)

    def run(self, today: Today) -> None:
        self.plan.run(today)

    def jail(self, today: Today) -> None:
        today.acting, today.released = self.rules.jail.count_down()

    def epstein(self, today: Today) -> None:
        self.rules.epstein_rounds(today.acting, today.inputs)

    def hazard(self, today: Today) -> None:
        today.who, today.hazard = self.rules.active_hazard(today.picks)

    def arrests(self, today: Today) -> None:
        today.arrests = self.rules.arrest(today.who, today.hazard, today.day)

    def move(self, today: Today) -> None:
        if self.movement:
            self.moves.move()

    def storming(self, today: Today) -> None:
        if self.s.site_cell.size:
            today.fled += self.sites.storm()

    def tallies(self, today: Today) -> None:
        today.stats = CityStats.from_tallies(self.tally(), self.s, today.arrests, today.released)

    def fatigue(self, today: Today) -> None:
        self.rules.jail.tire(today.who)

    def tally(self) -> tuple[int, int, int, int, int, int]:
        """Quiet, active and jailed citizens, sites held, police patrols, police guards."""
        s = self.s
        counts = np.bincount(s.state, minlength=3)
        return (
            int(counts[QUIET]),
            int(counts[ACTIVE]),
            int(counts[JAILED]),
            int(np.count_nonzero(s.site_held)),
            int(np.count_nonzero(s.patrol_owner == POLICE)),
            int(s.police_guards.sum()),
        )
