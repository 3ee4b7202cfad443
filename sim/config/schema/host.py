"""The host government (docs/model.md 2, 7.5-7.8) and the region a limited operation concerns; its
security apparatus and playbook are in :mod:`.security`."""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import P, Section, Share
from .security import HostForces, PlaybookParams


class Region(Section):
    """The region a limited operation would seize or protect (docs/model.md 7.10); all zero: the
    host has none."""

    name: str = Field("", description="label (e.g. Crimea, South Ossetia and Abkhazia)")
    territory_share: float = P(
        0.0,
        0.0,
        1.0,
        "share",
        "the region's share of the host's territory, including any part Moscow's side already "
        "holds: the aim of a limited operation; 0 = no region, no limited option",
    )
    army_share: float = P(
        0.0,
        0.0,
        1.0,
        "share",
        "share of the host army stationed in the region at day 0, its garrison; units the host "
        "sends in later (an offensive) count apart",
    )
    pro_russian_population: float = P(
        0.0,
        0.0,
        1.0,
        "share",
        "share of the region's population friendly to a Russian presence: the limited and covert "
        "options' popular support, and the sympathy of the garrison's locally recruited soldiers "
        "(defection)",
    )
    garrison_local: float = P(
        1.0,
        0.0,
        1.0,
        "share",
        "share of the garrison recruited from the region's population and sharing its sympathies; "
        "the rest share the nation's (assumption where not known)",
    )
    contact_line_km: float = P(
        200.0,
        0.0,
        10_000.0,
        "km",
        "length of the line a peacekeeping force would hold after a ceasefire (assumption where no "
        "figure is given: the order of the Transnistrian security zone, 225 km)",
    )


class HostParams(Section):
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
        "pull of L back to its day-0 value on calm days (no emergency threat): trust returns once "
        "order holds (assumption)",
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
        description="weights of unrest index, share of sites lost, police lost in the regime "
        "threat, each 0..1, not all 0 (assumption)",
    )
    can_request: bool = Field(
        True,
        description="whether the host may ask Moscow for help at all: false only for a structural "
        "reason (the playbook decides whether and when it asks)",
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
    collapse_defected: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "share of the capital's security forces defected at which the regime falls at once: it has "
        "lost its coercive apparatus (Kyrgyzstan 2005 and 2010: the forces stood aside; "
        "assumption: a majority)",
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
        "third-party forces fighting the host government that a deployment on its side would have "
        "to face: an attacking neighbour's army, an insurgency (not Moscow's own clients: see "
        "separatist_forces); they raise opposition and the force required",
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
