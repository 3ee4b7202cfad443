"""What every config section shares: the documented parameter ``P``, the ``Section`` base (strict,
immutable, finite numbers) and the ``Share`` item type."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


def P(default, lo=None, hi=None, unit: str = "", doc: str = ""):
    """A documented parameter: default, inclusive bounds, unit and description with its source."""
    return Field(default, ge=lo, le=hi, description=doc, json_schema_extra={"unit": unit})


class Section(BaseModel):
    """Base of every config section: unknown keys are errors, values are immutable, and no number
    may be NaN or infinite (either would run silently to a meaningless result)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A number from 0 to 1 (an item of a tuple, which has no field of its own)."""
