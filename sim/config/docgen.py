"""Generate ``docs/parameters.md`` from the schema: ``python -m sim.config.docgen [OUT]``.

A test checks that the committed file matches, so the parameter docs never lag the code.
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path

from pydantic import BaseModel

from .explain import bounds, inner_model, item_bounds
from .schema import Ally, Config, Event, Fact, Magnitude, Site

HEADER = """# Parameters

Every parameter of a scenario config, with its default, unit, allowed range and source. Generated
from `sim/config/schema.py` by `python -m sim.config.docgen`; do not edit by hand. "assumption"
marks a modelling choice with no empirical source (see `docs/model.md`). Keys are written as in a
config file or a `--set` override (`russia.thresholds.costs`); list items are numbered from 0
(`events.0.value`). Every number must be finite (no NaN, no infinity); a scenario's `name` is also
its output folder's name, so it holds only letters, digits, `_`, `-` and `.`; events must fall
before the horizon (day 0 to `horizon_days - 1`); allies need distinct names.
"""


def _default(field) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, list):
            return f"{len(value)} items" if value else "[]"
        if isinstance(value, BaseModel):
            return "(section)"
        return repr(value) if value else "{}"
    if field.is_required():
        return "required"
    return f"`{field.default!r}`" if not isinstance(field.default, str) else f"`{field.default}`"


def _range(field, model=None, name: str = "") -> str:
    if model is Event and name == "value":
        return "per kind (see meaning)"
    items = (
        typing.get_args(field.annotation) if typing.get_origin(field.annotation) is tuple else ()
    )
    if items:
        lo, hi = item_bounds((name, 0), model) if model is not None else (None, None)
        if lo is not None and hi is not None:
            return f"{len(items)} x {lo} .. {hi}"
    lo, hi = bounds(field)
    ann = field.annotation
    choices = typing.get_args(ann) if typing.get_origin(ann) is typing.Literal else ()
    if (
        typing.get_origin(ann) is dict
        and typing.get_origin(typing.get_args(ann)[0]) is typing.Literal
    ):
        choices = typing.get_args(typing.get_args(ann)[0])  # a mapping with fixed keys: name them
    if choices:
        return " / ".join(f"`{c}`" for c in choices)
    if lo is not None or hi is not None:
        return f"{'' if lo is None else lo} .. {'' if hi is None else hi}"
    name = getattr(ann, "__name__", None) or str(ann).replace("typing.", "").replace(
        "datetime.", ""
    )
    return name.replace(" | ", " or ")  # a bar would split the table's cell


def _rows(model: type[BaseModel], prefix: str) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        inner = inner_model(field.annotation)
        key = f"{prefix}{name}"
        if (
            isinstance(inner, type)
            and issubclass(inner, BaseModel)
            and inner not in (Ally, Event, Site, Fact, Magnitude)
        ):
            rows.extend(_rows(inner, key + "."))
            continue
        unit = (
            (field.json_schema_extra or {}).get("unit", "")
            if isinstance(field.json_schema_extra, dict)
            else ""
        )
        desc = (field.description or "").replace("|", "/")
        rows.append(
            f"| `{key}` | {_default(field)} | {unit} | {_range(field, model, name)} | {desc} |"
        )
    return rows


def render() -> str:
    table = "| key | default | unit | allowed | meaning and source |\n|---|---|---|---|---|\n"
    parts = [HEADER, "## Scenario\n", table + "\n".join(_rows(Config, "")) + "\n"]
    for title, model, prefix in (
        ("Each strategic site (`city.sites`)", Site, "city.sites.N."),
        ("Each CSTO ally (`allies.members`)", Ally, "allies.members.N."),
        ("Each event (`events`)", Event, "events.N."),
        ("Each dated fact (`history.timeline`)", Fact, "history.timeline.N."),
        ("Each historical total (`history.magnitudes`)", Magnitude, "history.magnitudes.NAME."),
    ):
        parts.append(f"## {title}\n")
        parts.append(table + "\n".join(_rows(model, prefix)) + "\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path("docs/parameters.md")
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
