"""The CSTO allies (docs/model.md 2, 7.13): each one's contingent and domestic unrest."""

from __future__ import annotations

from pydantic import Field, model_validator

from ..names import ally_column
from .base import P, Section


class AllyParams(Section):
    """A CSTO ally: contingent and domestic unrest (docs/model.md 2, 7.13)."""

    name: str = Field(description="country name; columns troops_<name>, unrest_<name>")
    capacity: float = P(200.0, 0.0, 1_000_000.0, "troops", "contingent it can send")
    willingness: float = P(0.7, 0.0, 1.0, "", "propensity to join a Russian-led CSTO deployment")
    unrest: float = P(0.05, 0.0, 1.0, "share", "domestic unrest at day 0")
    threshold_mean: float = P(
        0.55, 0.0, 1.0, "", "mean of the population's protest thresholds (Granovetter 1978)"
    )
    threshold_sd: float = P(0.2, 0.01, 1.0, "", "sd of the thresholds (Granovetter 1978)")


def _default_allies() -> list[AllyParams]:
    # The four CSTO allies that joined in January 2022 (docs/model.md 2). Capacities: the
    # contingents each sent to Kazakhstan in January 2022 (CSTO, 7-8 Jan 2022: Armenia ~100, Belarus
    # ~100, Kyrgyzstan ~150, Tajikistan ~200), the only documented figure of what each can send on
    # short notice; the Kazakhstan peak is therefore not an independent test of them (docs/model.md
    # 7.7). Willingness and thresholds are assumptions.
    return [
        AllyParams(name="Armenia", capacity=100, willingness=0.6, threshold_mean=0.55),
        AllyParams(name="Belarus", capacity=100, willingness=0.9, threshold_mean=0.6),
        AllyParams(
            name="Kyrgyzstan", capacity=150, willingness=0.8, threshold_mean=0.5
        ),  # lowest: three revolutions since 2005
        AllyParams(name="Tajikistan", capacity=200, willingness=0.8, threshold_mean=0.6),
    ]


class Allies(Section):
    """The CSTO allies and their shared response parameters."""

    members: list[AllyParams] = Field(
        default_factory=_default_allies,
        description="the allies; default Armenia, Belarus, Kyrgyzstan, Tajikistan "
        "(docs/model.md 2)",
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
        # Each ally has the columns troops_<name> and unrest_<name> (sim.config.names.ally_column):
        # two allies whose names give one column would overwrite each other's numbers, and an ally
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
