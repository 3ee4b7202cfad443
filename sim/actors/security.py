"""The host's security apparatus: forces that hold or defect (docs/model.md 7.5).

Each force (police, national guard, army, security service) has a strength in persons, a share on
duty in the capital and a loyalty. Its members defect by a threshold model (Granovetter 1978):
member thresholds are Normal(loyalty, spread), so the share that would defect under pressure ``p``
is ``Phi((p - loyalty) / spread)``. The pressure is the doubt about the regime's survival, raised by
the share of the forces already defected (a bandwagon) and lowered by emergency pay::

    S   expected survival   = 1 - regime threat
    S'  with a guarantee    = S + (1 - S) g      (g: an ally's troops landed, or a request accepted)
    p   pressure            = (1 - S') + bandwagon * (share defected across forces)
                              - pay_relief * paid

The defected share moves toward its target at ``defect_rate`` (up) or ``return_rate`` (down) a day.
The army is on duty in the capital only once committed (after ``army_delay_days``).

Pure state and arithmetic: no random numbers, no other component touched; the host owns it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config.schema.security import ForceParams, HostForces


class ForceKind(StrEnum):
    """The host's security forces, in the order of the daily columns."""

    POLICE = "police"
    NATIONAL_GUARD = "national_guard"
    ARMY = "army"
    SECURITY_SERVICE = "security_service"


def defecting_share(pressure: float, loyalty: float, spread: float) -> float:
    """Share of a force whose thresholds lie below ``pressure``: Phi((pressure - loyalty) /
    spread)."""
    return 0.5 * (1.0 + math.erf((pressure - loyalty) / (spread * math.sqrt(2.0))))


@dataclass(slots=True)
class Force:
    """One force's state: its parameters, the share defected, whether it serves in the capital."""

    kind: ForceKind
    params: ForceParams
    defected: float = 0.0  # share of the force that has left its posts or sided with the crowd
    in_city: bool = True  # the army only once committed

    @property
    def strength(self) -> float:
        return self.params.strength

    @property
    def city_strength(self) -> float:
        """Persons of this force that serve in the capital when it is deployed there."""
        return self.params.strength * self.params.city_share if self.in_city else 0.0

    @property
    def on_duty(self) -> float:
        """Persons on duty in the capital today."""
        return self.city_strength * (1.0 - self.defected)

    @property
    def loyalty(self) -> float:
        """Share of the force still loyal (the daily column ``<force>_loyalty``)."""
        return 1.0 - self.defected

    def move_toward(self, target: float, rate: float) -> None:
        """The defected share closes ``rate`` of its gap to ``target``."""
        self.defected = min(1.0, max(0.0, self.defected + rate * (target - self.defected)))

    def desert(self, persons: float) -> None:
        """``persons`` of the force leave their posts."""
        if self.city_strength > 0:
            self.defected = min(1.0, self.defected + persons / self.city_strength)

    def deploy(self) -> None:
        """The force arrives in the capital (the army, once committed)."""
        self.in_city = True


class Apparatus:
    """The host's four forces and their loyalty, moved a day at a time by :meth:`update`.

    Args:
        cfg: the ``host.forces`` config section.
    """

    def __init__(self, cfg: HostForces):
        self.cfg = cfg
        self.forces = {
            ForceKind.POLICE: Force(ForceKind.POLICE, cfg.police),
            ForceKind.NATIONAL_GUARD: Force(ForceKind.NATIONAL_GUARD, cfg.national_guard),
            ForceKind.ARMY: Force(ForceKind.ARMY, cfg.army, in_city=False),
            ForceKind.SECURITY_SERVICE: Force(ForceKind.SECURITY_SERVICE, cfg.security_service),
        }
        self.pressure = 0.0
        self.army_ordered_day: int | None = None

    def __getitem__(self, kind: ForceKind) -> Force:
        return self.forces[kind]

    # --- what the host and the model read ---------------------------------------------------------

    @property
    def city_strength(self) -> float:
        """Persons of all forces serving in the capital, loyal or not."""
        return sum(f.city_strength for f in self.forces.values())

    @property
    def on_duty(self) -> float:
        """Persons of all forces on duty in the capital."""
        return sum(f.on_duty for f in self.forces.values())

    @property
    def defected_share(self) -> float:
        """Share of the capital's forces defected, weighted by strength (0 when there are none)."""
        total = self.city_strength
        if total <= 0:
            return 0.0
        return sum(f.city_strength * f.defected for f in self.forces.values()) / total

    @property
    def defected_persons(self) -> float:
        """Persons of all forces defected (the army's whole strength counts once committed)."""
        return sum(f.city_strength * f.defected for f in self.forces.values())

    def holding(self, below: float = 0.05) -> bool:
        """The forces are loyal again: less than ``below`` of the capital's forces defected."""
        return self.defected_share < below

    # --- the day ----------------------------------------------------------------------------------

    def order_army(self, day: int) -> None:
        """The host orders its army into the capital; it arrives after ``army_delay_days``."""
        if self.army_ordered_day is None:
            self.army_ordered_day = day

    def desert(self, kind: ForceKind, persons: float) -> None:
        """``persons`` of a force abandon their posts (guards fleeing a stormed site)."""
        self.forces[kind].desert(persons)

    def update(self, day: int, threat: float, guarantee: float, paid: bool) -> None:
        """One day: the army arrives if ordered long enough ago; each force's defected share moves
        toward what today's pressure implies.

        Args:
            day: today.
            threat: the regime threat (0..1).
            guarantee: the share of doubt an ally removes (0, promised, or landed).
            paid: the forces are on emergency pay.
        """
        cfg = self.cfg
        ordered = self.army_ordered_day
        if ordered is not None and day - ordered >= cfg.army_delay_days:
            self.forces[ForceKind.ARMY].deploy()
        survival = 1.0 - threat
        survival += (1.0 - survival) * guarantee
        self.pressure = p = (
            (1.0 - survival) + cfg.bandwagon * self.defected_share - cfg.pay_relief * paid
        )
        for force in self.forces.values():
            target = defecting_share(p, force.params.loyalty, cfg.spread)
            rate = cfg.defect_rate if target > force.defected else cfg.return_rate
            force.move_toward(target, rate)
