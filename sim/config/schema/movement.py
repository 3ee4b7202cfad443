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
        "share of a marcher's arrest risk that a called march removes, as each weighs it and as "
        "the police can act on it: safety in numbers at a known time and place. A citizen's "
        "estimated P is cut by it, and so are the police's arrests per patrol that day. 0.99 puts "
        "a marcher's P near 1% where Epstein's rule gives 0.9 to one seen by a patrol; at Minsk's "
        "Sunday marches a few hundred of 50,000-150,000 marchers were detained (Viasna and the "
        "Interior Ministry, 13 and 20 Sep 2020, via Delfi and DW). Assumption, read from Belarus "
        "2020's record, which makes Belarus in-sample for it",
    )
    march_threat: float = P(
        0.0,
        0.0,
        1.0,
        "share",
        "weight of a called march's crowd (and of called smaller actions', "
        "`action_reassurance`) in the regime threat, against a crowd nobody called. "
        "0: a march counts by what it does, not by its size: storming sites and winning over "
        "forces, the threat's other terms, count in full, and the crowd still out the next day, "
        "uncalled, counts in full; 1: a march reads as a riot of its size. Assumption, from "
        "Belarus 2020's record: no emergency was declared against Minsk's Sunday marches, and "
        "Putin's reserve was for extremists 'setting fire to cars, homes, banks, attempting to "
        "seize administrative buildings' (Kremlin via AAP, 27 Aug 2020). Added after the backtest "
        "had shown that a march read as a riot made Moscow send troops to Minsk, so Belarus's "
        "decision is in-sample for it (docs/model.md 7.2a)",
    )
    action_reassurance: float = P(
        0.0,
        0.0,
        1.0,
        "share",
        "share of a protester's arrest risk that a call to smaller actions removes, on every day "
        "the movement is on and no march is called (as `march_reassurance` does on a march day: "
        "each citizen's estimated P and the police's arrests per patrol); the host reads their "
        "crowd by `march_threat`. 0, the default: no such calls, only marches. Belarus 2020's "
        "Telegram channels called smaller actions day by day in August ('what we do today', "
        "Basta!, 22 Aug 2020), then women's, students' and pensioners' marches; their safety is "
        "not pinned by the record (realised risk from about 0.3% to 15% at the women's marches, "
        "Belsat and Viasna). Assumption (belarus_2020 sets 0.9: an action a tenth of a march's "
        "size, about ten times its risk in Epstein's rule); the `belarus_marches` experiment "
        "tries 0, 0.5 and 0.97 (docs/model.md 7.2a, 9)",
    )
