"""The two rule families (docs/model.md 7.10, 7.12): one option's verdict, and the choice over the
menu.

``all_five`` (the article's rule) takes the strongest option whose factors all pass; ``weighted``
the option of highest utility, with a logistic choice. Imports nothing of ours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .core import BURDENS, FACTORS, RULE_FACTORS, TOKEN_FORMS, Form, Outcome, request_credit


@dataclass(slots=True)
class Verdict:
    """What a rule concluded on one day."""

    outcome: Outcome  # watch / decline / delay / limited / deploy
    score: float  # all_five: the weakest factor's slack; weighted: U - U0
    status: dict[str, str]  # per rule factor: pass / near / fail
    size_factor: float  # share of the force required to send (0 unless deploy/limited)
    probability: float  # weighted: P(deploy); all_five: 1 if deploy else 0
    form: Form = Form.NONE  # the option the verdict is about (none: no option was taken or held)
    options: dict = field(default_factory=dict)  # every option weighed: form -> its own Verdict


def factor_status(
    perceived: dict[str, float], thresholds, margin: float
) -> tuple[dict[str, str], float]:
    """Pass / near / fail per rule factor, and the smallest slack (negative when a factor
    misses)."""
    status, slack_min = {}, math.inf
    for f in RULE_FACTORS:
        th = getattr(thresholds, f)
        slack = th - perceived[f] if f in BURDENS else perceived[f] - th
        status[f] = "pass" if slack >= 0 else ("near" if slack >= -margin else "fail")
        slack_min = min(slack_min, slack)
    return status, slack_min


def all_five(
    perceived: dict[str, float],
    russia,
    request_pending: bool,
    token: bool = True,
    form: Form = Form.GUARD,
) -> Verdict:
    """The article's rule for one option: every factor in place, or no move (docs/model.md 7.12).

    All pass: deploy, sized by the weakest slack. A near miss (within ``margin``) on feasibility,
    costs or opposition only: a limited (token) force if ``token`` (guard and peacekeeping), else
    delay; any other near miss: delay. Any clear failure: decline a pending request, else watch.
    """
    status, slack = factor_status(perceived, russia.thresholds, russia.margin)
    near = {f for f, s in status.items() if s == "near"}
    if "fail" in status.values():
        return Verdict(
            Outcome.DECLINE if request_pending else Outcome.WATCH, slack, status, 0.0, 0.0, form
        )
    if not near:
        return Verdict(Outcome.DEPLOY, slack, status, _size(slack), 1.0, form)
    if token and near <= {"feasibility", "costs", "opposition"}:
        return Verdict(Outcome.LIMITED, slack, status, russia.limited_fraction, 0.0, form)
    return Verdict(Outcome.DELAY, slack, status, 0.0, 0.0, form)


def utility(perceived: dict[str, float], russia, stake: float = 1.0) -> float:
    """U = w_mu stake mu + w_tau tau + w_sigma sigma - w_omega omega + w_phi phi - w_kappa kappa."""
    w = russia.weights
    return sum(
        getattr(w, f)
        * perceived[f]
        * (-1 if f in BURDENS else 1)
        * (stake if f == "motive" else 1.0)
        for f in FACTORS
    )


def weighted(
    perceived: dict[str, float],
    russia,
    request_pending: bool,
    latent_threshold: float,
    stake: float = 1.0,
    form: Form = Form.GUARD,
) -> Verdict:
    """A compensatory score with a logistic choice (bounded rationality, docs/model.md 7.12).

    U as in ``utility``; P(deploy) = 1 / (1 + exp(-(U - U0) / s)). Moscow moves on the first day P
    exceeds its ``latent_threshold``, one uniform draw per run: so a run moves with probability
    max_t P_t, not the compounding 1 - prod(1 - P_t) of a fresh draw each day, which would make any
    small daily probability a near-certainty over a long crisis. A full force if P >= 0.5, else a
    limited one; otherwise Moscow delays while P >= 0.1, else declines a pending request or watches.
    """
    u = utility(perceived, russia, stake)
    z = (u - russia.weighted_threshold) / russia.weighted_scale
    p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
    status, _ = factor_status(perceived, russia.thresholds, russia.margin)
    score = u - russia.weighted_threshold
    if p > latent_threshold:
        if p >= 0.5:
            return Verdict(Outcome.DEPLOY, score, status, _size(p - 0.5), p, form)
        return Verdict(Outcome.LIMITED, score, status, russia.limited_fraction, p, form)
    if p >= 0.1:
        return Verdict(Outcome.DELAY, score, status, 0.0, p, form)
    return Verdict(
        Outcome.DECLINE if request_pending else Outcome.WATCH, score, status, 0.0, p, form
    )


def _size(margin: float) -> float:
    """Share of the force required to send, growing with the margin by which the rule passed."""
    return min(1.25, max(0.75, 0.75 + margin))


def decide(
    perceived: dict[str, float], russia, request_pending: bool, latent_threshold: float
) -> Verdict:
    """Apply the configured rule family to one option's factors (the first edition's single
    move)."""
    if russia.rule == "weighted":
        return weighted(perceived, russia, request_pending, latent_threshold)
    return all_five(perceived, russia, request_pending)


def choose(
    menu: dict[Form, dict[str, float]], russia, request_pending: bool, latent_threshold: float
) -> Verdict:
    """Apply the configured rule family to the menu of options (perceived factors per option).

    ``all_five``: from the strongest option down, the first that does not clearly fail decides: all
    its factors pass, so Moscow takes it; or it misses narrowly, so Moscow waits for it (``delay``;
    a token force for guard and peacekeeping, as in the first edition). An option that clearly
    fails gives way to the next. None left: decline a pending request, else watch.

    ``weighted``: the option of highest utility (the motive weighted by the option's ``stake``, the
    share of what Moscow stands to win that it secures), with the logistic choice of ``weighted``;
    a guard mission saves the incumbent, so its stake is scaled by the credit Moscow gives the
    incumbent's request (``request_credit``: less for an incumbent it distrusts).

    The returned verdict carries every option's own verdict in ``options`` (the decision log).
    """
    forms = sorted(menu, key=lambda f: -list(Form).index(f))
    if russia.rule == "weighted":
        stakes = dict(russia.options.stake)
        stakes[Form.GUARD.value] = stakes.get(Form.GUARD.value, 1.0) * request_credit(
            russia.incumbent_stance
        )
        verdicts = {
            f: weighted(menu[f], russia, request_pending, latent_threshold, stakes[f.value], f)
            for f in forms
        }
        if not verdicts:
            return Verdict(
                Outcome.DECLINE if request_pending else Outcome.WATCH, -math.inf, {}, 0.0, 0.0
            )
        best = max(forms, key=lambda f: verdicts[f].score)
        v = verdicts[best]
        taken = (
            v.form if v.outcome in (Outcome.DEPLOY, Outcome.LIMITED, Outcome.DELAY) else Form.NONE
        )
        return Verdict(v.outcome, v.score, v.status, v.size_factor, v.probability, taken, verdicts)
    verdicts = {f: all_five(menu[f], russia, request_pending, f in TOKEN_FORMS, f) for f in forms}
    for f in forms:
        v = verdicts[f]
        if v.outcome in (Outcome.DEPLOY, Outcome.LIMITED, Outcome.DELAY):
            return Verdict(v.outcome, v.score, v.status, v.size_factor, v.probability, f, verdicts)
    last = verdicts[forms[0]] if forms else None
    outcome = Outcome.DECLINE if request_pending else Outcome.WATCH
    if last is None:
        return Verdict(outcome, -math.inf, {}, 0.0, 0.0)
    return Verdict(outcome, last.score, last.status, 0.0, 0.0, Form.NONE, verdicts)
