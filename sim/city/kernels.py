"""The protesters' rules compiled (numba), giving the numpy engine's results exactly.

The city's rules are written twice: as whole-array numpy operations (:mod:`.rules`, :mod:`.moves`,
:mod:`.sites`: the reference, readable and fast on big grids) and here as loops compiled by numba,
which fuse the dozen array passes of one rule into one pass and so win where the city is small and
numpy's per-call overhead dominates (the 60x60 scenarios: see benchmarks/README.md). Every kernel
is integer-exact or uses the numpy results it is handed (lookup tables, ``expm1`` of the hazard),
and the random draws of ``afternoon`` come from the city's own ``numpy.random.Generator``, which
numba draws from exactly as numpy does, in the numpy engine's order; so both engines give
bit-identical runs (tests/test_kernels.py).

This module holds Epstein's rule and arrests, and the two kernels that run a day's phases
(``.day.DAY``) fused: ``morning`` and ``afternoon``; the compiled jail is in :mod:`.jail`, moves
in :mod:`.moves`, storming in :mod:`.sites`, window sums in :mod:`.windows`, beside their numpy
versions.

Kernels take the city's arrays and their constant tables as a few plain tuples, each in the
order of the named tuple that documents it (:class:`~.state.CityArrays`, :class:`~.state.Geometry`
and the tables below), and name them at the top: ``a = CityArrays(*arrays)``. Plain tuples,
because numba types them as fast as single arguments, where a named tuple passed from Python costs
a few microseconds more per call; inside compiled code the naming is free.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .jail import count_down, jail_terms
from .jit import kernel
from .moves import MoveTables, move
from .sites import storm
from .state import ACTIVE, JAILED, POLICE, QUIET, CityArrays, Geometry
from .windows import window_cells, window_sum


class EpsteinTables(NamedTuple):
    """Epstein's rule: rounds a day, P' by n, T, visibility, the packing shift, a citizen's
    window."""

    rounds: int
    # P' = 1 - (1 - P (1 - reassurance))(1 - deterrence), P = 1 - exp(-k n), for n = 0, 1, ...
    # security agents per active (float32, as numpy computes it)
    arrest_p: np.ndarray
    threshold: np.float32
    visibility: np.float32  # the other actives a citizen counts are multiplied by it
    shift: int  # security agents count 2**shift in the packed grid, actives 1
    dy: np.ndarray  # a citizen's window, centre first
    dx: np.ndarray


class ArrestTables(NamedTuple):
    """Arrests: a patrol's window (centre first), -log(1 - m/A) by m and A in fixed point."""

    dy: np.ndarray
    dx: np.ndarray
    escape: np.ndarray  # [m, A]: m arrests by a patrol that sees A actives


# --- morning: jail, Epstein's rule, the arrest hazard ------------------------------------------


@kernel
def morning(
    arrays: tuple,
    acting: np.ndarray,
    grievance: np.ndarray,
    geometry: tuple,
    epstein: tuple,
    window: tuple,
    arrest: tuple,
    cop_window: tuple,
    by_patrol: bool,
    picks: np.ndarray,
) -> tuple[bool, int, np.ndarray, np.ndarray]:
    """Jail countdown, the day's rounds of Epstein's rule and the arrest hazard (``arrest_hazard``)
    in one call. Returns (True, released, actives, hazard), or (False, released, ...) having only
    counted down the jail when the guards are too many to pack both counts (the caller then runs
    the other phases)."""
    a = CityArrays(*arrays)
    released = count_down(a.jail, acting, a.state)
    if not epstein_rounds(arrays, acting, grievance, geometry, epstein, window):
        return False, released, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    who, hazard = arrest_hazard(arrays, geometry, arrest, cop_window, by_patrol, picks)
    return True, released, who, hazard


@kernel
def epstein_rounds(
    arrays: tuple,
    acting: np.ndarray,
    grievance: np.ndarray,
    geometry: tuple,
    epstein: tuple,
    window: tuple,
) -> bool:
    """Up to ``rule.rounds`` rounds of Epstein's rule until nobody changes
    (``Rules.epstein_rounds``).

    The first round window-sums the packed city; later rounds update those sums around the
    citizens who turned active or stopped (each adds or takes 1 over its window), which gives the
    same sums as a new window sum at a fraction of the cost while few change, then decide again.
    Returns False, having done nothing, when the guards are too many to pack both counts in one
    grid (window cells + guards >= 2**shift)."""
    a, g, rule = CityArrays(*arrays), Geometry(*geometry), EpsteinTables(*epstein)
    pos, state, dy, dx = a.pos, a.state, rule.dy, rule.dx  # locals: loops read them fastest
    if dy.size + a.police_guards.sum() + a.troop_guards.sum() >= 1 << rule.shift:
        return False
    flips = np.empty(pos.size, dtype=np.int32)
    buf = np.empty(dy.size, dtype=np.int64)
    seen = np.empty(0, dtype=np.int32)
    n_flips = -1
    for k in range(rule.rounds):
        if (
            k == 0 or n_flips * dy.size > 4 * a.grid.size
        ):  # many changed: a new window sum is cheaper
            paint_packed(arrays, rule.shift)
            seen = window_sum(a.grid.reshape((g.height, g.width)), *window).ravel()
        else:
            for t in range(n_flips):
                i = flips[t]
                n = window_cells(pos[i], dy, dx, geometry, buf)
                sign = 1 if state[i] == ACTIVE else -1  # turned active, or stopped
                for q in range(n):
                    seen[buf[q]] += sign
        changed, n_flips = decide(seen, arrays, acting, grievance, epstein, flips)
        if changed == 0:
            break
    return True


@kernel
def paint_packed(arrays: tuple, shift: int) -> None:
    """The city in one grid for ``decide``: each security agent counts 2**shift, each active 1."""
    a = CityArrays(*arrays)
    grid, pos, state, site_cell, police_guards, troop_guards = (
        a.grid,
        a.pos,
        a.state,
        a.site_cell,
        a.police_guards,
        a.troop_guards,
    )
    grid[:] = 0
    for c in a.patrol_pos:
        grid[c] = 1 << shift
    for s in range(site_cell.size):  # sites hold no citizen and no patrol
        grid[site_cell[s]] = (police_guards[s] + troop_guards[s].sum()) << shift
    for i in range(pos.size):  # a citizen's cell holds nothing else
        if state[i] == ACTIVE:
            grid[pos[i]] = 1


@kernel
def decide(
    seen: np.ndarray,
    arrays: tuple,
    acting: np.ndarray,
    grievance: np.ndarray,
    epstein: tuple,
    flips: np.ndarray,
) -> tuple[int, int]:
    """Epstein's rule for every free citizen, on the window sums ``seen`` of the packed city.

    ``seen[cell]`` holds security agents in vision in its high bits (``>> shift``) and actives in
    the low bits; ``arrest_p[n]`` is 1 - exp(-k n) as numpy computes it in float32, so
    n = round(C / A) indexes it (the last entry stands for every larger n). Citizens who turn active
    or stop being active are listed in ``flips``. Returns (how many changed, how many flipped).
    """
    a, rule = CityArrays(*arrays), EpsteinTables(*epstein)
    pos, state, risk_aversion, arrest_p, threshold = (
        a.pos,
        a.state,
        a.risk,
        rule.arrest_p,
        rule.threshold,
    )
    shift = rule.shift
    mask = (1 << shift) - 1
    last = arrest_p.size - 1
    visibility, one = rule.visibility, np.float32(1.0)
    seen_all = visibility == one
    changed = 0
    n_flips = 0
    for i in range(pos.size):
        if not acting[i]:
            continue
        both = np.uint32(seen[pos[i]])
        cops = np.float32(both >> shift)
        was = state[i]  # quiet, active, or jailed and released today
        # A: actives in vision (the others times visibility), counting itself; in float32, in
        # numpy's order of operations
        if seen_all:  # integers, exact in float32, and quicker
            n_act = np.float32((both & mask) + 1 - (was == ACTIVE))
        else:
            n_act = np.float32(both & mask) * visibility + one
            if was == ACTIVE:
                n_act = n_act - one
        n = int(np.rint(cops / n_act))  # round(C / A), half to even
        p = arrest_p[min(n, last)]  # P' (:func:`.rules.estimate`), P = 1 - exp(-k round(C / A))
        rp = np.float32(p * risk_aversion[i])  # R P
        now = ACTIVE if grievance[i] - rp > threshold else QUIET  # active iff G - R P > T
        if now != was:
            state[i] = now
            changed += 1
            if now == ACTIVE or was == ACTIVE:
                flips[n_flips] = i
                n_flips += 1
    return changed, n_flips


@kernel
def actives(state: np.ndarray) -> np.ndarray:
    """Indices of the active citizens."""
    n = 0
    for i in range(state.size):
        n += state[i] == ACTIVE
    who = np.empty(n, dtype=np.int64)
    n = 0
    for i in range(state.size):
        if state[i] == ACTIVE:
            who[n] = i
            n += 1
    return who


@kernel
def arrest_hazard(
    arrays: tuple,
    geometry: tuple,
    arrest: tuple,
    cop_window: tuple,
    by_patrol: bool,
    picks: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The active citizens and their arrest hazard (fixed point) when each patrol makes ``picks``
    arrests: patrol by patrol over the cells each one sees (``by_patrol``, cheaper for few patrols)
    or by two window sums of what the patrols see (``cop_window``: a WindowSum's ``buffers``); the
    same sums either way."""
    a = CityArrays(*arrays)
    pos, grid = a.pos, a.grid
    who = actives(a.state)
    cells = np.empty(who.size, dtype=np.int64)
    grid[:] = 0  # the map of the actives
    for i in range(who.size):
        cells[i] = pos[who[i]]
        grid[cells[i]] = 1
    if by_patrol:
        return who, hazard_by_patrol(grid, a.patrol_pos, arrest, geometry, cells, picks)
    return who, hazard_by_windows(grid, a.patrol_pos, arrest, geometry, cop_window, cells, picks)


@kernel
def hazard_by_patrol(
    active_map: np.ndarray,
    patrol_pos: np.ndarray,
    arrest: tuple,
    geometry: tuple,
    cells: np.ndarray,
    picks: np.ndarray,
) -> np.ndarray:
    """The arrest hazard at ``cells`` (fixed point), patrol by patrol over the cells each one sees.

    The same sums as the window-sum path: a patrol that sees A actives (``active_map`` over its
    window) and makes m arrests adds ``escape[m, A]`` to each of them. Costs patrols x window cells,
    so it is used only where that is below a window sum's cost (see ``CompiledDay``)."""
    t = ArrestTables(*arrest)
    dy, dx, escape = t.dy, t.dx, t.escape
    field = np.zeros(active_map.size, dtype=np.int64)
    buf = np.empty(dy.size, dtype=np.int64)
    for p in range(patrol_pos.size):
        n = window_cells(patrol_pos[p], dy, dx, geometry, buf)
        seen = 0
        for k in range(n):
            seen += active_map[buf[k]]
        if seen:
            add = escape[picks[p], seen]
            for k in range(n):
                if active_map[buf[k]]:
                    field[buf[k]] += add
    out = np.empty(cells.size, dtype=np.int64)
    for i in range(cells.size):
        out[i] = field[cells[i]]
    return out


@kernel
def hazard_by_windows(
    active_map: np.ndarray,
    patrol_pos: np.ndarray,
    arrest: tuple,
    geometry: tuple,
    cop_window: tuple,
    cells: np.ndarray,
    picks: np.ndarray,
) -> np.ndarray:
    """The arrest hazard at ``cells`` (fixed point) from two window sums, as
    ``Rules.hazard_windows``: the actives each patrol sees, then each patrol's ``escape[A]``
    summed over the patrols that see each active (``escape[m, A]`` for a patrol making m arrests).
    ``active_map`` is overwritten."""
    if cells.size == 0:
        return np.empty(0, dtype=np.int64)
    g, escape = Geometry(*geometry), ArrestTables(*arrest).escape
    shape = (g.height, g.width)
    out = window_sum(active_map.reshape(shape), *cop_window).ravel()
    seen = np.empty(patrol_pos.size, dtype=np.int64)
    for p in range(patrol_pos.size):
        seen[p] = out[patrol_pos[p]]  # actives the patrol sees
    active_map[:] = 0
    for p in range(patrol_pos.size):  # patrols stand on distinct cells
        active_map[patrol_pos[p]] = escape[picks[p], seen[p]]  # the patrol's -log(1 - m/A)
    out = window_sum(active_map.reshape(shape), *cop_window).ravel()
    hazard = np.empty(cells.size, dtype=np.int64)
    for i in range(cells.size):
        hazard[i] = out[cells[i]]
    return hazard


# --- afternoon: arrests, moves, storming, tallies ----------------------------------------------


@kernel
def afternoon(
    rng: np.random.Generator,
    arrays: tuple,
    who: np.ndarray,
    stay_free: np.ndarray,
    geometry: tuple,
    arrest: tuple,
    moving: tuple,
    storming: tuple,
    jailing: tuple,
) -> tuple[int, int, int, int, int, int, int, int]:
    """Arrests, moves (one try per mover), storming and the day's tallies in one call, drawing from
    ``rng`` (the city's numpy Generator) in the numpy engine's order. ``stay_free`` is
    expm1(-hazard) of the actives ``who``, computed by numpy; ``jailing`` how terms are drawn
    (``jail.jail_terms``). Returns (police who fled, arrests, tallies...)."""
    a = CityArrays(*arrays)
    state, pos, patrol_pos, site_cell = a.state, a.pos, a.patrol_pos, a.site_cell
    arrests = 0
    if patrol_pos.size and who.size:
        caught = jail_caught(who, stay_free, rng.random(who.size), state)
        terms = jail_terms(rng, caught.size, jailing)
        jail = a.jail
        for i in range(caught.size):
            jail[caught[i]] = terms[i]
        arrests = caught.size
    if MoveTables(*moving).movement:
        move(rng, state, pos, patrol_pos, a.occupied, a.claim, site_cell.size, geometry, moving)
    fled = 0
    if site_cell.size:
        fled = storm(
            state,
            pos,
            patrol_pos,
            site_cell,
            a.site_held,
            a.police_guards,
            a.troop_guards,
            storming,
        )
    q, act, j, held, patrol, posted = tallies(state, a.site_held, a.patrol_owner, a.police_guards)
    return fled, arrests, q, act, j, held, patrol, posted


@kernel
def jail_caught(
    who: np.ndarray, stay_free: np.ndarray, draws: np.ndarray, state: np.ndarray
) -> np.ndarray:
    """Arrest each active ``who[i]`` whose ``draws[i]`` (uniform) is below 1 - exp(-hazard), given
    as ``stay_free`` = expm1(-hazard) computed by numpy. Returns the arrested."""
    caught = np.empty(who.size, dtype=np.int64)
    n = 0
    for i in range(who.size):
        if draws[i] < -stay_free[i]:
            caught[n] = who[i]
            state[who[i]] = JAILED
            n += 1
    return caught[:n]


@kernel
def tallies(
    state: np.ndarray, site_held: np.ndarray, patrol_owner: np.ndarray, police_guards: np.ndarray
) -> tuple[int, int, int, int, int, int]:
    """Quiet, active and jailed citizens, sites held, police patrols, police guards."""
    counts = np.zeros(3, dtype=np.int64)
    for v in state:
        counts[v] += 1
    held = 0
    for h in site_held:
        held += h
    patrol = 0
    for o in patrol_owner:
        patrol += o == POLICE
    return counts[QUIET], counts[ACTIVE], counts[JAILED], held, patrol, police_guards.sum()
