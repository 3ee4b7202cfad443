"""The historical case library and `sim cases` backtest (issue 5)."""

import shutil

import pandas as pd
import pytest
import yaml

from sim.cases import (
    DEFAULT_CASES_CSV,
    DEFAULT_DIR,
    LEVELS,
    RULES,
    TABLE_COLUMNS,
    case_files,
    load_history,
    run_backtest,
)
from sim.cli import main
from sim.config import load_config

RULE_KEYS = {
    "rule",
    "thresholds",
    "margin",
    "weights",
    "weighted_threshold",
    "weighted_scale",
    "support_weights",
    "limited_fraction",
}


def _chain(path):
    """The raw YAML of a config and of every config it extends."""
    while path is not None:
        data = yaml.safe_load(path.read_text()) or {}
        yield path, data
        path = (path.parent / data["extends"]) if data.get("extends") else None


@pytest.mark.parametrize("path", case_files(DEFAULT_DIR), ids=lambda p: p.stem)
def test_every_case_config_validates_and_has_a_history(path):
    history = load_history(DEFAULT_DIR)
    assert path.stem in history.index
    for rule in RULES:
        assert load_config(path, [f"russia.rule={rule}"]).russia.rule == rule
    # facts only: the rule's own parameters are shared by all cases, never set in a case or what it
    # extends
    for file, data in _chain(path):
        assert not RULE_KEYS & set(data.get("russia") or {}), file


def test_the_library_covers_every_row_of_the_case_table():
    """configs/cases/cases.csv is the repository's copy of the project's case table (titles, form,
    dates)."""
    ids = set(pd.read_csv(DEFAULT_CASES_CSV)["id"])
    assert ids == {p.stem for p in case_files(DEFAULT_DIR)} == set(load_history(DEFAULT_DIR).index)


def test_nothing_in_the_package_or_tests_reads_outside_the_repository(root):
    """Built from pieces, so that `grep` over sim/ and tests/ finds none of them, not even here."""
    shared = "sha" + "red"
    needles = (f"../{shared}", f'parent / "{shared}"', f"parent / '{shared}'", "MODEL" + ".md")
    for folder in ("sim", "tests"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for needle in needles:
                assert needle not in text, f"{path}: {needle}"


@pytest.fixture(scope="module")
def backtest():
    return run_backtest(reps=2, seed=3, jobs=1)


def test_backtest_table_and_scores(backtest):
    t = backtest.table
    assert list(t.columns) == list(TABLE_COLUMNS)
    n = len(case_files(DEFAULT_DIR))
    assert set(t["rule"]) == set(RULES)
    assert set(t["level"]) == set(LEVELS) == {"decision", "crisis"}
    assert t["scored"].sum() == n * len(RULES) * len(LEVELS)
    assert (t.loc[t["variant"] == "unbiased", "case"] == "ukraine_2022").all()
    shares = t[[c for c in t.columns if c.startswith("share_")]].sum(axis=1)
    assert shares.round(9).eq(1).all()
    sc = backtest.scores
    assert {"accuracy", "brier", "baseline_brier", "baseline_accuracy"} <= set(sc.columns)
    assert set(sc["rule"]) == set(RULES)
    # scores.csv: both levels; whether the host asked is scored at the crisis level only
    assert set(sc["level"]) == set(LEVELS)
    crisis = sc[sc["level"] == "crisis"]
    assert (crisis["asked_n"] == n).all() and crisis["asked_hits"].between(0, n).all()
    assert sc.loc[sc["level"] == "decision", "asked_n"].isna().all()
    # the decision level applies the documented request: every documented "yes" asks in every run
    hist = load_history(DEFAULT_DIR)
    dec = t[(t["level"] == "decision") & (t["variant"] == "")].set_index("case")
    for cid in hist.index[hist["request"] == "yes"]:
        assert (dec.loc[[cid], "p_asked"] == 1.0).all(), cid
        # an event dated d acts in the model's step d + 1, the daily row of day d + 1 (sim/model.py)
        assert (dec.loc[[cid], "pred_request_day"] <= hist.loc[cid, "request_day"] + 1).all(), cid
    for cid in hist.index[hist["request"] == "no"]:
        assert (dec.loc[[cid], "p_asked"] == 0.0).all(), cid
    assert "Crisis level" in backtest.markdown() and "host asked" in backtest.markdown()
    assert "| case |" in backtest.markdown()
    # titles, forms and start dates come from the shipped case table, and no note says it is missing
    assert t.loc[t["case"] == "kazakhstan_2022", "title"].iloc[0] == "Kazakhstan Bloody January"
    assert set(t["hist_form"]) <= {"none", "guard", "peacekeeping", "covert", "limited", "full"}
    assert t["start"].str.match(r"\d{4}-\d{2}").all()
    assert not backtest.notes


def _mini_dir(tmp_path, names=("armenia_2022", "kyrgyzstan_2010")):
    for name in names:
        shutil.copy(DEFAULT_DIR / f"{name}.yaml", tmp_path / f"{name}.yaml")
    return tmp_path


def test_same_seed_same_table(tmp_path):
    d = _mini_dir(tmp_path)
    a = run_backtest(d, reps=2, seed=9, jobs=1).table
    b = run_backtest(d, reps=2, seed=9, jobs=2).table
    pd.testing.assert_frame_equal(a, b)


def test_a_new_case_file_is_picked_up_without_code(tmp_path):
    d = _mini_dir(tmp_path, ("armenia_2022",))
    shutil.copy(d / "armenia_2022.yaml", d / "my_case.yaml")
    hist = load_history(DEFAULT_DIR).reset_index()
    row = hist[hist["id"] == "armenia_2022"].assign(id="my_case")
    pd.concat([hist, row]).to_csv(d / "history.csv", index=False)
    out = tmp_path / "out"
    assert main(["cases", str(d), "--reps", "1", "--jobs", "1", "--out", str(out), "--quiet"]) == 0
    t = pd.read_csv(out / "cases.csv")
    assert {"armenia_2022", "my_case"} == set(t["case"])
    for f in ("cases.parquet", "cases.md", "cases.png", "scores.csv"):
        assert (out / f).is_file()


def test_one_yaml_file_is_enough_to_add_a_case(tmp_path, capsys):
    """A case with no coded history yet runs and shows its prediction, unscored."""
    d = _mini_dir(tmp_path, ("armenia_2022",))
    shutil.copy(d / "armenia_2022.yaml", d / "unknown_case.yaml")
    out = tmp_path / "o"
    assert main(["cases", str(d), "--reps", "1", "--jobs", "1", "--out", str(out)]) == 0
    t = pd.read_csv(out / "cases.csv")
    new = t[t["case"] == "unknown_case"]
    assert (
        len(new) == 4 and not new["scored"].any() and new["hit"].isna().all()
    )  # 2 levels x 2 rules
    assert new["p_intervene"].notna().all()
    sc = pd.read_csv(out / "scores.csv")
    assert (sc["n"] == 1).all()  # only the case with history is scored
    assert "unknown_case" in capsys.readouterr().out
    assert (
        main(
            [
                "cases",
                str(DEFAULT_DIR),
                "--cases-csv",
                str(tmp_path / "nope.csv"),
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )
    assert "nope.csv" in capsys.readouterr().err


def test_a_history_file_given_as_the_case_table_is_one_paragraph(tmp_path, capsys):
    out = tmp_path / "o"
    code = main(
        ["cases", "--cases-csv", str(DEFAULT_DIR / "history.csv"), "--out", str(out), "--quiet"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "missing the column(s) case, start" in err and "history.csv" in err
    assert not out.exists()


def test_the_output_folder_of_another_backtest_is_refused_unless_forced(tmp_path, capsys):
    d = _mini_dir(tmp_path, ("armenia_2022",))
    out = tmp_path / "out"
    args = ["cases", str(d), "--jobs", "1", "--out", str(out), "--quiet"]
    assert main(args + ["--reps", "1"]) == 0
    first = (out / "cases.csv").read_bytes()
    assert (
        main(args + ["--reps", "1"]) == 0
    )  # the same backtest again may overwrite its own results
    assert (out / "cases.csv").read_bytes() == first
    capsys.readouterr()
    assert main(args + ["--reps", "2"]) == 2  # another backtest's results are not replaced silently
    err = capsys.readouterr().err
    assert "another run" in err and "replications" in err and "--force" in err
    assert (out / "cases.csv").read_bytes() == first
    assert main(args + ["--reps", "2", "--force"]) == 0
    # `sim plot` on a backtest's folder redraws its heatmap
    (out / "cases.png").unlink()
    assert main(["plot", str(out)]) == 0 and (out / "cases.png").is_file()


@pytest.fixture(scope="module")
def headline():
    """The README's backtest: 20 replications per case, level and rule, seed 0."""
    return run_backtest(reps=20, seed=0, jobs=2)


@pytest.mark.slow
def test_readme_backtest_headline(headline):
    """README, "Historical backtest": the headline table, both levels (and the sentence on the
    unbiased Ukraine 2022 beneath it). The numbers are regenerated after a change to the model."""
    sc = headline.scores.set_index(["level", "rule", "cases"])
    expected = {  # (level, rule, cases): (hits, Brier, misses, form hits, host asked right)
        ("decision", "all_five", "as coded"): (10, 0.059, "kyrgyzstan_2010", 10, None),
        ("decision", "weighted", "as coded"): (9, 0.062, "belarus_2020, kyrgyzstan_2010", 9, None),
        ("crisis", "all_five", "as coded"): (11, 0.001, "", 11, 9),
        ("crisis", "weighted", "as coded"): (11, 0.017, "", 10, 9),
        # "each level and rule loses Ukraine 2022 as well: all_five 9 / 11 at the decision level,
        # 10 / 11 at the crisis level"
        ("decision", "all_five", "biases cleared"): (
            9,
            0.150,
            "kyrgyzstan_2010, ukraine_2022",
            9,
            None,
        ),
        ("crisis", "all_five", "biases cleared"): (10, 0.092, "ukraine_2022", 10, 9),
    }
    for key, (hits, brier, misses, forms, asked) in expected.items():
        row = sc.loc[key]
        got = (row["n"], row["hits"], round(row["brier"], 3), row["misses"], row["form_hits"])
        assert got == (11, hits, brier, misses, forms), key
        if asked is not None:
            assert (row["asked_n"], row["asked_hits"]) == (11, asked), key
        assert (
            round(row["baseline_brier"], 3) == 0.248 and round(row["baseline_accuracy"] * 11) == 6
        )
    for rule in RULES:  # "each level and rule loses Ukraine 2022 as well"
        for level in LEVELS:
            assert "ukraine_2022" in sc.loc[(level, rule, "biases cleared"), "misses"]
            assert "ukraine_2022" not in sc.loc[(level, rule, "as coded"), "misses"]


@pytest.mark.slow
def test_readme_backtest_misses_explained(headline):
    """README, "Where the model misses, plainly": the figures each explanation states."""
    t = headline.table
    t = t[t["variant"] == ""].set_index(["level", "rule", "case"]).sort_index()
    crisis = t.xs(("crisis", "all_five"))
    decision = t.xs(("decision", "all_five"))
    # "the host's own rule asks in Kazakhstan 2022 (day 2 ...), Armenia 2022 and Tajikistan 1992
    # (day 1 ...), in every run, and in none of the other cases"
    asks = {"kazakhstan_2022": 2, "armenia_2022": 1, "tajikistan_1992": 1}
    for case, day in asks.items():
        assert crisis.loc[case, "p_asked"] == 1, case
        assert crisis.loc[case, "pred_request_day"] == day, case
    assert (crisis.drop(list(asks))["p_asked"] <= 0.05).all()
    # Kyrgyzstan 2005: no grounds to expect a yes, so Akayev's counterpart never asks
    assert crisis.loc["kyrgyzstan_2005", "p_asked"] == 0
    # Kyrgyzstan 2010: a guard mission at the decision level; right at the crisis level (no request)
    assert decision.loc["kyrgyzstan_2010", "pred_form"] == "guard"
    assert not decision.loc["kyrgyzstan_2010", "hit"] and crisis.loc["kyrgyzstan_2010", "hit"]
    # Tajikistan 1992: a guard mission at both levels, the request predicted at the crisis level
    for level in (decision, crisis):
        assert level.loc["tajikistan_1992", "hit"]
        assert level.loc["tajikistan_1992", "pred_form"] == "guard"
    # Armenia 2022: asked at the crisis level too, and Moscow still declines
    assert crisis.loc["armenia_2022", "hit"] and crisis.loc["armenia_2022", "share_decline"] == 1
    # Belarus 2020 at the decision level: a hit, with no deployment in any of 20 runs; the
    # weighted rule deploys in half of them, on day 5 (a miss), and at the crisis level in 25%
    belarus = decision.loc["belarus_2020"]
    assert belarus["hit"] and belarus["pred_form"] == "none" and belarus["p_intervene"] == 0
    weighted = t.xs(("decision", "weighted")).loc["belarus_2020"]
    assert weighted["p_intervene"] == pytest.approx(0.5) and not weighted["hit"]
    assert weighted["pred_day"] == 5
    assert t.xs(("crisis", "weighted")).loc["belarus_2020", "p_intervene"] == pytest.approx(0.25)
    # the two request misses keep the outcome right
    for case in ("belarus_2020", "kyrgyzstan_2010"):
        assert crisis.loc[case, "hit"] and crisis.loc[case, "p_asked"] == 0, case
    # Armenia 2022: with the request Moscow declines on opposition and feasibility
    assert decision.loc["armenia_2022", "missing"] == "opposition,feasibility"
    assert decision.loc["armenia_2022", "share_decline"] == 1
    # "Ukraine 2022 as a full invasion (95% of runs ...)"
    assert round(crisis.loc["ukraine_2022", "p_form_full"], 2) == 0.95
    # "Timing and size": Transnistria ~1,900 on day 1, Kazakhstan ~1,800, Georgia ~16,600, Crimea
    # ~21,800
    sizes = {
        "transnistria_1992": 1_900,
        "kazakhstan_2022": 1_800,
        "georgia_2008": 16_600,
        "crimea_2014": 21_800,
    }
    for case, size in sizes.items():
        assert round(decision.loc[case, "pred_scale"], -2) == size, case
    assert decision.loc["transnistria_1992", "pred_day"] == 1


def test_readme_unscored_dynamics_misses():
    """README, "Not scored, and off": at the crisis level Kyrgyzstan 2005's regime survives in every
    run (history: Akayev fled on day 11) and Tajikistan 1992's guard leaves about day 10 (history:
    the 201st division stayed through the war)."""
    from sim.runner import run_replications

    kg = run_replications(
        load_config(DEFAULT_DIR / "kyrgyzstan_2005.yaml"), reps=20, seed=0, jobs=1, progress=False
    ).summary
    assert kg["regime_survived"].all() and kg["request_day"].isna().all()
    assert kg["days_to_order"].median() <= 6
    tj = run_replications(
        load_config(DEFAULT_DIR / "tajikistan_1992.yaml"), reps=20, seed=0, jobs=1, progress=False
    ).summary
    assert (tj["request_day"] == 1).all() and tj["deployed"].all()
    assert 8 <= tj["withdrawn_day"].median() <= 12


@pytest.mark.slow
def test_belarus_marches_read_as_riots_send_troops_at_the_decision_level(tmp_path):
    """README, "Where the model misses": read as riots (movement.march_threat 1) or at half their
    size, Belarus 2020's Sunday marches (and the actions between them) send a guard mission in every
    decision-level run, where the shipped reading (0: a march counts by what it does) sends none."""
    shipped = DEFAULT_DIR / "belarus_2020.yaml"
    for threat in (1.0, 0.5):
        d = tmp_path / f"threat_{threat}"
        d.mkdir()
        (d / "belarus_2020.yaml").write_text(
            f"extends: {shipped}\nmovement: {{march_threat: {threat}}}\n", encoding="utf-8"
        )
        bt = run_backtest(d, reps=20, seed=0, jobs=2, rules=("all_five",), levels=("decision",))
        row = bt.table[bt.table["variant"] == ""].set_index("case").loc["belarus_2020"]
        assert row["p_intervene"] == 1.0 and not row["hit"], threat
