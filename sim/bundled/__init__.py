"""The configs shipped with the package, and how a command line's config name finds them.

The repository's top-level ``configs/`` folder is the single source. A wheel carries it as the data
package ``sim.bundled.configs`` (``setup.py`` maps that package to ``configs/``), so an installed
``sim`` finds the scenarios, the case library and its history from any directory; in a checkout
or an editable install the folder is read where it is.

Imports nothing of ours but the error type.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config.load import ConfigError

_HERE = Path(__file__).resolve().parent


def configs_dir() -> Path:
    """The shipped ``configs/`` folder: inside the installed package, else the checkout's (the
    installed one's path when neither is there, so that the caller's "not found" names it)."""
    for folder in (_HERE / "configs", _HERE.parents[1] / "configs"):
        if (folder / "cases" / "history.csv").is_file():
            return folder
    return _HERE / "configs"


def cases_dir() -> Path:
    """The shipped case library (``configs/cases/``: one YAML per case, history.csv, cases.csv)."""
    return configs_dir() / "cases"


NOT_SCENARIOS = ("calibration",)
"""Folders of ``configs/`` that hold other YAML than scenarios (calibration specs)."""


def shipped_names() -> list[str]:
    """The shipped scenarios by the names the command line accepts
    (``kazakhstan_2022/no_request``)."""
    root = configs_dir()
    return sorted(
        str(p.relative_to(root).with_suffix(""))
        for p in root.rglob("*.yaml")
        if p.relative_to(root).parts[0] not in NOT_SCENARIOS
    )


def find_config(text: str | os.PathLike[str], what: str = "Config") -> Path:
    """The config a command line names: a path to a file, else a shipped scenario's name.

    ``configs/kazakhstan_2022.yaml``, ``kazakhstan_2022.yaml`` and ``kazakhstan_2022`` all name the
    shipped baseline when no such file is in the working directory; a path that exists is always
    used as it is, and a name without ``.yaml`` is first looked for in the working directory. Raises
    ConfigError, listing the shipped names, when neither is found.
    """
    path = Path(text)
    if path.is_file():
        return path
    if not path.suffix and Path(f"{path}.yaml").is_file():  # a name in the working directory
        return Path(f"{path}.yaml")
    if not path.is_absolute() and ".." not in path.parts:
        inside = path.parts[:1] == ("configs",) and len(path.parts) > 1
        rel = Path(*path.parts[1:]) if inside else path
        root = configs_dir()
        for candidate in (root / rel, root / f"{rel}.yaml"):
            if candidate.is_file():
                return candidate
    if path.is_dir():
        raise ConfigError(
            f"{what} {path} is a folder; give a YAML file, e.g. {path / 'scenario.yaml'}, "
            "or the name of a shipped scenario such as kazakhstan_2022."
        )
    names = [n for n in shipped_names() if not n.startswith("cases/")]
    raise ConfigError(
        f"{what} file not found: {path}. Give the path of a YAML file, or the name of a "
        f"shipped scenario: {', '.join(names)} (and the historical cases as cases/<id>, "
        "e.g. cases/belarus_2020)."
    )
