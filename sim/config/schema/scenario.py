"""A whole scenario: the sections together, with the checks that span them."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from ..names import check_name
from .allies import Allies
from .attrition import Attrition
from .base import P, Section
from .city import CityParams, Police, Protesters, Troops
from .events import Event
from .history import History
from .host import HostParams
from .movement import MovementParams
from .russia import RussiaParams
from .west import WestParams


class Config(Section):
    """A whole scenario: one typed object read by every component."""

    name: str = Field("scenario", description="short name, used for the output folder")
    description: str = Field("", description="what the scenario represents")
    horizon_days: int = P(60, 1, 10_000, "days", "docs/model.md 2")
    city: CityParams = Field(default_factory=CityParams)
    protesters: Protesters = Field(default_factory=Protesters)
    police: Police = Field(default_factory=Police)
    troops: Troops = Field(default_factory=Troops)
    movement: MovementParams = Field(default_factory=MovementParams)
    host: HostParams = Field(default_factory=HostParams)
    russia: RussiaParams = Field(default_factory=RussiaParams)
    west: WestParams = Field(default_factory=WestParams)
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
                f"protesters.density + police.density x host.police_strength = {total:.3f}; must "
                "be at most 1"
            )
        return self
