"""The protest movement: whether an organised body calls its marches, and what a called march
changes (docs/model.md 7.2a)."""

from __future__ import annotations

from pydantic import Field

from .base import P, Section


class MovementParams(Section):
    """The protest movement: an organised body calls marches once the movement is on the streets."""

    organised: bool = Field(
        False,
        description="a coordinating body and a channel that reaches the city call marches at an "
        "announced time and place (a fact of each case: Belarus 2020's Coordination Council and "
        "NEXTA's Telegram channels; false, the default: leaderless protest, as Kazakhstan's in "
        "January 2022)",
    )
    start_share: float = P(
        0.05,
        0.0,
        1.0,
        "share of citizens",
        "active share on one day that shows a movement is on the streets; the organisers call "
        "marches from then on, so they ride a movement and do not start one, and a city at rest "
        "is never called out (assumption: the line `unrest_days` counts)",
    )
    march_interval_days: int = P(
        7,
        1,
        365,
        "days",
        "a march is called on every such day of the crisis, counted from day 0 (assumption: "
        "weekly, as Minsk's Sunday marches from 16 Aug 2020, Reuters and RFE/RL)",
    )
    march_reassurance: float = P(
        0.99,
        0.0,
        1.0,
        "share",
        "share of a citizen's estimated arrest probability P that a called march removes: safety "
        "in numbers at a known time and place. 0.99 puts a marcher's P near 1% where Epstein's "
        "rule gives 0.9 to one seen by a patrol; at Minsk's Sunday marches a few hundred of "
        "50,000-150,000 marchers were detained (Viasna and the Interior Ministry, 13 and 20 Sep "
        "2020, via Delfi and DW). Assumption, read from Belarus 2020's record, which makes "
        "Belarus in-sample for it",
    )
