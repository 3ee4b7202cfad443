"""The host's playbook: which measures it takes, by a documented rule on threat and loyalty (7.6).

:func:`choose` is pure: it takes what the host sees (:class:`HostView`) and returns the measures to
start today. The rule, in order (each measure once, unless said otherwise):

- ``concede``: threat >= ``concede_at``, up to ``max_concessions`` (undo the price rise);
- ``dismiss``: threat >= ``dismiss_at`` and the ruler can dismiss a government below them;
- ``emergency``: threat >= ``emergency_at`` (curfew and internet shutdown; lifted after
  ``lift_after_days`` calm days, and declared again if the threat returns);
- ``pay``: threat >= ``pay_at`` (emergency pay for the forces);
- ``mass_arrests``: threat >= ``mass_arrests_at`` while the emergency holds;
- ``ask``: a friendly host that may ask and has grounds to expect a yes (``ask_needs_backing``: a
  treaty frame covering the crisis, or a Moscow that wants its ruler kept), when its own forces are
  failing: threat >= ``ask_at``, the capital's forces defecting (share >= ``ask_defected``), or
  armed opponents outnumbering its army (``ask_outnumbered``);
- ``commit_army``: threat >= ``army_at``, or, for a host that cannot ask an ally, when its forces
  are failing (the army and an ally are the two reinforcements; the army joins after its delay);
- ``lethal_force``: threat >= ``lethal_at`` while the emergency holds.

Nothing in a config scripts the day a measure comes; the thresholds are generic assumptions
(docs/model.md 7.6), the same for every host.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config.schema.security import PlaybookParams


class Measure(StrEnum):
    """A measure of the host's playbook."""

    CONCEDE = "concede"
    DISMISS = "dismiss"
    EMERGENCY = "emergency"
    PAY = "pay"
    MASS_ARRESTS = "mass_arrests"
    ASK = "ask"
    COMMIT_ARMY = "commit_army"
    LETHAL_FORCE = "lethal_force"
    LIFT = "lift"


@dataclass(frozen=True, slots=True)
class HostView:
    """What the host weighs when choosing its measures today."""

    threat: float  # the regime threat
    defected: float  # share of the capital's forces defected
    concessions: int  # concessions made so far
    dismissed: bool  # the government has been dismissed
    emergency: bool  # the emergency holds
    calm_days: int  # consecutive days with the threat below emergency_at / 2
    paid: bool
    mass_arrests: bool
    asked: bool  # asked for help already
    may_ask: bool  # friendly, allowed to ask, still standing, with grounds to expect a yes
    outnumbered: float  # armed opponents fighting the host per soldier of its army (inf: no army)
    army_ordered: bool
    lethal: bool


def choose(p: PlaybookParams, v: HostView) -> list[Measure]:
    """The measures the host starts today, in the order they are applied."""
    out: list[Measure] = []
    if not p.enabled:
        return out
    t = v.threat
    if t >= p.concede_at and v.concessions < p.max_concessions:
        out.append(Measure.CONCEDE)
    if t >= p.dismiss_at and p.can_dismiss and not v.dismissed:
        out.append(Measure.DISMISS)
    emergency = v.emergency
    if emergency and v.calm_days >= p.lift_after_days:
        out.append(Measure.LIFT)
        emergency = False
    elif not emergency and t >= p.emergency_at:
        out.append(Measure.EMERGENCY)
        emergency = True
    if t >= p.pay_at and not v.paid:
        out.append(Measure.PAY)
    if emergency and t >= p.mass_arrests_at and not v.mass_arrests:
        out.append(Measure.MASS_ARRESTS)
    failing = t >= p.ask_at or v.defected >= p.ask_defected  # its own forces are not enough
    attacked = v.outnumbered > 0 and v.outnumbered >= p.ask_outnumbered  # nor is its army
    if v.may_ask and not v.asked and (failing or attacked):
        out.append(Measure.ASK)
    if not v.army_ordered and (t >= p.army_at or (failing and not v.may_ask)):
        out.append(Measure.COMMIT_ARMY)  # a host with no ally to ask turns to its army instead
    if emergency and t >= p.lethal_at and not v.lethal:
        out.append(Measure.LETHAL_FORCE)
    return out
