"""README, `troop_channels`: what each channel of the CSTO troops carries (issue 12), rerun at the
shipped settings (600 runs; slow)."""

import pandas as pd
import pytest

from sim.cli import main

from .conftest import ROOT


@pytest.mark.slow
def test_troop_channels_say_what_the_readme_says(tmp_path):
    out = tmp_path / "tc"
    spec = str(ROOT / "experiments" / "troop_channels.yaml")
    assert (
        main(["experiment", spec, "--out", str(out), "--jobs", "2", "--quiet", "--no-plots"]) == 0
    )
    s = pd.read_parquet(out / "summary")
    d = pd.read_parquet(out / "daily")
    names = s[["point", "point_name"]].drop_duplicates().set_index("point")["point_name"]
    d["v"] = d["point"].map(names)
    defector_days = d.groupby(["v", "rep"])["forces_defected"].sum().groupby("v").mean()
    m = s.groupby("point_name")[
        ["days_to_order", "deaths", "withdrawn_day", "regime_survived"]
    ].mean()
    base = m.loc["baseline"]
    # guarantee: the defectors stay away, the regime falls about as often as with no request
    assert defector_days["no guarantee"] > 2 * defector_days["baseline"]
    assert m.loc["no guarantee", "regime_survived"] < base["regime_survived"] - 0.08
    assert (
        abs(m.loc["no guarantee", "regime_survived"] - m.loc["no request", "regime_survived"])
        <= 0.05
    )
    # deterrence: order later, more deaths
    assert m.loc["no deterrence", "days_to_order"] > base["days_to_order"] + 0.3
    assert m.loc["no deterrence", "deaths"] > 1.2 * base["deaths"]
    # guard: almost nothing
    assert abs(m.loc["no guard", "deaths"] - base["deaths"]) < 0.1 * base["deaths"]
    assert (
        abs(defector_days["no guard"] - defector_days["baseline"])
        < 0.05 * defector_days["baseline"]
    )
    assert m.loc["no guard", "regime_survived"] == base["regime_survived"]
    # all three off: worse than no request (the host's army then comes in)
    assert m.loc["no channel", "days_to_order"] > m.loc["no request", "days_to_order"]
    assert m.loc["no channel", "deaths"] > m.loc["no request", "deaths"]
    assert m.loc["no channel", "regime_survived"] <= m.loc["no guarantee", "regime_survived"]
