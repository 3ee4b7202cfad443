"""Generate ``docs/parameters.md`` from the schema: ``python -m sim.config.docgen [OUT]``.

A test checks that the committed file matches, so the parameter docs never lag the code.
"""

from __future__ import annotations

import re
import sys
import typing
from pathlib import Path

from pydantic import BaseModel

from .explain import bounds, inner_model, item_bounds
from .schema import AllyParams, Config, Event, Fact, Magnitude, Site

HEADER = """# Parameters

Every parameter of a scenario config, with its default, unit, allowed range and source. Generated
from `sim/config/schema/` by `python -m sim.config.docgen`; do not edit by hand. "assumption"
marks a modelling choice with no empirical source (see `docs/model.md`). The `provenance` column
says where each default comes from: **fact** (an empirical source, named in the meaning column),
**assumption** (a modelling choice), **setting** (set by each scenario config from its own facts,
with sources in the config's comments, or a choice of the run or the model's structure, documented
in `docs/model.md`), and **calibrated** when a calibration spec in `configs/calibration/`
fits it (with the posterior's weighted median and 10-90% range; the default stays the assumption,
and a run uses the posterior with `--posterior`, see `docs/calibration.md`). Keys are written \
as in a
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


FACT = re.compile(
    r"\b(1[89]|20)\d\d\b|IISS|census|Epstein|SIPRI|Mesa|cases\.csv|CASES|Uppsala|UCDP"
)


def calibrations() -> dict[str, list[str]]:
    """Config key (list items as ``N``) -> how each shipped calibration fits it: the spec's name
    and, when its posterior is shipped beside it, the weighted median and 10-90% range."""
    import yaml

    from ..bundled import configs_dir

    out: dict[str, list[str]] = {}
    for spec in sorted((configs_dir() / "calibration").glob("*.yaml")):
        data = yaml.safe_load(spec.read_text(encoding="utf-8")) or {}
        posterior = spec.with_suffix(".posterior.parquet")
        frame = _read_posterior(posterior) if posterior.is_file() else None
        for key in data.get("parameters") or {}:
            text = f"calibrated: {data.get('name', spec.stem)}"
            if frame is not None and key in frame:
                from ..calibration.report import weighted_quantiles

                w = frame["weight"].to_numpy(float)
                q = weighted_quantiles(frame[key].to_numpy(float), w, (0.5, 0.1, 0.9))
                part = key.split(".")[1] if "." in key else ""
                item = f"item {part}, " if part.isdigit() else ""
                text += f" ({item}{q[0]:.3g}; 10-90% {q[1]:.3g}-{q[2]:.3g})"
            out.setdefault(re.sub(r"\.\d+\.", ".N.", key), []).append(text)
    return out


def _read_posterior(path: Path):
    import pandas as pd

    return pd.read_parquet(path)


def provenance(
    key: str, desc: str, calibrated: dict[str, list[str]], given: str | None = None
) -> str:
    """The provenance cell of one parameter (see HEADER): ``given`` (a field's ``provenance`` in
    its ``json_schema_extra``) when the schema states it, else read from the description: one citing
    no source but saying "assumption" is an assumption; one citing a source (a year, IISS, Epstein,
    a census...) is a fact; the rest are settings."""
    kind = given or (
        "assumption" if "assumption" in desc.lower() else "fact" if FACT.search(desc) else "setting"
    )
    fits = calibrated.get(key, [])
    return "; ".join([*fits, f"else {kind}"]) if fits else kind


def _rows(
    model: type[BaseModel], prefix: str, calibrated: dict[str, list[str]] | None = None
) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        inner = inner_model(field.annotation)
        key = f"{prefix}{name}"
        if (
            isinstance(inner, type)
            and issubclass(inner, BaseModel)
            and inner not in (AllyParams, Event, Site, Fact, Magnitude)
        ):
            rows.extend(_rows(inner, key + ".", calibrated))
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        unit = extra.get("unit", "")
        desc = (field.description or "").replace("|", "/")
        given = extra.get("provenance")
        prov = provenance(key, desc, calibrated or {}, str(given) if given else None)
        rows.append(
            f"| `{key}` | {_default(field)} | {unit} | {_range(field, model, name)} | {prov} | "
            f"{desc} |"
        )
    return rows


def render() -> str:
    table = (
        "| key | default | unit | allowed | provenance | meaning and source |\n"
        "|---|---|---|---|---|---|\n"
    )
    fits = calibrations()
    parts = [HEADER, "## Scenario\n", table + "\n".join(_rows(Config, "", fits)) + "\n"]
    for title, model, prefix in (
        ("Each strategic site (`city.sites`)", Site, "city.sites.N."),
        ("Each CSTO ally (`allies.members`)", AllyParams, "allies.members.N."),
        ("Each event (`events`)", Event, "events.N."),
        ("Each dated fact (`history.timeline`)", Fact, "history.timeline.N."),
        ("Each historical total (`history.magnitudes`)", Magnitude, "history.magnitudes.NAME."),
    ):
        parts.append(f"## {title}\n")
        parts.append(table + "\n".join(_rows(model, prefix, fits)) + "\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path("docs/parameters.md")
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
