"""Unit tests of the protester engine (sim/city.py, sim/neighborhood.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import kernels
from sim.city import ACTIVE, JAILED, QUIET, City
from sim.config.schema import City as CityCfg
from sim.config.schema import Police, Protesters, Site, Troops
from sim.neighborhood import WindowSum, offsets


def make(size=30, seed=0, torus=True, kind="von_neumann", vision=4, sites=(), **prot):
    city = CityCfg(width=size, height=size, torus=torus, neighborhood=kind, sites=list(sites))
    p = dict(density=0.7, vision=vision, max_jail_days=30, site_attraction=0.0)
    p.update(prot)
    police = Police(density=0.074, vision=vision, guard_share=0.25 if sites else 0.0)
    return City(city, Protesters(**p), police, Troops(), 1.0, ["Russia"], np.random.default_rng(seed))


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


ENGINES = [pytest.param(False, id="numpy"),
           pytest.param(True, id="compiled", marks=pytest.mark.skipif(not kernels.ENABLED, reason="numba not available"))]


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
    cells = np.concatenate([c.pos, c.patrol_pos])
    assert np.unique(cells).size == cells.size, "two agents in one cell"
    assert not np.isin(cells, c.site_cell).any(), "an agent on a site"
    occ = np.zeros(c.n_cells, bool)
    occ[cells] = True
    occ[c.site_cell] = True
    np.testing.assert_array_equal(occ, c.occupied)


def _vn_dist(a, b, c: City):
    ay, ax = np.divmod(a, c.width)
    by, bx = np.divmod(b, c.width)
    dy, dx = np.abs(ay - by), np.abs(ax - bx)
    if c.torus:
        dy, dx = np.minimum(dy, c.height - dy), np.minimum(dx, c.width - dx)
    return dy + dx


@pytest.mark.parametrize("torus,tries", [(True, 1), (False, 1), (True, 6)])
def test_moves_only_to_empty_cells_in_vision_and_never_share_a_cell(torus, tries):
    sites = [Site(name="a", x=5, y=5), Site(name="b", x=20, y=12)] if not torus else []
    c = make(torus=torus, sites=sites, site_attraction=0.5 if sites else 0.0)
    c.move_tries = tries
    for _ in range(20):
        c.step(0.5, 0.2)
        before_pos, before_pat = c.pos.copy(), c.patrol_pos.copy()
        occupied = c.occupied.copy()
        c._move()
        _occupancy_ok(c)
        for old, new in ((before_pos, c.pos), (before_pat, c.patrol_pos)):
            moved = old != new
            assert not occupied[new[moved]].any(), "moved into a cell that was occupied"
            assert (_vn_dist(old[moved], new[moved], c) <= c.p_cfg.vision).all()
        jailed = c.state == JAILED
        np.testing.assert_array_equal(before_pos[jailed], c.pos[jailed])  # jailed keep their cells


def test_jail_counts_down_and_releases():
    c = make(seed=3)
    c.state[:] = QUIET
    c.state[0], c.jail[0] = JAILED, 2
    c.state[1], c.jail[1] = JAILED, 0
    acting = c._count_down_jail()
    assert not acting[0] and acting[1] and c.jail[0] == 1
    c._update_citizens(acting, 1.0, 0.0)  # legitimacy 1: nobody turns active
    assert c.state[0] == JAILED and c.state[1] == QUIET  # released after 0 more days
    acting = c._count_down_jail()
    assert not acting[0] and c.jail[0] == 0
    acting = c._count_down_jail()
    assert acting[0]
    c._update_citizens(acting, 1.0, 0.0)
    assert c.state[0] == QUIET


def test_arrests_only_actives_in_a_patrols_vision():
    c = make(seed=5, vision=3)
    rng = np.random.default_rng(0)
    for _ in range(10):
        c.state[:] = np.where(rng.random(c.state.size) < 0.05, ACTIVE, QUIET)
        c.jail[:] = 0
        before = c.state.copy()
        c._arrest(*c._active_hazard())
        caught = np.flatnonzero((c.state == JAILED) & (before != JAILED))
        assert (before[caught] == ACTIVE).all()
        if caught.size:
            d = _vn_dist(c.pos[caught][:, None], c.patrol_pos[None, :], c)
            assert (d.min(axis=1) <= c.p_cfg.vision).all()
        assert (c.jail[caught] <= c.p_cfg.max_jail_days).all()


def test_a_lone_active_next_to_a_patrol_is_always_arrested():
    # a patrol that sees exactly one active arrests it (hazard cap: certain)
    c = make(seed=2, vision=2)
    c.state[:] = QUIET
    near = _vn_dist(c.pos, np.full(c.pos.size, c.patrol_pos[0]), c) <= 2
    i = np.flatnonzero(near)[0]
    # patrols seeing agent i must see only it
    c.state[i] = ACTIVE
    c._arrest(*c._active_hazard())
    assert c.state[i] == JAILED


def test_arrest_probability_matches_the_rule():
    # one patrol sees A actives and nobody else sees them: each is arrested with probability 1/A
    c = make(size=40, seed=7, vision=3)
    c.patrol_pos = c.patrol_pos[:1].copy()
    c.patrol_owner = c.patrol_owner[:1].copy()
    d = _vn_dist(c.pos, np.full(c.pos.size, c.patrol_pos[0]), c)
    seen = np.flatnonzero(d <= 3)[:4]
    hits = 0
    n = 3000
    for _ in range(n):
        c.state[:] = QUIET
        c.jail[:] = 0
        c.state[seen] = ACTIVE
        c._arrest(*c._active_hazard())
        hits += int((c.state[seen] == JAILED).sum())
    assert abs(hits / n - 1.0) < 0.06  # one arrest per day in expectation (4 x 1/4)


def test_same_seed_same_run_and_different_seed_differs():
    runs = []
    for seed in (11, 11, 12):
        c = make(seed=seed, torus=False, sites=[Site(name="a", x=10, y=10)], site_attraction=0.5)
        for t in range(15):
            c.step(0.6, 0.3 if t < 3 else 0.0)
        runs.append((c.pos.copy(), c.state.copy(), c.patrol_pos.copy(), c.site_held.copy()))
    for a, b in zip(runs[0], runs[1]):
        np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a, b) for a, b in zip(runs[0], runs[2]))


def test_storm_counts_match_site_counts_of_maps():
    sites = [Site(name="a", x=1, y=1), Site(name="b", x=15, y=15), Site(name="c", x=17, y=14)]
    c = make(torus=False, sites=sites, site_attraction=0.5)
    for _ in range(8):
        c.step(0.4, 0.4)
        grid = np.zeros(c.n_cells + 1, dtype=np.int64)
        grid[:-1] = c.active_map()
        np.testing.assert_array_equal(grid[c._site_window].sum(axis=1), c._site_counts(c.active_map()))
        grid[:-1] = c.security_map()
        np.testing.assert_array_equal(grid[c._site_window].sum(axis=1), c._site_counts(c.security_map()))


def test_citizens_see_what_brute_force_counts():
    c = make(seed=9, vision=4, torus=False)
    c.state[np.random.default_rng(1).random(c.state.size) < 0.1] = ACTIVE
    active = c.state == ACTIVE
    cops, others = c._seen(active)
    sec = brute_window(c.security_map().reshape(c.height, c.width), 4, "von_neumann", False).ravel()
    act = brute_window(c.active_map().reshape(c.height, c.width), 4, "von_neumann", False).ravel()
    np.testing.assert_array_equal(cops, sec[c.pos])
    np.testing.assert_array_equal(others, act[c.pos])


@pytest.mark.parametrize("torus,kind", [(True, "von_neumann"), (False, "von_neumann"), (False, "moore")])
def test_arrest_hazard_same_from_pairs_and_from_window_sums(torus, kind):
    c = make(seed=4, torus=torus, kind=kind, vision=3)
    rng = np.random.default_rng(2)
    for share in (0.01, 0.05, 0.3):
        cells = c.pos[rng.random(c.pos.size) < share]
        np.testing.assert_array_equal(c._hazard_pairs(cells), c._hazard_windows(cells))
