"""The city's second edition (docs/model.md 7.1-7.2): people per agent, a burn-in to the resting
state, detention released in batches, protest fatigue, and the day's deterrence, visibility and
arrest intensity. Each test compares the mechanism on and off, so each can fail."""

from __future__ import annotations

import numpy as np
import pytest

from sim.city import City, DayInputs
from sim.config import load_config

from .conftest import CONFIGS

CFG = load_config(CONFIGS / "kazakhstan_2022.yaml")
REST = DayInputs(CFG.host.legitimacy, 0.0)  # the day-0 legitimacy, no shock
SEEDS = range(4)


def city(seed: int, compiled: bool = True, **protesters) -> City:
    """Kazakhstan's city (60x60, four sites, its police), with protesters' settings changed."""
    prot = CFG.protesters.model_copy(update=protesters)
    return City(
        CFG.city,
        prot,
        CFG.police,
        CFG.troops,
        1.0,
        ["Russia"],
        np.random.default_rng(seed),
        compiled=compiled,
    )


def run(
    c: City, inputs: DayInputs, days: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Active share, jailed share, arrests and releases, day by day."""
    stats = [c.step(inputs) for _ in range(days)]
    return tuple(
        np.array([getattr(s, k) for s in stats])  # type: ignore[return-value]
        for k in ("active_share", "jailed_share", "arrests", "released")
    )


def test_people_per_agent_is_the_population_over_the_citizens():
    # README / docs/model.md 7.1: "each citizen stands for population x street_share / citizens"
    c = city(0)
    share = CFG.city.street_share
    assert c.people_per_agent == pytest.approx(CFG.city.population * share / c.state.pos.size)
    big = City(
        CFG.city.model_copy(update={"population": 2 * CFG.city.population}),
        CFG.protesters,
        CFG.police,
        CFG.troops,
        1.0,
        ["Russia"],
        np.random.default_rng(0),
    )
    assert big.people_per_agent == pytest.approx(2 * c.people_per_agent)


def test_burn_in_leaves_a_shock_free_city_quiet():
    # docs/model.md 7.1 "A city at rest stays at rest": without a shock, after the burn-in the
    # bursts police contain stay small; without it the city's first days erupt from everyone quiet
    burned, cold = [], []
    for seed in SEEDS:
        c = city(seed)
        c.burn_in(CFG.city.burn_in_days, REST)
        burned.append(run(c, REST, 40)[0])
        cold.append(run(city(seed), REST, 40)[0])
    burned, cold = np.array(burned), np.array(cold)
    assert burned.max() < 0.08  # no run-day above 8% active (measured: 5%)
    assert burned.mean() < 0.02
    assert cold[:, :5].max() > 2 * burned[:, :5].max()  # what the burn-in removes


def test_burn_in_is_not_reported_as_the_first_days_arrests():
    c = city(1)
    c.burn_in(10, REST)
    assert c.days == 10
    s = c.stats()
    assert s.arrests == 0 and s.released == 0 and c.take_fled() == 0


def test_arrests_and_releases_account_for_the_jailed():
    c = city(2)
    n = c.state.pos.size
    before = 0
    for d in range(25):
        s = c.step(DayInputs(0.7, 0.3 if d < 10 else 0.0, arrest_intensity=1.5))
        jailed = round(s.jailed_share * n)
        assert jailed == before + s.arrests - s.released
        before = jailed


def test_detainees_come_out_in_batches():
    # docs/model.md 7.2: administrative detainees walk out together every release_interval_days
    c = city(3, charged_share=0.0, release_interval_days=4)
    _, _, arrests, released = run(c, DayInputs(0.6, 0.4), 40)
    days = np.arange(1, 41)
    assert arrests.sum() > 100
    assert released[days % 4 != 0].sum() == 0 and released[days % 4 == 0].sum() > 100
    assert c.state.jail.max() <= CFG.protesters.detention_max_days + 3
    # Epstein's jail: terms U{0..J_max}, released on any day
    _, _, _, released = run(city(3, jail_model="epstein"), DayInputs(0.6, 0.4), 40)
    assert np.count_nonzero(released[days % 4 != 0]) > 10


def test_fatigue_ends_unrest_without_mass_jailing_and_it_does_not_come_back():
    # docs/model.md 7.1: a standing shock; without fatigue the unrest goes on and the jails fill
    def late(rate: float) -> tuple[float, float, float, float]:
        act, jail = [], []
        for seed in SEEDS:
            c = city(seed, fatigue_rate=rate)
            c.burn_in(CFG.city.burn_in_days, REST)
            a, j, _, _ = run(c, DayInputs(0.8, 0.3), 60)
            act.append(a)
            jail.append(j)
        act, jail = np.mean(act, axis=0), np.mean(jail, axis=0)
        return act[:10].max(), act[20:].max(), act[30:].mean(), jail[30:].mean()

    peak, after, active, jailed = late(CFG.protesters.fatigue_rate)
    _, after_0, active_0, jailed_0 = late(0.0)
    assert after < peak / 3  # no second wave as big as a third of the first
    assert active < 0.5 * active_0 and active < 0.05
    assert jailed < 0.6 * jailed_0


@pytest.mark.parametrize(
    "inputs",
    [
        DayInputs(0.75, 0.25, deterrence=0.3),
        DayInputs(0.75, 0.25, visibility=0.3),
    ],
)
def test_deterrence_and_lower_visibility_lower_activation(inputs):
    # docs/model.md 7.1: P' = 1 - (1 - P)(1 - deterrence); an internet shutdown narrows what
    # protesters see of each other, so a crowd looks smaller and the risk larger
    plain = DayInputs(0.75, 0.25)
    on, off = [], []
    for seed in SEEDS:
        on.append(run(city(seed), inputs, 8)[0].mean())
        off.append(run(city(seed), plain, 8)[0].mean())
    assert np.mean(on) < 0.8 * np.mean(off)


def test_arrest_intensity_raises_arrests():
    # docs/model.md 7.2: mass arrests: each patrol makes `arrest_intensity` arrests a day on average
    def arrests(intensity: float) -> float:
        return float(
            np.mean(
                [
                    run(
                        city(s, fatigue_rate=0.0),
                        DayInputs(0.7, 0.3, arrest_intensity=intensity),
                        3,
                    )[2].sum()
                    for s in SEEDS
                ]
            )
        )

    none, one, half_more, two = arrests(0.0), arrests(1.0), arrests(1.5), arrests(2.0)
    assert none == 0
    assert one < half_more < two
    assert two > 1.3 * one


def test_the_new_inputs_default_to_the_first_editions_day():
    a, b = city(5), city(5)
    for _ in range(6):
        s = a.step(DayInputs(0.7, 0.3))
        t = b.step(DayInputs(0.7, 0.3, deterrence=0.0, visibility=1.0, arrest_intensity=1.0))
        assert s == t


@pytest.mark.parametrize("intensity,expected", [(2.0, 2.0), (1.5, 1.5), (5.0, 4.0), (0.5, 0.5)])
def test_a_patrol_makes_arrest_intensity_arrests_a_day(intensity, expected):
    # docs/model.md 7.2: one patrol that sees 4 actives (nobody else sees them) picks m of them
    # without replacement, m = the intensity rounded up or down at random: E[arrests] = E[min(m, 4)]
    from sim.city.state import ACTIVE, JAILED, QUIET

    c = city(7, compiled=False)
    s, rules = c.state, c.day.rules
    s.patrol_pos, s.patrol_owner = s.patrol_pos[:1].copy(), s.patrol_owner[:1].copy()
    y, x = np.divmod(s.pos, CFG.city.width)
    py, px = divmod(int(s.patrol_pos[0]), CFG.city.width)
    seen = np.flatnonzero(np.abs(y - py) + np.abs(x - px) <= CFG.police.vision)[:4]
    hits, n = 0, 2000
    for _ in range(n):
        s.state[:] = QUIET
        s.jail[:] = 0
        s.state[seen] = ACTIVE
        rules.arrest(*rules.active_hazard(rules.patrol_picks(intensity)))
        hits += int((s.state[seen] == JAILED).sum())
    assert abs(hits / n - expected) < 0.08


@pytest.mark.parametrize(
    "bad",
    [
        {"deterrence": -0.1},
        {"deterrence": 1.5},
        {"visibility": float("nan")},
        {"arrest_intensity": -1.0},
        {"arrest_intensity": 1e9},
    ],
)
def test_day_inputs_out_of_range_are_refused(bad):
    # the kernels index their tables by these; out of range they would read past them
    with pytest.raises(ValueError, match="day inputs out of range"):
        DayInputs(0.8, 0.0, **bad)
