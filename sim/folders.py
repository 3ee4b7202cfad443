"""Output folders that never collide silently: what a folder holds, and whether a command may
write its results there.

Each command that writes results (``sim run``, ``sim cases``) records what it ran in the folder's
``manifest.json``. Before anything runs, :func:`claim` compares that record with the new run: the
same run again (same resolved config, seed and replications) may overwrite its own identical
results; another run's results, or another command's, are refused in one paragraph, the former
unless the user passes ``--force``.

Imports nothing of ours but the error type.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path

from .config.load import ConfigError

RUN_FILES = ("daily.parquet", "summary.parquet", "decisions.parquet")
BACKTEST_FILES = ("cases.csv", "cases.parquet", "scores.csv", "cases.md", "cases.png")


class Kind(enum.Enum):
    """What a folder holds."""

    NOTHING = "nothing of ours"
    RUN = "a `sim run`"
    EXPERIMENT = "a `sim experiment`"
    BACKTEST = "a `sim cases` backtest"
    UNKNOWN = "results with no readable manifest.json"


def read_manifest(folder: Path) -> dict | None:
    """``folder/manifest.json`` as a dict; None when there is none; ConfigError when unreadable."""
    path = folder / "manifest.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"{path} cannot be read as JSON ({exc}); it is not a manifest `sim` wrote, or it was "
            "damaged. Give another folder, or move the folder's contents away."
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path} holds no manifest `sim` wrote (a JSON {type(data).__name__}, not an object)."
        )
    return data


def kind_of(folder: Path) -> tuple[Kind, dict | None]:
    """What ``folder`` holds, and its manifest. A missing folder, an empty one, or one holding no
    file a command writes holds NOTHING; result files without a manifest are UNKNOWN."""
    if not folder.is_dir():
        return Kind.NOTHING, None
    try:
        manifest = read_manifest(folder)
    except ConfigError:
        return Kind.UNKNOWN, None
    if manifest is not None:
        if "experiment" in manifest:
            return Kind.EXPERIMENT, manifest
        if "backtest" in manifest:
            return Kind.BACKTEST, manifest
        if "scenario" in manifest and "config" in manifest:
            return Kind.RUN, manifest
        return Kind.UNKNOWN, manifest
    ours = (*RUN_FILES, *BACKTEST_FILES, "plots", "plan.parquet")
    return (Kind.UNKNOWN if any((folder / name).exists() for name in ours) else Kind.NOTHING), None


def _normal(value):
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def _differences(old, new, prefix: str = "") -> list[str]:
    """Dotted keys where two JSON values differ (at most a handful, for a message)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new), key=str):
            out += _differences(old.get(k), new.get(k), f"{prefix}{k}.")
        return out
    return [] if old == new else [prefix.rstrip(".") or "(all)"]


def claim(folder: Path, kind: Kind, identity: dict, force: bool, labels: dict[str, str]) -> None:
    """Refuse to write ``kind``'s results into ``folder`` when it holds other results.

    Args:
        folder: the output folder (it may not exist yet; nothing is created here).
        kind: what the caller writes.
        identity: manifest key -> value that makes two runs the same (e.g. the resolved config,
            the root seed, the replications).
        force: the user allows replacing another run's results of the same kind.
        labels: manifest key -> how the message names it (``root_seed`` -> ``--seed``).

    Raises:
        ConfigError: the folder holds another command's results (``--force`` does not help:
            their files would be mixed), or another run's of the same kind without ``force``.
    """
    found, manifest = kind_of(folder)
    if found is Kind.NOTHING:
        return
    if found is not kind and found is not Kind.UNKNOWN:
        raise ConfigError(
            f"{folder} holds the results of {found.value}, not of {kind.value}; writing here would "
            "mix the two and overwrite its manifest.json. Give another output folder (--out)."
        )
    if found is Kind.UNKNOWN:
        if force:
            return
        why = (
            "a manifest.json that cannot be read as a manifest `sim` wrote"
            if (folder / "manifest.json").exists()
            else "result files but no manifest.json saying which run made them"
        )
        raise ConfigError(
            f"{folder} already holds {why} (an interrupted or older run, or someone else's files). "
            "Give another output folder (--out), or --force to replace them."
        )
    assert manifest is not None  # kind_of reads one for every kind but NOTHING and UNKNOWN
    changed = []
    for key, value in identity.items():
        diff = _differences(_normal(manifest.get(key)), _normal(value))
        if diff:
            name = labels.get(key, key)
            shown = ", ".join(diff[:5]) + (f" and {len(diff) - 5} more" if len(diff) > 5 else "")
            changed.append(
                f"{name} ({shown})"
                if diff != ["(all)"]
                else f"{name} ({manifest.get(key)!r} there, {value!r} now)"
            )
    if not changed or force:
        return  # the same run again overwrites its identical results; --force replaces another's
    raise ConfigError(
        f"{folder} holds the results of another run of {kind.value.removeprefix('a ')}: it differs "
        f"in {'; '.join(changed)}. Give another output folder (--out), or --force to replace those "
        "results."
    )


def clear_plots(folder: Path) -> None:
    """Remove the PNG files in ``folder/plots`` (and the folder when that empties it), so that no
    plot of an earlier run stays beside new data."""
    plots = folder / "plots"
    if not plots.is_dir():
        return
    for png in plots.glob("*.png"):
        png.unlink(missing_ok=True)
    try:
        plots.rmdir()
    except OSError:
        pass  # something else is in there: left alone
