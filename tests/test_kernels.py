"""The compiled engine (sim.kernels, sim.city_compiled) gives the numpy engine's runs bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import kernels
from sim.city import City
from sim.city_compiled import CompiledCity, new_city
from sim.config import load_config
from sim.config.schema import City as CityCfg
from sim.config.schema import Police, Protesters, Site, Troops
from sim.runner import run_one

pytestmark = pytest.mark.skipif(not kernels.ENABLED, reason="numba not available (or SIM_ENGINE=numpy)")


def _daily(monkeypatch, compiled: bool, path: str, overrides: list[str], seed: int) -> pd.DataFrame:
    monkeypatch.setattr(kernels, "ENABLED", compiled)
    return run_one(load_config(path, overrides), seed)[0]


@pytest.mark.parametrize("path,overrides", [
    ("configs/kazakhstan_2022.yaml", []),                                   # sites, troops, bounded grid
    ("configs/epstein_2002.yaml", []),                                      # torus, one round a day
    ("configs/kazakhstan_2022.yaml", ["city.neighborhood=moore", "police.vision=4"]),  # square vision, cops see less
    ("configs/belarus_2020.yaml", ["city.torus=true", "protesters.activation_rounds=6"]),
])
def test_compiled_runs_equal_numpy_runs(monkeypatch, path, overrides):
    for seed in (0, 7):
        fast = _daily(monkeypatch, True, path, overrides, seed)
        ref = _daily(monkeypatch, False, path, overrides, seed)
        pd.testing.assert_frame_equal(fast, ref, check_exact=True)


def test_new_city_picks_the_engine(monkeypatch):
    cfg = load_config("configs/kazakhstan_2022.yaml")
    args = (cfg.city, cfg.protesters, cfg.police, cfg.troops, 1.0, ["Russia"], np.random.default_rng(0))
    assert type(new_city(*args)) is CompiledCity
    monkeypatch.setattr(kernels, "ENABLED", False)
    assert type(new_city(*args)) is City


def _pair(torus: bool, kind: str, vision: int = 3, seed: int = 4):
    city = CityCfg(width=30, height=24, torus=torus, neighborhood=kind,
                   sites=[Site(name="a", x=5, y=5), Site(name="b", x=20, y=12)])
    prot = Protesters(density=0.7, vision=vision, max_jail_days=30)
    police = Police(density=0.074, vision=vision, guard_share=0.2)
    return [cls(city, prot, police, Troops(), 1.0, ["Russia"], np.random.default_rng(seed)) for cls in (City, CompiledCity)]


@pytest.mark.parametrize("torus,kind", [(True, "von_neumann"), (False, "von_neumann"), (False, "moore")])
def test_arrest_hazard_by_patrol_equals_window_sums(torus, kind):
    ref, fast = _pair(torus, kind)
    rng = np.random.default_rng(2)
    for share in (0.01, 0.05, 0.3):
        cells = ref.pos[rng.random(ref.pos.size) < share]
        want = ref._hazard_windows(cells)
        np.testing.assert_array_equal(fast._hazard(cells), want)  # patrol by patrol on this small grid
        np.testing.assert_array_equal(CompiledCity._hazard_windows(fast, cells), want)


def test_incremental_rounds_equal_fresh_window_sums():
    # many rounds with few changes each exercise the incremental update of the window sums
    ref, fast = _pair(False, "von_neumann", vision=5)
    for c in (ref, fast):
        c.p_cfg = c.p_cfg.model_copy(update={"activation_rounds": 10})
    for day in range(15):
        shock = 0.3 if day < 5 else 0.0
        a, b = ref.step(0.7, shock), fast.step(0.7, shock)
        assert a == b
        np.testing.assert_array_equal(ref.state, fast.state)
        np.testing.assert_array_equal(ref.pos, fast.pos)


@pytest.mark.parametrize("tries", [1, 3])
def test_compiled_city_days_equal_numpy_days(tries):
    # tries > 1 takes the step-by-step path (the parent's day with the compiled steps)
    ref, fast = _pair(True, "von_neumann", vision=4, seed=11)
    for c in (ref, fast):
        c.move_tries = tries
    for day in range(12):
        legitimacy = 0.55 if day < 6 else 0.8
        assert ref.step(legitimacy, 0.2) == fast.step(legitimacy, 0.2)
        for name in ("state", "pos", "patrol_pos", "jail", "site_held", "police_guards"):
            np.testing.assert_array_equal(getattr(ref, name), getattr(fast, name), err_msg=name)


def test_warm_up_loads_the_day_kernels():
    # sim.warm (the worker server's preload) swallows errors, so check here that it does its job
    from sim import kernels_day
    from sim.city_compiled import warm_up

    warm_up()
    assert kernels_day.morning.signatures and kernels_day.afternoon.signatures
