"""The troop ledger: foreign troops ordered, in transit, on the ground and lost, per country.

Bookkeeping only: who decides to send or withdraw is Moscow (and each ally for its contingent);
where troops stand on the grid is the city's business (``city.set_troops``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from .component import Reporter
from .config.names import ally_column


class TroopLedger:
    """Troops per contributing country (Russia first, then the allies).

    Args:
        countries: country names, Russia first.
    """

    def __init__(self, countries: list[str]):
        self.countries = list(countries)
        self.on_ground = np.zeros(len(countries))
        self.sent = np.zeros(len(countries))
        self.lost = np.zeros(len(countries))
        self.pending: list[tuple[int, int, float]] = []  # (arrival day, country index, soldiers)
        self.withdraw_rate: np.ndarray | None = None
        self.day = 0

    def begin_day(self, day: int) -> None:
        """Start day ``day``: orders placed today land ``lead_days`` after it."""
        self.day = day

    def order(self, country: int, soldiers: float, lead_days: int) -> None:
        """Send ``soldiers`` of ``country``, landing ``lead_days`` from today."""
        if soldiers > 0:
            self.pending.append((self.day + lead_days, country, float(soldiers)))

    def in_transit(self, country: int) -> float:
        return sum(s for _, c, s in self.pending if c == country)

    def arrive(self) -> bool:
        """Land what is due today. Returns whether anything landed."""
        due = [p for p in self.pending if p[0] <= self.day]
        self.pending = [p for p in self.pending if p[0] > self.day]
        for _, c, s in due:
            self.on_ground[c] += s
            self.sent[c] += s
        return bool(due)

    def start_withdrawal(self, days: int) -> None:
        """Cancel what is in transit and draw every contingent down evenly over ``days``."""
        self.pending = []
        self.withdraw_rate = self.on_ground / max(1, days)

    def withdraw_step(self) -> None:
        if self.withdraw_rate is not None:
            self.on_ground = np.maximum(0.0, self.on_ground - self.withdraw_rate)
            self.on_ground[self.on_ground < 1.0] = 0.0
            if not self.on_ground.any():
                self.withdraw_rate = None

    def take_losses(self, country: int, soldiers: float) -> None:
        soldiers = min(soldiers, self.on_ground[country])
        self.on_ground[country] -= soldiers
        self.lost[country] += soldiers

    @property
    def total(self) -> float:
        return float(self.on_ground.sum())

    def _whole_soldiers(self, i: int) -> int:
        return int(round(float(self.on_ground[i])))

    def columns(self) -> dict[str, Reporter]:
        """``troops_total`` and ``troops_<country>``: troops on the ground at the end of the day,
        whole soldiers (the ledger itself keeps fractions: a phased withdrawal moves a share a
        day)."""
        cols: dict[str, Callable[[], int]] = {
            "troops_total": lambda: int(np.rint(self.on_ground).sum())  # whole soldiers, as below
        }
        for i, name in enumerate(self.countries):
            cols[f"troops_{ally_column(name)}"] = functools.partial(self._whole_soldiers, i)
        return cols
