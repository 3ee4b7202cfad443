"""Moscow's stance toward the incumbent (``russia.incumbent_stance``, docs/model.md 7.10)."""

import pytest

from sim.config import load_config
from sim.decision import Form, Situation, choose, menu_factors, request_credit
from sim.runner import run_replications
from tests.conftest import CONFIGS

SEEDS = (0, 1, 2)


def _deployments(stance: float, rule: str) -> int:
    """Runs (over SEEDS x 2 replications) of the Kazakhstan crisis whose host asks by its own rule
    and that ended with Russian troops on the ground."""
    cfg = load_config(
        CONFIGS / "kazakhstan_2022.yaml",
        [f"russia.incumbent_stance={stance}", f"russia.rule={rule}", "horizon_days=20"],
    )
    sent = 0
    for seed in SEEDS:
        s = run_replications(cfg, reps=2, seed=seed, jobs=1, progress=False).summary
        assert s["request_day"].notna().any()  # the host asks either way: the stance acts on Moscow
        sent += int((s["peak_troops"] > 0).sum())
    return sent


@pytest.mark.parametrize("rule", ["all_five", "weighted"])
def test_a_distrusted_incumbent_gets_fewer_deployments_than_a_favoured_one(rule):
    # README / docs/model.md: "a request from an incumbent Moscow distrusts weighs less"
    favoured, distrusted = _deployments(0.8, rule), _deployments(-0.8, rule)
    assert favoured > distrusted
    assert favoured >= 4  # the favoured incumbent is saved in most runs


def test_the_stance_enters_support_motive_and_the_guard_stake():
    assert request_credit(0.5) == request_credit(0.0) == 1.0 and request_credit(-1.0) == 0.0
    base = load_config(CONFIGS / "kazakhstan_2022.yaml")
    s = Situation(
        alignment=0.5,
        requested=True,
        regime_threat=0.7,
        sites_lost_share=0.25,
        unrest_index=0.5,
        event_trigger=0.0,
        separatist_support=0.0,
        pro_russian_population=0.2,
        host_army=39000,
        expected_aid=0.0,
        west_military=0.0,
        forces_available=45000,
        sanction_signal=0.1,
        reputation=0.8,
        population_m=19.0,
        n_sites=4,
        nato_bid=False,
    )
    out = {}
    for stance in (-1.0, 0.0, 1.0):
        russia = base.russia.model_copy(update={"incumbent_stance": stance})
        s.incumbent_stance = stance
        out[stance] = menu_factors(s, russia, base.west)[Form.GUARD]
    assert out[-1.0]["support"] < out[0.0]["support"] == out[1.0]["support"]
    assert out[-1.0]["motive"] < out[0.0]["motive"] < out[1.0]["motive"]
    for f in ("trigger", "opposition", "feasibility", "costs"):
        assert out[-1.0][f] == out[0.0][f] == out[1.0][f]
    # the weighted rule's stake in a guard mission falls with the credit of the request
    perceived = {
        "trigger": 0.7,
        "support": 0.9,
        "opposition": 0.0,
        "feasibility": 0.9,
        "costs": 0.2,
        "motive": 0.8,
    }
    scores = {}
    for stance in (-0.5, 0.0):
        russia = base.russia.model_copy(update={"incumbent_stance": stance, "rule": "weighted"})
        scores[stance] = choose({Form.GUARD: perceived}, russia, True, 0.5).score
    assert scores[-0.5] < scores[0.0]
