"""The menu of options (issue 13, docs/model.md): which apply, each one's factors, the choice, the
record."""

import dataclasses

import numpy as np
import pytest
import yaml

from sim.cases import DEFAULT_DIR, case_files, run_backtest
from sim.config import config_from_dict, load_config
from sim.decision import (
    Form,
    Outcome,
    Situation,
    applicable,
    choose,
    force_required,
    option_factors,
)
from sim.runner import run_replications

from .conftest import CONFIGS

CFG = config_from_dict(
    {"russia": {"logistics": {"shared_border": True, "bases_in_host": True, "airlift_km": 500}}}
)
RUSSIA, WEST = CFG.russia, CFG.west  # a neighbour with bases in the host
FORMS = ("covert", "peacekeeping", "guard", "limited", "full")

# A Georgia-like hostile host: a NATO aspirant with strong separatists in one region and a small
# army.
HOSTILE = Situation(
    alignment=-0.8,
    requested=False,
    regime_threat=0.0,
    sites_lost_share=0.0,
    unrest_index=0.0,
    event_trigger=0.9,
    separatist_support=0.8,
    pro_russian_population=0.1,
    host_army=30_000,
    expected_aid=0.0,
    west_military=0.0,
    forces_available=70_000,
    sanction_signal=0.09,
    reputation=0.8,
    population_m=4.4,
    n_sites=4,
    nato_bid=True,
    region_share=0.2,
    region_defenders=12_000,
    region_population=0.7,
    separatist_forces=5_000,
    separatist_territory=0.2,
)
FRIENDLY = dataclasses.replace(
    HOSTILE,
    alignment=0.5,
    requested=True,
    region_share=0.0,
    separatist_support=0.0,
    separatist_forces=0.0,
    separatist_territory=0.0,
    regime_threat=0.7,
)


def factors(s, form):
    return option_factors(s, form, RUSSIA, WEST)


def test_which_options_apply():
    assert applicable(FRIENDLY, FORMS) == [Form.GUARD]
    assert applicable(HOSTILE, FORMS) == [Form.FULL, Form.LIMITED, Form.COVERT]
    no_region = dataclasses.replace(HOSTILE, region_share=0.0)
    assert Form.LIMITED not in applicable(no_region, FORMS)
    after = dataclasses.replace(HOSTILE, ceasefire=True, consent=True)
    assert Form.PEACEKEEPING in applicable(after, FORMS)
    assert Form.PEACEKEEPING not in applicable(dataclasses.replace(after, consent=False), FORMS)
    # an option left out of the menu is switched off
    assert applicable(HOSTILE, ("covert", "limited")) == [Form.LIMITED, Form.COVERT]


def test_force_is_sized_to_the_aim_not_the_whole_army():
    bigger = dataclasses.replace(HOSTILE, host_army=3 * HOSTILE.host_army)
    assert force_required(bigger, RUSSIA, Form.LIMITED) == force_required(
        HOSTILE, RUSSIA, Form.LIMITED
    )
    assert (
        force_required(bigger, RUSSIA, Form.FULL)
        > 2.5 * force_required(HOSTILE, RUSSIA, Form.FULL) - 1000
    )
    more_defenders = dataclasses.replace(HOSTILE, region_defenders=2 * HOSTILE.region_defenders)
    assert force_required(more_defenders, RUSSIA, Form.LIMITED) == pytest.approx(
        2 * force_required(HOSTILE, RUSSIA, Form.LIMITED)
    )
    # a limited operation against a region's defenders is far more feasible than beating the whole
    # army
    tight = dataclasses.replace(HOSTILE, forces_available=40_000, host_army=100_000)
    assert (
        factors(tight, Form.LIMITED)["feasibility"] > factors(tight, Form.FULL)["feasibility"] + 0.2
    )
    # forces already in the host raise reach
    assert (
        factors(dataclasses.replace(HOSTILE, forces_in_host=18_000), Form.LIMITED)["feasibility"]
        > factors(HOSTILE, Form.LIMITED)["feasibility"]
    )


def test_support_opposition_and_costs_differ_by_option():
    full, limited, covert = (factors(HOSTILE, f) for f in (Form.FULL, Form.LIMITED, Form.COVERT))
    # regional separatists back a regional operation, not a march on the capital of a hostile nation
    assert limited["support"] > 0.5 > full["support"]
    # the region's defenders oppose less than the whole army; deniability lowers covert's opposition
    assert full["opposition"] > limited["opposition"] > covert["opposition"]
    # the West reacts less to a regional move, and less again to a deniable one
    costly = dataclasses.replace(HOSTILE, sanction_signal=0.8)
    c = {f: factors(costly, f)["costs"] for f in (Form.FULL, Form.LIMITED, Form.COVERT)}
    assert c[Form.FULL] > c[Form.LIMITED] > c[Form.COVERT]
    # peacekeeping needs both parties' consent
    after = dataclasses.replace(HOSTILE, ceasefire=True, consent=True)
    assert factors(after, Form.PEACEKEEPING)["support"] > 0.5
    assert factors(dataclasses.replace(after, consent=False), Form.PEACEKEEPING)["support"] == 0.0


def test_costs_read_sanctions_in_force_and_treat_them_as_sunk_for_an_operation_under_way():
    fresh = factors(HOSTILE, Form.LIMITED)["costs"]
    sanctioned = dataclasses.replace(HOSTILE, sanctions=0.6)
    assert (
        factors(sanctioned, Form.LIMITED)["costs"] > fresh + 0.4
    )  # a new move faces what is in force
    going = dataclasses.replace(sanctioned, under_way=Form.LIMITED)
    assert factors(going, Form.LIMITED)["costs"] < fresh + 0.01  # withdrawing would not lift them
    assert (
        factors(going, Form.COVERT)["costs"] < factors(sanctioned, Form.COVERT)["costs"]
    )  # nor scaling back
    assert (
        factors(going, Form.FULL)["costs"] >= factors(sanctioned, Form.FULL)["costs"]
    )  # escalating is a new move


PASS = {
    "trigger": 0.9,
    "support": 0.9,
    "opposition": 0.1,
    "feasibility": 0.9,
    "costs": 0.1,
    "motive": 0.5,
}


def test_all_five_takes_the_strongest_option_whose_factors_all_pass():
    menu = {Form.FULL: {**PASS, "support": 0.1}, Form.LIMITED: PASS, Form.COVERT: PASS}
    v = choose(menu, RUSSIA, False, 0.5)
    assert v.form == Form.LIMITED and v.outcome == Outcome.DEPLOY
    assert (
        v.options[Form.FULL].outcome == Outcome.WATCH
        and v.options[Form.FULL].status["support"] == "fail"
    )
    # a near miss on the strongest option: Moscow waits for it rather than settle for less
    near = {**menu, Form.FULL: {**PASS, "support": 0.45}}
    v = choose(near, RUSSIA, False, 0.5)
    assert v.form == Form.FULL and v.outcome == Outcome.DELAY
    # nothing passes: watch (or decline a pending request), political support only
    none = {f: {**PASS, "costs": 0.9} for f in menu}
    v = choose(none, RUSSIA, True, 0.5)
    assert v.form == Form.NONE and v.outcome == Outcome.DECLINE


def test_a_near_miss_gives_a_token_guard_force_but_an_operation_against_an_army_waits():
    near_costs = {**PASS, "costs": 0.55}
    assert choose({Form.GUARD: near_costs}, RUSSIA, True, 0.5).outcome == Outcome.LIMITED
    assert choose({Form.LIMITED: near_costs}, RUSSIA, False, 0.5).outcome == Outcome.DELAY


def test_weighted_takes_the_option_of_highest_utility_with_one_latent_draw():
    weighted = RUSSIA.model_copy(update={"rule": "weighted"})
    menu = {Form.FULL: {**PASS, "costs": 0.8, "support": 0.3}, Form.LIMITED: PASS}
    v = choose(menu, weighted, False, 0.5)
    assert v.form == Form.LIMITED and v.options[Form.LIMITED].score > v.options[Form.FULL].score
    draws = np.random.default_rng(0).random(500)
    assert (
        np.mean([choose(menu, weighted, False, r).outcome == Outcome.DEPLOY for r in draws]) > 0.9
    )


def test_the_decision_log_records_each_options_factors_and_verdict():
    res = run_replications(
        load_config(CONFIGS / "georgia_2008.yaml"), reps=2, seed=1, jobs=1, progress=False
    )
    log = res.decisions
    for form in ("full", "limited", "covert"):
        assert f"{form}_verdict" in log and f"{form}_support" in log
    assert (log["full_failed"].str.contains("support")).all()
    assert set(log["form"]) <= set(FORMS) | {"none"}
    assert (res.summary["form"] == "limited").all()


# Rule parameters, and every parameter of the new mechanisms, are generic: never set in a case
# config.
GENERIC = {
    "russia": {
        "rule",
        "thresholds",
        "margin",
        "weights",
        "weighted_threshold",
        "weighted_scale",
        "support_weights",
        "limited_fraction",
        "options",
        "learning",
        "loss_tolerance",
        "abandon_days",
        "force_ratio_hostile",
    },
    "west": {
        "reaction",
        "territory_reference",
        "deaths_reference",
        "signal_response",
        "sanctions_rate",
        "reference_force",
        "friendly_severity",
    },
    "attrition": None,  # the whole section
}


def _chain(path):
    while path is not None:
        data = yaml.safe_load(path.read_text()) or {}
        yield path, data
        path = (path.parent / data["extends"]) if data.get("extends") else None


@pytest.mark.parametrize("path", case_files(DEFAULT_DIR), ids=lambda p: p.stem)
def test_case_configs_set_facts_not_mechanism_parameters(path):
    for file, data in _chain(path):
        for section, keys in GENERIC.items():
            given = set(data.get(section) or {})
            bad = given if keys is None else given & keys
            assert not bad, (
                f"{file}: {section}.{sorted(bad)} is a generic parameter, not a fact of the case"
            )


# Issue 13's form scoring beside intervention, at 10 replications (the README's table, at 20, is
# pinned by tests/test_cases.py): under all_five intervene / not right in 10 of 11 and the form in
# 10 of 11 (Kyrgyzstan 2010 the miss on both; without Moscow's bias also Ukraine 2022); under
# weighted 9 and 10 (Belarus 2020 and Kyrgyzstan 2010 miss intervention, each predicted "none" as
# its form in most runs; Ukraine 2022's form, the Donbas for a full invasion, is the form miss).
# Belarus 2020 under all_five: no deployment in these 10 runs, as in the README's 20 (a hit).
@pytest.mark.slow
def test_backtest_scores_form_beside_intervention():
    # issue 13's targets, at the decision level (the request as documented, as issue 13 scored it)
    bt = run_backtest(reps=10, seed=0)
    sc = bt.scores[bt.scores["level"] == "decision"].set_index(["rule", "cases"])
    expected = {
        ("all_five", "as coded"): (10, 10, "kyrgyzstan_2010"),
        ("all_five", "biases cleared"): (9, 9, "kyrgyzstan_2010, ukraine_2022"),
        ("weighted", "as coded"): (9, 10, "belarus_2020, kyrgyzstan_2010"),
        ("weighted", "biases cleared"): (8, 10, "belarus_2020, kyrgyzstan_2010, ukraine_2022"),
    }
    for key, (hits, form_hits, misses) in expected.items():
        assert (sc.loc[key, "hits"], sc.loc[key, "form_hits"], sc.loc[key, "misses"]) == (
            hits,
            form_hits,
            misses,
        ), key
    table = bt.table[bt.table["level"] == "decision"]
    t = table[table["scored"] & (table["rule"] == "all_five")].set_index("case")
    for case, form in [
        ("georgia_2008", "limited"),
        ("crimea_2014", "limited"),
        ("karabakh_2020", "peacekeeping"),
        ("kazakhstan_2022", "guard"),
        ("ukraine_2022", "full"),
        ("tajikistan_1992", "guard"),
        ("transnistria_1992", "limited"),
    ]:
        assert t.loc[case, "pred_form"] == form, case
    assert not t.loc[
        "karabakh_2020", "pred_intervened"
    ]  # peacekeepers after a ceasefire are not an intervention
    weighted = table[table["scored"] & (table["rule"] == "weighted")].set_index("case")
    assert weighted.loc["ukraine_2022", "pred_form"] == "limited"
    assert t.loc["belarus_2020", "p_intervene"] == 0
