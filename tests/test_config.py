"""Configs: every shipped file validates; every kind of user mistake gets a clear error, exit 2, no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.config import ConfigError, load_config

from .conftest import CONFIGS

SHIPPED = sorted(CONFIGS.rglob("*.yaml"))


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
    cfg = load_config(CONFIGS / "kazakhstan_2022.yaml", ["russia.rule=weighted", "west.sanctions_credibility=0.8", "events.0.value=0.3"])
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
    assert "russia.rule" in msg and "'weighed'" in msg and "Did you mean 'weighted'" in msg and "all_five" in msg


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
    assert "--set" in msg and "sanction_credibility" in msg and "Did you mean 'sanctions_credibility'" in msg


def test_set_bad_value_is_validated():
    with pytest.raises(ConfigError, match="--set override: key `west.resolve` has the bad value 5"):
        load_config(CONFIGS / "kazakhstan_2022.yaml", ["west.resolve=5"])


def test_cli_exit_code_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("russia:\n  rule: weighed\n")
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(bad), "--reps", "1", "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "error:" in proc.stderr and "Did you mean 'weighted'" in proc.stderr


def test_cli_main_returns_2_on_unknown_set_key(capsys):
    code = main(["run", str(CONFIGS / "kazakhstan_2022.yaml"), "--set", "host.alignmnet=0.1", "--reps", "1"])
    assert code == 2
    assert "Did you mean 'alignment'" in capsys.readouterr().err
