"""The five-factor rule: pure-function checks and, in the model, one failing factor per test."""

import numpy as np
import pytest

from sim.config import config_from_dict, load_config
from sim.decision import RULE_FACTORS, all_five, decide, weighted
from sim.runner import run_replications

from .conftest import CONFIGS

RUSSIA = config_from_dict({}).russia
PASSING = {
    "trigger": 0.9,
    "support": 0.9,
    "opposition": 0.1,
    "feasibility": 0.9,
    "costs": 0.1,
    "motive": 0.5,
}
FAIL = {"trigger": 0.1, "support": 0.1, "opposition": 0.9, "feasibility": 0.1, "costs": 0.9}
NEAR = {"trigger": 0.45, "support": 0.45, "opposition": 0.55, "feasibility": 0.45, "costs": 0.55}


def test_all_five_deploys_when_every_factor_is_in_place():
    v = all_five(PASSING, RUSSIA, request_pending=True)
    assert v.outcome == "deploy" and set(v.status.values()) == {"pass"} and v.size_factor > 0


@pytest.mark.parametrize("factor", RULE_FACTORS)
def test_all_five_one_failing_factor_blocks(factor):
    v = all_five({**PASSING, factor: FAIL[factor]}, RUSSIA, request_pending=True)
    assert v.outcome == "decline" and v.status[factor] == "fail"
    assert (
        all_five({**PASSING, factor: FAIL[factor]}, RUSSIA, request_pending=False).outcome
        == "watch"
    )


@pytest.mark.parametrize(
    "factor,expected",
    [
        ("trigger", "delay"),
        ("support", "delay"),
        ("feasibility", "limited"),
        ("costs", "limited"),
        ("opposition", "limited"),
    ],
)
def test_all_five_near_miss_gives_delay_or_limited(factor, expected):
    v = all_five({**PASSING, factor: NEAR[factor]}, RUSSIA, request_pending=True)
    assert v.outcome == expected and v.status[factor] == "near"


def test_weighted_rule_is_compensatory_and_probabilistic():
    resolves = np.random.default_rng(0).random(200)  # one latent threshold per run
    strong = [weighted(PASSING, RUSSIA, True, r).outcome for r in resolves]
    weak = [weighted({**PASSING, **FAIL}, RUSSIA, True, r).outcome for r in resolves]
    assert strong.count("deploy") > 180
    assert "deploy" not in weak and set(weak) <= {"decline", "delay"}
    # one weak factor can be outweighed by strong others (unlike all_five)
    mixed = {**PASSING, "support": 0.3, "motive": 1.0}
    assert all_five(mixed, RUSSIA, True).outcome == "decline"
    assert (
        decide(mixed, RUSSIA.model_copy(update={"rule": "weighted"}), True, 0.0).probability > 0.5
    )


def test_russia_draws_its_resolve_once_per_run(monkeypatch):
    """The weighted rule's resolve is one draw per run (docs/model.md 7.12), not one per day.

    Every generator the model makes is recorded; after a whole run, Moscow's resolve is the one and
    only draw of one of them (its decision stream), though the rule was consulted every day. A draw
    per day would leave that stream 60 draws on.
    """
    from sim.model import CrisisModel

    made = []
    real = np.random.default_rng

    def recording(seed=None):
        made.append((seed, real(seed)))
        return made[-1][1]

    cfg = load_config(CONFIGS / "kazakhstan_2022.yaml", ["russia.rule=weighted"])
    monkeypatch.setattr(np.random, "default_rng", recording)
    model = CrisisModel(cfg, rng=11).run()
    monkeypatch.undo()
    assert len(model.russia.log) == cfg.horizon_days  # the rule decided every day
    once = []
    for seed, used in made:
        fresh = real(seed)
        first = fresh.random()
        if fresh.bit_generator.state == used.bit_generator.state:
            once.append(first)
    assert model.russia.latent_threshold in once


def test_the_resolve_is_the_runs_and_the_rule_applies_it_every_day():
    """Same seed, same resolve, whatever else differs (here the horizon); another seed, another
    resolve; and each day the weighted rule acts exactly when that day's P(deploy) beats it."""
    from sim.model import CrisisModel

    cfg = load_config(CONFIGS / "belarus_2020.yaml", ["russia.rule=weighted"])
    short = cfg.model_copy(update={"horizon_days": 20})
    assert (
        CrisisModel(cfg, rng=5).russia.latent_threshold
        == CrisisModel(short, rng=5).russia.latent_threshold
    )
    resolves = {CrisisModel(cfg, rng=seed).russia.latent_threshold for seed in range(20)}
    assert len(resolves) == 20
    checked = 0
    for seed in range(
        60
    ):  # until enough undecided days were seen (runs that deploy early show few)
        if checked > 100:
            break
        model = CrisisModel(cfg, rng=seed)
        resolve = model.russia.latent_threshold
        model.run()
        for row in model.russia.log:
            if (
                row["state"] in ("watching", "delaying", "declined")
                and row["rule_verdict"] != "withdraw"
            ):
                assert (row["rule_verdict"] in ("deploy", "limited")) == (
                    row["p_deploy"] > resolve
                ), row
                checked += 1
    assert checked > 100


# In the model: the baseline deploys; a bias that makes one perceived factor fail stops it.
FAILING_BIAS = {
    "trigger": -1.0,
    "support": -1.0,
    "opposition": 1.0,
    "feasibility": -1.0,
    "costs": 1.0,
}


@pytest.mark.parametrize("factor", RULE_FACTORS)
def test_model_single_failing_factor_prevents_deployment(factor):
    cfg = load_config(
        CONFIGS / "kazakhstan_2022.yaml",
        [f"russia.perception.bias={{{factor}: {FAILING_BIAS[factor]}}}"],
    )
    res = run_replications(cfg, reps=6, seed=3, jobs=1, progress=False)
    assert not res.summary["deployed"].any()
    assert (res.decisions["failed"].str.contains(factor)).all()


def test_withdrawal_does_not_turn_a_limited_operation_into_a_deployment():
    import pandas as pd

    from sim.records import summarize

    days = 6
    daily = pd.DataFrame(
        {
            "day": range(days),
            "troops_total": [0, 0, 500, 500, 0, 0],
            "active_share": [0, 0.2, 0.2, 0.01, 0.01, 0.01],
            "decision": ["watch", "limited", "limited", "withdraw", "watch", "watch"],
            "requested": [False] + [True] * 5,
            "regime_status": ["stable"] * days,
            "sanctions": [0.0] * days,
            "territory_share": [0.0] * days,
            "reputation": [0.8] * days,
        }
    )
    row = summarize(daily, order_threshold=0.03)
    assert row["outcome"] == "limited" and row["deploy_day"] == 2 and row["withdrawn_day"] == 4


@pytest.mark.parametrize("rule", ["all_five", "weighted"])
def test_a_menu_of_one_guard_mission_decides_as_the_first_editions_rule(rule):
    """A friendly host has only the guard option: the menu reduces to the single five-factor
    decision."""
    from sim.decision import Form, choose

    russia = RUSSIA.model_copy(update={"rule": rule})
    rng = np.random.default_rng(5)
    for _ in range(200):
        factors = dict(zip(PASSING, rng.random(6), strict=True))
        r = rng.random()
        single, menu = (
            decide(factors, russia, True, r),
            choose({Form.GUARD: factors}, russia, True, r),
        )
        assert (single.outcome, single.size_factor) == (menu.outcome, menu.size_factor)
