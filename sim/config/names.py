"""Names that become folder and column names: a scenario's (``results/<name>``), an ally's
(``troops_<name>``). Imports nothing of ours.
"""

from __future__ import annotations

import re

SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
"""A name that is also a folder name: letters, digits, ``_``, ``-`` and ``.``, not only dots."""


def check_name(name: str, what: str = "name") -> str:
    """``name`` if it is a safe folder name (it becomes ``results/<name>``); else a ValueError."""
    if not SAFE_NAME.fullmatch(name) or set(name) == {"."}:
        raise ValueError(
            f"the {what} {name!r} is also the output folder's name, so it may hold only letters, "
            "digits, '_', '-' and '.' (no '/', no spaces, not only dots), e.g. my_scenario"
        )
    return name


def safe_name(text: str) -> str:
    """``text`` made into a safe folder name (unsafe characters become ``_``): a default name."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "scenario"
    return "scenario" if set(name) == {"."} else name


def ally_column(name: str) -> str:
    """A country's name as it appears in column names (``troops_<name>``, ``unrest_<name>``): the
    one definition, used by the schema's check for colliding allies and by the components'
    columns."""
    return name.strip().lower().replace(" ", "_").replace("-", "_")
