"""The host's security apparatus and playbook: their parameters (docs/model.md 7.5-7.6).

Part of the scenario schema (the ``host`` section holds them as ``forces`` and ``playbook``).
The runtime classes that use them are :class:`sim.actors.security.Apparatus` and
:func:`sim.actors.playbook.choose`; the parameter sections are named apart from them.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import P, Section


class ForceParams(Section):
    """One of the host's security forces: how many, and how loyal (docs/model.md 7.5)."""

    strength: float = P(0.0, 0.0, 5_000_000.0, "persons", "personnel of this force in the country")
    city_share: float = P(
        1.0, 0.0, 1.0, "share", "share of the force on duty in (or able to reach) the capital"
    )
    loyalty: float = P(
        0.8,
        0.0,
        1.0,
        "",
        "mean threshold of the force's members: a member defects when the pressure on it exceeds "
        "their own threshold (thresholds ~ Normal(loyalty, forces.spread)); 1 = holds in any "
        "crisis",
    )


class PoliceParams(ForceParams):
    """The police (defaults: a capital's police, order of magnitude; assumption)."""

    strength: float = P(
        5000.0,
        0.0,
        5_000_000.0,
        "persons",
        "police in the capital (assumption where no figure is published)",
    )


class ArmyParams(ForceParams):
    """The regular army: most of it outside the capital."""

    city_share: float = P(
        0.1,
        0.0,
        1.0,
        "share",
        "share of the army that can be brought into the capital once committed (assumption)",
    )


class HostForces(Section):
    """The host's security apparatus: police, national guard, army, security service (7.5)."""

    police: PoliceParams = Field(
        default_factory=PoliceParams,
        description="police on the capital's streets (strength: persons in the capital; the grid's "
        "patrols stand for them)",
    )
    national_guard: ForceParams = Field(
        default_factory=ForceParams,
        description="internal troops or national guard (persons in the capital)",
    )
    army: ArmyParams = Field(
        default_factory=ArmyParams,
        description="the regular army: resists a hostile move (strength); the host can commit "
        "city_share of it at home after army_delay_days",
    )
    security_service: ForceParams = Field(
        default_factory=ForceParams,
        description="the security service (KGB successor): in the capital, guards the regime's "
        "seats",
    )
    army_delay_days: int = P(
        2,
        0,
        60,
        "days",
        "days from the order to commit the army to its units in the capital (assumption)",
    )
    spread: float = P(
        0.15,
        0.01,
        1.0,
        "",
        "sd of members' defection thresholds around a force's loyalty (assumption)",
    )
    bandwagon: float = P(
        0.3,
        0.0,
        1.0,
        "",
        "pressure added per unit of the share already defected across the forces: defection begets "
        "defection (Granovetter 1978; assumption)",
    )
    defect_rate: float = P(
        0.5,
        0.0,
        1.0,
        "per day",
        "share of the gap to the defected share the pressure implies closed per day (assumption)",
    )
    return_rate: float = P(
        0.3,
        0.0,
        1.0,
        "per day",
        "share of the gap closed per day when fewer would defect than have (assumption)",
    )
    guarantee_landed: float = P(
        0.9,
        0.0,
        1.0,
        "share",
        "share of the regime's doubt (1 - expected survival) an ally's troops on the ground "
        "remove: the credible guarantee (assumption)",
    )
    guarantee_promised: float = P(
        0.5,
        0.0,
        1.0,
        "share",
        "the same for a request accepted whose troops have not landed (assumption)",
    )
    pay_relief: float = P(
        0.1,
        0.0,
        1.0,
        "",
        "pressure removed while the forces get emergency pay or bonuses (assumption)",
    )


class PlaybookParams(Section):
    """The host's playbook: which measure at what regime threat (docs/model.md 7.6).

    The rule, each day and in this order: concede (undo the shock), dismiss the government, declare
    an emergency (curfew and internet shutdown), pay the forces, mass arrests, ask an ally, commit
    the army, use lethal force; each once its threat threshold is passed, and lift the emergency
    after ``lift_after_days`` calm days. No config scripts a day.
    """

    enabled: bool = Field(
        True, description="false: the host takes no measures at all (Epstein's model)"
    )
    concede_at: float = P(
        0.35,
        0.0,
        1.0,
        "threat",
        "threat at which the host concedes on the grievance (undoes a price rise) (assumption)",
    )
    max_concessions: int = P(1, 0, 100, "", "concessions the host is willing to make")
    concession_relief: float = P(
        1.0, 0.0, 1.0, "share", "share of the outstanding hardship shock a concession removes"
    )
    dismiss_at: float = P(
        0.45, 0.0, 1.0, "threat", "threat at which the host dismisses its government (assumption)"
    )
    dismissal_legitimacy: float = P(
        0.05, 0.0, 1.0, "", "legitimacy the dismissal restores (assumption)"
    )
    can_dismiss: bool = Field(
        True, description="whether the ruler can dismiss a government below them"
    )
    emergency_at: float = P(
        0.4,
        0.0,
        1.0,
        "threat",
        "threat at which a state of emergency is declared: curfew and internet shutdown "
        "(assumption)",
    )
    curfew_deterrence: float = P(
        0.05,
        0.0,
        1.0,
        "",
        "deterrence of the curfew (raises each citizen's estimated arrest risk) (assumption)",
    )
    shutdown_visibility: float = P(
        0.8,
        0.0,
        1.0,
        "",
        "share of the crowd protesters still see during an internet shutdown (assumption)",
    )
    pay_at: float = P(
        0.4,
        0.0,
        1.0,
        "threat",
        "threat at which the forces are paid emergency bonuses (assumption)",
    )
    ordinary_arrest_intensity: float = P(
        1.0,
        0.0,
        10.0,
        "arrests per patrol",
        "arrests per patrol per day before any mass arrests (assumption: Epstein 2002's one); "
        "below 1 the police contain a crowd rather than disperse it, as Minsk's did from 13 Aug "
        "2020 (a lever for experiments/belarus_marches.yaml; no shipped config moves it)",
    )
    mass_arrests_at: float = P(
        0.5, 0.0, 1.0, "threat", "threat at which the host orders mass arrests (assumption)"
    )
    mass_arrest_intensity: float = P(
        1.5,
        1.0,
        10.0,
        "arrests per patrol",
        "arrests per patrol per day under mass arrests (assumption)",
    )
    ask_at: float = P(
        0.65,
        0.0,
        1.0,
        "threat",
        "threat at which a friendly host that may ask asks an ally for help, whatever its forces "
        "do (assumption)",
    )
    ask_defected: float = P(
        0.15,
        0.0,
        1.0,
        "share",
        "or: share of the capital's forces defected at which it asks (its own forces failing; "
        "assumption)",
    )
    ask_outnumbered: float = P(
        1.0,
        0.0,
        100.0,
        "ratio",
        "or: armed opponents fighting the host (host.opponent_forces) outnumber its army by this "
        "ratio: an attacked ally or a government in a civil war calls on its treaty partner (CSTO "
        "art. 4; assumption)",
    )
    ask_needs_backing: bool = Field(
        True,
        description="a host asks only with grounds to expect a yes: a treaty frame that covers the "
        "crisis (russia.logistics.csto_framework) or a Moscow that wants its ruler kept "
        "(russia.incumbent_stance > 0); otherwise it turns to its army (assumption, added after "
        "the Kyrgyzstan 2005 backtest miss)",
    )
    army_at: float = P(
        0.6, 0.0, 1.0, "threat", "threat at which the host commits its army at home (assumption)"
    )
    lethal_at: float = P(
        0.7, 0.0, 1.0, "threat", "threat at which the host orders lethal force (assumption)"
    )
    lethal_deterrence: float = P(0.3, 0.0, 1.0, "", "deterrence of lethal force (assumption)")
    lethal_backfire: float = P(
        0.05,
        0.0,
        1.0,
        "",
        "hardship added once when lethal force is first used: the killings anger (assumption)",
    )
    clash_lethality: float = P(
        0.02,
        0.0,
        1.0,
        "deaths per arrest",
        "deaths per person detained in the clashes of a crisis (while an emergency holds): "
        "Kazakhstan 2022's ratio, about 225 dead to 10,000 detained (in-sample: set from the "
        "baseline's own record)",
    )
    lethal_lethality: float = P(
        0.05, 0.0, 1.0, "deaths per arrest", "the same while lethal force is ordered (assumption)"
    )
    lift_after_days: int = P(
        5,
        1,
        365,
        "days",
        "calm days (threat below emergency_at / 2) before emergency measures are lifted "
        "(assumption)",
    )

    @model_validator(mode="after")
    def _escalation(self):
        if self.mass_arrest_intensity < self.ordinary_arrest_intensity:
            raise ValueError(
                f"mass_arrest_intensity ({self.mass_arrest_intensity}) is below "
                f"ordinary_arrest_intensity ({self.ordinary_arrest_intensity}); mass arrests "
                "must arrest at least as many as ordinary policing"
            )
        return self
