"""One day of fighting (docs/model.md 7.14): Lanchester's square law, ground, and cohesion.

Moscow's side M (Russian troops plus its clients) faces the host's forces in the theatre H, of which
H_f fight (the rest are willing to go over and do not). Whoever attacks, the defender's fire and
strength are multiplied by the defence advantage ``d`` (both attacking: a meeting engagement, no
advantage). Each day (Lanchester 1916, aimed fire)::

    loss_M = min(M,   beta  d_H H_f)
    loss_H = min(H_f, alpha d_M M k)          k = H_f / H: Moscow fires only on units that resist

The balance of square-law strengths decides which way the ground goes::

    b = (alpha d_M M^2 - beta d_H H_f^2) / (alpha d_M M^2 + beta d_H H_f^2)        in [-1, 1]

and only an attacker that is stronger takes ground: ``rate * |b|`` of the ground the defender
still holds within the attacker's aim changes hands that day (the front shortens as the aim nears).

Cohesion (Granovetter 1978; Kuran 1991): a host soldier goes over when his sympathy for Moscow
times Moscow's share of the forces in the theatre, ``q = M / (M + H)``, passes his threshold;
thresholds are normal across soldiers, so the share willing is ``Phi((sympathy q - mean) / sd)``.
As units go over, ``q`` rises and more follow: a bandwagon.

Imports nothing of ours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Clash:
    """One day's result: losses on each side and the signed change of Moscow's ground."""

    moscow_loss: float
    host_loss: float
    shift: float
    balance: float


def willing_to_defect(sympathy: float, moscow_share: float, mean: float, sd: float) -> float:
    """Share of host soldiers whose threshold lies below ``sympathy * moscow_share`` (normal
    thresholds)."""
    z = (sympathy * moscow_share - mean) / sd
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def clash(
    moscow: float,
    host: float,
    host_fighting: float,
    cfg,
    moscow_room: float,
    host_room: float,
    moscow_attacks: bool,
    host_attacks: bool,
) -> Clash:
    """One day of fighting between Moscow's side and the host's forces in the theatre.

    Args:
        moscow: Moscow's side's fighters (Russian troops plus its clients).
        host: the host's forces in the theatre; ``host_fighting`` of them resist.
        cfg: the ``attrition`` section (``russia_effectiveness``, ``host_effectiveness``,
            ``defence_advantage``, ``territory_rate``).
        moscow_room: ground (share of the host's territory) Moscow's side has yet to take for its
            aim.
        host_room: ground the host has yet to retake for its own aim.
        moscow_attacks, host_attacks: who attacks today (neither: no fighting).
    """
    if not (moscow_attacks or host_attacks) or moscow <= 0 or host_fighting <= 0:
        return Clash(0.0, 0.0, 0.0, 0.0)
    d = cfg.defence_advantage
    d_m = d if (host_attacks and not moscow_attacks) else 1.0
    d_h = d if (moscow_attacks and not host_attacks) else 1.0
    alpha, beta = cfg.russia_effectiveness * d_m, cfg.host_effectiveness * d_h
    k = host_fighting / max(host, host_fighting)
    moscow_loss = min(moscow, beta * host_fighting)
    host_loss = min(host_fighting, alpha * moscow * k)
    s_m, s_h = alpha * moscow * moscow, beta * host_fighting * host_fighting
    b = (s_m - s_h) / (s_m + s_h) if s_m + s_h > 0 else 0.0
    shift = 0.0
    if b > 0 and moscow_attacks:
        shift = cfg.territory_rate * b * max(0.0, moscow_room)
    elif b < 0 and host_attacks:
        shift = -cfg.territory_rate * (-b) * max(0.0, host_room)
    return Clash(moscow_loss, host_loss, shift, b)


def would_attack(
    attacker: float,
    defender: float,
    attacker_effectiveness: float,
    defender_effectiveness: float,
    defence_advantage: float,
) -> bool:
    """Whether an attack promises ground: the attacker's square-law strength beats the
    defender's."""
    return (
        attacker_effectiveness * attacker * attacker
        > defence_advantage * defender_effectiveness * defender * defender
    )
