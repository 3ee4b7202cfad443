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

Imports only ``sim.kernels`` (the same window sums, compiled).
"""

from __future__ import annotations

import numpy as np

from . import kernels

_ROW_LOOP_MIN_WIDTH = 192  # prefix sums down long columns: a loop over rows beats numpy's strided scan


def offsets(radius: int, kind: str) -> np.ndarray:
    """The (dy, dx) offsets of a neighbourhood, centre excluded, as an (n, 2) int array."""
    r = np.arange(-radius, radius + 1)
    dy, dx = np.meshgrid(r, r, indexing="ij")
    dy, dx = dy.ravel(), dx.ravel()
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


class WindowSum:
    """Sums of a (height, width) grid over each cell's neighbourhood, centre included.

    Args:
        height: grid rows.
        width: grid columns.
        radius: vision radius in cells.
        kind: ``"von_neumann"`` (diamond) or ``"moore"`` (square).
        torus: whether the grid wraps at its edges (else cells beyond the edge count as empty).
        compiled: use the compiled kernels (sim.kernels) rather than numpy; default: when available.

    Calling it with an integer grid returns the window sums as an int32 (height, width) array.
    The work buffers are allocated once and reused, so a call costs a fixed number of passes over
    the grid and no large allocation. Both engines give identical sums.
    """

    def __init__(self, height: int, width: int, radius: int, kind: str, torus: bool, compiled: bool | None = None):
        if kind not in ("von_neumann", "moore"):
            raise ValueError(f"unknown neighbourhood {kind!r}; allowed: 'von_neumann', 'moore'")
        self.height, self.width, self.radius, self.kind, self.torus = height, width, radius, kind, torus
        self.compiled = kernels.ENABLED if compiled is None else compiled
        r = radius
        if self.compiled:  # the grid padded by r + 1 on each side, and its prefix sums
            self._rows = kernels.padded_index(height, r + 1, torus)
            self._cols = kernels.padded_index(width, r + 1, torus)
            shape = (self._rows.size, self._cols.size)
            if kind == "von_neumann":  # prefix sums along both diagonals
                self._k = (np.empty(shape, dtype=np.int32), np.empty(shape, dtype=np.int32))
            else:  # the padded grid and its 2-D prefix sums
                self._k = (np.empty(shape, dtype=np.int32), np.empty((shape[0] + 1, shape[1] + 1), dtype=np.int32))
            self._out = np.empty((height, width), dtype=np.int32)
            return
        # The grid, padded by r on every side (wrapped on a torus, zeros otherwise), sits in a frame
        # with extra zero margins: top 1 and left 2r + 2 (so the sliding diamond starts from an
        # all-zero window), right 1. Frame rows are the padded rows; D is computed for the grid rows.
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
        f[t: t + h, c: c + w] = grid
        if self.torus and r:
            if r <= min(h, w):  # wrap: the last r columns to the left, the first r to the right, then rows
                f[t: t + h, c - r: c] = f[t: t + h, c + w - r: c + w]
                f[t: t + h, c + w: c + w + r] = f[t: t + h, c: c + r]
                f[t - r: t, c - r: c + w + r] = f[t + h - r: t + h, c - r: c + w + r]
                f[t + h: t + h + r, c - r: c + w + r] = f[t: t + r, c - r: c + w + r]
            else:  # vision wider than the grid: wrap cell line by cell line
                for k in range(1, r + 1):
                    f[t: t + h, c - k] = f[t: t + h, c + (w - k) % w]
                    f[t: t + h, c + w - 1 + k] = f[t: t + h, c + (k - 1) % w]
                for k in range(1, r + 1):
                    f[t - k, c - r: c + w + r] = f[t + (h - k) % h, c - r: c + w + r]
                    f[t + h - 1 + k, c - r: c + w + r] = f[t + (k - 1) % h, c - r: c + w + r]
        return f

    def kernel_args(self) -> tuple:
        """The arguments after ``grid`` of ``kernels.window_sum`` (compiled engine), for fused kernels."""
        return (self.kind == "von_neumann", self.radius, self._rows, self._cols, *self._k, self._out)

    def __call__(self, grid: np.ndarray, copy: bool = True) -> np.ndarray:
        """Window sums of ``grid`` (integer counts, shape (height, width)), same shape, centre included.

        With ``copy=False`` the compiled engine returns its own buffer, valid until the next call."""
        grid = np.asarray(grid).reshape(self.height, self.width)
        if self.compiled:
            out = kernels.window_sum(grid, *self.kernel_args())
            return out.copy() if copy else out
        f = self._fill(grid)
        if self.kind == "moore":
            return self._box(f)
        return self._diamond(f)

    def _box(self, f: np.ndarray) -> np.ndarray:
        r, h, w, t = self.radius, self.height, self.width, self._top
        k = 2 * r + 1
        cols = np.cumsum(f, axis=1, dtype=np.int32)          # prefix sums along each row
        rows = cols[:, self._left - 1 + k: self._left - 1 + k + w] - cols[:, self._left - 1: self._left - 1 + w]
        rows = np.ascontiguousarray(rows)                    # row windows of width k
        _cumsum_rows(rows, rows)                             # then prefix sums down the columns
        out = rows[t - 1 + k: t - 1 + k + h].copy()
        out -= rows[t - 1: t - 1 + h]
        return out

    def _diamond(self, f: np.ndarray) -> np.ndarray:
        r, h, w, wf = self.radius, self.height, self.width, self._wf
        # A(y, x) = sum_k F(y-k, x-k) and B(y, x) = sum_k F(y-k, x+k): prefix sums along both
        # diagonals. In the flat frame a diagonal step is a stride of wf + 1 (wf - 1), i.e. one row
        # down in the frame seen as rows of that width; chains that wrap at the frame's edges only
        # ever cross zero margins between the two ends of a segment we read.
        F, A, B = self._frame, self._diag, self._anti
        na, nb = (F.size // (wf + 1)) * (wf + 1), (F.size // (wf - 1)) * (wf - 1)
        _cumsum_rows(F[:na].reshape(-1, wf + 1), A[:na].reshape(-1, wf + 1))
        _cumsum_rows(F[:nb].reshape(-1, wf - 1), B[:nb].reshape(-1, wf - 1))
        # D(y, x) - D(y, x-1) = [right edge of D(y, x)] - [left edge of D(y, x-1)], for the grid
        # rows y and for every frame column x from x0, the first whose left neighbour's window
        # lies wholly in the zero margin:
        #   + B(y+r, x) - B(y-1, x+r+1)        lower-right edge: (y, x+r) .. (y+r, x)
        #   + A(y-1, x+r-1) - A(y-r-1, x-1)    upper-right edge: (y-r, x) .. (y-1, x+r-1)
        #   - A(y+r, x-1) + A(y-1, x-2-r)      lower-left edge of D(y, x-1): (y, x-1-r) .. (y+r, x-1)
        #   - B(y-1, x-r) + B(y-r-1, x)        upper-left edge of D(y, x-1): (y-r, x-1) .. (y-1, x-r)
        # Each term is one shifted contiguous slice of the flat arrays, starting at (y0, x0) and
        # running h frame rows; columns past the grid's last hold junk that is never read.
        y0, x0 = self._top + r, r + 2
        start, n = y0 * wf + x0, h * wf

        def at(M, dy, dx):
            s = start + dy * wf + dx
            return M[s: s + n]

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
        return self._inc[:, c: c + w].copy()
