"""Compiled inner loops of the protester engine (numba), giving the numpy code's results exactly.

The city's rules are written twice: as whole-array numpy operations (``sim.city``,
``sim.neighborhood``: the reference, readable and fast on big grids) and here as loops compiled by
numba, which fuse the dozen array passes of one rule into one pass and so win where the city is
small and numpy's per-call overhead dominates (the 60x60 scenarios: see benchmarks/README.md).
Every kernel is deterministic and integer-exact or uses the numpy results it is handed (lookup
tables), so both engines give bit-identical runs; tests/test_kernels.py checks that. Random draws
stay in numpy, on the component's own stream.

This module holds the window sums and Epstein's rule; ``sim.kernels_day`` the kernels for jail,
arrests, moves and storming. ``ENABLED`` is False when numba cannot be imported or
``SIM_ENGINE=numpy`` is set; the city then uses the numpy engine. Imports nothing of ours.
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
def paint_packed(grid, patrol_pos, site_cell, police_guards, troop_guards, pos, state, shift):
    """The city in one grid for ``decide``: each security agent counts 2**shift, each active 1."""
    grid[:] = 0
    for c in patrol_pos:
        grid[c] = 1 << shift
    for s in range(site_cell.size):  # sites hold no citizen and no patrol
        grid[site_cell[s]] = (police_guards[s] + troop_guards[s].sum()) << shift
    for i in range(pos.size):  # a citizen's cell holds nothing else
        if state[i] == 1:
            grid[pos[i]] = 1


@_compile
def epstein_rounds(rounds, grid, patrol_pos, site_cell, police_guards, troop_guards, pos, state, acting, grievance,
                   risk_aversion, arrest_p, threshold, shift, dy, dx, torus, diamond, r, rows, cols, X, Y, out):
    """Up to ``rounds`` rounds of Epstein's rule until nobody changes (``City._contagion``).

    The first round window-sums the packed city; later rounds update those sums around the
    citizens who turned active or stopped (each adds or takes 1 over its window, offsets ``dy``/``dx``
    with the centre), which gives the same sums as a new window sum at a fraction of the cost while
    few change, then decide again. Returns False, having done nothing, when the guards are too many
    to pack both counts in one grid (window cells + guards >= 2**shift)."""
    if dy.size + police_guards.sum() + troop_guards.sum() >= 1 << shift:
        return False
    height, width = out.shape
    flips = np.empty(pos.size, dtype=np.int32)
    buf = np.empty(dy.size, dtype=np.int64)
    seen = out.ravel()
    n_flips = -1
    for k in range(rounds):
        if k == 0 or n_flips * dy.size > 4 * grid.size:  # many changed: a new window sum is cheaper
            paint_packed(grid, patrol_pos, site_cell, police_guards, troop_guards, pos, state, shift)
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
    return True


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
