"""The README's two questions: rerun each shipped spec as a reader would and check every number the
README quotes from `sim discover` (slow: 1,650 runs, about a minute alone on 2 cores; CI runs it;
deselect locally with -m "not slow")."""

import pytest

from sim.cli import main
from sim.experiments.discover import discover

from .conftest import ROOT


def readme() -> str:
    return " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())  # sentences may wrap


def run(tmp_path, name: str):
    out = tmp_path / name
    assert (
        main(
            [
                "experiment",
                str(ROOT / "experiments" / f"{name}.yaml"),
                "--out",
                str(out),
                "--jobs",
                "2",
                "--quiet",
                "--no-plots",
            ]
        )
        == 0
    )
    return out


@pytest.mark.slow
def test_when_moscow_deploys_says_what_the_readme_says(tmp_path):
    found = discover(run(tmp_path, "when_moscow_deploys"), "deployed", threshold=0.9)
    text = readme()
    # README: "The box says `deployed when legitimacy >= 0.713 and 0.308 <= police_loyalty <= ..."
    assert f"The box says `{found.sentence(1)}`" in text
    assert (found.runs, round(100 * found.yes / found.runs)) == (900, 39)  # "in 39% of the runs"
    assert "where 85% of runs see troops" in text and round(found.boxes[0].density, 2) == 0.85
    scores = dict(zip(found.scores["parameter"], found.scores["score"].round(2), strict=True))
    assert (
        scores["host.forces.police.loyalty"] == 0.35
    )  # "Police loyalty decides (feature score 0.35)"
    assert max(v for k, v in scores.items() if k != "host.forces.police.loyalty") <= 0.12
    best = found.leaves.iloc[0]  # "CART's densest leaf ... deploys in 84% of its runs"
    assert f"`{best['rule']}` deploys in {best['density']:.0%} of its runs" in text


@pytest.mark.slow
def test_when_deployment_fails_says_what_the_readme_says(tmp_path):
    folder = run(tmp_path, "when_deployment_fails")
    found = discover(folder, "regime_survived == False", threshold=0.9, where="deployed")
    text = readme()
    # "the regime falls in 1% of the 389 runs with troops (5 runs)"
    assert (
        f"the regime falls in {found.yes / found.runs:.0%} of the {found.runs} runs with troops "
        f"({found.yes} runs)" in text
    )
    assert f"the best says `{found.sentence(1)}`" in text
    assert found.boxes[0].density < 0.9 and len(found.boxes) == 1
    best = found.leaves.iloc[0]
    assert f"`{best['rule']}`, fails in {best['density']:.0%} of its runs" in text
    assert found.scores["parameter"].iloc[0] == "host.forces.police.loyalty"
    assert f"Police loyalty scores highest ({found.scores['score'].iloc[0]:.2f})" in text
    import pandas as pd

    s = pd.read_parquet(folder / "summary")  # "among all 750 runs, 13% fall"
    assert (
        len(s) == 750 and f"among all 750 runs, {1 - s['regime_survived'].mean():.0%} fall" in text
    )
