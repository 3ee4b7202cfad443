"""Unit tests of the protester engine (sim/city/), on its numpy engine (the reference)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.city import City, DayInputs, jit
from sim.city.state import Citizen
from sim.city.windows import WindowSum, offsets
from sim.config.schema import CityParams, Police, Protesters, Site, Troops

QUIET, ACTIVE, JAILED = Citizen.QUIET, Citizen.ACTIVE, Citizen.JAILED
CALM = DayInputs(legitimacy=1.0, hardship_shock=0.0)  # legitimacy 1: nobody turns active


def make(size=30, seed=0, torus=True, kind="von_neumann", vision=4, sites=(), **prot) -> City:
    city = CityParams(width=size, height=size, torus=torus, neighborhood=kind, sites=list(sites))
    p = {"density": 0.7, "vision": vision, "max_jail_days": 30, "site_attraction": 0.0}
    p.update(prot)
    police = Police(density=0.074, vision=vision, guard_share=0.25 if sites else 0.0)
    return City(
        city,
        Protesters(**p),
        police,
        Troops(),
        1.0,
        ["Russia"],
        np.random.default_rng(seed),
        compiled=False,
    )


def security_map(c: City) -> np.ndarray:
    """Security agents per cell: patrols where they stand, guards on their site's cell."""
    s = c.state
    sec = np.bincount(s.patrol_pos, minlength=s.occupied.size)
    np.add.at(sec, s.site_cell, s.police_guards + s.troop_guards.sum(axis=1))
    return sec


def active_map(c: City) -> np.ndarray:
    return np.bincount(c.state.pos[c.state.state == ACTIVE], minlength=c.state.occupied.size)


def brute_window(g, r, kind, torus):
    h, w = g.shape
    out = np.zeros_like(g)
    offs = np.vstack([[0, 0], offsets(r, kind)])
    for y in range(h):
        for x in range(w):
            for dy, dx in offs:
                yy, xx = y + dy, x + dx
                if torus:
                    out[y, x] += g[yy % h, xx % w]
                elif 0 <= yy < h and 0 <= xx < w:
                    out[y, x] += g[yy, xx]
    return out


ENGINES = [
    pytest.param(False, id="numpy"),
    pytest.param(
        True, id="compiled", marks=pytest.mark.skipif(not jit.ENABLED, reason="numba not available")
    ),
]


@pytest.mark.parametrize("compiled", ENGINES)
@pytest.mark.parametrize("kind", ["von_neumann", "moore"])
@pytest.mark.parametrize("torus", [True, False])
@pytest.mark.parametrize("r,h,w", [(1, 5, 7), (3, 13, 9), (7, 12, 20), (9, 6, 5)])
def test_window_sums_match_brute_force(kind, torus, r, h, w, compiled):
    rng = np.random.default_rng(r * 100 + h)
    ws = WindowSum(h, w, r, kind, torus, compiled=compiled)
    for _ in range(2):  # buffers are reused between calls
        g = rng.integers(0, 4, (h, w)).astype(np.int32)
        np.testing.assert_array_equal(ws(g), brute_window(g, r, kind, torus))


@pytest.mark.parametrize("compiled", ENGINES)
def test_window_sums_large_values_wrap_safely(compiled):
    # packed counts (security << 16) make prefix sums overflow int32; differences stay exact
    rng = np.random.default_rng(1)
    g = (rng.integers(0, 2, (40, 40)) << 16).astype(np.int32)
    got = WindowSum(40, 40, 7, "von_neumann", True, compiled=compiled)(g).view(np.uint32) >> 16
    np.testing.assert_array_equal(got, brute_window(g >> 16, 7, "von_neumann", True))


def _occupancy_ok(c: City):
    s = c.state
    cells = np.concatenate([s.pos, s.patrol_pos])
    assert np.unique(cells).size == cells.size, "two agents in one cell"
    assert not np.isin(cells, s.site_cell).any(), "an agent on a site"
    occ = np.zeros(s.occupied.size, bool)
    occ[cells] = True
    occ[s.site_cell] = True
    np.testing.assert_array_equal(occ, s.occupied)


def _vn_dist(a, b, c: City):
    g = c.geometry
    ay, ax = np.divmod(a, g.width)
    by, bx = np.divmod(b, g.width)
    dy, dx = np.abs(ay - by), np.abs(ax - bx)
    if g.torus:
        dy, dx = np.minimum(dy, g.height - dy), np.minimum(dx, g.width - dx)
    return dy + dx


@pytest.mark.parametrize("torus,tries", [(True, 1), (False, 1), (True, 6)])
def test_moves_only_to_empty_cells_in_vision_and_never_share_a_cell(torus, tries):
    sites = [Site(name="a", x=5, y=5), Site(name="b", x=20, y=12)] if not torus else []
    c = make(torus=torus, sites=sites, site_attraction=0.5 if sites else 0.0, vision=4)
    c.move_tries = tries
    s = c.state
    for _ in range(20):
        c.step(DayInputs(0.5, 0.2))
        before_pos, before_pat = s.pos.copy(), s.patrol_pos.copy()
        occupied = s.occupied.copy()
        c.moves.move()
        _occupancy_ok(c)
        for old, new in ((before_pos, s.pos), (before_pat, s.patrol_pos)):
            moved = old != new
            assert not occupied[new[moved]].any(), "moved into a cell that was occupied"
            assert (_vn_dist(old[moved], new[moved], c) <= 4).all()
        jailed = s.state == JAILED
        np.testing.assert_array_equal(before_pos[jailed], s.pos[jailed])  # jailed keep their cells


def test_jail_counts_down_and_releases():
    c = make(seed=3)
    s, rules = c.state, c.day.rules
    s.state[:] = QUIET
    s.state[0], s.jail[0] = JAILED, 2
    s.state[1], s.jail[1] = JAILED, 0
    acting, released = rules.jail.count_down()
    assert not acting[0] and acting[1] and s.jail[0] == 1 and released == 1
    rules.update_citizens(acting, CALM)
    assert s.state[0] == JAILED and s.state[1] == QUIET  # released after 0 more days
    acting, released = rules.jail.count_down()
    assert not acting[0] and s.jail[0] == 0 and released == 0
    acting, released = rules.jail.count_down()
    assert acting[0] and released == 1
    rules.update_citizens(acting, CALM)
    assert s.state[0] == QUIET


def test_arrests_only_actives_in_a_patrols_vision():
    c = make(seed=5, vision=3)
    s, rules = c.state, c.day.rules
    rng = np.random.default_rng(0)
    for _ in range(10):
        s.state[:] = np.where(rng.random(s.state.size) < 0.05, ACTIVE, QUIET)
        s.jail[:] = 0
        before = s.state.copy()
        rules.arrest(*rules.active_hazard())
        caught = np.flatnonzero((s.state == JAILED) & (before != JAILED))
        assert (before[caught] == ACTIVE).all()
        if caught.size:
            d = _vn_dist(s.pos[caught][:, None], s.patrol_pos[None, :], c)
            assert (d.min(axis=1) <= 3).all()
        assert (s.jail[caught] <= 30).all()


def test_a_lone_active_next_to_a_patrol_is_always_arrested():
    # a patrol that sees exactly one active arrests it (hazard cap: certain)
    c = make(seed=2, vision=2)
    s, rules = c.state, c.day.rules
    s.state[:] = QUIET
    near = _vn_dist(s.pos, np.full(s.pos.size, s.patrol_pos[0]), c) <= 2
    i = np.flatnonzero(near)[0]
    # patrols seeing agent i must see only it
    s.state[i] = ACTIVE
    rules.arrest(*rules.active_hazard())
    assert s.state[i] == JAILED


def test_arrest_probability_matches_the_rule():
    # one patrol sees A actives and nobody else sees them: each is arrested with probability 1/A
    c = make(size=40, seed=7, vision=3)
    s, rules = c.state, c.day.rules
    s.patrol_pos = s.patrol_pos[:1].copy()
    s.patrol_owner = s.patrol_owner[:1].copy()
    d = _vn_dist(s.pos, np.full(s.pos.size, s.patrol_pos[0]), c)
    seen = np.flatnonzero(d <= 3)[:4]
    hits = 0
    n = 3000
    for _ in range(n):
        s.state[:] = QUIET
        s.jail[:] = 0
        s.state[seen] = ACTIVE
        rules.arrest(*rules.active_hazard())
        hits += int((s.state[seen] == JAILED).sum())
    assert abs(hits / n - 1.0) < 0.06  # one arrest per day in expectation (4 x 1/4)


def test_same_seed_same_run_and_different_seed_differs():
    runs = []
    for seed in (11, 11, 12):
        c = make(seed=seed, torus=False, sites=[Site(name="a", x=10, y=10)], site_attraction=0.5)
        for t in range(15):
            c.step(DayInputs(0.6, 0.3 if t < 3 else 0.0))
        s = c.state
        runs.append((s.pos.copy(), s.state.copy(), s.patrol_pos.copy(), s.site_held.copy()))
    for a, b in zip(runs[0], runs[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a, b) for a, b in zip(runs[0], runs[2], strict=True))


def _around_sites(c: City, grid_flat: np.ndarray, r: int) -> np.ndarray:
    """Sums of a map over each site's square of radius r, clipped at the edges (brute force)."""
    g = grid_flat.reshape(c.geometry.height, c.geometry.width)
    out = []
    for cell in c.state.site_cell:
        y, x = divmod(int(cell), c.geometry.width)
        out.append(g[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1].sum())
    return np.array(out)


def test_storm_counts_match_site_counts_of_maps():
    sites = [Site(name="a", x=1, y=1), Site(name="b", x=15, y=15), Site(name="c", x=17, y=14)]
    c = make(torus=False, sites=sites, site_attraction=0.5)
    for _ in range(8):
        c.step(DayInputs(0.4, 0.4))
        actives, security = c.sites.storm_counts()
        np.testing.assert_array_equal(actives, _around_sites(c, active_map(c), 4))  # storm_radius 4
        np.testing.assert_array_equal(security, _around_sites(c, security_map(c), 4))


def test_citizens_see_what_brute_force_counts():
    c = make(seed=9, vision=4, torus=False)
    s, shape = c.state, (c.geometry.height, c.geometry.width)
    s.state[np.random.default_rng(1).random(s.state.size) < 0.1] = ACTIVE
    active = s.state == ACTIVE
    cops, others = c.day.rules.seen(active)
    sec = brute_window(security_map(c).reshape(shape), 4, "von_neumann", False).ravel()
    act = brute_window(active_map(c).reshape(shape), 4, "von_neumann", False).ravel()
    np.testing.assert_array_equal(cops, sec[s.pos])
    np.testing.assert_array_equal(others, act[s.pos])


@pytest.mark.parametrize(
    "torus,kind", [(True, "von_neumann"), (False, "von_neumann"), (False, "moore")]
)
def test_arrest_hazard_same_from_pairs_and_from_window_sums(torus, kind):
    c = make(seed=4, torus=torus, kind=kind, vision=3)
    rng = np.random.default_rng(2)
    for share in (0.01, 0.05, 0.3):
        cells = c.state.pos[rng.random(c.state.pos.size) < share]
        np.testing.assert_array_equal(
            c.day.rules.hazard_pairs(cells), c.day.rules.hazard_windows(cells)
        )


def test_the_city_reports_through_stats_and_take_fled():
    # CityStats is the one thing the model reads after a day; police who flee stormed sites are
    # handed over once through take_fled()
    sites = [Site(name="a", x=10, y=10), Site(name="b", x=20, y=20)]
    c = make(torus=False, sites=sites, site_attraction=0.8)
    guards_before = int(c.state.police_guards.sum())
    fled = 0
    for _ in range(6):
        stats = c.step(DayInputs(legitimacy=0.0, hardship_shock=1.0))  # everybody who can, rises
        fled += c.take_fled()
        assert c.take_fled() == 0  # the count starts again
    assert stats.sites_lost > 0 and 0 < fled <= guards_before
    s = c.state
    assert stats.police_patrol == np.count_nonzero(s.patrol_owner == 0)
    assert stats.police_guards == s.police_guards.sum() == guards_before - fled
    assert stats.police_total == stats.police_patrol + stats.police_guards
    assert stats.police_strength == stats.police_total / stats.police_initial
    with pytest.raises(dataclasses.FrozenInstanceError):
        stats.active_share = 0.0


def test_police_changes_show_in_stats():
    c = make(sites=[Site(name="a", x=10, y=10)])
    before = c.stats().police_total
    assert c.stats() is c.stats()  # counted once while nothing changes
    gone = c.remove_police(5)
    assert gone == 5 and c.stats().police_total == before - 5
    back = c.add_police(3)
    assert back == 3 and c.stats().police_total == before - 2


def test_snapshot_is_a_read_only_copy():
    c = make(sites=[Site(name="a", x=10, y=10)])
    snap = c.snapshot()
    assert snap.site_names == ("a",) and (snap.height, snap.width) == (30, 30)
    with pytest.raises(ValueError):
        snap.pos[0] = 0
    pos = snap.pos.copy()
    for _ in range(3):
        c.step(DayInputs(0.5, 0.2))
    np.testing.assert_array_equal(snap.pos, pos)
    assert not np.array_equal(c.snapshot().pos, pos)


def test_the_city_package_keeps_modules_small_and_signatures_short():
    # issue 11: no module in sim/city/ over 400 lines, no function with more than 12 parameters
    import ast
    from pathlib import Path

    import sim.city

    for path in Path(sim.city.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 400, path.name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = node.args
                n = (
                    len(a.posonlyargs)
                    + len(a.args)
                    + len(a.kwonlyargs)
                    + bool(a.vararg)
                    + bool(a.kwarg)
                )
                n -= bool(a.args) and a.args[0].arg in ("self", "cls")
                assert n <= 12, f"{path.name}: {node.name} takes {n} parameters"
