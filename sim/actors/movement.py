"""The protest movement: an organised body calls its marches once it is on the streets (7.2a).

Epstein's citizens decide each day on what they see around them: a crowd forms only where one is
already seen, and the few most aggrieved, arrested and tired, are all that keeps a city in protest.
An organised movement (a coordinating body and a channel that reaches the city) adds what no
citizen can see: a march at an announced time and place, so that each expects to be one of many.
The model's rule, each day before the city moves:

- the movement is on once a day's active share has passed ``start_share`` (the organisers ride a
  movement; a city at rest is never called out);
- from then on, while the regime stands, a march is called on every ``march_interval_days``-th day
  counted from day 0;
- on a called day every citizen's estimated arrest probability is ``P (1 - march_reassurance)``
  before deterrence (:func:`sim.city.rules.estimate`), and the police's arrests per patrol are cut
  by the same share (the model's day inputs): the safety of one among many is real as well as
  felt, as a few hundred of Minsk's 100,000 and more marchers were detained on a Sunday;
- on a called day the host reads the crowd at ``march_threat`` of its size in the regime threat
  (:class:`.host.HostGovernment`): a march shows numbers, but storms nothing by being called; what
  a crowd does (sites stormed, forces lost) counts in full;
- on every other day of a movement on the streets, if ``action_reassurance`` is above 0 (0, the
  default, calls only marches), smaller actions are called: each citizen's P and the police's
  arrests per patrol are cut by ``action_reassurance`` instead, and the host reads the called
  crowd by ``march_threat``, as a march's.

A leaderless protest (``organised: false``, the default) calls nothing, and the city runs as before.
"""

from __future__ import annotations

from ..component import Component, Reporter
from .host import RegimeStatus


class Movement(Component):
    """Calls marches (and, if set, smaller actions between them); the city reads ``reassurance``
    today, the host ``threat_weight``.

    Args:
        model: the crisis model (it provides ``city_stats``, ``day`` and ``host``).
        cfg: the ``movement`` config section.
    """

    def __init__(self, model, cfg):
        super().__init__(model, cfg, "movement")
        self.start_day: int | None = None  # the first day the movement was on the streets
        self.called = False  # a march is called today (the summary's `marches` counts the days)
        self.action_called = False  # smaller actions are called today (`actions` counts the days)

    def step(self) -> None:
        """Before the city's day: yesterday's streets, then today's call."""
        cfg, day = self.cfg, self.model.day
        if not cfg.organised:
            return
        if self.start_day is None and self.model.city_stats.active_share > cfg.start_share:
            self.start_day = day - 1  # yesterday's figures
        on = self.start_day is not None and self.model.host.status != RegimeStatus.FALLEN
        self.called = on and day % cfg.march_interval_days == 0
        self.action_called = on and not self.called and cfg.action_reassurance > 0

    @property
    def reassurance(self) -> float:
        """What today's call removes from a protester's arrest risk: from each citizen's estimated
        probability and, as the model composes the day's inputs, from the police's arrests per
        patrol (a march's ``march_reassurance``, smaller actions' ``action_reassurance``)."""
        if self.called:
            return self.cfg.march_reassurance
        return self.cfg.action_reassurance if self.action_called else 0.0

    @property
    def threat_weight(self) -> float:
        """How much of today's crowd counts in the regime threat: ``march_threat`` on a day with a
        march or smaller actions called, all of it on any other."""
        return self.cfg.march_threat if self.called or self.action_called else 1.0

    def columns(self) -> dict[str, Reporter]:
        return {"march_called": lambda: self.called, "action_called": lambda: self.action_called}
