"""Config mistakes in words: :class:`ConfigError`, the look-ups into the schema that name what a
key allows (its model, field, bounds, close matches), and :func:`validate`, which turns each of
pydantic's validation errors into one paragraph naming the file or override, the key, the bad value
and what is allowed.
"""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .schema import Config


class ConfigError(Exception):
    """A mistake in a config file or an override, explained in one paragraph."""


MOVED = {  # first-edition keys the second edition replaced (docs/model.md 7.5-7.6)
    "host.police_loyalty": "host.forces.police.loyalty",
    "host.army_strength": "host.forces.army.strength",
    "host.defection_rate": "host.forces.defect_rate",
    "host.return_rate": "host.forces.return_rate",
    "host.backing_boost": (
        "host.forces.guarantee_landed (an ally's troops lift the forces' loyalty)"
    ),
    "host.request_threshold": "host.playbook.ask_at",
    "host.concession_threshold": "host.playbook.concede_at",
    "host.concession_relief": "host.playbook.concession_relief",
    "host.max_concessions": "host.playbook.max_concessions",
}
"""Old key -> where it lives now: a config that still uses one gets a message saying so."""


def moved(label: str, key: str) -> str:
    """The message for a key that has moved (``MOVED``), or "" when ``key`` has not."""
    if key not in MOVED:
        return ""
    return (
        f"{label}: the key `{key}` has moved to `{MOVED[key]}` (the host's security apparatus and "
        "playbook, docs/model.md 7.5-7.6); rename it there."
    )


def inner_model(annotation: Any) -> Any:
    """The pydantic model inside an annotation (list[AllyParams] -> AllyParams), or the annotation
    itself."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        inner = inner_model(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


def model_at(loc: tuple, root: Any = Config) -> Any:
    model: Any = root
    mapping = False  # the last field was a mapping: the next part is one of its keys (a variant)
    for part in loc:
        if isinstance(part, int) or mapping:
            mapping = False
            continue
        if (
            not (isinstance(model, type) and issubclass(model, BaseModel))
            or part not in model.model_fields
        ):
            return None
        annotation = model.model_fields[part].annotation
        mapping = typing.get_origin(annotation) is dict
        model = inner_model(annotation)
    return model


def field_at(loc: tuple, root: Any = Config):
    parent = model_at(loc[:-1], root)
    if parent is None or not loc or loc[-1] not in getattr(parent, "model_fields", {}):
        return None
    return parent.model_fields[loc[-1]]


def bounds(field) -> tuple:
    lo = hi = None
    for m in field.metadata if field is not None else ():
        lo = getattr(m, "ge", lo) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", hi) if getattr(m, "le", None) is not None else hi
    return lo, hi


def item_bounds(loc: tuple, root: Any = Config) -> tuple:
    """Bounds of one item of a tuple field (``host.threat_weights.0``), from its Annotated type."""
    if not loc or not isinstance(loc[-1], int):
        return None, None
    field = field_at(loc[:-1], root)
    for arg in typing.get_args(field.annotation) if field is not None else ():
        lo, hi = None, None
        for m in getattr(arg, "__metadata__", ()):
            for item in getattr(m, "metadata", [m]):
                lo = getattr(item, "ge", None) if getattr(item, "ge", None) is not None else lo
                hi = getattr(item, "le", None) if getattr(item, "le", None) is not None else hi
        if lo is not None or hi is not None:
            return lo, hi
    return None, None


def did_you_mean(word: object, choices: typing.Iterable[object]) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def validate(data: dict, origins: dict, default_file: str, model: type[BaseModel] = Config) -> Any:
    """Validate merged data against ``model``; each of pydantic's errors becomes one paragraph."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            "\n".join(_explain(e, origins, default_file, model) for e in exc.errors())
        ) from None


def _explain(err: ErrorDetails, origins: dict, default_file: str, root: Any = Config) -> str:
    loc = tuple(err["loc"])
    path = ".".join(str(p) for p in loc) or "(top level)"
    source = _source_of(loc, origins, default_file)
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "extra_forbidden" and (message := moved(source, path)):
        return message
    if kind == "extra_forbidden":
        parent = model_at(loc[:-1], root)
        keys = (
            sorted(parent.model_fields)
            if parent is not None and hasattr(parent, "model_fields")
            else []
        )
        return (
            f"{source}: unknown key `{path}`.{did_you_mean(loc[-1], keys)}"
            f" Allowed keys there: {', '.join(keys)}."
        )
    if kind == "value_error":
        where = f" at `{path}`" if loc else ""
        return f"{source}{where}: {err['msg'].removeprefix('Value error, ')}."
    if kind == "missing":
        return f"{source}: key `{path}` is required but missing."
    allowed = _allowed(kind, ctx, loc, root)
    hint = ""
    if kind == "literal_error":
        options = [
            o.strip(" '\"") for o in str(ctx.get("expected", "")).replace(" or ", ",").split(",")
        ]
        hint = did_you_mean(value, options)
    msg = "it is not one of the choices" if kind == "literal_error" else err["msg"]  # they follow
    return f"{source}: key `{path}` has the bad value {value!r}: {msg}.{hint} Allowed: {allowed}."


def _source_of(loc: tuple, origins: dict, default_file: str) -> str:
    """Where the value at ``loc`` came from: an override (``--set KEY=VALUE``) or a file.

    A check of a whole item or section (an event, the city) names the override that changed
    something inside it, if one did; a check of the whole config names the file and the overrides.
    """
    keys = tuple(str(p) for p in loc)
    overrides = list(dict.fromkeys(v for v in origins.values() if _is_override(v)))
    if not keys:
        return f"{default_file} with {', '.join(overrides)}" if overrides else default_file
    source = default_file
    for n in range(len(keys), 0, -1):
        if keys[:n] in origins:
            source = origins[keys[:n]]
            break
    if _is_override(source):
        return f"the override `{source}`"
    inside = [
        v
        for k, v in origins.items()
        if k[: len(keys)] == keys and len(k) > len(keys) and _is_override(v)
    ]
    if inside:
        return f"the override `{inside[-1]}` on {source}"
    return source


def _is_override(origin: str) -> bool:
    return origin.startswith("--set ")


def _allowed(kind: str, ctx: dict, loc: tuple, root: Any = Config) -> str:
    if kind == "literal_error":
        return str(ctx.get("expected"))
    phrases = {
        "greater_than_equal": "at least {ge}",
        "less_than_equal": "at most {le}",
        "greater_than": "more than {gt}",
        "less_than": "less than {lt}",
    }
    field = field_at(loc, root)
    lo, hi = bounds(field) if field is not None else item_bounds(loc, root)
    if kind in phrases or kind == "finite_number":
        finite = "a finite number" if kind == "finite_number" else ""
        if lo is not None and hi is not None:
            return f"{finite + ' from ' if finite else ''}{lo} to {hi}"
        if kind == "finite_number":
            return (
                finite
                + (f", at least {lo}" if lo is not None else "")
                + (f", at most {hi}" if hi is not None else "")
            )
        return phrases[kind].format(**ctx)
    if field is not None and field.annotation is not None:
        return f"a value of type {_type_name(field.annotation)}"
    return "see docs/parameters.md"


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")
