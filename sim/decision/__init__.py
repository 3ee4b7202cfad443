"""The decision (docs/model.md 7.10-7.14): factors, the menu of options, the rules, learning.

Pure functions of a :class:`Situation` (what Moscow reads from the model each day) and the config
sections (duck-typed). Every factor lies in [0, 1]:

- trigger     tau   = max(scenario trigger, share of sites stormed,
                          regime threat if the host is friendly)
- support     sigma = noisy-OR of the option's sources (request, separatists, population)
- opposition  omega = 1 - (1 - omega_host)(1 - omega_west)(1 - omega_opp)
- feasibility phi   = min(1, available / required) * reach
- costs       kappa = expected sanctions + economic exposure + w_rep (1 - reputation)
- motive      mu    = weight * (a+ (0.4 + 0.6 threat (1 + stance)) + a- (0.5 + 0.5 NATO bid))

each scored per option (``options``: the force it requires sized to its aim, the opposition it
meets, its costs, its support); the rules (``rules``) choose over the menu; ``learning`` moves
perceptions toward what Moscow observes. Modules: ``core`` (enums, the situation, perception),
``options``, ``rules``, ``learning``.
"""

from .core import (
    AIRLIFT_RANGE_KM,
    BURDENS,
    FACTORS,
    FORM_RANK,
    FORMS,
    HOSTILE_FORMS,
    INTERVENING_FORMS,
    LOGISTICS_WEIGHTS,
    RULE_FACTORS,
    TOKEN_FORMS,
    Form,
    Outcome,
    Situation,
    hostility,
    logistics_score,
    noise_draw,
    perceive,
    regime_stake,
    request_credit,
    severity,
)
from .learning import LEARNED, learn, observed_opposition
from .options import (
    applicable,
    force_required,
    menu_factors,
    option_factors,
    reach_score,
    strongest,
    true_factors,
)
from .rules import Verdict, all_five, choose, decide, factor_status, utility, weighted

__all__ = [
    "AIRLIFT_RANGE_KM",
    "BURDENS",
    "FACTORS",
    "FORMS",
    "FORM_RANK",
    "HOSTILE_FORMS",
    "INTERVENING_FORMS",
    "LEARNED",
    "LOGISTICS_WEIGHTS",
    "RULE_FACTORS",
    "TOKEN_FORMS",
    "Form",
    "Outcome",
    "Situation",
    "Verdict",
    "all_five",
    "applicable",
    "choose",
    "decide",
    "factor_status",
    "force_required",
    "hostility",
    "learn",
    "logistics_score",
    "menu_factors",
    "noise_draw",
    "observed_opposition",
    "option_factors",
    "perceive",
    "reach_score",
    "regime_stake",
    "request_credit",
    "severity",
    "strongest",
    "true_factors",
    "utility",
    "weighted",
]
