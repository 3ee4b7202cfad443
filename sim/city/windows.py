"""Counting what an agent sees: window sums over a grid in O(1) per cell, whatever the vision.

Epstein's agents count cops and actives within their vision. Every count here is a *window sum*:
the sum of a per-cell grid over each cell's neighbourhood, computed for all cells at once from
prefix sums, so its cost per cell does not depend on the vision radius r.

* A square (Moore) window is a box: prefix sums along rows, then along columns, and four lookups.
* A diamond (von Neumann) window, |dy| + |dx| <= r, is summed by sliding it one column to the
  right: the cells it gains form its right edge (two diagonal segments, a ">" of 2r + 1 cells) and
  the cells it loses its old left edge (a "<"). With prefix sums along both diagonals each segment
  costs two lookups, so the change from one column to the next is eight lookups, and a prefix sum
  along each row turns the changes into the window sums.

All prefix sums run in int32 and may wrap around: only differences of prefix sums are used and
each true difference (a window sum) fits in int32, so two's complement arithmetic gives it exactly.

Both engines' window sums live here: whole-array numpy (:class:`WindowSum` with ``compiled=False``)
and numba kernels (``window_sum``, which the compiled day's kernels also call), giving identical
sums (tests/test_city.py checks both against brute force).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import jit
from .jit import kernel
from .state import Geometry

# prefix sums down long columns: a loop over rows beats numpy's strided scan
_ROW_LOOP_MIN_WIDTH = 192


def offsets(radius: int, kind: str) -> np.ndarray:
    """The (dy, dx) offsets of a neighbourhood, centre excluded, as an (n, 2) int array."""
    r = np.arange(-radius, radius + 1)
    dy_grid, dx_grid = np.meshgrid(r, r, indexing="ij")
    dy, dx = dy_grid.ravel(), dx_grid.ravel()
    keep = (dy != 0) | (dx != 0)
    if kind == "von_neumann":
        keep &= np.abs(dy) + np.abs(dx) <= radius
    elif kind != "moore":
        raise ValueError(f"unknown neighbourhood {kind!r}; allowed: 'von_neumann', 'moore'")
    return np.stack([dy[keep], dx[keep]], axis=1).astype(np.int32)


def _cumsum_rows(src: np.ndarray, dst: np.ndarray) -> None:
    """dst[i] = src[0] + ... + src[i] down the rows of C-contiguous 2-D int32 arrays."""
    if src.shape[1] < _ROW_LOOP_MIN_WIDTH:
        np.cumsum(src, axis=0, out=dst)
        return
    dst[0] = src[0]
    for i in range(1, src.shape[0]):  # one vectorised add per row: contiguous, cache-friendly
        np.add(dst[i - 1], src[i], out=dst[i])


class WindowBuffers(NamedTuple):
    """What the compiled window sum (``window_sum``) needs besides the grid: the window's shape, the
    source index of each line of the padded grid, and work buffers reused from call to call.
    Kernels are handed it spread (``window_sum(grid, *buffers)``) or as a plain tuple."""

    diamond: bool  # von Neumann (diamond) window, else Moore (square)
    radius: int
    rows: np.ndarray  # padded_index of the rows: source row of each padded row, -1 off the grid
    cols: np.ndarray  # the same for the columns
    first: np.ndarray  # diamond: prefix sums along the diagonals; square: the padded grid
    second: np.ndarray  # diamond: along the anti-diagonals; square: its 2-D prefix sums
    out: np.ndarray  # the window sums, (height, width) int32


class WindowSum:
    """Sums of a (height, width) grid over each cell's neighbourhood, centre included.

    Args:
        height: grid rows.
        width: grid columns.
        radius: vision radius in cells.
        kind: ``"von_neumann"`` (diamond) or ``"moore"`` (square).
        torus: whether the grid wraps at its edges (else cells beyond the edge count as empty).
        compiled: use the compiled kernel (``window_sum``) rather than numpy; default: when
            available (``sim.city.jit.ENABLED``).

    Calling it with an integer grid returns the window sums as an int32 (height, width) array.
    The work buffers are allocated once and reused, so a call costs a fixed number of passes over
    the grid and no large allocation. Both engines give identical sums.
    """

    def __init__(
        self,
        height: int,
        width: int,
        radius: int,
        kind: str,
        torus: bool,
        compiled: bool | None = None,
    ):
        if kind not in ("von_neumann", "moore"):
            raise ValueError(f"unknown neighbourhood {kind!r}; allowed: 'von_neumann', 'moore'")
        self.height, self.width, self.radius, self.kind, self.torus = (
            height,
            width,
            radius,
            kind,
            torus,
        )
        self.compiled = jit.ENABLED if compiled is None else compiled
        r = radius
        if self.compiled:  # the grid padded by r + 1 on each side, and its prefix sums
            rows, cols = padded_index(height, r + 1, torus), padded_index(width, r + 1, torus)
            shape = (rows.size, cols.size)
            diamond = kind == "von_neumann"
            second = shape if diamond else (shape[0] + 1, shape[1] + 1)
            self.buffers = WindowBuffers(
                diamond,
                r,
                rows,
                cols,
                np.empty(shape, dtype=np.int32),
                np.empty(second, dtype=np.int32),
                np.empty((height, width), dtype=np.int32),
            )
            return
        # The grid, padded by r on every side (wrapped on a torus, zeros otherwise), sits in a frame
        # with extra zero margins: top 1 and left 2r + 2 (so the sliding diamond starts from an
        # all-zero window), right 1. Frame rows are the padded rows; D is computed for the grid
        # rows.
        self._top, self._left = (1, 2 * r + 2) if kind == "von_neumann" else (1, 1)
        self._hf = self._top + height + 2 * r
        self._wf = self._left + width + 2 * r + 1
        size = self._hf * self._wf
        if kind == "von_neumann":
            # spare rows: the frame reshapes to rows of width wf + 1 and wf - 1, and the last
            # shifted slice of _diamond runs up to r + 1 cells past the frame
            size = (self._hf + 3) * (self._wf + 1)
        self._frame = np.zeros(size, dtype=np.int32)
        self._diag = np.empty(size, dtype=np.int32) if kind == "von_neumann" else None
        self._anti = np.empty(size, dtype=np.int32) if kind == "von_neumann" else None
        self._inc = np.empty((height, self._wf), dtype=np.int32)

    def _fill(self, grid: np.ndarray) -> np.ndarray:
        """Copy ``grid`` into the frame (wrapping its edges on a torus); return the frame as 2-D."""
        r, h, w = self.radius, self.height, self.width
        f = self._frame[: self._hf * self._wf].reshape(self._hf, self._wf)
        t, c = self._top + r, self._left + r
        f[t : t + h, c : c + w] = grid
        if self.torus and r:
            if r <= min(
                h, w
            ):  # wrap: the last r columns to the left, the first r to the right, then rows
                f[t : t + h, c - r : c] = f[t : t + h, c + w - r : c + w]
                f[t : t + h, c + w : c + w + r] = f[t : t + h, c : c + r]
                f[t - r : t, c - r : c + w + r] = f[t + h - r : t + h, c - r : c + w + r]
                f[t + h : t + h + r, c - r : c + w + r] = f[t : t + r, c - r : c + w + r]
            else:  # vision wider than the grid: wrap cell line by cell line
                for k in range(1, r + 1):
                    f[t : t + h, c - k] = f[t : t + h, c + (w - k) % w]
                    f[t : t + h, c + w - 1 + k] = f[t : t + h, c + (k - 1) % w]
                for k in range(1, r + 1):
                    f[t - k, c - r : c + w + r] = f[t + (h - k) % h, c - r : c + w + r]
                    f[t + h - 1 + k, c - r : c + w + r] = f[t + (k - 1) % h, c - r : c + w + r]
        return f

    def __call__(self, grid: np.ndarray, copy: bool = True) -> np.ndarray:
        """Window sums of ``grid`` (integer counts, shape (height, width)), same shape, centre
        included.

        With ``copy=False`` the compiled engine returns its own buffer, valid until the next
        call."""
        grid = np.asarray(grid).reshape(self.height, self.width)
        if self.compiled:
            out = window_sum(grid, *self.buffers)
            return out.copy() if copy else out
        f = self._fill(grid)
        if self.kind == "moore":
            return self._box(f)
        return self._diamond(f)

    def _box(self, f: np.ndarray) -> np.ndarray:
        r, h, w, t = self.radius, self.height, self.width, self._top
        k = 2 * r + 1
        cols = np.cumsum(f, axis=1, dtype=np.int32)  # prefix sums along each row
        rows = (
            cols[:, self._left - 1 + k : self._left - 1 + k + w]
            - cols[:, self._left - 1 : self._left - 1 + w]
        )
        rows = np.ascontiguousarray(rows)  # row windows of width k
        _cumsum_rows(rows, rows)  # then prefix sums down the columns
        out = rows[t - 1 + k : t - 1 + k + h].copy()
        out -= rows[t - 1 : t - 1 + h]
        return out

    def _diamond(self, f: np.ndarray) -> np.ndarray:
        r, h, w, wf = self.radius, self.height, self.width, self._wf
        # A(y, x) = sum_k F(y-k, x-k) and B(y, x) = sum_k F(y-k, x+k): prefix sums along both
        # diagonals. In the flat frame a diagonal step is a stride of wf + 1 (wf - 1), i.e. one row
        # down in the frame seen as rows of that width; chains that wrap at the frame's edges only
        # ever cross zero margins between the two ends of a segment we read.
        F, A, B = self._frame, self._diag, self._anti
        assert A is not None and B is not None  # built for von Neumann windows
        na, nb = (F.size // (wf + 1)) * (wf + 1), (F.size // (wf - 1)) * (wf - 1)
        _cumsum_rows(F[:na].reshape(-1, wf + 1), A[:na].reshape(-1, wf + 1))
        _cumsum_rows(F[:nb].reshape(-1, wf - 1), B[:nb].reshape(-1, wf - 1))
        # D(y, x) - D(y, x-1) = [right edge of D(y, x)] - [left edge of D(y, x-1)], for the grid
        # rows y and for every frame column x from x0, the first whose left neighbour's window
        # lies wholly in the zero margin:
        #   + B(y+r, x) - B(y-1, x+r+1)        lower-right edge: (y, x+r) .. (y+r, x)
        #   + A(y-1, x+r-1) - A(y-r-1, x-1)    upper-right edge: (y-r, x) .. (y-1, x+r-1)
        #   - A(y+r, x-1) + A(y-1, x-2-r)      lower-left edge of D(y, x-1):
        #                                        (y, x-1-r) .. (y+r, x-1)
        #   - B(y-1, x-r) + B(y-r-1, x)        upper-left edge of D(y, x-1):
        #                                        (y-r, x-1) .. (y-1, x-r)
        # Each term is one shifted contiguous slice of the flat arrays, starting at (y0, x0) and
        # running h frame rows; columns past the grid's last hold junk that is never read.
        y0, x0 = self._top + r, r + 2
        start, n = y0 * wf + x0, h * wf

        def at(M, dy, dx):
            s = start + dy * wf + dx
            return M[s : s + n]

        inc = self._inc.ravel()
        np.subtract(at(B, r, 0), at(B, -1, r + 1), out=inc)
        inc += at(A, -1, r - 1)
        inc -= at(A, -r - 1, -1)
        inc -= at(A, r, -1)
        inc += at(A, -1, -2 - r)
        inc -= at(B, -1, -r)
        inc += at(B, -r - 1, 0)
        np.cumsum(self._inc, axis=1, out=self._inc)
        c = self._left + r - x0  # column of grid column 0 in inc
        return self._inc[:, c : c + w].copy()


def padded_index(n: int, margin: int, torus: bool) -> np.ndarray:
    """Source index of each padded line -margin .. n - 1 + margin: wrapped on a torus, -1 off the
    grid."""
    idx = np.arange(-margin, n + margin)
    if torus:
        return (idx % n).astype(np.int64)
    return np.where((idx >= 0) & (idx < n), idx, -1).astype(np.int64)


@kernel
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


@kernel
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
            d += (
                A[i + (u + v) // 2, o + (v - u) // 2]
                - A[i + (u - v) // 2 - 1, o + (-v - u) // 2 - 1]
            )
        out[y, 0] = d
        for x in range(1, w):
            j = x + o
            gained = (A[i, j + r] - A[i - r - 1, j - 1]) + (B[i + r, j] - B[i, j + r])  # right edge
            lost = (B[i, j - 1 - r] - B[i - r - 1, j]) + (A[i + r, j - 1] - A[i, j - 1 - r])  # left
            d += gained - lost
            out[y, x] = d
    return out


@kernel
def box_sum(grid, r, rows, cols, P, S, out):
    """Window sums over the square max(|dy|, |dx|) <= r of every cell, from 2-D prefix sums S of
    P."""
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


@kernel
def window_sum(
    grid: np.ndarray,
    diamond: bool,
    radius: int,
    rows: np.ndarray,
    cols: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    out: np.ndarray,
) -> np.ndarray:
    """Window sums of ``grid`` into ``out``: ``diamond_sum`` or ``box_sum``. The arguments after
    ``grid`` are a :class:`WindowBuffers` (``WindowSum.buffers``), spread:
    ``window_sum(grid, *buffers)``."""
    if diamond:
        return diamond_sum(grid, radius, rows, cols, first, second, out)
    return box_sum(grid, radius, rows, cols, first, second, out)


@kernel
def window_cells(
    cell: int, dy: np.ndarray, dx: np.ndarray, geometry: tuple, buf: np.ndarray
) -> int:
    """The cells at offsets ``dy``/``dx`` from ``cell`` that lie on the grid (``geometry``: a
    :class:`~.state.Geometry`'s fields; wrapped on a torus), into ``buf``; returns how many."""
    g = Geometry(*geometry)
    height, width, torus = g.height, g.width, g.torus
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
