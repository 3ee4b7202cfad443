"""The war (docs/model.md 7.14): Lanchester's square law, ground, cohesion, ceasefires."""

from __future__ import annotations

from .base import P, Section


class Attrition(Section):
    """The war (docs/model.md 7.14): Lanchester's square law, ground, cohesion, ceasefires."""

    russia_effectiveness: float = P(
        0.005,
        0.0,
        1.0,
        "per day",
        "alpha: host losses (dead, wounded, captured) per fighter-day of Moscow's side "
        "(assumption: army-level daily casualty rates of 0.2-1% in sustained combat, Dupuy 1990)",
    )
    host_effectiveness: float = P(
        0.005,
        0.0,
        1.0,
        "per day",
        "beta: losses of Moscow's side per host fighter-day (assumption, as alpha)",
    )
    defence_advantage: float = P(
        1.5,
        1.0,
        5.0,
        "x",
        "multiplier on the defender's fire and strength (assumption: Dupuy's 1.3-1.6 for a hasty "
        "to prepared defence)",
    )
    territory_rate: float = P(
        0.1,
        0.0,
        1.0,
        "share/day",
        "share of the ground the defender still holds within the attacker's aim that changes hands "
        "per day at total superiority (assumption: Crimea's bases were taken over about three "
        "weeks)",
    )
    aim_tolerance: float = P(
        0.1,
        0.0,
        0.5,
        "share",
        "an aim counts as reached when the ground held is within this share of it (assumption)",
    )
    retreat_rate: float = P(
        0.5,
        0.0,
        1.0,
        "per day",
        "share of the host's field force in a region that falls back out of it per day, times the "
        "balance of strength, when Moscow's side attacks it and is stronger: units outmatched "
        "retreat rather than fight to the end (assumption)",
    )
    reinforce_rate: float = P(
        0.05,
        0.0,
        1.0,
        "per day",
        "share of its reserve the host moves into the theatre per day while it fights (assumption)",
    )
    defection_threshold_mean: float = P(
        0.4,
        0.0,
        1.0,
        "",
        "mean of the host soldiers' thresholds for going over: a soldier is willing to defect when "
        "sympathy x Moscow's share of the forces in the theatre exceeds his threshold (Granovetter "
        "1978; assumption)",
    )
    defection_threshold_sd: float = P(0.1, 0.01, 1.0, "", "sd of those thresholds (assumption)")
    defection_speed: float = P(
        0.3,
        0.0,
        1.0,
        "per day",
        "share of the soldiers willing to defect who surrender or go over each day; 0 = the host "
        "army never breaks (assumption)",
    )
    defector_join_share: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "share of the defectors who join Moscow's side rather than go home (assumption: many of "
        "the Ukrainian servicemen in Crimea took Russian service in 2014)",
    )
    killed_share: float = P(
        0.25,
        0.0,
        1.0,
        "share",
        "share of losses (dead, wounded, captured) that are deaths (assumption: about one killed "
        "to three wounded in modern conventional war)",
    )
    break_share: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "a side whose forces in the theatre fall below this share of their strength when the "
        "fighting began sues for a ceasefire (assumption)",
    )
    withdraw_loss_share: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "Russia withdraws an operation outright after losing this share of the force it landed for "
        "it, whatever its aim (assumption)",
    )
