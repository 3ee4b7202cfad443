"""The five-factor decision (docs/model.md 7.10-7.12): factor formulas, perception, and the two rule families.

Pure functions of a :class:`Situation` (what Moscow reads from the model each day) and the
``russia`` config section (duck-typed). Every factor lies in [0, 1]:

- trigger     tau   = max(scenario trigger, share of sites stormed, regime threat if the host is friendly)
- support     sigma = 1 - (1 - w_r req)(1 - w_s separatists)(1 - w_p population)       (noisy-OR)
- opposition  omega = 1 - (1 - omega_host)(1 - omega_west)(1 - omega_opp),
                omega_host = (1 - req) * hostility * army / (army + Russian forces available),
                omega_west = Western military commitment * resolve,
                omega_opp  = opponents / (opponents + Russian forces available)   (third-party forces)
- feasibility phi   = min(1, available / required) * reach,
                logistics = .35 border + .25 bases + .20 airlift + .20 CSTO framework,
                reach = logistics + (1 - logistics) * min(1, forces in host / required)
- costs       kappa = credibility * signal * severity + economic exposure + w_rep (1 - reputation)
- motive      mu    = weight * (a+ (0.4 + 0.6 threat) + a- (0.5 + 0.5 NATO bid))

where a+ = max(a, 0), a- = max(-a, 0), hostility = (1 - a) / 2 and severity = s_f + (1 - s_f) hostility.
Imports nothing of ours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Outcome(StrEnum):
    """What Moscow does on a day: what a rule concludes, or (``withdraw``) what a deployment does."""

    WATCH = "watch"
    DECLINE = "decline"
    DELAY = "delay"
    LIMITED = "limited"
    DEPLOY = "deploy"
    WITHDRAW = "withdraw"


FACTORS = ("trigger", "support", "opposition", "feasibility", "costs", "motive")
RULE_FACTORS = ("trigger", "support", "opposition", "feasibility", "costs")
BURDENS = ("opposition", "costs")  # must stay below their thresholds; the others must reach theirs
LOGISTICS_WEIGHTS = {"shared_border": 0.35, "bases_in_host": 0.25, "airlift": 0.20, "csto_framework": 0.20}
AIRLIFT_RANGE_KM = 5000.0  # airlift score falls linearly to 0 at this distance (assumption)


@dataclass(frozen=True)
class Situation:
    """What Moscow reads from the model on one day (true values)."""

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
    opponent_forces: float = 0.0  # third-party forces fighting the host that a deployment would face


def hostility(alignment: float) -> float:
    """0 for a fully pro-Russian host, 1 for a fully pro-Western one."""
    return (1.0 - alignment) / 2.0


def severity(alignment: float, friendly_severity: float) -> float:
    """Relative severity of Western sanctions for a move into a host of this alignment."""
    return friendly_severity + (1.0 - friendly_severity) * hostility(alignment)


def logistics_score(lg) -> float:
    """Technical ease of getting forces there, in [0, 1], from the ``logistics`` section."""
    airlift = max(0.0, 1.0 - lg.airlift_km / AIRLIFT_RANGE_KM)
    return (
        LOGISTICS_WEIGHTS["shared_border"] * lg.shared_border
        + LOGISTICS_WEIGHTS["bases_in_host"] * lg.bases_in_host
        + LOGISTICS_WEIGHTS["airlift"] * airlift
        + LOGISTICS_WEIGHTS["csto_framework"] * lg.csto_framework
    )


def force_required(s: Situation, russia) -> float:
    """Troops the situation requires: securing the sites against the unrest, plus beating a resisting army.

    The site part grows with the host's size (square root of population relative to 20 million) and
    the unrest; the army part counts only as far as the host would resist (no request, hostile host),
    plus, in full, any third-party forces fighting the host (``opponent_forces``: an attacking
    neighbour's army, an insurgency), which a force sent to the host's side would have to face.
    """
    size = math.sqrt(s.population_m / 20.0)
    secure = russia.force_per_site * s.n_sites * (1.0 + s.unrest_index) * size
    resist = (0.0 if s.requested else hostility(s.alignment)) * (s.host_army + s.expected_aid) + s.opponent_forces
    return secure + russia.force_ratio_hostile * resist


def reach_score(s: Situation, russia, required: float) -> float:
    """Logistics, raised by forces already in the host: they need no border, base or airlift.

    ``reach = logistics + (1 - logistics) * min(1, forces_in_host / required)``: when the forces
    stationed in the host could do the whole job, getting there is no obstacle at all.
    """
    lg = logistics_score(russia.logistics)
    in_place = min(1.0, s.forces_in_host / max(1.0, required)) if s.forces_in_host > 0 else 0.0
    return lg + (1.0 - lg) * in_place


def true_factors(s: Situation, russia, friendly_severity: float) -> dict[str, float]:
    """The six factors as an outside observer with full information would score them."""
    a = s.alignment
    w = russia.support_weights
    friendly_threat = s.regime_threat if a > 0 else 0.0
    trigger = max(s.event_trigger, s.sites_lost_share, friendly_threat)
    support = 1.0 - (1 - w.request * s.requested) * (1 - w.separatists * s.separatist_support) * (
        1 - w.population * s.pro_russian_population
    )
    army = s.host_army + s.expected_aid
    host_resist = 0.0 if s.requested else hostility(a) * army / max(1.0, army + s.forces_available)
    opponents = s.opponent_forces / max(1.0, s.opponent_forces + s.forces_available) if s.opponent_forces > 0 else 0.0
    opposition = 1.0 - (1.0 - host_resist) * (1.0 - s.west_military) * (1.0 - opponents)
    required = force_required(s, russia)
    feasibility = min(1.0, s.forces_available / max(1.0, required)) * reach_score(s, russia, required)
    costs = (
        s.sanction_signal * severity(a, friendly_severity)
        + russia.economic_exposure
        + russia.reputation_exposure * (1.0 - s.reputation)
    )
    motive = russia.strategic_weight * (
        max(a, 0.0) * (0.4 + 0.6 * s.regime_threat) + max(-a, 0.0) * (0.5 + 0.5 * s.nato_bid)
    )
    raw = dict(trigger=trigger, support=support, opposition=opposition, feasibility=feasibility, costs=costs, motive=motive)
    return {k: float(min(1.0, max(0.0, v))) for k, v in raw.items()}


def perceive(true: dict[str, float], perception, rng: np.random.Generator) -> dict[str, float]:
    """Moscow's view: true + bias + Gaussian noise, clipped to [0, 1] (docs/model.md 7.11)."""
    noise = rng.normal(0.0, perception.noise, size=len(FACTORS)) if perception.noise > 0 else np.zeros(len(FACTORS))
    return {
        f: float(min(1.0, max(0.0, true[f] + perception.bias.get(f, 0.0) + noise[i])))
        for i, f in enumerate(FACTORS)
    }


@dataclass(frozen=True)
class Verdict:
    """What a rule concluded on one day."""

    outcome: Outcome  # watch / decline / delay / limited / deploy
    score: float  # all_five: the weakest factor's slack; weighted: U - U0
    status: dict[str, str]  # per rule factor: pass / near / fail
    size_factor: float  # share of the force required to send (0 unless deploy/limited)
    probability: float  # weighted: P(deploy); all_five: 1 if deploy else 0


def factor_status(perceived: dict[str, float], thresholds, margin: float) -> tuple[dict[str, str], float]:
    """Pass / near / fail per rule factor, and the smallest slack (negative when a factor misses)."""
    status, slack_min = {}, math.inf
    for f in RULE_FACTORS:
        th = getattr(thresholds, f)
        slack = th - perceived[f] if f in BURDENS else perceived[f] - th
        status[f] = "pass" if slack >= 0 else ("near" if slack >= -margin else "fail")
        slack_min = min(slack_min, slack)
    return status, slack_min


def all_five(perceived: dict[str, float], russia, request_pending: bool) -> Verdict:
    """The article's rule: every factor in place, or no deployment (docs/model.md 7.12).

    All pass: deploy, sized by the weakest slack. A near miss (within ``margin``) on feasibility,
    costs or opposition only: a limited force; any other near miss: delay. Any clear failure: decline
    a pending request, else watch.
    """
    status, slack = factor_status(perceived, russia.thresholds, russia.margin)
    near = {f for f, s in status.items() if s == "near"}
    if "fail" in status.values():
        return Verdict(Outcome.DECLINE if request_pending else Outcome.WATCH, slack, status, 0.0, 0.0)
    if not near:
        return Verdict(Outcome.DEPLOY, slack, status, _size(slack), 1.0)
    if near <= {"feasibility", "costs", "opposition"}:
        return Verdict(Outcome.LIMITED, slack, status, russia.limited_fraction, 0.0)
    return Verdict(Outcome.DELAY, slack, status, 0.0, 0.0)


def weighted(perceived: dict[str, float], russia, request_pending: bool, latent_threshold: float) -> Verdict:
    """A compensatory score with a logistic choice (bounded rationality, docs/model.md 7.12).

    U = w_mu mu + w_tau tau + w_sigma sigma - w_omega omega + w_phi phi - w_kappa kappa;
    P(deploy) = 1 / (1 + exp(-(U - U0) / s)). Moscow deploys on the first day P exceeds its
    ``latent_threshold``, one uniform draw per run: so a run deploys with probability max_t P_t, not the
    compounding 1 - prod(1 - P_t) of a fresh draw each day, which would make any small daily
    probability a near-certainty over a long crisis. A full force if P >= 0.5, else a limited one;
    otherwise Moscow delays while P >= 0.1, else declines a pending request or watches.
    """
    w = russia.weights
    u = sum(getattr(w, f) * perceived[f] * (-1 if f in BURDENS else 1) for f in FACTORS)
    z = (u - russia.weighted_threshold) / russia.weighted_scale
    p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
    status, _ = factor_status(perceived, russia.thresholds, russia.margin)
    score = u - russia.weighted_threshold
    if p > latent_threshold:
        if p >= 0.5:
            return Verdict(Outcome.DEPLOY, score, status, _size(p - 0.5), p)
        return Verdict(Outcome.LIMITED, score, status, russia.limited_fraction, p)
    if p >= 0.1:
        return Verdict(Outcome.DELAY, score, status, 0.0, p)
    return Verdict(Outcome.DECLINE if request_pending else Outcome.WATCH, score, status, 0.0, p)


def _size(margin: float) -> float:
    """Share of the force required to send, growing with the margin by which the rule passed."""
    return min(1.25, max(0.75, 0.75 + margin))


def decide(perceived: dict[str, float], russia, request_pending: bool, latent_threshold: float) -> Verdict:
    """Apply the configured rule family; ``latent_threshold`` is the run's uniform draw for the weighted rule."""
    if russia.rule == "weighted":
        return weighted(perceived, russia, request_pending, latent_threshold)
    return all_five(perceived, russia, request_pending)
