"""The scenario schema: every parameter of the model, its default, unit, range and source.

This module is the one place where parameters are declared. ``docs/parameters.md`` is generated
from it (``python -m sim.config.docgen``) and a test keeps the two in step. Sources of defaults are
given in each field's description; "assumption" marks a modelling choice with no empirical source,
documented in ``docs/model.md``.

Imports nothing of ours but :mod:`sim.config.names`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .names import ally_column, check_name
from .security import HostForces, PlaybookParams


def P(default, lo=None, hi=None, unit: str = "", doc: str = ""):
    """A documented parameter: default, inclusive bounds, unit and description with its source."""
    return Field(default, ge=lo, le=hi, description=doc, json_schema_extra={"unit": unit})


class Section(BaseModel):
    """Base of every config section: unknown keys are errors, values are immutable, and no number
    may be NaN or infinite (either would run silently to a meaningless result)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Site(Section):
    """A strategic site (government building, airport, broadcaster)."""

    name: str = Field(description="label used in plots")
    x: int = P(0, 0, None, "cell", "column of the site")
    y: int = P(0, 0, None, "cell", "row of the site")


def _default_sites() -> list[Site]:
    # Four sites (docs/model.md 2: "default 4 sites"), placed around the centre of a 60x60 city.
    return [
        Site(name="government", x=30, y=30),
        Site(name="airport", x=50, y=12),
        Site(name="broadcaster", x=14, y=44),
        Site(name="residence", x=40, y=46),
    ]


class City(Section):
    """The host's main city: grid, neighbourhood and strategic sites (docs/model.md 2)."""

    width: int = P(60, 5, 5000, "cells", "grid width (docs/model.md 2)")
    height: int = P(60, 5, 5000, "cells", "grid height (docs/model.md 2)")
    torus: bool = Field(
        False, description="wrap edges (Epstein 2002 and Mesa's example do; a city does not)"
    )
    neighborhood: Literal["von_neumann", "moore"] = Field(
        "von_neumann", description="shape of vision: diamond (Mesa's Epstein example) or square"
    )
    sites: list[Site] = Field(
        default_factory=_default_sites, description="strategic sites (docs/model.md 2)"
    )
    storm_radius: int = P(
        4, 1, 50, "cells", "radius within which actives and guards count for a site (assumption)"
    )
    storm_ratio: float = P(
        2.0,
        1.0,
        100.0,
        "ratio",
        "actives must outnumber guards by this factor to storm a site (assumption)",
    )
    storm_min_actives: int = P(
        8, 1, 10_000, "agents", "fewest actives that can storm a site (assumption)"
    )
    population: float = P(
        1_000_000.0,
        1.0,
        100_000_000.0,
        "persons",
        "residents of the modelled city (docs/model.md 7.1; default: the order of a capital)",
    )
    street_share: float = P(
        0.03,
        0.0,
        1.0,
        "share",
        "share of the residents who could take to the streets at all; the citizens on the grid "
        "stand for them, so each citizen agent is population x street_share / citizens persons "
        "(assumption)",
    )
    burn_in_days: int = P(
        20,
        0,
        1000,
        "days",
        "days the city runs before day 0, not recorded, at the day-0 legitimacy and no shock, so "
        "that it starts from its resting state (docs/model.md 7.1; measured on Kazakhstan's city, "
        "benchmarks/city_at_rest.py: the resting active and jailed shares settle in 15-20 days)",
    )

    @model_validator(mode="after")
    def _sites_inside(self):
        for s in self.sites:
            if s.x >= self.width or s.y >= self.height:
                raise ValueError(
                    f"site '{s.name}' at ({s.x}, {s.y}) lies outside the {self.width}x{self.height} grid"
                )
        return self


class Protesters(Section):
    """Citizens after Epstein (2002), Model I (docs/model.md 2)."""

    density: float = P(0.7, 0.0, 1.0, "share of cells", "Epstein 2002 Run 1; Mesa example default")
    vision: int = P(7, 1, 50, "cells", "Epstein 2002; Mesa example default")
    arrest_k: float = P(2.3, 0.0, 50.0, "", "k in P = 1 - exp(-k round(C/A)); Epstein 2002")
    threshold: float = P(0.1, 0.0, 1.0, "", "T: active iff G - R P > T; Epstein 2002")
    max_jail_days: int = P(
        30, 0, 10_000, "days", "J_max, jail term ~ U{0..J_max} (docs/model.md 2)"
    )
    movement: bool = Field(
        True, description="quiet and active agents move to a random empty cell in vision"
    )
    activation_rounds: int = P(
        3,
        1,
        100,
        "rounds",
        "times a day Epstein's rule is re-applied on the day's new picture until nobody changes: citizens see others join during the day, as in Mesa's sequential activation; 1 = strictly simultaneous (assumption)",
    )
    site_attraction: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "share of actives who each day head for the nearest strategic site instead of moving at random: crowds converge on the seats of power (assumption; Epstein's rule is 0)",
    )
    jail_model: Literal["detention", "epstein"] = Field(
        "detention",
        description="what an arrest costs: 'detention', a `charged_share` are charged and serve "
        "U{0..max_jail_days}, the rest are held U{detention_min_days..detention_max_days} and walk "
        "out in batches every `release_interval_days`; 'epstein', everyone serves "
        "U{0..max_jail_days} (Epstein 2002) (docs/model.md 7.2)",
    )
    charged_share: float = P(
        0.05,
        0.0,
        1.0,
        "share",
        "share of the arrested who are charged with a crime and serve U{0..max_jail_days} under "
        "the detention model; the rest are administrative detainees (assumption: most of those "
        "detained in a crackdown are held for days and released)",
    )
    detention_min_days: int = P(
        1, 0, 10_000, "days", "shortest administrative detention (assumption)"
    )
    detention_max_days: int = P(
        15,
        0,
        10_000,
        "days",
        "longest administrative detention (assumption: 15 days, the cap on administrative arrest "
        "in the post-Soviet codes of administrative offences, e.g. Russia's art. 3.9; Kazakhstan's "
        "own cap is not checked here)",
    )
    release_interval_days: int = P(
        3,
        1,
        365,
        "days",
        "administrative detainees whose term has run out walk out together on every such day: "
        "courts and detention centres process them in batches (assumption)",
    )
    fatigue_rate: float = P(
        0.1,
        0.0,
        1.0,
        "per day",
        "rise of a citizen's protest fatigue F (0..1) for each day active; grievance "
        "G = H (1 - L) (1 - F) (docs/model.md 7.1; assumption: a week or so of daily protest "
        "halves a protester's grievance; 0 = Epstein's rule)",
    )
    fatigue_recovery: float = P(
        0.01,
        0.0,
        1.0,
        "per day",
        "fall of protest fatigue for each day not active (assumption: slower than it builds, so "
        "that without a new shock the unrest does not return within the season)",
    )

    @model_validator(mode="after")
    def _detention_order(self):
        if self.detention_min_days > self.detention_max_days:
            raise ValueError(
                f"detention_min_days ({self.detention_min_days}) exceeds detention_max_days "
                f"({self.detention_max_days}); the shortest detention must be at most the longest"
            )
        return self


class Police(Section):
    """Host police on the city grid (docs/model.md 2)."""

    density: float = P(
        0.074, 0.0, 1.0, "share of cells", "at full strength; Epstein 2002 cop density"
    )
    vision: int = P(7, 1, 50, "cells", "Epstein 2002")
    guard_share: float = P(
        0.25,
        0.0,
        1.0,
        "share",
        "share of police posted at strategic sites rather than patrolling (assumption)",
    )


class Troops(Section):
    """Foreign troops on the city grid (docs/model.md 2)."""

    per_agent: int = P(
        50,
        1,
        100_000,
        "soldiers",
        "soldiers represented by one troop agent on the grid (assumption: a platoon)",
    )
    policing_share: float = P(
        0.0,
        0.0,
        1.0,
        "share",
        "share of troop agents that patrol and arrest; 0 = guard posts only, as the CSTO in Almaty (Chausovsky, FP 7 Jan 2022)",
    )
    guard: bool = Field(
        True,
        description="channel 1 (docs/model.md 7.5): troops guard strategic sites, freeing the "
        "host's police for the streets; off: the model puts no troops on the city grid",
    )
    guarantee: bool = Field(
        True,
        description="channel 2: troops on the ground are a credible guarantee of the regime's "
        "survival that lifts the loyalty of the host's forces; off: they do not",
    )
    deterrence_channel: bool = Field(
        True,
        description="channel 3: their presence deters protesters (a higher perceived arrest "
        "risk); off: it does not",
    )
    deterrence: float = P(
        0.2,
        0.0,
        1.0,
        "",
        "deterrence at full presence: raises each citizen's estimated arrest risk P to "
        "1 - (1 - P)(1 - deterrence) (assumption)",
    )
    presence_reference: float = P(
        2000.0,
        1.0,
        1_000_000.0,
        "troops",
        "foreign troops in the city at which their presence deters fully; fewer deter in "
        "proportion (assumption: the CSTO's ~2,030 in Kazakhstan, Jan 2022)",
    )


Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A number from 0 to 1 (an item of a tuple, which has no field of its own)."""


class Region(Section):
    """The region a limited operation would seize or protect (docs/model.md 7.10); all zero: the host has none."""

    name: str = Field("", description="label (e.g. Crimea, South Ossetia and Abkhazia)")
    territory_share: float = P(
        0.0,
        0.0,
        1.0,
        "share",
        "the region's share of the host's territory, including any part Moscow's side already holds: the aim of a limited operation; 0 = no region, no limited option",
    )
    army_share: float = P(
        0.0,
        0.0,
        1.0,
        "share",
        "share of the host army stationed in the region at day 0, its garrison; units the host sends in later (an offensive) count apart",
    )
    pro_russian_population: float = P(
        0.0,
        0.0,
        1.0,
        "share",
        "share of the region's population friendly to a Russian presence: the limited and covert options' popular support, and the sympathy of the garrison's locally recruited soldiers (defection)",
    )
    garrison_local: float = P(
        1.0,
        0.0,
        1.0,
        "share",
        "share of the garrison recruited from the region's population and sharing its sympathies; the rest share the nation's (assumption where not known)",
    )
    contact_line_km: float = P(
        200.0,
        0.0,
        10_000.0,
        "km",
        "length of the line a peacekeeping force would hold after a ceasefire (assumption where no figure is given: the order of the Transnistrian security zone, 225 km)",
    )


class Host(Section):
    """The host government (docs/model.md 2, 7.5-7.8)."""

    name: str = Field("Host", description="country name")
    alignment: float = P(0.5, -1.0, 1.0, "", "-1 pro-Western .. +1 pro-Russian")
    csto_member: bool = Field(False, description="member of the CSTO")
    population_m: float = P(20.0, 0.1, 1000.0, "million", "population; scales the force required")
    legitimacy: float = P(0.8, 0.0, 1.0, "", "L at day 0; Epstein 2002 uses 0.8")
    legitimacy_recovery: float = P(
        0.1,
        0.0,
        1.0,
        "per day",
        "pull of L back to its day-0 value on calm days (no emergency threat): trust returns once order holds (assumption)",
    )
    nationalism: float = P(
        0.0,
        0.0,
        1.0,
        "per day",
        "legitimacy lost per day with `presence_reference` foreign troops on its soil (assumption)",
    )
    presence_reference: float = P(
        2000.0,
        1.0,
        1_000_000.0,
        "troops",
        "foreign troops at which the nationalism cost reaches its full rate (assumption)",
    )
    police_strength: float = P(
        1.0, 0.0, 3.0, "x nominal", "police on the grid = police.density x cells x this"
    )
    unrest_scale: float = P(
        0.2, 0.01, 1.0, "share", "active share that counts as full unrest (index 1) (assumption)"
    )
    threat_weights: tuple[Share, Share, Share] = Field(
        (0.5, 0.3, 0.2),
        description="weights of unrest index, share of sites lost, police lost in the regime threat, each 0..1, not all 0 (assumption)",
    )
    can_request: bool = Field(
        True,
        description="whether the host may ask Moscow for help at all: false only for a structural reason (the playbook decides whether and when it asks)",
    )
    forces: HostForces = Field(
        default_factory=HostForces, description="the security apparatus (docs/model.md 7.5)"
    )
    playbook: PlaybookParams = Field(
        default_factory=PlaybookParams,
        description="the measures the host takes, by threat (docs/model.md 7.6)",
    )
    collapse_threshold: float = P(
        0.8, 0.0, 1.0, "threat", "threat above which the regime is collapsing (assumption)"
    )
    collapse_days: int = P(
        4,
        1,
        365,
        "days",
        "consecutive days above collapse_threshold before the regime falls (assumption)",
    )
    threatened_threshold: float = P(
        0.3, 0.0, 1.0, "threat", "threat above which the regime counts as threatened (assumption)"
    )
    separatist_support: float = P(
        0.0, 0.0, 1.0, "", "strength of separatists or proxies friendly to Moscow"
    )
    separatist_forces: float = P(
        0.0, 0.0, 1_000_000.0, "troops", "separatist fighters on Moscow's side (hostile-host mode)"
    )
    separatist_territory: float = P(
        0.0, 0.0, 1.0, "share", "territory held by separatists at day 0"
    )
    pro_russian_population: float = P(
        0.0, 0.0, 1.0, "share", "share of the population friendly to a Russian presence"
    )
    opponent_forces: float = P(
        0.0,
        0.0,
        5_000_000.0,
        "troops",
        "third-party forces fighting the host government that a deployment on its side would have to face: an attacking neighbour's army, an insurgency (not Moscow's own clients: see separatist_forces); they raise opposition and the force required",
    )
    region: Region = Field(
        default_factory=Region,
        description="the region a limited operation aims at (docs/model.md 7.10)",
    )

    @field_validator("threat_weights")
    @classmethod
    def _some_weight(cls, weights):
        if sum(weights) <= 0:
            raise ValueError(
                "the three threat_weights are all 0, so the regime would never feel threatened; "
                "give at least one weight above 0 (each 0 to 1)"
            )
        return weights


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
        description="options Moscow may weigh besides political support only (none); leave one out to switch it off",
    )
    stake: dict[OPTION_NAMES, float] = Field(
        default_factory=_default_stakes,
        description="share of Moscow's motive each option secures, in [0, 1]; the weighted rule's utility reads stake x motive (assumption)",
    )
    covert_share: float = P(
        0.2,
        0.0,
        5.0,
        "ratio",
        "covert support sized as this share of the proxies' strength in volunteers, advisers and arms (assumption: a few thousand Russian volunteers beside some 30,000 Donbas fighters in 2014-15)",
    )
    covert_deniability: float = P(
        0.7,
        0.0,
        1.0,
        "share",
        "share of the opposition and of the Western reaction a covert option escapes by being deniable (assumption)",
    )
    covert_effect: float = P(
        0.5,
        0.0,
        5.0,
        "",
        "rise in the proxies' fighting effectiveness while covert support flows (arms, supply, advisers) (assumption)",
    )
    peacekeepers_per_km: float = P(
        10.0,
        0.0,
        1000.0,
        "troops/km",
        "force a peacekeeping mission needs per km of contact line (assumption: UN interposition forces such as UNDOF and UNFICYP hold of the order of 10 per km)",
    )
    consent_alignment: float = P(
        -0.5,
        -1.0,
        1.0,
        "",
        "a host more pro-Russian than this consents to Russian peacekeepers under a ceasefire; one at or below it does only if it sued for the ceasefire (assumption: NATO aspirants and openly anti-Russian governments do not invite them)",
    )
    ceasefire_trigger: float = P(
        0.8,
        0.0,
        1.0,
        "",
        "trigger a fresh ceasefire between the host and Moscow's clients gives peacekeeping: a line that needs guaranteeing (assumption; the coding scheme's level for an offensive on Moscow's clients)",
    )

    @model_validator(mode="after")
    def _stake_range(self):
        for k, v in self.stake.items():
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"stake for '{k}' is {v}; allowed: 0 to 1")
        return self


class Learning(Section):
    """Moscow learns (docs/model.md 7.11): perceived factors move toward what it observes, per day."""

    opposition: float = P(
        0.05,
        0.0,
        1.0,
        "per day",
        "learning rate of the opposition factor, toward the exchange Moscow's forces suffer while they fight; 0 = never learns (assumption: a gap closes by about half in two weeks)",
    )
    costs: float = P(
        0.05,
        0.0,
        1.0,
        "per day",
        "learning rate of the costs factor, toward the costs as they are once sanctions are in force; 0 = never learns (assumption)",
    )
    retry_margin: float = P(
        0.1,
        0.0,
        1.0,
        "",
        "an option whose operation failed is weighed again only once its true factors' weakest slack has improved by this since the failure: the conditions changed (assumption)",
    )


class Russia(Section):
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
        "U0, the score at which deployment is a coin toss; with equal weights an invited, feasible, cheap move in a crisis scores about 2.5 and an uninvited one about 1.5 (assumption)",
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
        "Russian forces already stationed in the host (garrison, peacekeepers, fleet), part of forces_available; they need no border, base or airlift, so they raise feasibility's reach",
    )
    force_per_site: float = P(
        400.0,
        0.0,
        100_000.0,
        "troops",
        "troops to secure one strategic site in a 20-million country (assumption: a reinforced battalion)",
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
        "gone, 0 neither, +1 wants it kept. A request from an incumbent Moscow distrusts counts for "
        "less in support (weight x (1 + min(0, stance))) and in the weighted rule's stake in a guard "
        "mission; the motive to save a friendly regime under threat scales with 1 + stance "
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
        "an operation is scaled back or withdrawn once one of its own factors has clearly failed on this many days in a row (assumption: a war plan is not changed on one day's reading)",
    )
    loss_tolerance: float = P(
        0.1,
        0.0,
        1.0,
        "share",
        "losses, as a share of the force landed in an operation, that Moscow tolerates before its aim is reached; past them it scales back to a smaller option or withdraws (assumption)",
    )


def _default_reaction() -> dict[OPTION_NAMES, float]:
    return {"guard": 1.0, "peacekeeping": 0.2, "covert": 0.6, "limited": 0.6, "full": 1.0}


class West(Section):
    """The West: signals before, sanctions and aid after (docs/model.md 2, 7.9)."""

    enabled: bool = Field(True, description="false removes the West from the scenario")
    resolve: float = P(0.5, 0.0, 1.0, "", "willingness to act on its signals")
    sanctions_credibility: float = P(0.5, 0.0, 1.0, "", "credibility of the signalled sanctions")
    sanctions_signal: float = P(0.3, 0.0, 1.0, "", "severity of the sanctions the West signals")
    friendly_severity: float = P(
        0.3,
        0.0,
        1.0,
        "",
        "severity for answering an ally's request relative to moving against a pro-Western host (assumption)",
    )
    reference_force: float = P(
        10_000.0,
        1.0,
        1_000_000.0,
        "troops",
        "deployment size at which sanctions reach full scale (assumption)",
    )
    sanctions_rate: float = P(
        0.2, 0.0, 1.0, "per day", "speed at which sanctions approach their target (assumption)"
    )
    military_commitment: float = P(
        0.0, 0.0, 1.0, "", "expected Western military response (1 = treaty ally)"
    )
    aid_capacity: float = P(
        0.0,
        0.0,
        1_000_000.0,
        "troop-equivalents/day",
        "military aid to a hostile host once attacked",
    )
    reaction: dict[OPTION_NAMES, float] = Field(
        default_factory=_default_reaction,
        description="the West's reaction to each option relative to a full move (times the severity for the host's alignment); covert's is further cut by its deniability (assumption: the 2014 sanctions for Crimea and Donbas were a fraction of 2022's)",
    )
    territory_reference: float = P(
        0.2,
        0.001,
        1.0,
        "share",
        "territory seized (beyond day 0) at which the territorial term of the West's reaction is full (assumption)",
    )
    deaths_reference: float = P(
        1000.0,
        1.0,
        1_000_000.0,
        "deaths",
        "soldiers killed in the war at which the deaths term of the West's reaction is full (assumption)",
    )
    signal_response: float = P(
        1.0,
        0.0,
        1.0,
        "",
        "how far the West raises its signal of the next step in answer to a move: signal = max(signal, response x resolve x offence); 0 = the signal never moves (assumption)",
    )

    @model_validator(mode="after")
    def _reaction_range(self):
        for k, v in self.reaction.items():
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"reaction for '{k}' is {v}; allowed: 0 to 1")
        return self


class Ally(Section):
    """A CSTO ally: contingent and domestic unrest (docs/model.md 2, 7.13)."""

    name: str = Field(description="country name; columns troops_<name>, unrest_<name>")
    capacity: float = P(200.0, 0.0, 1_000_000.0, "troops", "contingent it can send")
    willingness: float = P(0.7, 0.0, 1.0, "", "propensity to join a Russian-led CSTO deployment")
    unrest: float = P(0.05, 0.0, 1.0, "share", "domestic unrest at day 0")
    threshold_mean: float = P(
        0.55, 0.0, 1.0, "", "mean of the population's protest thresholds (Granovetter 1978)"
    )
    threshold_sd: float = P(0.2, 0.01, 1.0, "", "sd of the thresholds (Granovetter 1978)")


def _default_allies() -> list[Ally]:
    # The four CSTO allies that joined in January 2022 (docs/model.md 2). Capacities: the contingents
    # each sent to Kazakhstan in January 2022 (CSTO, 7-8 Jan 2022: Armenia ~100, Belarus ~100,
    # Kyrgyzstan ~150, Tajikistan ~200), the only documented figure of what each can send on short
    # notice; the Kazakhstan peak is therefore not an independent test of them (docs/model.md 7.7).
    # Willingness and thresholds are assumptions.
    return [
        Ally(name="Armenia", capacity=100, willingness=0.6, threshold_mean=0.55),
        Ally(name="Belarus", capacity=100, willingness=0.9, threshold_mean=0.6),
        Ally(
            name="Kyrgyzstan", capacity=150, willingness=0.8, threshold_mean=0.5
        ),  # lowest: three revolutions since 2005
        Ally(name="Tajikistan", capacity=200, willingness=0.8, threshold_mean=0.6),
    ]


class Allies(Section):
    """The CSTO allies and their shared response parameters."""

    members: list[Ally] = Field(
        default_factory=_default_allies,
        description="the allies; default Armenia, Belarus, Kyrgyzstan, Tajikistan (docs/model.md 2)",
    )
    join_threshold: float = P(
        0.5, 0.0, 1.0, "", "willingness minus unrest aversion must exceed this to join (assumption)"
    )
    unrest_aversion: float = P(
        1.0, 0.0, 10.0, "", "how much domestic unrest holds an ally back (assumption)"
    )
    join_push: float = P(
        0.08, 0.0, 1.0, "", "push on domestic unrest from joining (Chausovsky, FP 7 Jan 2022)"
    )
    demonstration: float = P(
        0.2, 0.0, 1.0, "", "push per unit of the host's active share (demonstration effect)"
    )
    deterrence: float = P(0.05, 0.0, 1.0, "", "pull from a deployment that has restored order")
    adjustment: float = P(
        0.3,
        0.0,
        1.0,
        "per day",
        "speed at which unrest moves to its threshold-model level (assumption)",
    )

    @model_validator(mode="after")
    def _distinct_columns(self):
        # Each ally has the columns troops_<name> and unrest_<name> (sim.config.names.ally_column): two
        # allies whose names give one column would overwrite each other's numbers, and an ally
        # named Russia or Total would overwrite troops_russia or troops_total.
        seen = {"russia": "Russia (always a contributor)", "total": "the column troops_total"}
        for i, ally in enumerate(self.members):
            col = ally_column(ally.name)
            if not col:
                raise ValueError(f"ally {i} has an empty name; give each ally a country name")
            if col in seen:
                raise ValueError(
                    f"ally {i} ({ally.name!r}) and {seen[col]} share the output columns "
                    f"troops_{col} and unrest_{col}, so one would overwrite the other's numbers; "
                    "give each ally a different name"
                )
            seen[col] = f"ally {i} ({ally.name!r})"
        return self


class Attrition(Section):
    """The war (docs/model.md 7.14): Lanchester's square law, ground, cohesion, ceasefires."""

    russia_effectiveness: float = P(
        0.005,
        0.0,
        1.0,
        "per day",
        "alpha: host losses (dead, wounded, captured) per fighter-day of Moscow's side (assumption: army-level daily casualty rates of 0.2-1% in sustained combat, Dupuy 1990)",
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
        "multiplier on the defender's fire and strength (assumption: Dupuy's 1.3-1.6 for a hasty to prepared defence)",
    )
    territory_rate: float = P(
        0.1,
        0.0,
        1.0,
        "share/day",
        "share of the ground the defender still holds within the attacker's aim that changes hands per day at total superiority (assumption: Crimea's bases were taken over about three weeks)",
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
        "share of the host's field force in a region that falls back out of it per day, times the balance of strength, when Moscow's side attacks it and is stronger: units outmatched retreat rather than fight to the end (assumption)",
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
        "mean of the host soldiers' thresholds for going over: a soldier is willing to defect when sympathy x Moscow's share of the forces in the theatre exceeds his threshold (Granovetter 1978; assumption)",
    )
    defection_threshold_sd: float = P(0.1, 0.01, 1.0, "", "sd of those thresholds (assumption)")
    defection_speed: float = P(
        0.3,
        0.0,
        1.0,
        "per day",
        "share of the soldiers willing to defect who surrender or go over each day; 0 = the host army never breaks (assumption)",
    )
    defector_join_share: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "share of the defectors who join Moscow's side rather than go home (assumption: many of the Ukrainian servicemen in Crimea took Russian service in 2014)",
    )
    killed_share: float = P(
        0.25,
        0.0,
        1.0,
        "share",
        "share of losses (dead, wounded, captured) that are deaths (assumption: about one killed to three wounded in modern conventional war)",
    )
    break_share: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "a side whose forces in the theatre fall below this share of their strength when the fighting began sues for a ceasefire (assumption)",
    )
    withdraw_loss_share: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "Russia withdraws an operation outright after losing this share of the force it landed for it, whatever its aim (assumption)",
    )


class Event(Section):
    """A scheduled event (docs/model.md 6)."""

    day: int = P(0, 0, 100_000, "day", "day on which it fires")
    kind: Literal[
        "hardship_shock",
        "legitimacy_shock",
        "trigger",
        "forces_committed",
        "west_signal",
        "host_request_ban",
        "host_request",
        "host_offensive",
    ] = Field(
        description="what happens: hardship rises; legitimacy falls; a trigger (attack, manufactured pretext); Russian forces committed elsewhere; the West changes its sanctions signal; the host may no longer ask for help; the host asks for help (a documented request, whatever its regime threat; only a friendly host that may ask); the host commits `value` (share) of its army to retake the separatists' territory (a war without Russia, docs/model.md 7.14)"
    )
    value: float = Field(
        0.0,
        description="size, with a range per kind: hardship_shock 0..1 (hardship added), legitimacy_shock 0..1 (legitimacy removed), trigger 0..1 (trigger level), forces_committed 0..5,000,000 (troops), west_signal 0..1 (the new signal), host_offensive 0..1 (share of the host army committed); host_request and host_request_ban 0..1 (not used)",
    )
    duration: int = P(
        1,
        1,
        100_000,
        "days",
        "`trigger`: days it stays in place; `hardship_shock`: days over which it builds up evenly",
    )

    @model_validator(mode="after")
    def _value_in_range(self):
        lo, hi, meaning = EVENT_VALUES[self.kind]
        if not lo <= self.value <= hi:
            raise ValueError(
                f"a {self.kind} event's value is {self.value!r}; allowed: {lo:g} to {hi:,g} ({meaning})"
            )
        return self


EVENT_VALUES = {
    "hardship_shock": (0.0, 1.0, "hardship added to every citizen's, which is capped at 1"),
    "legitimacy_shock": (0.0, 1.0, "legitimacy removed; a negative shock would raise it"),
    "trigger": (0.0, 1.0, "the trigger's level, a factor from 0 to 1"),
    "forces_committed": (0.0, 5_000_000.0, "Russian troops committed elsewhere"),
    "west_signal": (0.0, 1.0, "the West's new sanctions signal"),
    "host_request_ban": (0.0, 1.0, "not used by this kind"),
    "host_request": (0.0, 1.0, "not used by this kind"),
    "host_offensive": (0.0, 1.0, "share of the host army committed to the offensive"),
}
"""Each event kind's allowed ``value``: (low, high, what it means)."""


HistoryEvent = Literal[
    "shock",
    "request",
    "decision",
    "landing",
    "order",
    "withdrawal_start",
    "withdrawal",
    "ceasefire",
    "regime_fall",
    "invasion",
    "annexation",
]
"""What a dated historical fact records; each maps to the model's day column where it has one
(``sim.history.EVENT_COLUMNS``: request -> request_day, landing -> deploy_day, ...)."""

MagnitudeName = Literal[
    "peak_troops",
    "days_deployed",
    "peak_unrest",
    "final_unrest",
    "final_sanctions",
    "peak_ally_unrest",
    "final_territory_share",
    "final_reputation",
    "detained",
    "deaths",
]
"""Historical totals the model can be held against: numeric summary columns, plus detentions and
deaths in persons, which the second edition reports (docs/model.md, people not cells)."""


class Fact(Section):
    """A dated historical fact, for comparison with the model (never an input to it)."""

    day: int = P(0, 0, 100_000, "day", "day of the fact, counted from day 0 (history.start_date)")
    event: HistoryEvent = Field(
        description="shock: the opening event; request: the host asks for help; decision: Moscow (or the CSTO) decides to send troops; landing: foreign troops on the ground; order: order largely restored; withdrawal_start / withdrawal: withdrawal begins / is complete; ceasefire; regime_fall; invasion; annexation"
    )
    note: str = Field("", description="what happened, in a few words")
    source: str = Field("", description="where the fact comes from")


class Magnitude(Section):
    """A historical total, with its range where sources differ (never an input to the model)."""

    value: float = Field(description="best estimate")
    low: float | None = Field(None, description="lowest credible estimate")
    high: float | None = Field(None, description="highest credible estimate")
    note: str = Field("", description="what it counts (e.g. nationwide, not the modelled city)")
    source: str = Field("", description="where the figure comes from")
    city_share: float = P(
        1.0,
        0.0,
        1.0,
        "share",
        "share of the figure that fell in the modelled city: the model is held against value x city_share (docs/model.md 7.1)",
    )

    @model_validator(mode="after")
    def _ordered(self):
        lo = self.value if self.low is None else self.low
        hi = self.value if self.high is None else self.high
        if not lo <= self.value <= hi:
            raise ValueError(
                f"need low <= value <= high, got low={self.low}, value={self.value}, high={self.high}"
            )
        return self


class History(Section):
    """What happened, to draw on plots and hold the model against; the model never reads it."""

    start_date: datetime.date | None = Field(
        None, description="calendar date of day 0 (e.g. 2022-01-02); time plots then show dates"
    )
    timeline: list[Fact] = Field(
        default_factory=list, description="dated facts, day counted from day 0"
    )
    magnitudes: dict[MagnitudeName, Magnitude] = Field(
        default_factory=dict,
        description="historical totals by name: numeric summary columns, and detained (held against detained_total)",
    )


class Config(Section):
    """A whole scenario: one typed object read by every component."""

    name: str = Field("scenario", description="short name, used for the output folder")
    description: str = Field("", description="what the scenario represents")
    horizon_days: int = P(60, 1, 10_000, "days", "docs/model.md 2")
    city: City = Field(default_factory=City)
    protesters: Protesters = Field(default_factory=Protesters)
    police: Police = Field(default_factory=Police)
    troops: Troops = Field(default_factory=Troops)
    host: Host = Field(default_factory=Host)
    russia: Russia = Field(default_factory=Russia)
    west: West = Field(default_factory=West)
    allies: Allies = Field(default_factory=Allies)
    attrition: Attrition = Field(default_factory=Attrition)
    events: list[Event] = Field(default_factory=list)
    history: History | None = Field(
        None, description="dated facts and totals to compare with; never read by the model"
    )

    @field_validator("name")
    @classmethod
    def _safe_name(cls, name):
        return check_name(name)

    @model_validator(mode="after")
    def _events_in_time(self):
        for i, ev in enumerate(self.events):
            if ev.day >= self.horizon_days:
                raise ValueError(
                    f"event {i} ({ev.kind}) is dated day {ev.day}, but the run ends on day "
                    f"{self.horizon_days} (horizon_days) and its last event day is "
                    f"{self.horizon_days - 1}, so it would never fire; move it to a day from 0 to "
                    f"{self.horizon_days - 1} or raise horizon_days"
                )
        return self

    @model_validator(mode="after")
    def _densities(self):
        total = self.protesters.density + self.police.density * self.host.police_strength
        if total > 1.0:
            raise ValueError(
                f"protesters.density + police.density x host.police_strength = {total:.3f}; must be at most 1"
            )
        return self
