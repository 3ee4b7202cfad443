"""The coding of the case library (docs/cases.md, "Coding scheme"; issue 17): the request is
history, not a fact of a case config."""

import re
import shutil

import pandas as pd
import pytest
import yaml

from sim.cases import DEFAULT_DIR, case_files, load_history
from sim.config import load_config

CASES = case_files(DEFAULT_DIR)
STRUCTURAL = re.compile(r"can_request:\s*false\s*#\s*structural:\s*\S")


def _chain(path):
    """Each config file a case reads: the case, then every config it extends."""
    while path is not None:
        text = path.read_text(encoding="utf-8")
        yield path, text, yaml.safe_load(text) or {}
        data = yaml.safe_load(text) or {}
        path = (path.parent / data["extends"]).resolve() if data.get("extends") else None


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_no_case_codes_the_request_from_history(path):
    # docs/cases.md: "no case config has a host_request event; can_request: false only for a
    # structural reason written beside it"
    for file, text, data in _chain(path):
        kinds = [e.get("kind") for e in data.get("events") or []]
        assert "host_request" not in kinds, f"{file}: a documented request goes to history.csv"
        assert "host_request_ban" not in kinds, f"{file}: a documented refusal goes to history.csv"
        for line in text.splitlines():
            code = line.split("#", 1)[0]
            if re.search(r"\bcan_request:\s*false\b", code):
                assert STRUCTURAL.search(line), f"{file}: `{line.strip()}` has no structural reason"
                assert "cases.csv" not in line, f"{file}: the reason cites the request's history"


def test_the_structural_bar_is_only_where_a_government_would_never_ask():
    # docs/cases.md: only hosts whose government is hostile to Moscow (alignment < 0) are barred
    for path in CASES:
        cfg = load_config(path)
        if not cfg.host.can_request:
            assert cfg.host.alignment < 0, path.stem


def test_history_holds_the_documented_request_with_its_day_and_source():
    h = load_history(DEFAULT_DIR)
    assert set(h["request"]) == {"yes", "no"}
    asked = h[h["request"] == "yes"]
    assert asked["request_day"].notna().all() and (asked["request_day"] >= 0).all()
    assert h.loc[h["request"] == "no", "request_day"].isna().all()
    assert h["request_note"].str.len().gt(10).all()  # each with its source
    # the request days fall within each case's run
    for cid, row in asked.iterrows():
        assert row["request_day"] < load_config(DEFAULT_DIR / f"{cid}.yaml").horizon_days


def test_a_scenarios_history_block_dates_the_request_as_history_csv_does():
    # a config's `history:` (drawn on its plots, never read by the model) and the backtest's
    # history.csv are two records of the same request: they must agree
    h = load_history(DEFAULT_DIR)
    checked = 0
    for path in CASES:
        cfg = load_config(path)
        facts = [
            f.day for f in (cfg.history.timeline if cfg.history else []) if f.event == "request"
        ]
        if facts:
            assert h.loc[path.stem, "request"] == "yes" and facts == [
                h.loc[path.stem, "request_day"]
            ]
            checked += 1
    assert checked >= 2  # Kazakhstan 2022 and Belarus 2020


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_case_states_moscows_stance_toward_the_incumbent_with_a_source(path):
    # docs/cases.md: "russia.incumbent_stance, a fact per case with its source"
    found = [
        line
        for _, text, _ in _chain(path)
        for line in text.splitlines()
        if re.match(r"\s*incumbent_stance:\s*-?[\d.]+\s*#\s*\S", line)
    ]
    assert found, f"{path}: no russia.incumbent_stance with a comment"


@pytest.mark.parametrize(
    ("column", "value", "phrase"),
    [
        ("request", "maybe", "column `request` must be yes or no"),
        ("request_day", "", "needs its day in column `request_day`"),
        ("request_day", "-1", "needs its day in column `request_day`"),
        ("request_day", "99", "is dated day 99 (`request_day`)"),
    ],
)
def test_a_bad_documented_request_is_one_paragraph(column, value, phrase, tmp_path, capsys):
    # README: bad input is one paragraph naming the file, the key and the value, exit 2
    from sim.cli import main

    shutil.copy(DEFAULT_DIR / "armenia_2022.yaml", tmp_path)
    hist = load_history(DEFAULT_DIR).reset_index()
    hist = hist[hist["id"] == "armenia_2022"].astype({column: object})
    hist.loc[:, column] = value
    hist.to_csv(tmp_path / "history.csv", index=False)
    out = tmp_path / "out"
    code = main(
        ["cases", str(tmp_path), "--reps", "1", "--jobs", "1", "--out", str(out), "--quiet"]
    )
    err = capsys.readouterr().err
    assert code == 2 and phrase in err and "history.csv" in err and "armenia_2022" in err, err
    assert "Traceback" not in err and "\n\n" not in err.strip()
    assert not out.exists()


def test_a_history_without_request_columns_still_runs_both_levels(tmp_path):
    from sim.cases import run_backtest

    shutil.copy(DEFAULT_DIR / "armenia_2022.yaml", tmp_path)
    hist = load_history(DEFAULT_DIR).reset_index()
    hist = hist[hist["id"] == "armenia_2022"].drop(columns=["request", "request_day"])
    hist.to_csv(tmp_path / "history.csv", index=False)
    bt = run_backtest(tmp_path, reps=1, seed=0, jobs=1, rules=("all_five",))
    assert set(bt.table["level"]) == {"decision", "crisis"}
    assert bt.table["asked_hit"].isna().all()
    assert any("no `request` column" in n for n in bt.notes)


def test_the_levels_differ_only_by_the_documented_request():
    # docs/cases.md "Two levels": the crisis level runs the config as it is (the host's own rule
    # decides the request); the decision level adds the documented request, or bars one
    from sim.cases_levels import at_level

    h = load_history(DEFAULT_DIR)
    for path in CASES:
        cfg, hist = load_config(path), h.loc[path.stem]
        assert at_level(cfg, "crisis", hist) is cfg
        dec = at_level(cfg, "decision", hist)
        if hist["request"] == "yes":
            added = dec.events[len(cfg.events) :]
            assert [(e.kind, e.day) for e in added] == [("host_request", hist["request_day"])]
            assert dec.host == cfg.host
        else:
            assert dec.events == cfg.events and not dec.host.can_request


def test_a_disputed_election_is_coded_as_one_whose_result_stands():
    # docs/cases.md, coding scheme: a case whose trigger (cases.csv) is a disputed or fraudulent
    # election has a `disputed_election` event of 0.2 on its day 0, and no plain legitimacy_shock
    table = pd.read_csv(DEFAULT_DIR / "cases.csv").set_index("id")
    election = table["trigger"].str.contains("election", case=False)
    assert sorted(table.index[election]) == ["belarus_2020", "kyrgyzstan_2005"]
    for path in CASES:
        kinds = [(e.kind, e.day, e.value) for e in load_config(path).events]
        if election.get(path.stem, False):
            assert ("disputed_election", 0, 0.2) in kinds, path.stem
            assert all(k != "legitimacy_shock" for k, _, _ in kinds), path.stem
        else:
            assert all(k != "disputed_election" for k, _, _ in kinds), path.stem
