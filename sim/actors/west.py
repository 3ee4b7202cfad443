"""The West (docs/model.md 2 and 7.9)."""

from __future__ import annotations

import math

from ..component import Component
from ..decision import severity


class West(Component):
    """Signals before a deployment; sanctions and military aid after one.

    Before: Moscow reads the signal ``credibility * signal`` (the costs factor multiplies it by the
    severity for this kind of move). After Russian troops land, sanctions approach::

        target = resolve * severity(alignment) * sqrt(min(1, troops / reference_force)) * (0.5 + 0.5 signal)

    at ``sanctions_rate`` a day, and never fall back within the horizon. A hostile host that is
    attacked receives ``aid_capacity * resolve`` troop-equivalents a day.

    Other components change the West only through ``change_signal`` (a scenario event).

    Args:
        model: the crisis model.
        cfg: the ``west`` config section.
    """

    def __init__(self, model, cfg):
        super().__init__(model, cfg, "west")
        self.enabled = cfg.enabled
        self.credibility = cfg.sanctions_credibility
        self.signal = cfg.sanctions_signal
        self.sanctions = 0.0
        self.aid_today = 0.0

    @property
    def expected_sanctions(self) -> float:
        """The signal Moscow reads before it moves: credibility x signalled severity."""
        return self.credibility * self.signal if self.enabled else 0.0

    @property
    def military_response(self) -> float:
        """The Western military response Moscow should expect, in [0, 1]."""
        return self.cfg.military_commitment * self.cfg.resolve if self.enabled else 0.0

    def expected_aid(self, horizon_days: int) -> float:
        """Troop-equivalents of aid a hostile host would get over ``horizon_days``."""
        return self.cfg.aid_capacity * self.cfg.resolve * horizon_days if self.enabled else 0.0

    def change_signal(self, signal: float) -> None:
        """The West signals sanctions of a new severity from today."""
        self.signal = signal

    def columns(self) -> dict:
        return {"sanctions": lambda: self.sanctions}

    def step(self) -> None:
        if not self.enabled:
            return
        cfg, host = self.cfg, self.model.host
        troops = self.model.troops_on_ground()
        self.aid_today = 0.0
        if troops > 0:
            scale = math.sqrt(min(1.0, troops / cfg.reference_force))
            target = cfg.resolve * severity(host.alignment, cfg.friendly_severity) * scale * (0.5 + 0.5 * self.signal)
            if target > self.sanctions:
                self.sanctions += cfg.sanctions_rate * (target - self.sanctions)
            if not host.friendly and not host.requested:
                self.aid_today = cfg.aid_capacity * cfg.resolve
