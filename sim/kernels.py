"""Compiled inner loops of the protester engine (numba), giving the numpy code's results exactly.

The city's rules are written twice: as whole-array numpy operations (``sim.city``,
``sim.neighborhood``: the reference, readable and fast on big grids) and here as loops compiled by
numba, which fuse the dozen array passes of one rule into one pass and so win where the city is
small and numpy's per-call overhead dominates (the 60x60 scenarios: see benchmarks/README.md).
Every kernel is deterministic and integer-exact or uses the numpy results it is handed (lookup
tables), so both engines give bit-identical runs; tests/test_kernels.py checks that. Random draws
stay in numpy, on the component's own stream.

``ENABLED`` is False when numba cannot be imported or ``SIM_ENGINE=numpy`` is set; the city then
uses the numpy path. Imports nothing of ours.
"""

from __future__ import annotations

import os

import numpy as np

try:  # numba is a dependency, but the model must still run where it cannot be installed
    from numba import njit
except ImportError:  # pragma: no cover - exercised only without numba
    njit = None

ENABLED = njit is not None and os.environ.get("SIM_ENGINE", "numba").lower() != "numpy"


def _compile(fn):
    return njit(cache=True, nogil=True, error_model="numpy")(fn) if njit is not None else fn


def padded_index(n: int, margin: int, torus: bool) -> np.ndarray:
    """Source index of each padded line -margin .. n - 1 + margin: wrapped on a torus, -1 off the grid."""
    idx = np.arange(-margin, n + margin)
    if torus:
        return (idx % n).astype(np.int64)
    return np.where((idx >= 0) & (idx < n), idx, -1).astype(np.int64)


@_compile
def _pad(grid, rows, cols, P):
    """P[i, j] = grid[rows[i], cols[j]], zero where either index is -1 (off a bounded grid)."""
    for i in range(P.shape[0]):
        y = rows[i]
        if y < 0:
            P[i, :] = 0
            continue
        for j in range(P.shape[1]):
            x = cols[j]
            P[i, j] = grid[y, x] if x >= 0 else 0


@_compile
def diamond_sum(grid, r, rows, cols, A, B, out):
    """Window sums over the diamond |dy| + |dx| <= r of every cell; O(1) per cell whatever r.

    A and B are prefix sums along the two diagonals of the grid padded by r + 1 on every side
    (``rows``/``cols`` from ``padded_index``). Sliding a diamond one column right gains its right
    edge (an upper-right diagonal and a lower-right anti-diagonal segment) and loses the old left
    edge (two more): four segment sums, eight lookups. Arithmetic wraps in int32 like the numpy
    path; only differences are used, so every window sum is exact.
    """
    h, w = grid.shape
    H, W = A.shape
    zero = np.int32(0)
    for i in range(H):  # A(i, j) = P(i, j) + A(i-1, j-1), B(i, j) = P(i, j) + B(i-1, j+1)
        y, ai, bi = rows[i], A[i], B[i]
        if i == 0 or y < 0:
            for j in range(W):
                v = grid[y, cols[j]] if (y >= 0 and cols[j] >= 0) else zero
                ai[j] = v + (A[i - 1, j - 1] if i > 0 and j > 0 else zero)
                bi[j] = v + (B[i - 1, j + 1] if i > 0 and j < W - 1 else zero)
            continue
        g, ap, bp = grid[y], A[i - 1], B[i - 1]
        for j in range(W):
            v = g[cols[j]] if cols[j] >= 0 else zero
            ai[j] = v + (ap[j - 1] if j > 0 else zero)
            bi[j] = v + (bp[j + 1] if j < W - 1 else zero)
    o = r + 1
    for y in range(h):
        i = y + o
        d = 0
        for u in range(-r, r + 1):  # the row's first window: one diagonal segment per dy - dx = u
            v = r if (r - u) % 2 == 0 else r - 1  # dy + dx runs over -v, -v + 2, ..., v
            d += A[i + (u + v) // 2, o + (v - u) // 2] - A[i + (u - v) // 2 - 1, o + (-v - u) // 2 - 1]
        out[y, 0] = d
        for x in range(1, w):
            j = x + o
            d += ((A[i, j + r] - A[i - r - 1, j - 1]) + (B[i + r, j] - B[i, j + r])  # gained right edge
                  - (B[i, j - 1 - r] - B[i - r - 1, j]) - (A[i + r, j - 1] - A[i, j - 1 - r]))  # lost left edge
            out[y, x] = d
    return out


@_compile
def box_sum(grid, r, rows, cols, P, S, out):
    """Window sums over the square max(|dy|, |dx|) <= r of every cell, from 2-D prefix sums S of P."""
    h, w = grid.shape
    H, W = P.shape
    _pad(grid, rows, cols, P)
    for j in range(W + 1):
        S[0, j] = 0
    for i in range(H):
        S[i + 1, 0] = 0
        run = 0
        for j in range(W):
            run += P[i, j]
            S[i + 1, j + 1] = S[i, j + 1] + run
    o = r + 1
    for y in range(h):
        top, bottom = y + o - r, y + o + r + 1
        for x in range(w):
            left, right = x + o - r, x + o + r + 1
            out[y, x] = S[bottom, right] - S[top, right] - S[bottom, left] + S[top, left]
    return out


@_compile
def window_sum(grid, diamond, r, rows, cols, X, Y, out):
    """``diamond_sum`` (X, Y: the diagonal prefix sums) or ``box_sum`` (X: padded grid, Y: prefix sums)."""
    if diamond:
        return diamond_sum(grid, r, rows, cols, X, Y, out)
    return box_sum(grid, r, rows, cols, X, Y, out)


@_compile
def decide(seen, pos, state, acting, grievance, risk_aversion, arrest_p, threshold, shift, flips):
    """Epstein's rule for every free citizen, on the window sums ``seen`` of the packed city.

    ``seen[cell]`` holds security agents in vision in its high bits (``>> shift``) and actives in
    the low bits; ``arrest_p[n]`` is 1 - exp(-k n) as numpy computes it in float32, so n = round(C / A)
    indexes it (the last entry stands for every larger n). Citizens who turn active or stop being
    active are listed in ``flips``. Returns (how many changed, how many flipped).
    """
    mask = (1 << shift) - 1
    last = arrest_p.size - 1
    changed = 0
    n_flips = 0
    for i in range(pos.size):
        if not acting[i]:
            continue
        both = np.uint32(seen[pos[i]])
        cops = np.float32(both >> shift)
        was = state[i]                                     # quiet 0, active 1, or 2: jailed, released today
        a = np.float32((both & mask) + 1 - (was == 1))     # A: actives in vision, counting itself
        n = int(np.rint(cops / a))                         # round(C / A), half to even
        p = arrest_p[min(n, last)]                         # P = 1 - exp(-k round(C / A))
        rp = np.float32(p * risk_aversion[i])              # R P
        now = 1 if grievance[i] - rp > threshold else 0    # active iff G - R P > T
        if now != was:
            state[i] = now
            changed += 1
            if now == 1 or was == 1:
                flips[n_flips] = i
                n_flips += 1
    return changed, n_flips


@_compile
def paint_packed(grid, patrol_pos, site_cell, guards, pos, state, shift):
    """The city in one grid for ``decide``: each security agent counts 2**shift, each active 1."""
    grid[:] = 0
    for c in patrol_pos:
        grid[c] = 1 << shift
    for s in range(site_cell.size):  # sites hold no citizen and no patrol
        grid[site_cell[s]] = guards[s] << shift
    for i in range(pos.size):  # a citizen's cell holds nothing else
        if state[i] == 1:
            grid[pos[i]] = 1


@_compile
def epstein_rounds(rounds, grid, patrol_pos, site_cell, guards, pos, state, acting, grievance, risk_aversion,
                   arrest_p, threshold, shift, dy, dx, torus, diamond, r, rows, cols, X, Y, out):
    """Up to ``rounds`` rounds of Epstein's rule until nobody changes (``City.step``).

    The first round window-sums the packed city; later rounds update those sums around the
    citizens who turned active or stopped (each adds or takes 1 over its window, offsets ``dy``/``dx``
    with the centre), which gives the same sums as a new window sum at a fraction of the cost while
    few change, then decide again."""
    height, width = out.shape
    flips = np.empty(pos.size, dtype=np.int32)
    buf = np.empty(dy.size, dtype=np.int64)
    seen = out.ravel()
    n_flips = -1
    for k in range(rounds):
        if k == 0 or n_flips * dy.size > 4 * grid.size:  # many changed: a new window sum is cheaper
            paint_packed(grid, patrol_pos, site_cell, guards, pos, state, shift)
            seen = window_sum(grid.reshape(out.shape), diamond, r, rows, cols, X, Y, out).ravel()
        else:
            for t in range(n_flips):
                i = flips[t]
                n = window_cells(pos[i], dy, dx, height, width, torus, buf)
                sign = 1 if state[i] == 1 else -1  # turned active, or stopped
                for q in range(n):
                    seen[buf[q]] += sign
        changed, n_flips = decide(seen, pos, state, acting, grievance, risk_aversion, arrest_p, threshold, shift,
                                  flips)
        if changed == 0:
            break


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
def window_cells(cell, dy, dx, height, width, torus, buf):
    """The cells at offsets ``dy``/``dx`` from ``cell`` that lie on the grid (wrapped on a torus),
    into ``buf``; returns how many."""
    y0, x0 = cell // width, cell % width
    n = 0
    for k in range(dy.size):
        y, x = y0 + dy[k], x0 + dx[k]
        if torus:
            y %= height
            x %= width
        elif y < 0 or y >= height or x < 0 or x >= width:
            continue
        buf[n] = y * width + x
        n += 1
    return n


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
