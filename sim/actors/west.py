"""The West (docs/model.md 7.9): signals, sanctions that answer what Moscow does, military aid."""

from __future__ import annotations

import math

from ..component import Component, Reporter
from ..decision import Form, severity


class West(Component):
    """Signals the next step before and during a move; imposes sanctions that answer it; arms a
    hostile host.

    Moscow reads the signal ``credibility * signal`` (the costs factor multiplies it by the severity
    for the host's alignment and by the West's ``reaction`` to the option weighed) and the sanctions
    in force. Each day Moscow acts (troops on the ground, or covert support flowing), the West sizes
    the offence, a noisy-OR of what it sees::

        offence = 1 - (1 - reaction(form) x deniability x sqrt(min(1, force / reference_force)))
                    x (1 - min(1, territory seized / territory_reference))
                    x (1 - min(1, war deaths / deaths_reference))

    (deniability = ``1 - covert_deniability`` for covert support, else 1; force: troops on the
    ground, or the covert force; territory and deaths count only in a war Moscow's forces fight,
    openly or covertly: ground its side holds beyond day 0, deaths since it joined), and sanctions
    approach::

        target = resolve * severity(alignment) * offence * (0.5 + 0.5 signal)

    at ``sanctions_rate`` a day, never falling back within the horizon. The signal of the next step
    rises to ``signal_response * resolve * offence`` if it was lower. A hostile host that is
    attacked (no request) receives ``aid_capacity * resolve`` troop-equivalents a day.

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
        self.offence = 0.0
        self.aid_today = 0.0
        self._deaths_before: float | None = (
            None  # war deaths before Moscow's forces joined the fighting
        )

    @property
    def expected_sanctions(self) -> float:
        """The signal Moscow reads: credibility x signalled severity of the next step."""
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

    def columns(self) -> dict[str, Reporter]:
        return {"sanctions": lambda: self.sanctions, "west_signal": lambda: self.signal}

    def step(self) -> None:
        if not self.enabled:
            return
        cfg, m = self.cfg, self.model
        host, russia, war = m.host, m.russia, m.war
        troops = m.troops_on_ground()
        self.aid_today = 0.0
        form = russia.form
        force, deniable = troops, 1.0
        if form == Form.COVERT:
            force, deniable = russia.covert_force, 1.0 - russia.cfg.options.covert_deniability
        if force <= 0:
            return
        react = cfg.reaction.get(form.value, 1.0) if form != Form.NONE else 1.0
        seized, deaths = 0.0, 0.0
        if russia.hostile or form == Form.COVERT:  # a war Moscow's forces fight, openly or not
            total = war.cfg.killed_share * (
                war.russian_losses + war.separatist_losses + war.host_losses
            )
            if self._deaths_before is None:
                self._deaths_before = total
            seized, deaths = max(0.0, war.territory - war.territory0), total - self._deaths_before
        self.offence = 1.0 - (
            1.0 - react * deniable * math.sqrt(min(1.0, force / cfg.reference_force))
        ) * (1.0 - min(1.0, seized / cfg.territory_reference)) * (
            1.0 - min(1.0, deaths / cfg.deaths_reference)
        )
        target = (
            cfg.resolve
            * severity(host.alignment, cfg.friendly_severity)
            * self.offence
            * (0.5 + 0.5 * self.signal)
        )
        if target > self.sanctions:
            self.sanctions += cfg.sanctions_rate * (target - self.sanctions)
        self.signal = max(self.signal, min(1.0, cfg.signal_response * cfg.resolve * self.offence))
        if not host.friendly and not host.requested and russia.hostile:
            self.aid_today = cfg.aid_capacity * cfg.resolve
