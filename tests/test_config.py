"""Configs: every shipped file validates; every kind of user mistake gets a clear error, exit 2, no
traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.config import Config, ConfigError, load_config

from .conftest import CONFIGS

SHIPPED = sorted(
    p for p in CONFIGS.rglob("*.yaml") if p.relative_to(CONFIGS).parts[0] != "calibration"
)
# configs/calibration/ holds calibration specs, not scenarios (tests/test_calibration.py checks
# them)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(CONFIGS)))
def test_shipped_configs_validate(path):
    cfg = load_config(path)
    assert cfg.name and cfg.horizon_days > 0


def test_extends_merges_and_overrides():
    base = load_config(CONFIGS / "kazakhstan_2022.yaml")
    cf = load_config(CONFIGS / "kazakhstan_2022" / "no_request.yaml")
    assert cf.host.can_request is False
    assert cf.host.alignment == base.host.alignment  # inherited
    assert cf.name == "kazakhstan_2022_no_request"


def test_set_overrides_are_typed():
    cfg = load_config(
        CONFIGS / "kazakhstan_2022.yaml",
        ["russia.rule=weighted", "west.sanctions_credibility=0.8", "events.0.value=0.3"],
    )
    assert cfg.russia.rule == "weighted"
    assert cfg.west.sanctions_credibility == 0.8
    assert cfg.events[0].value == 0.3


def _error(tmp_path: Path, text: str, overrides=()) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_config(path, overrides)
    return str(exc.value)


def test_unknown_key_names_file_path_and_suggests(tmp_path):
    msg = _error(tmp_path, "russia:\n  rulle: weighted\n")
    assert "bad.yaml" in msg and "russia.rulle" in msg and "Did you mean 'rule'" in msg


def test_typo_in_choice_suggests_near_miss(tmp_path):
    msg = _error(tmp_path, "russia:\n  rule: weighed\n")
    assert (
        "russia.rule" in msg
        and "'weighed'" in msg
        and "Did you mean 'weighted'" in msg
        and "all_five" in msg
    )


def test_wrong_type(tmp_path):
    msg = _error(tmp_path, "host:\n  alignment: pro-russian\n")
    assert "host.alignment" in msg and "'pro-russian'" in msg and "float" in msg


def test_out_of_range_gives_allowed_range(tmp_path):
    msg = _error(tmp_path, "host:\n  alignment: 3\n")
    assert "host.alignment" in msg and "3" in msg and "-1.0 to 1.0" in msg


def test_missing_file():
    with pytest.raises(ConfigError, match="not found: nowhere.yaml"):
        load_config("nowhere.yaml")


def test_invalid_yaml_names_line(tmp_path):
    msg = _error(tmp_path, "host:\n  alignment: [0.5\n")
    assert "Invalid YAML" in msg and "bad.yaml" in msg and "line" in msg


def test_extends_missing_file(tmp_path):
    msg = _error(tmp_path, "extends: ghost.yaml\n")
    assert "extends" in msg and "ghost.yaml" in msg and "does not exist" in msg


def test_error_in_base_file_names_the_base(tmp_path):
    (tmp_path / "base.yaml").write_text("west:\n  resolve: 2\n")
    msg = _error(tmp_path, "extends: base.yaml\n")
    assert "base.yaml" in msg and "west.resolve" in msg and "0.0 to 1.0" in msg


def test_set_unknown_key_suggests():
    with pytest.raises(ConfigError) as exc:
        load_config(CONFIGS / "kazakhstan_2022.yaml", ["west.sanction_credibility=0.8"])
    msg = str(exc.value)
    assert (
        "--set" in msg
        and "sanction_credibility" in msg
        and "Did you mean 'sanctions_credibility'" in msg
    )


def test_set_bad_value_is_validated():
    with pytest.raises(
        ConfigError,
        match="the override `--set west.resolve=5`: key `west.resolve` has the bad value 5",
    ):
        load_config(CONFIGS / "kazakhstan_2022.yaml", ["west.resolve=5"])


def test_set_error_inside_a_list_names_the_override_not_the_base_config():
    base = CONFIGS / "kazakhstan_2022.yaml"
    for item, says in [
        ("events.0.value=nan", "finite"),
        ("events.0.value=5", "hardship_shock event's value is 5.0"),
        ("allies.members.1.capacity=-3", "allies.members.1.capacity"),
    ]:
        with pytest.raises(ConfigError) as exc:
            load_config(base, [item])
        msg = str(exc.value)
        assert f"--set {item}" in msg and says in msg, msg
        assert not msg.startswith(str(base)), msg


def _floats(model, prefix=""):
    """Every float field of the schema (list items through their first element), as config keys."""
    import typing

    from pydantic import BaseModel

    from sim.config.explain import inner_model

    for name, field in model.model_fields.items():
        inner = inner_model(field.annotation)
        key = f"{prefix}{name}"
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            item = ".0" if typing.get_origin(field.annotation) is list else ""
            yield from _floats(inner, f"{key}{item}.")
        elif field.annotation is float:
            yield key
        elif typing.get_origin(field.annotation) is tuple:
            yield f"{key}.0"


FLOAT_KEYS = sorted(set(_floats(Config)) - {"city.sites.0.x"})


def test_the_float_walk_finds_every_section():
    assert len(FLOAT_KEYS) > 80 and {
        "events.0.value",
        "host.threat_weights.0",
        "allies.members.0.capacity",
        "russia.thresholds.costs",
        "attrition.territory_rate",
    } <= set(FLOAT_KEYS)


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_every_float_in_the_schema_rejects_nan_and_infinity(value):
    """No float anywhere in a config may be NaN or infinite (a NaN event value ran with 0%
    unrest)."""
    accepted = []
    for key in FLOAT_KEYS:
        try:
            load_config(CONFIGS / "kazakhstan_2022.yaml", [f"{key}={value}"])
        except ConfigError as err:
            assert f"--set {key}={value}" in str(err)
        else:
            accepted.append(key)
    assert not accepted


@pytest.mark.parametrize(
    "kind,bad,good",
    [
        ("hardship_shock", 1.5, 0.4),
        ("hardship_shock", -0.1, 0.0),
        ("legitimacy_shock", -0.3, 0.3),
        ("legitimacy_shock", 1.2, 1.0),
        ("disputed_election", -0.1, 0.2),
        ("trigger", 1.1, 0.9),
        ("forces_committed", 6e6, 40_000),
        ("forces_committed", -5, 0),
        ("west_signal", 2, 1),
        ("host_request", 3, 0),
    ],
)
def test_event_values_are_bounded_per_kind(tmp_path, kind, bad, good):
    events = "events:\n  - {day: 0, kind: trigger, value: 0.2}\n  - {day: 1, kind: %s, value: %s}\n"
    msg = _error(tmp_path, events % (kind, bad))
    assert "events.1" in msg and f"a {kind} event's value is" in msg and "allowed" in msg
    (tmp_path / "ok.yaml").write_text(events % (kind, good))
    assert load_config(tmp_path / "ok.yaml").events[1].value == good


def test_threat_weights_are_shares_and_not_all_zero(tmp_path):
    assert "0.0 to 1.0" in _error(tmp_path, "host:\n  threat_weights: [-0.5, 0.3, 0.2]\n")
    assert "0.0 to 1.0" in _error(tmp_path, "host:\n  threat_weights: [1e300, 0.3, 0.2]\n")
    assert "all 0" in _error(tmp_path, "host:\n  threat_weights: [0, 0, 0]\n")


def test_an_event_after_the_horizon_is_refused(tmp_path):
    msg = _error(tmp_path, "horizon_days: 30\nevents:\n  - {day: 30, kind: trigger, value: 0.5}\n")
    assert (
        "event 0 (trigger)" in msg
        and "day 30" in msg
        and "horizon_days" in msg
        and "0 to 29" in msg
    )
    (tmp_path / "ok.yaml").write_text(
        "horizon_days: 30\nevents:\n  - {day: 29, kind: trigger, value: 0.5}\n"
    )
    load_config(tmp_path / "ok.yaml")
    with pytest.raises(
        ConfigError, match="--set horizon_days=5"
    ):  # the override that moved the horizon
        load_config(CONFIGS / "kazakhstan_2022.yaml", ["events.0.day=10", "horizon_days=5"])


@pytest.mark.parametrize(
    "names,clash",
    [
        (["Armenia", "armenia"], "troops_armenia"),
        (["Kyrgyz Republic", "kyrgyz-republic"], "troops_kyrgyz_republic"),
        (["Russia"], "troops_russia"),
        (["Total"], "troops_total"),
    ],
)
def test_allies_whose_columns_would_collide_are_refused(tmp_path, names, clash):
    members = ", ".join(f"{{name: {n!r}}}" for n in names)
    msg = _error(tmp_path, f"allies:\n  members: [{members}]\n")
    assert clash in msg and "overwrite" in msg


def test_ally_columns_are_named_as_the_model_names_them():
    from sim.config.names import ally_column
    from sim.model import CrisisModel

    cfg = load_config(
        CONFIGS / "kazakhstan_2022.yaml",
        ["allies.members=[{name: Kyrgyz Republic}, {name: Guinea-Bissau}]"],
    )
    columns = CrisisModel(cfg, rng=0).datacollector.model_reporters
    for name in ["Kyrgyz Republic", "Guinea-Bissau"]:
        assert f"troops_{ally_column(name)}" in columns and f"unrest_{ally_column(name)}" in columns


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", ".", "two words", "", "/abs"])
def test_a_name_cannot_escape_the_results_folder(tmp_path, name):
    msg = _error(tmp_path, f"name: {name!r}\n")
    assert "`name`" in msg and "letters, digits" in msg


def test_a_default_name_from_an_awkward_file_name_is_made_safe(tmp_path):
    path = tmp_path / "my scenario (v2).yaml"
    path.write_text("host:\n  legitimacy: 0.7\n")
    assert load_config(path).name == "my_scenario_v2"


@pytest.mark.parametrize(
    "text,says",
    [
        ("a: &x [*x]\n", "recursive alias"),
        ("[" * 2000 + "]" * 2000, "nested more than 64 deep"),
        (
            "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n"
                for i in range(8)
            ),
            "more than 100,000 values",
        ),
        ("x: " + "9" * 5000 + "\n", "cannot be read as a number"),
    ],
)
def test_hostile_yaml_is_refused_quickly(tmp_path, text, says):
    import time

    start = time.perf_counter()
    assert says in _error(tmp_path, text)
    assert time.perf_counter() - start < 2


def test_binary_config_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(bytes(range(256)))
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(path)


def test_shipped_scenarios_are_found_by_name_from_anywhere(tmp_path, monkeypatch):
    from sim.bundled import find_config

    monkeypatch.chdir(tmp_path)
    for text in [
        "kazakhstan_2022",
        "kazakhstan_2022.yaml",
        "configs/kazakhstan_2022.yaml",
        "kazakhstan_2022/no_request",
        "cases/belarus_2020",
    ]:
        path = find_config(text)
        assert path.is_file() and load_config(path).name
    (tmp_path / "kazakhstan_2022.yaml").write_text("name: mine\n")  # a file in the cwd wins
    (tmp_path / "kazakhstan_2022").mkdir()  # beside a folder of that name, as in configs/
    assert load_config(find_config("kazakhstan_2022.yaml")).name == "mine"
    assert load_config(find_config("kazakhstan_2022")).name == "mine"
    with pytest.raises(ConfigError, match="shipped scenario: belarus_2020, crimea_2014"):
        find_config("kazakstan_2022")


def test_cli_exit_code_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("russia:\n  rule: weighed\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "run", str(bad), "--reps", "1", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "error:" in proc.stderr and "Did you mean 'weighted'" in proc.stderr


def test_cli_main_returns_2_on_unknown_set_key(capsys):
    code = main(
        ["run", str(CONFIGS / "kazakhstan_2022.yaml"), "--set", "host.alignmnet=0.1", "--reps", "1"]
    )
    assert code == 2
    assert "Did you mean 'alignment'" in capsys.readouterr().err


def test_docs_model_states_the_schemas_ally_defaults():
    """docs/model.md 7.13 gives each default ally's capacity, willingness and threshold mean, and
    the thresholds' spread; they must be the schema's (they once said 0.35-0.4 and 0.12)."""
    import re

    from sim.config.schema import AllyParams

    text = (CONFIGS.parent / "docs" / "model.md").read_text(encoding="utf-8")
    section = text[text.index("### 7.13") : text.index("### 7.14")]
    stated = {
        name: (float(c), float(w), float(t))
        for name, c, w, t in re.findall(
            r"(\w+) (\d+), ([\d.]+), ([\d.]+)[;,]", section.replace("\n", " ")
        )
    }
    members = Config().allies.members
    assert stated == {a.name: (a.capacity, a.willingness, a.threshold_mean) for a in members}
    assert f"`threshold_sd = {AllyParams.model_fields['threshold_sd'].default}`" in section
    assert f"`unrest = {AllyParams.model_fields['unrest'].default}`" in section


def test_readme_error_example_is_what_sim_prints(tmp_path, monkeypatch, capsys):
    """README, "Writing a config": the one-paragraph error shown for `rule: weighed`."""
    readme = (CONFIGS.parent / "README.md").read_text(encoding="utf-8")
    shown = next(line for line in readme.splitlines() if line.startswith("error: my.yaml:"))
    monkeypatch.chdir(tmp_path)
    Path("my.yaml").write_text("russia:\n  rule: weighed\n")
    assert main(["run", "my.yaml"]) == 2
    assert capsys.readouterr().err.strip() == shown
