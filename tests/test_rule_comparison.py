"""README, `rule_comparison`: the weighted rule moves without an invitation where `all_five` waits,
in Kazakhstan and in Belarus 2020, on the election's first nights (slow)."""

import pandas as pd
import pytest

from sim.cli import main

from .conftest import ROOT


@pytest.mark.slow
def test_rule_comparison_says_what_the_readme_says(tmp_path):
    out = tmp_path / "rc"
    spec = str(ROOT / "experiments" / "rule_comparison.yaml")
    args = ["experiment", spec, "--out", str(out), "--jobs", "2", "--quiet", "--no-plots"]
    assert main(args) == 0
    s = pd.read_parquet(out / "summary")
    deployed = s.groupby("point_name")["deployed"].mean()
    for name in ("kz no request", "belarus 2020"):
        assert deployed[f"{name} | rule=all_five"] == 0, name
    # "it moves without an invitation in Kazakhstan (15%) and in Belarus 2020 (15%, every such
    # run landing on day 2, on the election's first nights)"
    assert deployed["kz no request | rule=weighted"] == pytest.approx(0.15)
    assert deployed["belarus 2020 | rule=weighted"] == pytest.approx(0.15)
    belarus = s[(s["point_name"] == "belarus 2020 | rule=weighted") & s["deployed"]]
    assert len(belarus) == 3 and (belarus["deploy_day"] == 2).all()
    # "they agree on Kazakhstan (a guard mission), Georgia and Crimea (a limited operation)"
    for name in ("kazakhstan 2022", "georgia 2008", "crimea 2014"):
        assert deployed[f"{name} | rule=all_five"] >= 0.9, name
        assert deployed[f"{name} | rule=weighted"] >= 0.6, name
