"""What every part of the decision shares: outcomes, options, the situation Moscow reads,
perception.

Imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Outcome(StrEnum):
    """What Moscow does on a day: what a rule concludes, or (``withdraw``) what a deployment
    does."""

    WATCH = "watch"
    DECLINE = "decline"
    DELAY = "delay"
    LIMITED = "limited"
    DEPLOY = "deploy"
    WITHDRAW = "withdraw"


class Form(StrEnum):
    """The menu of options (docs/model.md 7.10), weakest first.

    ``none``: political support only; ``covert``: deniable support to proxies (arms, volunteers,
    advisers); ``peacekeeping``: peacekeepers with both parties' consent after a ceasefire;
    ``guard``: a guard mission at a friendly host's request; ``limited``: an operation that seizes
    or protects one region; ``full``: an invasion aimed at the capital.
    """

    NONE = "none"
    COVERT = "covert"
    PEACEKEEPING = "peacekeeping"
    GUARD = "guard"
    LIMITED = "limited"
    FULL = "full"


FORMS = tuple(Form)
FORM_RANK = {f: i for i, f in enumerate(FORMS)}
"""Strength of each option: ``all_five`` tries the strongest applicable option first."""
HOSTILE_FORMS = (Form.LIMITED, Form.FULL)
"""Options that put Russian units on a front against the host army (the war)."""
INTERVENING_FORMS = (Form.GUARD, Form.LIMITED, Form.FULL)
"""Options that send Russian troops into the crisis to act in it: what the backtest counts as
intervening. Peacekeeping with both parties' consent after a ceasefire and deniable covert support
are not (docs/cases.md)."""
TOKEN_FORMS = (Form.GUARD, Form.PEACEKEEPING)
"""Options a near miss on feasibility, costs or opposition may still send as a small force
(outcome ``limited``); an operation against an army waits (``delay``) instead."""

FACTORS = ("trigger", "support", "opposition", "feasibility", "costs", "motive")
RULE_FACTORS = ("trigger", "support", "opposition", "feasibility", "costs")
BURDENS = ("opposition", "costs")  # must stay below their thresholds; the others must reach theirs
LOGISTICS_WEIGHTS = {
    "shared_border": 0.35,
    "bases_in_host": 0.25,
    "airlift": 0.20,
    "csto_framework": 0.20,
}
AIRLIFT_RANGE_KM = 5000.0  # airlift score falls linearly to 0 at this distance (assumption)


@dataclass(slots=True)
class Situation:
    """What Moscow reads from the model on one day (true values); built afresh each day, never
    changed.

    The first block is what the first edition read; the second what the menu of options adds:
    the region a limited operation aims at, the war, the West's sanctions in force, and whether
    the option already under way (``under_way``).
    """

    alignment: float
    requested: bool
    regime_threat: float
    sites_lost_share: float
    unrest_index: float
    event_trigger: float
    separatist_support: float
    pro_russian_population: float
    host_army: float
    expected_aid: float
    west_military: float
    forces_available: float
    sanction_signal: float
    reputation: float
    population_m: float
    n_sites: int
    nato_bid: bool
    forces_in_host: float = 0.0  # Russian forces already stationed in the host (need no transport)
    opponent_forces: float = (
        0.0  # third-party forces fighting the host that a deployment would face
    )
    # --- the menu of options (docs/model.md 7.9-7.14) ---
    region_share: float = 0.0  # the region's share of the host's territory (0: no limited option)
    region_defenders: float = 0.0  # host forces in the region (its garrison, plus any sent in)
    region_population: float = 0.0  # pro-Russian share of the region's population
    separatist_forces: float = 0.0  # Moscow's clients under arms (covert support is sized on them)
    separatist_territory: float = 0.0  # share of the host's territory Moscow's side holds
    sanctions: float = 0.0  # Western sanctions in force
    ceasefire: bool = False  # a ceasefire holds between the host and Moscow's clients
    consent: bool = False  # both parties to that ceasefire accept Russian peacekeepers
    contact_line_km: float = 0.0  # the line peacekeepers would hold
    forces_on_ground: float = (
        0.0  # Russian troops already sent (they count as available while under way)
    )
    under_way: Form = (
        Form.NONE
    )  # the operation or covert support under way: sanctions in force are sunk for
    #                              it and any smaller option (withdrawing would not lift them)
    incumbent_stance: float = 0.0  # Moscow's stance toward the host's incumbent: -1 gone .. +1 kept


def hostility(alignment: float) -> float:
    """0 for a fully pro-Russian host, 1 for a fully pro-Western one."""
    return (1.0 - alignment) / 2.0


def request_credit(stance: float) -> float:
    """How much a request from the host's incumbent counts, by Moscow's stance toward it: fully from
    one it wants kept or is neutral to, less from one it distrusts, nothing from one it wants
    gone."""
    return 1.0 + min(0.0, stance)


def regime_stake(stance: float) -> float:
    """Moscow's stake in saving a friendly regime under threat, by its stance toward the incumbent:
    1 when neutral, 2 when it wants it kept, 0 when it wants it gone."""
    return 1.0 + stance


def severity(alignment: float, friendly_severity: float) -> float:
    """Relative severity of Western sanctions for a move into a host of this alignment."""
    return friendly_severity + (1.0 - friendly_severity) * hostility(alignment)


def logistics_score(lg, framework: float | None = None) -> float:
    """Technical ease of getting forces there, in [0, 1], from the ``logistics`` section.

    ``framework`` replaces ``csto_framework`` when another legal frame covers the deployment (a
    ceasefire agreement for peacekeepers).
    """
    airlift = max(0.0, 1.0 - lg.airlift_km / AIRLIFT_RANGE_KM)
    frame = lg.csto_framework if framework is None else framework
    return (
        LOGISTICS_WEIGHTS["shared_border"] * lg.shared_border
        + LOGISTICS_WEIGHTS["bases_in_host"] * lg.bases_in_host
        + LOGISTICS_WEIGHTS["airlift"] * airlift
        + LOGISTICS_WEIGHTS["csto_framework"] * frame
    )


def clip01(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


def noise_draw(perception, rng: np.random.Generator) -> np.ndarray:
    """Today's perception noise, one draw per factor, shared by every option (one mood per
    factor)."""
    if perception.noise > 0:
        return rng.normal(0.0, perception.noise, size=len(FACTORS))
    return np.zeros(len(FACTORS))


def perceive(
    true: dict[str, float],
    perception,
    rng: np.random.Generator | None = None,
    noise: np.ndarray | None = None,
    learned: dict[str, float] | None = None,
) -> dict[str, float]:
    """Moscow's view: true + bias + learned correction + Gaussian noise, clipped to [0, 1]
    (docs/model.md 7.11).

    ``noise`` is today's draw (``noise_draw``); without it one is drawn from ``rng``. ``learned``
    is what Moscow has learned per factor since day 0 (docs/model.md, learning), added like a bias.
    """
    if noise is None:
        if rng is None:
            raise ValueError("perceive needs today's noise or a random stream to draw it from")
        noise = noise_draw(perception, rng)
    bias, learned = perception.bias, learned or {}
    out = {}
    for i, f in enumerate(FACTORS):
        x = true[f] + bias.get(f, 0.0) + learned.get(f, 0.0) + noise[i]
        out[f] = 0.0 if x < 0.0 else 1.0 if x > 1.0 else float(x)
    return out
