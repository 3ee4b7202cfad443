"""Moscow's parameters (docs/model.md 2, 7.10-7.12): perception, the rule's thresholds and weights,
logistics, the menu of options, learning and deployment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import P, Section


class Perception(Section):
    """Moscow's perception: perceived = true + bias + noise (docs/model.md 7.11)."""

    bias: dict[
        Literal["trigger", "support", "opposition", "feasibility", "costs", "motive"], float
    ] = Field(default_factory=dict, description="additive bias per factor, each in [-1, 1]")
    noise: float = P(
        0.05,
        0.0,
        1.0,
        "sd",
        "sd of the Gaussian noise on each perceived factor, per day (assumption)",
    )

    @model_validator(mode="after")
    def _bias_range(self):
        for k, v in self.bias.items():
            if not -1.0 <= v <= 1.0:
                raise ValueError(f"bias for '{k}' is {v}; allowed: -1 to 1")
        return self


class Thresholds(Section):
    """Thresholds of the `all_five` rule; support factors must reach them, burdens stay below."""

    trigger: float = P(0.5, 0.0, 1.0, "", "tau must reach this (assumption: midpoint)")
    support: float = P(0.5, 0.0, 1.0, "", "sigma must reach this (assumption: midpoint)")
    opposition: float = P(0.5, 0.0, 1.0, "", "omega must stay below this (assumption: midpoint)")
    feasibility: float = P(0.5, 0.0, 1.0, "", "phi must reach this (assumption: midpoint)")
    costs: float = P(0.5, 0.0, 1.0, "", "kappa must stay below this (assumption: midpoint)")


class Weights(Section):
    """Weights of the `weighted` rule: U = w.mu + w.tau + w.sigma - w.omega + w.phi - w.kappa."""

    motive: float = P(1.0, 0.0, 10.0, "", "assumption: equal weights")
    trigger: float = P(1.0, 0.0, 10.0, "", "assumption: equal weights")
    support: float = P(1.0, 0.0, 10.0, "", "assumption: equal weights")
    opposition: float = P(1.0, 0.0, 10.0, "", "assumption: equal weights")
    feasibility: float = P(1.0, 0.0, 10.0, "", "assumption: equal weights")
    costs: float = P(1.0, 0.0, 10.0, "", "assumption: equal weights")


class Logistics(Section):
    """What makes a deployment technically feasible (docs/model.md 7.10, feasibility)."""

    shared_border: bool = Field(False, description="Russia borders the host")
    bases_in_host: bool = Field(False, description="Russian bases or forces already in the host")
    airlift_km: float = P(
        2000.0, 0.0, 20_000.0, "km", "airlift distance from Russian staging bases"
    )
    csto_framework: bool = Field(
        False, description="a CSTO mandate is available (friendly CSTO host)"
    )


class SupportWeights(Section):
    """How each source of local support counts in sigma (a noisy-OR: any strong source suffices)."""

    request: float = P(
        0.9,
        0.0,
        1.0,
        "",
        "a host government's request weighs most (docs/model.md 7.10; assumption)",
    )
    separatists: float = P(0.8, 0.0, 1.0, "", "separatists or proxies (assumption)")
    population: float = P(0.5, 0.0, 1.0, "", "a friendly population (assumption)")


OPTION_NAMES = Literal["covert", "peacekeeping", "guard", "limited", "full"]


def _all_options() -> list[OPTION_NAMES]:
    return ["covert", "peacekeeping", "guard", "limited", "full"]


def _default_stakes() -> dict[OPTION_NAMES, float]:
    # Share of what Moscow stands to win that each option secures (weighted rule only): a full
    # invasion or a guard mission secures all of it, a regional operation most, peacekeepers and
    # deniable support less (assumption).
    return {"guard": 1.0, "peacekeeping": 0.5, "covert": 0.4, "limited": 0.7, "full": 1.0}


class Options(Section):
    """The menu of options Moscow weighs (docs/model.md 7.10) and their own parameters."""

    menu: list[OPTION_NAMES] = Field(
        default_factory=_all_options,
        description="options Moscow may weigh besides political support only (none); leave one out "
        "to switch it off",
    )
    stake: dict[OPTION_NAMES, float] = Field(
        default_factory=_default_stakes,
        description="share of Moscow's motive each option secures, in [0, 1]; the weighted rule's "
        "utility reads stake x motive (assumption)",
    )
    covert_share: float = P(
        0.2,
        0.0,
        5.0,
        "ratio",
        "covert support sized as this share of the proxies' strength in volunteers, advisers and "
        "arms (assumption: a few thousand Russian volunteers beside some 30,000 Donbas fighters in "
        "2014-15)",
    )
    covert_deniability: float = P(
        0.7,
        0.0,
        1.0,
        "share",
        "share of the opposition and of the Western reaction a covert option escapes by being "
        "deniable (assumption)",
    )
    covert_effect: float = P(
        0.5,
        0.0,
        5.0,
        "",
        "rise in the proxies' fighting effectiveness while covert support flows (arms, supply, "
        "advisers) (assumption)",
    )
    peacekeepers_per_km: float = P(
        10.0,
        0.0,
        1000.0,
        "troops/km",
        "force a peacekeeping mission needs per km of contact line (assumption: UN interposition "
        "forces such as UNDOF and UNFICYP hold of the order of 10 per km)",
    )
    consent_alignment: float = P(
        -0.5,
        -1.0,
        1.0,
        "",
        "a host more pro-Russian than this consents to Russian peacekeepers under a ceasefire; one "
        "at or below it does only if it sued for the ceasefire (assumption: NATO aspirants and "
        "openly anti-Russian governments do not invite them)",
    )
    ceasefire_trigger: float = P(
        0.8,
        0.0,
        1.0,
        "",
        "trigger a fresh ceasefire between the host and Moscow's clients gives peacekeeping: a "
        "line that needs guaranteeing (assumption; the coding scheme's level for an offensive on "
        "Moscow's clients)",
    )

    @model_validator(mode="after")
    def _stake_range(self):
        for k, v in self.stake.items():
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"stake for '{k}' is {v}; allowed: 0 to 1")
        return self


class Learning(Section):
    """Moscow learns (docs/model.md 7.11): perceived factors move toward what it observes, per
    day."""

    opposition: float = P(
        0.05,
        0.0,
        1.0,
        "per day",
        "learning rate of the opposition factor, toward the exchange Moscow's forces suffer while "
        "they fight; 0 = never learns (assumption: a gap closes by about half in two weeks)",
    )
    costs: float = P(
        0.05,
        0.0,
        1.0,
        "per day",
        "learning rate of the costs factor, toward the costs as they are once sanctions are in "
        "force; 0 = never learns (assumption)",
    )
    retry_margin: float = P(
        0.1,
        0.0,
        1.0,
        "",
        "an option whose operation failed is weighed again only once its true factors' weakest "
        "slack has improved by this since the failure: the conditions changed (assumption)",
    )


class RussiaParams(Section):
    """Moscow: forces, perception, the decision rule and deployment (docs/model.md 2, 7.10-7.12)."""

    enabled: bool = Field(
        True, description="false removes Moscow from the scenario (Epstein's setting)"
    )
    rule: Literal["all_five", "weighted"] = Field(
        "all_five", description="decision rule family (docs/model.md 7.12)"
    )
    thresholds: Thresholds = Field(default_factory=Thresholds)
    margin: float = P(
        0.1,
        0.0,
        0.5,
        "",
        "soft margin: a miss within it gives delay or limited (docs/model.md 7.12)",
    )
    weights: Weights = Field(default_factory=Weights)
    weighted_threshold: float = P(
        2.0,
        -6.0,
        6.0,
        "",
        "U0, the score at which deployment is a coin toss; with equal weights an invited, "
        "feasible, cheap move in a crisis scores about 2.5 and an uninvited one about 1.5 "
        "(assumption)",
    )
    weighted_scale: float = P(
        0.25, 0.01, 5.0, "", "logistic scale s of P(deploy) = 1/(1+exp(-(U-U0)/s)) (assumption)"
    )
    forces_available: float = P(
        30_000.0, 0.0, 5_000_000.0, "troops", "forces Moscow can send to this theatre"
    )
    committed_elsewhere: float = P(
        0.0, 0.0, 5_000_000.0, "troops", "forces tied up elsewhere (overstretch)"
    )
    forces_in_host: float = P(
        0.0,
        0.0,
        5_000_000.0,
        "troops",
        "Russian forces already stationed in the host (garrison, peacekeepers, fleet), part of "
        "forces_available; they need no border, base or airlift, so they raise feasibility's reach",
    )
    force_per_site: float = P(
        400.0,
        0.0,
        100_000.0,
        "troops",
        "troops to secure one strategic site in a 20-million country (assumption: a reinforced "
        "battalion)",
    )
    force_ratio_hostile: float = P(
        1.5,
        0.1,
        10.0,
        "ratio",
        "force needed against a resisting host army, per defender (assumption)",
    )
    limited_fraction: float = P(
        0.25,
        0.0,
        1.0,
        "share",
        "size of a limited deployment relative to the force required (assumption)",
    )
    lead_time_days: int = P(
        1,
        0,
        60,
        "days",
        "from decision to troops on the ground (Kazakhstan airlift: <1 day after the request)",
    )
    withdraw_calm_days: int = P(
        4, 1, 365, "days", "days of calm and a secure regime before withdrawal starts (assumption)"
    )
    withdrawal_days: int = P(
        6, 1, 365, "days", "length of a phased withdrawal (Kazakhstan: 13 to 19 Jan 2022)"
    )
    order_threshold: float = P(
        0.03, 0.0, 1.0, "active share", "unrest below which order counts as restored (assumption)"
    )
    strategic_weight: float = P(0.7, 0.0, 1.0, "", "how much the host matters to Moscow (motive)")
    incumbent_stance: float = P(
        0.0,
        -1.0,
        1.0,
        "",
        "Moscow's stance toward the host's incumbent government, a fact of the case: -1 wants it "
        "gone, 0 neither, +1 wants it kept. A request from an incumbent Moscow distrusts counts "
        "for less in support (weight x (1 + min(0, stance))) and in the weighted rule's stake in a "
        "guard mission; the motive to save a friendly regime under threat scales with 1 + stance "
        "(docs/model.md 7.10)",
    )
    nato_bid: bool = Field(
        False,
        description="the host seeks NATO membership (raises motive against a pro-Western host)",
    )
    economic_exposure: float = P(
        0.1, 0.0, 1.0, "", "Russia's economic exposure to the West through this move (costs)"
    )
    reputation: float = P(0.8, 0.0, 1.0, "", "Moscow's reputation at day 0 (assumption)")
    reputation_grace_days: int = P(
        10, 1, 365, "days", "days a deployment has to restore order before it costs reputation"
    )
    reputation_loss: float = P(
        0.02, 0.0, 1.0, "per day", "reputation lost per day past the grace period (assumption)"
    )
    reputation_exposure: float = P(
        0.2, 0.0, 1.0, "", "weight of reputational exposure (1 - reputation) in costs (assumption)"
    )
    logistics: Logistics = Field(default_factory=Logistics)
    support_weights: SupportWeights = Field(default_factory=SupportWeights)
    aid_horizon_days: int = P(
        30,
        0,
        3650,
        "days",
        "days of Western aid Moscow expects to face when sizing the opposition (assumption)",
    )
    perception: Perception = Field(default_factory=Perception)
    options: Options = Field(default_factory=Options)
    learning: Learning = Field(default_factory=Learning)
    abandon_days: int = P(
        3,
        1,
        365,
        "days",
        "an operation is scaled back or withdrawn once one of its own factors has clearly failed "
        "on this many days in a row (assumption: a war plan is not changed on one day's reading)",
    )
    loss_tolerance: float = P(
        0.1,
        0.0,
        1.0,
        "share",
        "losses, as a share of the force landed in an operation, that Moscow tolerates before its "
        "aim is reached; past them it scales back to a smaller option or withdraws (assumption)",
    )
