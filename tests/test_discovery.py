"""Scenario discovery: PRIM recovers a known box, questions are parsed safely, `sim discover` on a
stored design writes its tables and figures, and bad input is one paragraph with exit code 2."""

import json

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.config import ConfigError
from sim.experiments.discover import discover, slug
from sim.experiments.discovery import prim_boxes
from sim.experiments.expressions import evaluate
from sim.experiments.spec import ExperimentSpec
from sim.records import summary_frame

from .conftest import CONFIGS


def synthetic(n: int, noise: float, seed: int = 2) -> tuple[pd.DataFrame, np.ndarray]:
    """Four uniform parameters; yes exactly where a < 0.3 and b > 0.6 (then a share of labels
    flipped)."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 4)), columns=["host.a", "host.b", "west.c", "events.0.value"])
    y = ((x["host.a"] < 0.3) & (x["host.b"] > 0.6)).to_numpy()
    return x, np.where(rng.random(n) < noise, ~y, y)


@pytest.mark.parametrize("noise,tolerance", [(0.0, 0.02), (0.05, 0.04)])
def test_prim_recovers_the_true_box(noise, tolerance):
    x, y = synthetic(600, noise)
    boxes, trajectory = prim_boxes(x, y, threshold=0.9)
    box = boxes[0]
    lim = box.significant()
    assert set(lim.index) == {"host.a", "host.b"}  # the two noise dimensions are not in the rule
    assert np.isnan(lim.loc["host.a", "qp_low"]) and np.isnan(
        lim.loc["host.b", "qp_high"]
    )  # one side each
    assert abs(lim.loc["host.a", "high"] - 0.3) <= tolerance
    assert abs(lim.loc["host.b", "low"] - 0.6) <= tolerance
    assert box.density >= 0.9 and box.coverage >= (0.99 if noise == 0 else 0.7)
    assert box.rule().startswith("a <= 0.") and " and b >= 0." in box.rule()
    assert trajectory["chosen"].sum() == len(boxes)  # one chosen step per box
    assert (
        trajectory.groupby("box")["coverage"].first() >= 0.99
    ).all()  # each trajectory starts unpeeled


FRAME = pd.DataFrame(
    {
        "deployed": [True, True, False, False],
        "deploy_day": pd.array([2, 6, None, None], "Int64"),
        "regime_survived": [True, False, False, True],
        "peak_troops": [3000.0, 1500.0, 0.0, 0.0],
        "outcome": ["deploy", "limited", "watch", "decline"],
    }
)


@pytest.mark.parametrize(
    "expression,expected",
    [
        ("deployed", [1, 1, 0, 0]),
        ("regime_survived == False", [0, 1, 1, 0]),
        ("deploy_day <= 5", [1, 0, 0, 0]),
        ("deploy_day > 5", [0, 1, 0, 0]),  # a day that never came is in neither
        ("not deploy_day <= 5", [0, 1, 1, 1]),
        ("deployed and not regime_survived", [0, 1, 0, 0]),
        ("outcome in ['deploy', 'limited']", [1, 1, 0, 0]),
        ("peak_troops / 1000 >= 2 or outcome == 'decline'", [1, 0, 0, 1]),
        ("1 < deploy_day <= 6", [1, 1, 0, 0]),
        ("(deploy_day <= 5) | ~regime_survived", [1, 1, 1, 0]),
    ],
)
def test_questions_are_evaluated_per_run(expression, expected):
    assert evaluate(expression, FRAME).astype(int).tolist() == expected


@pytest.mark.parametrize(
    "expression,problem",
    [
        ("peak_troops", "gives numbers, not true/false"),
        ("deploy_dy <= 5", "did you mean 'deploy_day'"),
        ("__import__('os').system('touch /tmp/x')", "Call is not allowed"),
        ("deployed.sum() > 1", "Call is not allowed"),
        ("deployed and", "not a valid expression"),
        ("deploy_day and deployed", "and/or/not need true/false"),
        ("3 > 2", "does not depend on any column"),
    ],
)
def test_bad_questions_are_one_paragraph_listing_the_columns(expression, problem):
    with pytest.raises(ConfigError) as err:
        evaluate(expression, FRAME)
    text = str(err.value)
    assert problem in text and "deployed, deploy_day, regime_survived, peak_troops, outcome" in text
    assert "\n" not in text


def stored_design(tmp_path, n_points: int = 150, reps: int = 2):
    """An experiment folder as `sim experiment` writes it, for a synthetic LHS design: deployment
    comes early exactly where legitimacy < 0.7 and police loyalty < 0.5 (nothing is simulated)."""
    out = tmp_path / "exp"
    (out / "summary").mkdir(parents=True)
    spec = ExperimentSpec.model_validate(
        {
            "name": "synthetic",
            "base": str(CONFIGS / "kazakhstan_2022.yaml"),
            "replications": reps,
            "design": {
                "kind": "lhs",
                "samples": n_points,
                "parameters": {
                    "host.legitimacy": {"range": [0.5, 0.95]},
                    "host.forces.police.loyalty": {"range": [0.2, 1.0]},
                    "west.sanctions_signal": {"range": [0.0, 1.0]},
                },
            },
        }
    )
    rng = np.random.default_rng(5)
    params = pd.DataFrame(
        {
            "host.legitimacy": rng.uniform(0.5, 0.95, n_points),
            "host.forces.police.loyalty": rng.uniform(0.2, 1.0, n_points),
            "west.sanctions_signal": rng.uniform(0, 1, n_points),
        }
    )
    plan, rows = [], []
    for point, p in params.iterrows():
        early = p["host.legitimacy"] < 0.7 and p["host.forces.police.loyalty"] < 0.5
        for rep in range(reps):
            key = f"k{point}_{rep}"
            plan.append(
                {
                    "key": key,
                    "point": point,
                    "point_name": f"p{point}",
                    "rep": rep,
                    "seed": rep,
                    "horizon": 60,
                    **p.to_dict(),
                }
            )
            rows.append(
                {
                    "rep": rep,
                    "seed": rep,
                    "deployed": True,
                    "deploy_day": 3 if early else 9,
                    "peak_troops": 3000.0,
                    "withdrawn_day": None,
                    "days_deployed": 50,
                    "regime_survived": True,
                    "peak_unrest": 0.5,
                    "final_unrest": 0.1,
                    "days_to_order": 12,
                    "final_sanctions": 0.0,
                    "peak_ally_unrest": 0.1,
                    "outcome": "deploy",
                    "request_day": 2,
                    "decision_day": 2,
                    "final_territory_share": 0.0,
                    "final_reputation": 0.8,
                    "key": key,
                }
            )
    pd.DataFrame(plan).astype({"seed": "uint64"}).to_parquet(out / "plan.parquet", index=False)
    summary_frame(rows).to_parquet(out / "summary" / "part-0.parquet", index=False)
    (out / "manifest.json").write_text(
        json.dumps({"spec": spec.model_dump(mode="json"), "points": []})
    )
    return out


def test_sim_discover_writes_boxes_tree_and_scores(tmp_path, capsys):
    out = stored_design(tmp_path)
    assert main(["discover", str(out), "--outcome", "deploy_day <= 5", "--threshold", "0.9"]) == 0
    printed = capsys.readouterr().out
    folder = out / "discovery" / "deploy_day_le_5"
    assert f"Tables and figures in {folder}/" in printed
    names = {p.name for p in folder.iterdir()}
    assert {
        "prim_boxes.csv",
        "prim_trajectory.csv",
        "prim_tradeoff.png",
        "prim_boxes.png",
        "prim_design.png",
        "cart_tree.txt",
        "cart_leaves.csv",
        "cart_tree.png",
        "feature_scores.csv",
        "feature_scores.png",
        "report.txt",
    } == names
    boxes = pd.read_csv(folder / "prim_boxes.csv")
    first = boxes[boxes["box"] == 1]
    assert set(first.loc[first["in_rule"], "parameter"]) == {
        "host.legitimacy",
        "host.forces.police.loyalty",
    }
    assert first["density"].iloc[0] == 1.0 and first["coverage"].iloc[0] >= 0.9
    assert (
        "box 1: deploy_day <= 5 when legitimacy <= 0.6" in printed
        and "police_loyalty <= 0.4" in printed
    )
    assert "host.legitimacy" in (folder / "cart_tree.txt").read_text()
    scores = pd.read_csv(folder / "feature_scores.csv")
    assert (
        scores["parameter"].iloc[-1] == "west.sanctions_signal"
    )  # the parameter that plays no part
    # --method prim removes the CART files a previous run left, so no stale tree sits beside new
    # boxes
    assert main(["discover", str(out), "--outcome", "deploy_day <= 5", "--method", "prim"]) == 0
    assert not (folder / "cart_tree.png").exists()


def test_discovery_sentence_and_where(tmp_path):
    out = stored_design(tmp_path)
    found = discover(out, "deploy_day <= 5", threshold=0.9, where="regime_survived")
    assert found.sentence() == (
        f"deploy_day <= 5 when {found.boxes[0].rule()}: coverage "
        f"{found.boxes[0].coverage:.2f}, density {found.boxes[0].density:.2f}"
    )
    assert found.runs == 300 and found.folder.name == "deploy_day_le_5_where_regime_survived"
    assert slug("regime_survived == False", "deployed") == "regime_survived_eq_False_where_deployed"


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--outcome", "deploy_dya <= 5"], "did you mean 'deploy_day'"),
        (["--outcome", "deployed"], "is true in all 300 runs"),
        (["--outcome", "deployed", "--where", "peak_troops"], "--where 'peak_troops'"),
        (["--outcome", "deployed", "--threshold", "1.5"], "not a share"),
    ],
)
def test_discover_bad_input_is_one_paragraph_and_exit_2(tmp_path, capsys, args, expected):
    out = stored_design(tmp_path, n_points=150)
    try:
        code = main(["discover", str(out), *args])
    except SystemExit as exc:  # argparse's own check of --threshold
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_discover_needs_a_stored_design(tmp_path, capsys):
    assert main(["discover", str(tmp_path / "nothing"), "--outcome", "deployed"]) == 2
    assert "no manifest.json" in capsys.readouterr().err
    variants = tmp_path / "variants"
    variants.mkdir()
    spec = {"name": "v", "base": "x.yaml", "variants": {"a": {}}}
    (variants / "manifest.json").write_text(json.dumps({"spec": spec, "points": []}))
    assert main(["discover", str(variants), "--outcome", "deployed"]) == 2
    assert "needs a sampled design" in capsys.readouterr().err
