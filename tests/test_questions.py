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
    # README: "The box says `deployed when legitimacy <= 0.855: coverage 0.96, density 0.90`"
    assert f"The box says `{found.sentence(1)}`" in text
    assert (found.runs, round(100 * found.yes / found.runs)) == (900, 68)  # "in 68% of the runs"
    assert "where 90% of runs see troops" in text and round(found.boxes[0].density, 2) == 0.90
    scores = dict(zip(found.scores["parameter"], found.scores["score"].round(2), strict=True))
    assert (
        scores["host.legitimacy"] == 0.55 and scores["host.forces.police.loyalty"] == 0.11
    )  # feature scores
    assert (
        max(v for k, v in scores.items() if k not in ("host.legitimacy", "host.forces.police.loyalty"))
        <= 0.08
    )
    best = found.leaves.iloc[0]  # "CART's densest leaf ... deploys in 99% of its runs"
    assert f"`{best['rule']}` deploys in {best['density']:.0%} of its runs" in text


@pytest.mark.slow
def test_when_deployment_fails_says_what_the_readme_says(tmp_path):
    found = discover(
        run(tmp_path, "when_deployment_fails"),
        "regime_survived == False",
        threshold=0.9,
        where="deployed",
    )
    text = readme()
    assert f"The first box says `{found.sentence(1)}`" in text
    assert (
        f"The second box, among the runs left (a force landing within a day), says `{found.sentence(2)}`"
        in text
    )
    assert (
        f"the regime falls in {found.yes / found.runs:.0%} of the {found.runs} runs with troops"
        in text
    )
    assert found.scores["parameter"].iloc[0] == "host.forces.police.loyalty"
    assert f"Police loyalty scores highest ({found.scores['score'].iloc[0]:.2f})" in text
