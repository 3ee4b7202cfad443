"""Lanchester's square law for the hostile-host mode (docs/model.md 7.14; Lanchester 1916).

Russian plus separatist forces R face the host army plus Western aid H. Each day::

    R' = R - beta * H        H' = H - alpha * R        (never below 0)

and the share of territory Moscow's side controls moves toward whoever is stronger under the
square law, at most ``territory_rate`` a day::

    T' = T + rate * (alpha R^2 - beta H^2) / (alpha R^2 + beta H^2)

Imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Front:
    """The state of the fighting."""

    russia: float = 0.0
    host: float = 0.0
    territory: float = 0.0
    russia_losses: float = 0.0
    host_losses: float = 0.0


def fight_day(front: Front, alpha: float, beta: float, rate: float) -> Front:
    """One day of attrition and territorial change; returns the new front."""
    r, h = front.russia, front.host
    r_loss, h_loss = min(r, beta * h), min(h, alpha * r)
    strength_r, strength_h = alpha * r * r, beta * h * h
    total = strength_r + strength_h
    shift = rate * (strength_r - strength_h) / total if total > 0 else 0.0
    return Front(
        russia=r - r_loss,
        host=h - h_loss,
        territory=min(1.0, max(0.0, front.territory + shift)),
        russia_losses=front.russia_losses + r_loss,
        host_losses=front.host_losses + h_loss,
    )
