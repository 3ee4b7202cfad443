"""The compiled engine (sim/city/kernels.py, sim/city/compiled.py) gives the numpy engine's runs bit
for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.city import DAY, Citizen, City, DayInputs, Phase, day, jit, kernels
from sim.city import compiled as compiled_day
from sim.city.day import Today
from sim.config import load_config
from sim.config.schema import CityParams, Police, Protesters, Site, Troops
from sim.runner import run_one

pytestmark = pytest.mark.skipif(not jit.ENABLED, reason="numba not available (or SIM_ENGINE=numpy)")

ARRAYS = (
    "state",
    "pos",
    "jail",
    "patrol_pos",
    "patrol_owner",
    "site_held",
    "police_guards",
    "troop_guards",
)


def _daily(monkeypatch, compiled: bool, path: str, overrides: list[str], seed: int) -> pd.DataFrame:
    monkeypatch.setattr(jit, "ENABLED", compiled)
    return run_one(load_config(path, overrides), seed)[0]


# README "Speed": "Two engines give bit-identical runs"
@pytest.mark.parametrize(
    "path,overrides",
    [
        ("configs/kazakhstan_2022.yaml", []),  # sites, troops, bounded grid
        ("configs/epstein_2002.yaml", []),  # torus, one round a day
        (
            "configs/kazakhstan_2022.yaml",
            ["city.neighborhood=moore", "police.vision=4"],
        ),  # square vision, cops see less
        ("configs/belarus_2020.yaml", ["city.torus=true", "protesters.activation_rounds=6"]),
    ],
)
def test_compiled_runs_equal_numpy_runs(monkeypatch, path, overrides):
    for seed in (0, 7):
        fast = _daily(monkeypatch, True, path, overrides, seed)
        ref = _daily(monkeypatch, False, path, overrides, seed)
        pd.testing.assert_frame_equal(fast, ref, check_exact=True)
        if "belarus" in path:  # an organised movement: called marches reassure (7.2a)
            assert fast["march_called"].sum() >= 4


def test_city_picks_the_engine(monkeypatch):
    cfg = load_config("configs/kazakhstan_2022.yaml")
    args = (
        cfg.city,
        cfg.protesters,
        cfg.police,
        cfg.troops,
        1.0,
        ["Russia"],
        np.random.default_rng(0),
    )
    assert City(*args).compiled and not City(*args, compiled=False).compiled
    monkeypatch.setattr(jit, "ENABLED", False)
    assert not City(*args).compiled and City(*args, compiled=True).compiled


def _pair(torus: bool, kind: str, vision: int = 3, seed: int = 4, **prot) -> tuple[City, City]:
    city = CityParams(
        width=30,
        height=24,
        torus=torus,
        neighborhood=kind,
        sites=[Site(name="a", x=5, y=5), Site(name="b", x=20, y=12)],
    )
    protesters = Protesters(**{"density": 0.7, "vision": vision, "max_jail_days": 30, **prot})
    police = Police(density=0.074, vision=vision, guard_share=0.2)
    ref, fast = (
        City(
            city,
            protesters,
            police,
            Troops(),
            1.0,
            ["Russia"],
            np.random.default_rng(seed),
            compiled=c,
        )
        for c in (False, True)
    )
    return ref, fast


def _same_arrays(ref: City, fast: City) -> None:
    for name in ARRAYS:
        np.testing.assert_array_equal(
            getattr(ref.state, name), getattr(fast.state, name), err_msg=name
        )


@pytest.mark.parametrize(
    "torus,kind", [(True, "von_neumann"), (False, "von_neumann"), (False, "moore")]
)
def test_arrest_hazard_by_patrol_and_by_compiled_window_sums_equal_numpy(monkeypatch, torus, kind):
    ref, fast = _pair(torus, kind)
    rng = np.random.default_rng(2)
    for share in (0.01, 0.05, 0.3):
        active = rng.random(ref.state.pos.size) < share
        for c in (ref, fast):
            c.state.state[:] = np.where(active, Citizen.ACTIVE, Citizen.QUIET)
        who = np.flatnonzero(active)
        cells = ref.state.pos[who]
        want = ref.day.rules.hazard_windows(cells)
        np.testing.assert_array_equal(ref.day.rules.hazard_pairs(cells), want)
        np.testing.assert_array_equal(
            fast.day.ref.rules.hazard_windows(cells), want
        )  # numpy on compiled sums
        for by_patrol in (
            8,
            0,
        ):  # a small grid goes patrol by patrol; 0 forces the compiled window sums
            monkeypatch.setattr(compiled_day, "_BY_PATROL", by_patrol)
            assert fast.day.by_patrol() == bool(by_patrol)
            today = Today(DayInputs(0.5, 0.0))
            fast.day.hazard(today)
            np.testing.assert_array_equal(today.who, who)
            np.testing.assert_array_equal(today.hazard, want)


def test_incremental_rounds_equal_fresh_window_sums():
    # many rounds with few changes each exercise the incremental update of the window sums
    ref, fast = _pair(False, "von_neumann", vision=5, activation_rounds=10)
    for d in range(15):
        inputs = DayInputs(0.7, 0.3 if d < 5 else 0.0)
        assert ref.step(inputs) == fast.step(inputs)
        _same_arrays(ref, fast)


@pytest.mark.parametrize("tries", [1, 3])
def test_compiled_city_days_equal_numpy_days(tries):
    # tries > 1 takes the phase-by-phase path (the afternoon's phases by the numpy engine)
    ref, fast = _pair(True, "von_neumann", vision=4, seed=11)
    for c in (ref, fast):
        c.move_tries = tries
    for d in range(12):
        inputs = DayInputs(0.55 if d < 6 else 0.8, 0.2)
        assert ref.step(inputs) == fast.step(inputs)
        _same_arrays(ref, fast)


def test_too_many_guards_to_pack_falls_back_to_the_same_days():
    # more guards than the packed grid's 16 bits can count: the morning kernel stops after the jail
    ref, fast = _pair(False, "von_neumann", vision=4, seed=3, site_attraction=0.4)
    for c in (ref, fast):
        c.set_troops(np.array([3_500_000.0]))  # 70,000 troop agents (50 soldiers each)
    assert fast.state.troop_guards.sum() >= 2**16
    for _ in range(8):
        inputs = DayInputs(0.3, 0.4)
        assert ref.step(inputs) == fast.step(inputs)
        _same_arrays(ref, fast)


def test_the_compiled_day_fuses_runs_of_DAY():
    _, fast = _pair(True, "von_neumann")
    fused = [i for i, run in enumerate(fast.day.plan._fused) if run is not None]
    assert [DAY[i] for i in fused] == [Phase.JAIL, Phase.ARRESTS]  # morning and afternoon


def test_both_engines_follow_DAY_as_declared(monkeypatch):
    # the order is declared once (sim.city.day.DAY): reorder it and both engines follow, still equal
    def run(order) -> list:
        monkeypatch.setattr(day, "DAY", order)
        ref, fast = _pair(True, "von_neumann", vision=4, seed=5)
        days = []
        for _ in range(10):
            inputs = DayInputs(0.5, 0.3)
            days.append(ref.step(inputs))
            assert fast.step(inputs) == days[-1]
            _same_arrays(ref, fast)
        return days

    moves_first = DAY[:3] + (Phase.MOVES, Phase.ARRESTS) + DAY[5:]
    assert run(moves_first) != run(DAY)


def test_warm_up_loads_the_day_kernels():
    # sim.warm (the worker server's preload) swallows errors, so check here that it does its job
    from sim.city import warm_up

    warm_up()
    assert kernels.morning.signatures and kernels.afternoon.signatures


# The second edition's inputs (docs/model.md 7.1-7.2): both engines still give the same days
SECOND_EDITION_DAYS = [
    DayInputs(0.7, 0.3, deterrence=0.25),
    DayInputs(0.6, 0.4, visibility=0.4),
    DayInputs(0.6, 0.4, arrest_intensity=1.7),  # fractional: a draw per patrol
    DayInputs(0.5, 0.4, deterrence=0.1, visibility=0.6, arrest_intensity=3.0),
    DayInputs(0.5, 0.4, arrest_intensity=0.0),
    DayInputs(0.8, 0.0),
]


@pytest.mark.parametrize(
    "prot",
    [
        {},  # detention in batches and fatigue, the defaults
        {"jail_model": "epstein", "fatigue_rate": 0.3, "fatigue_recovery": 0.05},
        {"charged_share": 0.5, "release_interval_days": 5, "detention_min_days": 0},
    ],
)
def test_compiled_city_days_equal_numpy_days_with_the_second_editions_inputs(prot):
    ref, fast = _pair(False, "von_neumann", vision=4, seed=9, site_attraction=0.4, **prot)
    for c in (ref, fast):
        c.burn_in(5, DayInputs(0.8, 0.0))
    _same_arrays(ref, fast)
    for d in range(24):
        inputs = SECOND_EDITION_DAYS[d // 4]
        assert ref.step(inputs) == fast.step(inputs)
        _same_arrays(ref, fast)
        np.testing.assert_array_equal(ref.state.fatigue, fast.state.fatigue)
    assert ref.stats() == fast.stats()


@pytest.mark.parametrize(
    "path,overrides",
    [
        (
            "configs/kazakhstan_2022.yaml",
            ["protesters.fatigue_rate=0.25", "protesters.charged_share=0.3"],
        ),
        (
            "configs/belarus_2020.yaml",
            ["protesters.jail_model=epstein", "protesters.release_interval_days=7"],
        ),
    ],
)
def test_compiled_runs_equal_numpy_runs_with_detention_and_fatigue(monkeypatch, path, overrides):
    fast = _daily(monkeypatch, True, path, overrides, 3)
    ref = _daily(monkeypatch, False, path, overrides, 3)
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)


def test_too_many_guards_to_pack_falls_back_to_the_same_days_with_the_new_inputs():
    ref, fast = _pair(False, "von_neumann", vision=4, seed=3, site_attraction=0.4)
    for c in (ref, fast):
        c.set_troops(np.array([3_500_000.0]))  # more guards than the packed grid can count
    for _ in range(8):
        inputs = DayInputs(
            0.3, 0.4, deterrence=0.2, visibility=0.5, reassurance=0.6, arrest_intensity=1.4
        )
        assert ref.step(inputs) == fast.step(inputs)
        _same_arrays(ref, fast)
