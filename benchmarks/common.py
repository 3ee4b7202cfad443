"""Shared set-up for the benchmarks: our City and Mesa's Epstein example at equal parameters.

Epstein (2002) / Mesa 3.5.1 example defaults: legitimacy 0.8, threshold 0.1, k = 2.3, vision 7,
citizen density 0.7, cop density 0.074, torus, von Neumann neighbourhood. The jail term is the one
parameter where Mesa's default (1000) differs from ours (30): both models get the same J_max.
"""

from __future__ import annotations

import numpy as np
from mesa.examples.advanced.epstein_civil_violence.agents import Citizen, CitizenState, Cop
from mesa.examples.advanced.epstein_civil_violence.model import (
    EpsteinCivilViolence,
    EpsteinScenario,
)

from sim.city import City, DayInputs
from sim.config.schema import CityParams, Police, Protesters, Troops

LEGITIMACY = 0.8
MAX_JAIL = 30
DEFAULTS = {"density": 0.7, "cop_density": 0.074, "vision": 7, "threshold": 0.1, "k": 2.3}
DAY = DayInputs(legitimacy=LEGITIMACY, hardship_shock=0.0)  # every day of a bare Epstein model


def make_city(
    size: int, seed: int, vision: int = 7, max_jail: int = MAX_JAIL, compiled: bool | None = None
) -> City:
    """Our engine as a bare Epstein model: torus, von Neumann, no sites, no guards, no attraction,
    and the rule applied once a day (the crisis scenarios re-apply it up to three times a day for
    within-day contagion; see benchmarks/README.md). ``compiled``: the numba engine (default when
    available) or the numpy one; both give the same runs."""
    city = CityParams(width=size, height=size, torus=True, neighborhood="von_neumann", sites=[])
    prot = Protesters(
        density=DEFAULTS["density"],
        vision=vision,
        arrest_k=DEFAULTS["k"],
        threshold=DEFAULTS["threshold"],
        max_jail_days=max_jail,
        movement=True,
        site_attraction=0.0,
        activation_rounds=1,  # Epstein's rule, applied once a day
        jail_model="epstein",  # his jail, no fatigue
        fatigue_rate=0.0,
        fatigue_recovery=0.0,
    )
    police = Police(density=DEFAULTS["cop_density"], vision=vision, guard_share=0.0)
    return City(
        city,
        prot,
        police,
        Troops(),
        1.0,
        ["Russia"],
        np.random.default_rng(seed),
        compiled=compiled,
    )


def make_mesa(
    size: int, seed: int, vision: int = 7, max_jail: int = MAX_JAIL
) -> EpsteinCivilViolence:
    """Mesa's shipped example as shipped, with the same parameters (citizens see cop_vision)."""
    scenario = EpsteinScenario(
        rng=seed,
        citizen_density=DEFAULTS["density"],
        cop_density=DEFAULTS["cop_density"],
        citizen_vision=vision,
        cop_vision=vision,
        legitimacy=LEGITIMACY,
        max_jail_term=max_jail,
        active_threshold=DEFAULTS["threshold"],
        arrest_prob_constant=DEFAULTS["k"],
        movement=True,
        max_iters=10**9,
        activation_order="Random",
        grid_type="Von Neumann",
    )
    return EpsteinCivilViolence(width=size, height=size, scenario=scenario)


def city_agents(c: City) -> tuple[int, int]:
    """(citizens, all agents) in our city."""
    snap = c.snapshot()
    return int(snap.pos.size), int(snap.pos.size + snap.patrol_pos.size)


def mesa_agents(m: EpsteinCivilViolence) -> tuple[int, int]:
    n_cit = len(m.agents_by_type[Citizen])
    return n_cit, n_cit + len(m.agents_by_type[Cop])


def city_series(
    seed: int, size: int, steps: int, burn_in: int, max_jail: int = MAX_JAIL
) -> dict[str, np.ndarray]:
    """Active and jailed shares of our engine after a burn-in."""
    c = make_city(size, seed, max_jail=max_jail)
    act, jail = np.empty(steps), np.empty(steps)
    for t in range(burn_in + steps):
        s = c.step(DAY)
        if t >= burn_in:
            act[t - burn_in], jail[t - burn_in] = s.active_share, s.jailed_share
    return {"active": act, "jailed": jail}


def mesa_series(
    seed: int, size: int, steps: int, burn_in: int, max_jail: int = MAX_JAIL
) -> dict[str, np.ndarray]:
    """Active and jailed shares of Mesa's example after a burn-in."""
    m = make_mesa(size, seed, max_jail=max_jail)
    n = mesa_agents(m)[0]
    act, jail = np.empty(steps), np.empty(steps)
    for t in range(burn_in + steps):
        m.step()
        if t >= burn_in:
            act[t - burn_in] = getattr(m, CitizenState.ACTIVE.name) / n
            jail[t - burn_in] = getattr(m, CitizenState.ARRESTED.name) / n
    return {"active": act, "jailed": jail}
