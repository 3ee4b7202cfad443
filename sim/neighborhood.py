"""Counting what an agent sees: window sums over a grid in O(1) per cell, whatever the vision.

Epstein's agents count cops and actives within their vision. Summing a window around every cell
with a summed-area table (an integral image) costs four lookups per cell, independent of the radius.
A square (Moore) window is a box on the grid itself. A diamond (von Neumann) window,
|dy| + |dx| <= r, is a box after rotating the grid by 45 degrees: with u = y + x and v = y - x,
|dy| + |dx| = max(|du|, |dv|), so the same trick applies on the rotated lattice.

Imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


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


@dataclass
class WindowSum:
    """Sums of a (height, width) grid over each cell's neighbourhood, centre included.

    Args:
        height: grid rows.
        width: grid columns.
        radius: vision radius in cells.
        kind: ``"von_neumann"`` (diamond) or ``"moore"`` (square).
        torus: whether the grid wraps at its edges.
    """

    height: int
    width: int
    radius: int
    kind: str
    torus: bool
    _corners: tuple = field(init=False, repr=False)
    _rot_index: np.ndarray | None = field(init=False, repr=False, default=None)
    _rot_size: int = field(init=False, repr=False, default=0)

    def __post_init__(self):
        r, h, w = self.radius, self.height, self.width
        hp, wp = h + 2 * r, w + 2 * r
        if self.kind == "moore":
            return
        if self.kind != "von_neumann":
            raise ValueError(f"unknown neighbourhood {self.kind!r}; allowed: 'von_neumann', 'moore'")
        n = hp + wp - 1 + 2 * r  # rotated lattice with room for the window on every side
        yy, xx = np.meshgrid(np.arange(hp), np.arange(wp), indexing="ij")
        u = yy + xx + r
        v = yy - xx + (wp - 1) + r
        self._rot_index = (u * n + v).ravel()
        self._rot_size = n
        # Summed-area table S has shape (n + 1, n + 1); the window around (u, v) is rows u-r..u+r
        # and columns v-r..v+r, i.e. S[u+r+1, v+r+1] - S[u-r, v+r+1] - S[u+r+1, v-r] + S[u-r, v-r].
        cy, cx = np.meshgrid(np.arange(h) + r, np.arange(w) + r, indexing="ij")
        cu = (cy + cx + r).ravel()
        cv = (cy - cx + (wp - 1) + r).ravel()
        m = n + 1
        self._corners = (
            (cu + r + 1) * m + (cv + r + 1),
            (cu - r) * m + (cv + r + 1),
            (cu + r + 1) * m + (cv - r),
            (cu - r) * m + (cv - r),
        )

    def __call__(self, grid: np.ndarray) -> np.ndarray:
        """Window sums of ``grid`` (int counts, shape (height, width)), same shape, centre included."""
        r = self.radius
        padded = np.pad(grid, r, mode="wrap" if self.torus else "constant")
        if self.kind == "moore":
            sat = np.zeros((padded.shape[0] + 1, padded.shape[1] + 1), dtype=np.int32)
            np.cumsum(padded, axis=0, out=sat[1:, 1:])
            np.cumsum(sat[1:, 1:], axis=1, out=sat[1:, 1:])
            k = 2 * r + 1
            return sat[k:, k:] - sat[:-k, k:] - sat[k:, :-k] + sat[:-k, :-k]
        n = self._rot_size
        rot = np.zeros(n * n, dtype=np.int32)
        rot[self._rot_index] = padded.ravel()
        sat = np.zeros((n + 1, n + 1), dtype=np.int32)
        np.cumsum(rot.reshape(n, n), axis=0, out=sat[1:, 1:])
        np.cumsum(sat[1:, 1:], axis=1, out=sat[1:, 1:])
        flat = sat.ravel()
        a, b, c, d = self._corners
        return (flat[a] - flat[b] - flat[c] + flat[d]).reshape(self.height, self.width)
