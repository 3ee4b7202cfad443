"""Compiled kernels for the rest of the city's day: jail, arrests, moves, storming, counts.

Companions of ``sim.kernels`` (see its docstring: same results as the numpy engine, random draws
left to numpy). Used by :class:`sim.city_compiled.CompiledCity`.
"""

from __future__ import annotations

import numpy as np

from .kernels import _compile, epstein_rounds, window_cells


@_compile
def actives(state):
    """Indices of the active citizens."""
    n = 0
    for i in range(state.size):
        n += state[i] == 1
    who = np.empty(n, dtype=np.int64)
    n = 0
    for i in range(state.size):
        if state[i] == 1:
            who[n] = i
            n += 1
    return who


@_compile
def jail_caught(who, stay_free, draws, state):
    """Arrest each active ``who[i]`` whose ``draws[i]`` (uniform) is below 1 - exp(-hazard), given as
    ``stay_free`` = expm1(-hazard) computed by numpy. Returns the arrested."""
    caught = np.empty(who.size, dtype=np.int64)
    n = 0
    for i in range(who.size):
        if draws[i] < -stay_free[i]:
            caught[n] = who[i]
            state[who[i]] = 2
            n += 1
    return caught[:n]


@_compile
def movers(state, pos, patrol_pos):
    """The citizens who move (all but the jailed), and the cells every mover starts from (citizens, then patrols)."""
    n = 0
    for i in range(state.size):
        if state[i] != 2:
            n += 1
    who = np.empty(n, dtype=np.int64)
    src = np.empty(n + patrol_pos.size, dtype=np.int32)
    n = 0
    for i in range(state.size):
        if state[i] != 2:
            who[n] = i
            src[n] = pos[i]
            n += 1
    src[n:] = patrol_pos
    return who, src


@_compile
def heading(state, movers_c, draws, pull):
    """The movers who head for a site: active ones whose draw is below ``pull``."""
    keep = np.empty(movers_c.size, dtype=np.int64)
    n = 0
    for i in range(movers_c.size):
        if state[movers_c[i]] == 1 and draws[i] < pull:
            keep[n] = i
            n += 1
    return keep[:n]


@_compile
def targets(src, pick, dy, dx, height, width, torus, occupied):
    """The cell at offset ``pick`` from each ``src``, and whether it is on the grid and empty."""
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


@_compile
def settle_moves(order, cand, src, dst, claim, occupied, n_citizens, movers, pos, patrol_pos):
    """Movers ``cand`` (ascending) claim their targets in random ``order``; the last claim on a cell
    stands. Winners move: citizens (index < n_citizens, ``movers`` maps to the citizen) and patrols."""
    for c in order:
        claim[dst[c]] = c
    for c in cand:
        if claim[dst[c]] != c:
            continue
        occupied[src[c]] = False
        occupied[dst[c]] = True
        if c < n_citizens:
            pos[movers[c]] = dst[c]
        else:
            patrol_pos[c - n_citizens] = dst[c]


@_compile
def paint_ones(grid, cells):
    """A fresh map: 1 on ``cells``, 0 elsewhere."""
    grid[:] = 0
    for c in cells:
        grid[c] = 1


@_compile
def paint_values(grid, cells, values):
    """A fresh map: ``values`` on ``cells``, 0 elsewhere."""
    grid[:] = 0
    for i in range(cells.size):
        grid[cells[i]] = values[i]


@_compile
def evening(grid, site_window, pos, state, patrol_pos, site_cell, police_guards, troop_guards, min_actives, ratio,
            site_held, patrol_owner):
    """Storming (``storm``, when there are sites), then the day's ``tallies``. Returns (police who
    fled, tallies...)."""
    fled = 0
    if site_cell.size:
        guards = police_guards + troop_guards.sum(axis=1)
        fled = storm(grid, site_window, pos, state, patrol_pos, site_cell, guards, min_actives, ratio, site_held,
                     police_guards)
    q, a, j, held, patrol, posted = tallies(state, site_held, patrol_owner, police_guards)
    return fled, q, a, j, held, patrol, posted


@_compile
def tallies(state, site_held, patrol_owner, police_guards):
    """Quiet, active and jailed citizens, sites held, police patrols (owner 0), police guards."""
    counts = np.zeros(3, dtype=np.int64)
    for v in state:
        counts[v] += 1
    held = 0
    for h in site_held:
        held += h
    patrol = 0
    for o in patrol_owner:
        patrol += o == 0
    return counts[0], counts[1], counts[2], held, patrol, police_guards.sum()


@_compile
def count_down(jail, acting):
    """Jail terms count down by a day; ``acting`` marks who was not serving (free to act today)."""
    for i in range(jail.size):
        serving = jail[i] > 0
        if serving:
            jail[i] -= 1
        acting[i] = not serving


@_compile
def aim(src, pick, heading, tries, dy, dx, dist_map, margin, height, width, torus, occupied):
    """``steer`` the movers heading for a site, then every mover's ``targets``."""
    steer(src, heading, tries, dy, dx, dist_map, width, margin, pick)
    return targets(src, pick, dy, dx, height, width, torus, occupied)


@_compile
def steer(src, heading, tries, dy, dx, dist_map, width, margin, pick):
    """Each mover ``heading`` picks, of its ``tries`` (offset indices), the first nearest a site.

    ``dist_map`` is the distance to the nearest site on the grid padded by ``margin`` cells."""
    stride = width + 2 * margin
    for i in range(heading.size):
        c = src[heading[i]]
        y, x = c // width + margin, c % width + margin
        best, best_d = tries[i, 0], dist_map[(y + dy[tries[i, 0]]) * stride + x + dx[tries[i, 0]]]
        for t in range(1, tries.shape[1]):
            o = tries[i, t]
            d = dist_map[(y + dy[o]) * stride + x + dx[o]]
            if d < best_d:
                best, best_d = o, d
        pick[heading[i]] = best


@_compile
def storm(grid, site_window, pos, state, patrol_pos, site_cell, guards, min_actives, ratio, site_held,
          police_guards):
    """Sites overrun by actives fall, and their police guards flee; lost sites with guards again and
    no longer overrun are retaken (``City._storm``). Updates ``site_held``, ``police_guards``; returns
    how many police fled.

    A site's window lists its cells; cells off the grid point at a spare cell that stays 0."""
    n_sites, k = site_window.shape
    actives = np.zeros(n_sites, dtype=np.int64)
    security = np.zeros(n_sites, dtype=np.int64)
    grid[:] = 0
    for i in range(pos.size):
        if state[i] == 1:
            grid[pos[i]] = 1
    for s in range(n_sites):
        for t in range(k):
            actives[s] += grid[site_window[s, t]]
    grid[:] = 0
    for c in patrol_pos:
        grid[c] = 1
    for s in range(n_sites):  # sites hold no patrol
        grid[site_cell[s]] = guards[s]
    fled = 0
    for s in range(n_sites):
        for t in range(k):
            security[s] += grid[site_window[s, t]]
        overrun = actives[s] >= min_actives and actives[s] > ratio * security[s]
        if site_held[s] and overrun:
            fled += police_guards[s]
            police_guards[s] = 0
            site_held[s] = False
        elif not site_held[s] and not overrun and security[s] > 0:
            site_held[s] = True
    return fled


@_compile
def morning(jail, acting, rounds, grid, patrol_pos, site_cell, police_guards, troop_guards, pos, state, grievance,
            risk_aversion, arrest_p, threshold, shift, see_dy, see_dx, torus, diamond, r, rows, cols, X, Y, out,
            cop_dy, cop_dx, escape):
    """Jail countdown, the day's rounds of Epstein's rule and the arrest hazard patrol by patrol, in one
    call. Returns (True, actives, hazard), or (False, ...) having only counted down the jail when the
    guards are too many to pack both counts (the caller then runs the rounds and the hazard itself)."""
    count_down(jail, acting)
    if not epstein_rounds(rounds, grid, patrol_pos, site_cell, police_guards, troop_guards, pos, state, acting,
                          grievance, risk_aversion, arrest_p, threshold, shift, see_dy, see_dx, torus, diamond, r,
                          rows, cols, X, Y, out):
        return False, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    height, width = out.shape
    who, hazard = active_hazard(state, pos, grid.ravel(), patrol_pos, cop_dy, cop_dx, height, width, torus, escape)
    return True, who, hazard


@_compile
def active_hazard(state, pos, active_map, patrol_pos, dy, dx, height, width, torus, escape):
    """The active citizens and their arrest hazard patrol by patrol (``hazard_by_patrol``), in one call."""
    who = actives(state)
    cells = np.empty(who.size, dtype=np.int64)
    active_map[:] = 0
    for i in range(who.size):
        cells[i] = pos[who[i]]
        active_map[cells[i]] = 1
    return who, hazard_by_patrol(active_map, patrol_pos, dy, dx, height, width, torus, escape, cells)


@_compile
def hazard_by_patrol(active_map, patrol_pos, dy, dx, height, width, torus, escape, cells):
    """The arrest hazard at ``cells`` (fixed point), patrol by patrol over the cells each one sees.

    The same sums as the window-sum path: a patrol that sees A actives (``active_map`` over its
    offsets ``dy``/``dx``) adds ``escape[A]`` to each of them. Costs patrols x window cells, so it
    is used only where that is below a window sum's cost (see CompiledCity._hazard)."""
    field = np.zeros(active_map.size, dtype=np.int64)
    buf = np.empty(dy.size, dtype=np.int64)
    for p in range(patrol_pos.size):
        n = window_cells(patrol_pos[p], dy, dx, height, width, torus, buf)
        seen = 0
        for k in range(n):
            seen += active_map[buf[k]]
        if seen:
            for k in range(n):
                if active_map[buf[k]]:
                    field[buf[k]] += escape[seen]
    out = np.empty(cells.size, dtype=np.int64)
    for i in range(cells.size):
        out[i] = field[cells[i]]
    return out


@_compile
def afternoon(rng, who, stay_free, state, jail, max_jail, movement, pos, patrol_pos, n_offsets, pull, dy, dx,
              dist_map, margin, height, width, torus, occupied, claim, storm_grid, site_window, site_cell,
              police_guards, troop_guards, min_actives, ratio, site_held, patrol_owner):
    """Arrests, moves, storming and the day's tallies in one call: ``City._arrest``, ``City._move`` (one
    try per mover) and ``City._evening``, drawing from ``rng`` (the city's numpy Generator; numba
    draws the same numbers as numpy) in the same order. ``stay_free`` is expm1(-hazard) of the actives
    ``who``, computed by numpy. Returns (police who fled, tallies...)."""
    if patrol_pos.size and who.size:
        caught = jail_caught(who, stay_free, rng.random(who.size), state)
        terms = rng.integers(0, max_jail + 1, caught.size)
        for i in range(caught.size):
            jail[caught[i]] = terms[i]
    if movement:
        movers_c, src = movers(state, pos, patrol_pos)
        if src.size:
            pick = rng.integers(0, n_offsets, src.size, np.int32)
            if pull > 0 and site_cell.size:
                going = heading(state, movers_c, rng.random(movers_c.size), pull)
                tries = rng.integers(0, n_offsets, (going.size, 4))
                dst, free = aim(src, pick, going, tries, dy, dx, dist_map, margin, height, width, torus, occupied)
            else:
                dst, free = targets(src, pick, dy, dx, height, width, torus, occupied)
            cand = np.flatnonzero(free)
            order = rng.permutation(cand).astype(np.int32)
            settle_moves(order, cand, src, dst, claim, occupied, movers_c.size, movers_c, pos, patrol_pos)
    return evening(storm_grid, site_window, pos, state, patrol_pos, site_cell, police_guards, troop_guards,
                   min_actives, ratio, site_held, patrol_owner)
