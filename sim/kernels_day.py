"""Compiled kernels for the rest of the city's day: jail, arrests, moves, storming, counts.

Companions of ``sim.kernels`` (see its docstring: same results as the numpy engine, random draws
left to numpy). Used by :class:`sim.city_compiled.CompiledCity`.
"""

from __future__ import annotations

import numpy as np

from .kernels import _compile, window_cells


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
def targets(src, pick, dy, dx, height, width, torus, occupied, dst, free):
    """The cell at offset ``pick`` from each ``src``, and whether it is on the grid and empty."""
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
def state_counts(state):
    """How many citizens are quiet, active and jailed."""
    counts = np.zeros(3, dtype=np.int64)
    for v in state:
        counts[v] += 1
    return counts


@_compile
def count_down(jail, acting):
    """Jail terms count down by a day; ``acting`` marks who was not serving (free to act today)."""
    for i in range(jail.size):
        serving = jail[i] > 0
        if serving:
            jail[i] -= 1
        acting[i] = not serving


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
