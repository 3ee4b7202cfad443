"""The switch between the two engines, and the decorator of every compiled kernel.

``ENABLED`` is False when numba cannot be imported or ``SIM_ENGINE=numpy`` is set; cities are then
built on the numpy engine (:class:`sim.city.City` reads it when ``compiled`` is not given). Kernels
are compiled once and cached beside the sources (``cache=True``): the first run after installing
compiles them (about 30 s), later processes load them in about half a second.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import cast

try:  # numba is a dependency, but the model must still run where it cannot be installed
    from numba import njit
except ImportError:  # pragma: no cover - exercised only without numba
    njit = None  # type: ignore[assignment]

ENABLED = njit is not None and os.environ.get("SIM_ENGINE", "numba").lower() != "numpy"


def kernel[F: Callable](fn: F) -> F:
    """Compile ``fn`` with numba (cached, no GIL, numpy's error model); without numba, ``fn``
    itself."""
    if njit is None:  # pragma: no cover
        return fn
    return cast(F, njit(cache=True, nogil=True, error_model="numpy")(fn))
