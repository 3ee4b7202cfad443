"""Reading scenario configs: safe YAML, `extends:`, `--set` overrides, and clear errors.

A config file is YAML holding any part of :class:`~sim.config.schema.Config`. It may name another
config with ``extends: other.yaml`` (relative to itself); its keys are merged over the other's
(mappings merge key by key, everything else replaces). ``--set a.b=value`` overrides are applied
last, their values parsed as YAML scalars. Every user mistake raises :class:`ConfigError`, whose
message names the file, the key path, the bad value and what is allowed (``sim.config.explain``
writes those messages).
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from .explain import ConfigError, did_you_mean, inner_model, moved, validate
from .names import safe_name
from .read import load_text, read_text
from .schema import Config


def load_config(path: str | Path, overrides: typing.Sequence[str] = ()) -> Config:
    """Load, merge, override and validate a scenario config.

    Args:
        path: the YAML file.
        overrides: ``KEY=VALUE`` strings, e.g. ``russia.rule=weighted``.

    Returns:
        The validated config.

    Raises:
        ConfigError: on any mistake in the files or overrides.
    """
    origins: dict[tuple, str] = {}
    data = _read_with_extends(Path(path), origins, chain=())
    data.pop("extends", None)
    data.setdefault(
        "name", safe_name(Path(path).stem)
    )  # a name is a folder name (schema.check_name)
    for item in overrides:
        apply_override(data, item, origins)
    return validate(data, origins, default_file=str(path))


def config_from_dict(data: dict, source: str = "<dict>") -> Config:
    """Validate a plain dict (e.g. built in Python) with the same errors as a file."""
    return validate(data, {}, default_file=source)


def read_yaml(
    path: Path, what: str = "Config", example: str = "configs/kazakhstan_2022.yaml"
) -> dict:
    """Safe-load a YAML mapping, with one-paragraph errors for a missing, unreadable, binary or
    hostile file (recursive aliases, alias bombs, deep nesting: see :mod:`sim.config.read`)."""
    if path.is_dir():
        raise ConfigError(
            f"{what} {path} is a folder; give the path of a YAML file, e.g. {example}."
        )
    if not path.is_file():
        raise ConfigError(
            f"{what} file not found: {path}. Give the path of a YAML file, e.g. {example}."
        )
    try:
        text = read_text(path, what)
    except ValueError as exc:  # not UTF-8, or too large
        raise ConfigError(f"{exc}.") from None
    except OSError as exc:
        raise ConfigError(f"{what} {path} cannot be read: {exc.strerror}.") from None
    try:
        data = load_text(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).replace("\n", " ")
        raise ConfigError(f"Invalid YAML in {path}{where}: {problem}.") from None
    except ValueError as exc:  # a number Python cannot hold
        raise ConfigError(f"{path}: {exc}.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path} must hold a mapping of keys to values at the top level, not a "
            f"{type(data).__name__}."
        )
    return data


def _read_with_extends(path: Path, origins: dict, chain: tuple) -> dict:
    if path.resolve() in chain:
        raise ConfigError(
            f"{path}: `extends` makes a cycle: {' -> '.join(str(p) for p in chain + (path,))}."
        )
    data = read_yaml(path)
    base: dict = {}
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ConfigError(
                f"{path}, key `extends`: {parent!r} is not allowed; give the relative path of "
                "another config as a string."
            )
        target = path.parent / parent
        if not target.is_file():
            raise ConfigError(
                f"{path}, key `extends`: the file {parent!r} does not exist (looked for {target})."
            )
        base = _read_with_extends(target, origins, chain + (path.resolve(),))
        base.pop("name", None)
        base.pop("description", None)
    _record(data, (), str(path), origins)
    return _merge(base, data)


def _record(data: Any, prefix: tuple, source: str, origins: dict) -> None:
    """Note where each key path (list items numbered, all parts strings) came from."""
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for k, v in items:
        key = prefix + (str(k),)
        if not isinstance(v, dict):  # a list or value replaces whatever the base had under it
            for old in [o for o in origins if o[: len(key)] == key]:
                del origins[old]
        origins[key] = source
        _record(v, key, source, origins)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def check_key(key: str, label: str = "--set") -> tuple[str, ...]:
    """Check a dotted config key (``russia.rule``, ``events.0.value``) against the schema.

    Returns its parts; raises ConfigError naming the first unknown part, with close matches and
    the keys allowed there. ``label`` says where the key came from, for the message.
    """
    parts = tuple(key.strip().split("."))
    if message := moved(label, ".".join(parts)):
        raise ConfigError(message)
    model: Any = Config
    for i, part in enumerate(parts):
        if part.isdigit() and i > 0:
            continue  # an index into a list, e.g. events.0.value
        if (
            typing.get_origin(model) is dict
        ):  # a mapping with fixed keys, e.g. perception.bias.costs
            allowed = list(typing.get_args(typing.get_args(model)[0]))
            if part not in allowed:
                raise ConfigError(
                    f"{label} {key}: unknown key {part!r}.{did_you_mean(part, allowed)} "
                    f"Allowed: {', '.join(allowed)}."
                )
            model = typing.get_args(model)[1]
            continue
        fields = (
            model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else None
        )
        if fields is None or part not in fields:
            allowed = sorted(fields) if fields else []
            where = ".".join(parts[:i]) or "the top level"
            raise ConfigError(
                f"{label} {key}: unknown key {part!r} under {where}.{did_you_mean(part, allowed)}"
                f" Allowed keys there: {', '.join(allowed) or '(none: it is not a section)'}."
            )
        annotation = fields[part].annotation
        if (
            typing.get_origin(annotation) is list
            and i + 1 < len(parts)
            and not parts[i + 1].isdigit()
        ):
            raise ConfigError(
                f"{label} {key}: `{'.'.join(parts[: i + 1])}` is a list; give an item's number "
                f"before its key, e.g. {'.'.join(parts[: i + 1])}.0.{'.'.join(parts[i + 1 :])} "
                "(items are numbered from 0)."
            )
        model = inner_model(annotation)
    return parts


def parse_value(raw: str) -> Any:
    """An override's value parsed as YAML (bounded as config files are); else the text itself."""
    try:
        return load_text(raw) if raw.strip() else ""
    except (yaml.YAMLError, ValueError):
        return raw


def apply_override(
    data: dict, item: str, origins: dict | None = None, label: str = "--set"
) -> None:
    """Apply one ``KEY=VALUE`` override in place, checking the key against the schema.

    Args:
        data: the merged config mapping, changed in place.
        item: ``KEY=VALUE``; the value is parsed as YAML.
        origins: key path -> where it came from, for error messages; the override is recorded as
            ``"<label> <item>"`` so that a bad value names the override, not the base config.
        label: how errors name the override's origin (``--set``, or a spec file and key).
    """
    if "=" not in item:
        raise ConfigError(f"{label} {item!r}: expected KEY=VALUE, e.g. --set russia.rule=weighted.")
    key, raw = item.split("=", 1)
    parts = check_key(key, label)
    value = parse_value(raw)
    where = f"{label} {key.strip()}"
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(node, list):
            node = _list_item(node, int(part), where)
        elif not isinstance(node, dict):
            raise ConfigError(
                f"{where}: `{'.'.join(parts[:i])}` is a single value in this config, not a section "
                "with keys."
            )
        elif nxt.isdigit():
            if part not in node:  # a list the config leaves at its default, e.g. allies.members
                node[part] = _default_list(parts[: i + 1])
            if not isinstance(node.get(part), list):
                raise ConfigError(
                    f"{where}: `{'.'.join(parts[: i + 1])}` is not a list in this config, so it "
                    f"has no item {nxt}."
                )
            node = node[part]
        else:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
    if isinstance(node, list):
        _list_item(node, int(parts[-1]), where)
        node[int(parts[-1])] = value
    elif isinstance(node, dict):
        node[parts[-1]] = value
    else:
        raise ConfigError(
            f"{where}: `{'.'.join(parts[:-1])}` is a single value in this config, not a section "
            "with keys."
        )
    if origins is not None:
        _record({parts[-1]: value}, parts[:-1], f"{label} {item.strip()}", origins)


def _default_list(parts: tuple[str, ...]) -> Any:
    """The schema's default for the list at ``parts`` (as plain data), or None if there is none."""
    model: Any = Config
    field = None
    for part in parts:
        if part.isdigit():
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return None
        field = fields[part]
        model = inner_model(field.annotation)
    if field is None:
        return None
    value = field.default_factory() if field.default_factory is not None else field.default
    if not isinstance(value, (list, tuple)):
        return None
    return [v.model_dump() if isinstance(v, BaseModel) else v for v in value]


def _list_item(items: list, index: int, key: str) -> Any:
    if not 0 <= index < len(items):
        raise ConfigError(
            f"{key}: item {index} does not exist; the list has {len(items)} item(s), "
            "numbered from 0."
        )
    return items[index]
