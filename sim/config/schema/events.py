"""Scheduled events (docs/model.md 6): what fires on which day, and each kind's allowed value."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import P, Section


class Event(Section):
    """A scheduled event (docs/model.md 6)."""

    day: int = P(0, 0, 100_000, "day", "day on which it fires")
    kind: Literal[
        "hardship_shock",
        "legitimacy_shock",
        "disputed_election",
        "trigger",
        "forces_committed",
        "west_signal",
        "host_request_ban",
        "host_request",
        "host_offensive",
    ] = Field(
        description="what happens: hardship rises; legitimacy falls; legitimacy falls for good "
        "(a disputed election whose result stands: calm does not restore what it took); a "
        "trigger (attack, manufactured pretext); Russian forces committed elsewhere; the West "
        "changes its sanctions signal; the host may no longer ask for help; the host asks for "
        "help (a documented request, whatever its regime threat; only a friendly host that may "
        "ask); "
        "the host commits `value` (share) of its army to retake the separatists' territory (a "
        "war without Russia, docs/model.md 7.14)"
    )
    value: float = Field(
        0.0,
        description="size, with a range per kind: hardship_shock 0..1 (hardship added), "
        "legitimacy_shock and disputed_election 0..1 (legitimacy removed), trigger 0..1 "
        "(trigger level), forces_committed 0..5,000,000 (troops), west_signal 0..1 (the new "
        "signal), host_offensive 0..1 (share of the host army committed); host_request and "
        "host_request_ban 0..1 (not used)",
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
                f"a {self.kind} event's value is {self.value!r}; allowed: {lo:g} to {hi:,g} "
                f"({meaning})"
            )
        return self


EVENT_VALUES = {
    "hardship_shock": (0.0, 1.0, "hardship added to every citizen's, which is capped at 1"),
    "legitimacy_shock": (0.0, 1.0, "legitimacy removed; a negative shock would raise it"),
    "disputed_election": (0.0, 1.0, "legitimacy removed for good; a negative one would raise it"),
    "trigger": (0.0, 1.0, "the trigger's level, a factor from 0 to 1"),
    "forces_committed": (0.0, 5_000_000.0, "Russian troops committed elsewhere"),
    "west_signal": (0.0, 1.0, "the West's new sanctions signal"),
    "host_request_ban": (0.0, 1.0, "not used by this kind"),
    "host_request": (0.0, 1.0, "not used by this kind"),
    "host_offensive": (0.0, 1.0, "share of the host army committed to the offensive"),
}
"""Each event kind's allowed ``value``: (low, high, what it means)."""
