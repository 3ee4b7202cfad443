"""Moscow learns (docs/model.md 7.11): perceived factors move toward what it observes.

Moscow keeps a learned correction per factor, added to its perception like a bias (``perceive``).
On a day it observes a factor, the correction moves toward closing the gap between what it sees
and what it perceived (noise aside), at that factor's learning rate ``lambda_f`` per day::

    learned_f <- learned_f + lambda_f * (observed_f - clip(true_f + bias_f + learned_f))

What it observes:

- **opposition**, on days its forces fight: the exchange it suffers, Moscow's side's losses over
  all losses of the operation (the host's dead, wounded and defected counting as the host's)::

      observed = losses_moscow / (losses_moscow + losses_host + defected_host)

  which under Lanchester's square law is the host's share of the fighting strength, the quantity
  the opposition factor estimates (``h F / (F + A)``): losses above those expected raise it;
- **costs**, on days Western sanctions are in force: the costs factor as it is (sanctions in force
  plus the next step the West threatens).

Imports nothing of ours.
"""

from __future__ import annotations

from .core import clip01

LEARNED = ("opposition", "costs")
"""The factors Moscow observes and learns; the others keep their bias."""


def observed_opposition(
    moscow_losses: float, host_losses: float, host_defected: float
) -> float | None:
    """The exchange Moscow's side suffers in an operation, or None before any loss on either
    side."""
    total = moscow_losses + host_losses + host_defected
    return moscow_losses / total if total > 0 else None


def learn(learned: float, observed: float, true: float, bias: float, rate: float) -> float:
    """One day's update of a factor's learned correction toward what Moscow observed."""
    perceived = clip01(true + bias + learned)
    return learned + rate * (observed - perceived)
