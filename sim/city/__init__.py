"""The protester engine: the host's main city, on a grid (docs/model.md, 3 step 3 and 7.1-7.4).

Protesters after Epstein (2002), police and foreign troops, strategic sites and storming. The
modules, by meaning:

- :mod:`.state`: the arrays (one :class:`CityState`), the citizens' states (:class:`Citizen`), what
  the city reports (:class:`CityStats`, :class:`CitySnapshot`) and takes (:class:`DayInputs`);
- :mod:`.day`: the day's phases in their order (``DAY``), and the numpy engine's day;
- :mod:`.rules`: jail, Epstein's rule and arrests in numpy (the reference);
- :mod:`.moves`, :mod:`.sites`, :mod:`.windows`: moves, strategic sites and storming, window sums,
  each in numpy and compiled;
- :mod:`.kernels`: jail, Epstein's rule and arrests compiled, and the day's fused kernels;
- :mod:`.compiled`: the compiled engine's day; :mod:`.jit`: the switch between the engines;
- :mod:`.forces`: police and troops on the grid;
- :mod:`.engine`: :class:`City`, which puts the parts together.
"""

from __future__ import annotations

from .day import DAY, Phase
from .engine import City, warm_up
from .state import POLICE, Citizen, CitySnapshot, CityStats, DayInputs

__all__ = [
    "DAY",
    "POLICE",
    "Citizen",
    "City",
    "CitySnapshot",
    "CityStats",
    "DayInputs",
    "Phase",
    "warm_up",
]
