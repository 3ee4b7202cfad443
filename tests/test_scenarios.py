"""The scenarios behave as the framework says, over many seeds (issue 2's acceptance criteria)."""

import numpy as np
import pytest

from sim.config import load_config
from sim.runner import run_replications

from .conftest import CONFIGS


def run(path, reps, seed=0, overrides=()):
    return run_replications(
        load_config(CONFIGS / path, overrides), reps=reps, seed=seed, progress=False
    )


@pytest.fixture(scope="module")
def baseline_runs():
    return run("kazakhstan_2022.yaml", 50, seed=2022)


@pytest.fixture(scope="module")
def baseline(baseline_runs):
    return baseline_runs.summary


def test_baseline_reproduces_kazakhstan_timeline(baseline_runs):
    """README (issue 12's targets): request day 2-4, troops day 3-5, order by day 8, withdrawal day
    14-20, a force of 1,500-3,000 with Russia's share 60-85%, detentions and deaths within a factor
    of three of history scaled to Almaty, few jailed at day 30, one deployment, the regime
    survives."""
    s, d = baseline_runs.summary, baseline_runs.daily
    dep = s[s["deployed"]]
    assert s["deployed"].mean() >= 0.9 and s["regime_survived"].mean() >= 0.9
    assert 2 <= s["request_day"].median() <= 4 and 3 <= s["deploy_day"].median() <= 5
    assert s["days_to_order"].median() <= 8 and 14 <= dep["withdrawn_day"].median() <= 20
    assert 1_500 <= dep["peak_troops"].median() <= 3_000
    russia = d.groupby("rep")["troops_russia"].max() / d.groupby("rep")["troops_total"].max()
    assert 0.6 <= russia[s.loc[s["deployed"], "rep"]].median() <= 0.85
    history = load_config(CONFIGS / "kazakhstan_2022.yaml").history.magnitudes
    for col, name in (("detained_total", "detained"), ("deaths", "deaths")):
        scaled = history[name].value * history[name].city_share
        assert scaled / 3 <= s[col].median() <= 3 * scaled, col
    assert d.loc[d["day"] == 30, "jailed_share"].median() < 0.1
    assert (s["deployments"] > 1).mean() <= 0.1


def test_the_request_comes_from_the_hosts_forces_failing(baseline_runs):
    """README: the host asks on its own rule when its forces desert (a share of the capital's forces
    defected), not on a scripted date; the price concession and the emergency come first."""
    cfg = load_config(CONFIGS / "kazakhstan_2022.yaml")
    d, s = baseline_runs.daily, baseline_runs.summary
    at = d.merge(s[["rep", "request_day"]], on="rep")
    at = at[at["day"] == at["request_day"]]
    serving = sum(
        f.strength * f.city_share
        for f in (
            cfg.host.forces.police,
            cfg.host.forces.national_guard,
            cfg.host.forces.security_service,
        )
    )
    assert (at["forces_defected"] / serving >= cfg.host.playbook.ask_defected).mean() >= 0.8
    assert (at["regime_threat"] < cfg.host.playbook.ask_at).mean() >= 0.8
    assert (s["concession_day"] <= s["request_day"]).all() and (
        s["emergency_day"] <= s["request_day"]
    ).all()


def test_a_city_at_rest_stays_at_rest():
    """README: without the price shock Moscow deploys in at most 5% of runs and the regime survives
    in at least 98%."""
    s = run("kazakhstan_2022/no_shock.yaml", 50, seed=7).summary
    assert s["deployed"].mean() <= 0.05 and s["regime_survived"].mean() >= 0.98
    assert s["emergency_day"].isna().mean() >= 0.95


def test_no_request_the_host_commits_its_army_and_its_forces_decide():
    """README: without a request Moscow never deploys; the host commits its army at home in most
    runs; the regime falls where its forces desert before the army arrives (one run in ten), in
    every run with every force at loyalty 0.3, and in none with forces at 0.8, which need no
    army."""
    s = run("kazakhstan_2022/no_request.yaml", 20, seed=7).summary
    assert not s["deployed"].any()
    assert s["army_committed_day"].notna().mean() >= 0.5
    assert 0.7 <= s["regime_survived"].mean() < 1.0
    fell = s.loc[~s["regime_survived"]]
    assert fell["army_committed_day"].isna().all()  # they fell before the army was ordered
    forces = ("police", "national_guard", "security_service")
    weak = run(
        "kazakhstan_2022/no_request.yaml",
        20,
        seed=7,
        overrides=[f"host.forces.{f}.loyalty=0.3" for f in forces],
    ).summary
    assert not weak["regime_survived"].any()
    strong = run(
        "kazakhstan_2022/no_request.yaml",
        20,
        seed=7,
        overrides=[f"host.forces.{f}.loyalty=0.8" for f in forces],
    ).summary
    assert strong["regime_survived"].all() and strong["army_committed_day"].isna().all()


def test_loyal_forces_hold_without_help():
    """README: with forces that hold, the regime holds without help in at least 90% of runs."""
    s = run("kazakhstan_2022/loyal_police.yaml", 50, seed=7).summary
    assert (s["regime_survived"] & ~s["deployed"]).mean() >= 0.9
    assert (
        s["host_forces_defected"].median()
        < 0.1 * run("kazakhstan_2022.yaml", 20, seed=7).summary["host_forces_defected"].median()
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_belarus_marches_fall_short_and_moscow_stays_out(seed):
    """README "falls short": Belarus 2020's Sunday marches and the smaller actions called between
    them give about 15 days above 5%: the election's first week every day, then every march to
    the horizon, with the days between below 5% (issue 12's target, at least 30, is not met);
    Moscow does not deploy (target: in at least 80% of runs); about 14,000 detained, no deaths."""
    r = run("belarus_2020.yaml", 20, seed=seed)
    above = r.daily[r.daily["active_share"] > 0.05]
    days = above.groupby("rep").size()
    assert 14 <= days.median() <= 16 and days.max() < 30
    assert (above.groupby("day").size().reindex(range(1, 9)) == 20).all()  # the first week
    sundays = above[(above["day"] > 3) & (above["day"] % 7 == 0)]
    assert len(sundays) == 20 * 8  # every march of every run
    # after the first week, the days between marches stay below 5%
    assert above[(above["day"] > 9) & (above["day"] % 7 != 0)].empty
    assert r.summary["deployed"].mean() <= 0.2
    assert 12_000 <= r.summary["detained_total"].median() <= 16_000
    assert r.summary["deaths"].median() == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_leaderless_belarus_without_fatigue_recurs_at_a_cost_the_record_lacks(seed):
    """docs/model.md 9: without an organised movement and with protest fatigue off, Belarus's waves
    recur to the horizon (20-27 days above 5%, the runs from 3 to 42), but only by jailing the
    street population twice over (about 120,000 detained, against some 14,000 with the marches)."""
    overrides = ["protesters.fatigue_rate=0", "movement.organised=false"]
    r = run("belarus_2020.yaml", 20, seed=seed, overrides=overrides)
    d = r.daily[r.daily["active_share"] > 0.05]
    above = d.groupby("rep").size()
    assert 15 <= above.median() <= 30
    assert d.groupby("rep")["day"].max().median() >= 55
    assert 100_000 <= r.summary["detained_total"].median() <= 140_000


@pytest.mark.parametrize("variant", ["heavy_sanctions", "overstretched"])
def test_costlier_or_harder_deployments_send_no_more_troops_and_no_sooner(baseline, variant):
    """README: with heavy sanctions Moscow sends a smaller force (about half) and deploys less
    often; overstretched, it sends what it has left; neither lands earlier than the baseline."""
    res = run(f"kazakhstan_2022/{variant}.yaml", 20, seed=7)
    s = res.summary
    dep, base = s[s["deployed"]], baseline[baseline["deployed"]]
    assert dep["deploy_day"].median() >= base["deploy_day"].median()
    if variant == "heavy_sanctions":
        assert dep["peak_troops"].median() < 0.6 * base["peak_troops"].median()
        assert s["deployed"].mean() < baseline["deployed"].mean()
    else:
        cfg = load_config(CONFIGS / f"kazakhstan_2022/{variant}.yaml").russia
        left = cfg.forces_available - cfg.committed_elsewhere
        assert res.daily["troops_russia"].max() <= left


def test_ukraine_unbiased_rule_does_not_pass():
    """README: Ukraine 2022 unbiased: no invasion; the full option fails on support and costs (and
    opposition)."""
    res = run("ukraine_2022.yaml", 10, seed=1)
    assert not res.summary["deployed"].any() and not (res.summary["form"] == "full").any()
    failed = res.decisions["full_failed"]
    assert failed.str.contains("opposition").mean() > 0.5
    assert failed.str.contains("costs").all() and failed.str.contains("support").all()


def test_ukraine_perceived_invades_and_shows_gap_and_attrition():
    """README: with its biases Moscow invades; attrition and learning close the gap; it scales back,
    not out."""
    res = run("ukraine_2022_perceived.yaml", 10, seed=1)
    s, d = res.summary, res.daily
    assert s["deployed"].all() and (s["form"] == "full").all()
    on = d[d["troops_total"] > 0].groupby("rep")
    for f in ("support", "opposition", "costs"):
        assert (on[f"{f}_gap"].first().abs() > 0.25).all(), f
    for f in (
        "opposition",
        "costs",
    ):  # Moscow learns: the gap narrows as losses and sanctions come in
        assert (on[f"{f}_gap"].last().abs() < on[f"{f}_gap"].first().abs() - 0.1).all(), f
    # attrition: the host army shrinks, and so does the Russian force after it lands
    first = d.groupby("rep")["host_army"].first()
    last = d.groupby("rep")["host_army"].last()
    assert (last < first).all()
    assert (s["final_reputation"] < 0.8).all()
    # the war wears the invading force down until Moscow scales back to the region, and holds it
    assert res.decisions.groupby("rep")["event"].apply(lambda e: (e == "scale_back").any()).all()
    assert (d.groupby("rep")["troops_russia"].last() > 0).all()
    assert (res.summary["peak_troops"] > 100_000).all()


def test_same_seed_identical_different_seed_different():
    cfg = load_config(CONFIGS / "kazakhstan_2022.yaml")
    a = run_replications(cfg, reps=3, seed=11, jobs=1, progress=False).daily
    b = run_replications(cfg, reps=3, seed=11, jobs=2, progress=False).daily
    c = run_replications(cfg, reps=3, seed=12, jobs=1, progress=False).daily
    assert a.equals(b)
    assert not np.allclose(a["active_share"], c["active_share"])
