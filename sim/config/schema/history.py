"""What happened, to draw on plots and hold the model against; the model never reads it."""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import Field, model_validator

from .base import P, Section

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
        description="shock: the opening event; request: the host asks for help; decision: Moscow "
        "(or the CSTO) decides to send troops; landing: foreign troops on the ground; order: order "
        "largely restored; withdrawal_start / withdrawal: withdrawal begins / is complete; "
        "ceasefire; regime_fall; invasion; annexation"
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
        "share of the figure that fell in the modelled city: the model is held against value x "
        "city_share (docs/model.md 7.1)",
    )

    @model_validator(mode="after")
    def _ordered(self):
        lo = self.value if self.low is None else self.low
        hi = self.value if self.high is None else self.high
        if not lo <= self.value <= hi:
            raise ValueError(
                f"need low <= value <= high, got low={self.low}, value={self.value}, "
                f"high={self.high}"
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
        description="historical totals by name: numeric summary columns, and detained (held "
        "against detained_total)",
    )
