"""The West (docs/model.md 2, 7.9): signals before, sanctions and aid after."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import P, Section
from .russia import OPTION_NAMES


def _default_reaction() -> dict[OPTION_NAMES, float]:
    return {"guard": 1.0, "peacekeeping": 0.2, "covert": 0.6, "limited": 0.6, "full": 1.0}


class WestParams(Section):
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
        "severity for answering an ally's request relative to moving against a pro-Western host "
        "(assumption)",
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
        description="the West's reaction to each option relative to a full move (times the "
        "severity for the host's alignment); covert's is further cut by its deniability "
        "(assumption: the 2014 sanctions for Crimea and Donbas were a fraction of 2022's)",
    )
    territory_reference: float = P(
        0.2,
        0.001,
        1.0,
        "share",
        "territory seized (beyond day 0) at which the territorial term of the West's reaction is "
        "full (assumption)",
    )
    deaths_reference: float = P(
        1000.0,
        1.0,
        1_000_000.0,
        "deaths",
        "soldiers killed in the war at which the deaths term of the West's reaction is full "
        "(assumption)",
    )
    signal_response: float = P(
        1.0,
        0.0,
        1.0,
        "",
        "how far the West raises its signal of the next step in answer to a move: signal = "
        "max(signal, response x resolve x offence); 0 = the signal never moves (assumption)",
    )

    @model_validator(mode="after")
    def _reaction_range(self):
        for k, v in self.reaction.items():
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"reaction for '{k}' is {v}; allowed: 0 to 1")
        return self
