"""The city and the people in it (docs/model.md 2-4): the grid and its strategic sites, the
protesters, the host's police and foreign troops on the grid."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import P, Section


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


class CityParams(Section):
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
                    f"site '{s.name}' at ({s.x}, {s.y}) lies outside the "
                    f"{self.width}x{self.height} grid"
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
        "times a day Epstein's rule is re-applied on the day's new picture until nobody changes: "
        "citizens see others join during the day, as in Mesa's sequential activation; 1 = strictly "
        "simultaneous (assumption)",
    )
    site_attraction: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "share of actives who each day head for the nearest strategic site instead of moving at "
        "random: crowds converge on the seats of power (assumption; Epstein's rule is 0)",
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
        "share of troop agents that patrol and arrest; 0 = guard posts only, as the CSTO in Almaty "
        "(Chausovsky, FP 7 Jan 2022)",
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
