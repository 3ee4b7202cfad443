"""Experiment specs (``experiments/*.yaml``): what to run and what to analyse.

A spec names a base scenario and either named **variants** to compare (each a set of overrides
and/or another config, optionally crossed with a parameter's values) or a **design** over parameters
(``grid``: values per parameter, full factorial; ``lhs``, ``sobol``, ``morris``: ranges, sampled
with SALib). Every point runs ``replications`` times with the same replication seeds (common random
numbers), so points differ only by their parameters. Specs are validated like scenario configs,
with the same one-paragraph errors.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import Field, field_validator, model_validator

from ..config.load import ConfigError, check_key, read_yaml, validate
from ..config.names import check_name
from ..config.schema import Section
from ..limits import check_runs
from ..records import OUTCOME_COLUMNS

MAX_SEED = 2**63 - 1
"""Largest root seed (numpy's SeedSequence takes any; 63 bits stay a plain integer everywhere)."""

if TYPE_CHECKING:
    OutcomeColumn = str
else:  # the choices a spec's `outcomes` may name, listed in its errors
    OutcomeColumn = Literal[OUTCOME_COLUMNS]
OUTCOMES: tuple[str, ...] = OUTCOME_COLUMNS
"""Per-run summary columns an experiment can analyse (numeric or boolean)."""

DEFAULT_OUTCOMES: tuple[OutcomeColumn, ...] = ("deployed", "deploy_day", "peak_unrest")

PlotName = Literal["compare", "outcomes", "heatmap", "sensitivity", "tornado"]
PLOTS: tuple[str, ...] = get_args(PlotName)


class Variant(Section):
    """One scenario variant: another config and/or overrides on top of the base."""

    config: str | None = Field(
        None, description="config file, relative to the spec; default: the spec's base"
    )
    set: dict[str, Any] = Field(
        default_factory=dict, description="overrides, key -> value, as with --set"
    )


class Parameter(Section):
    """A design parameter: ``values`` for a grid, ``range`` [low, high] for lhs, sobol, morris."""

    values: list[Any] | None = Field(None, description="grid values")
    range: tuple[float, float] | None = Field(None, description="[low, high] for sampled designs")

    @model_validator(mode="after")
    def _one(self):
        if (self.values is None) == (self.range is None):
            raise ValueError(
                "give either `values` (grid) or `range` [low, high] (lhs, sobol, morris)"
            )
        if self.values is not None and not self.values:
            raise ValueError(
                "`values` is empty, so the grid would have no points; give at least one value"
            )
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range {list(self.range)} must have low < high")
        return self

    def grid_values(self) -> list[Any]:
        """The values of a grid parameter (``Design`` checks that a grid's parameters have them)."""
        if self.values is None:
            raise ValueError(f"parameter has a range {self.range}, not grid values")
        return self.values

    def bounds(self) -> tuple[float, float]:
        """[low, high] of a sampled parameter (``Design`` checks lhs, sobol and morris have it)."""
        if self.range is None:
            raise ValueError(f"parameter has grid values {self.values}, not a range")
        return self.range


class Design(Section):
    """A design over parameters."""

    kind: Literal["grid", "lhs", "sobol", "morris"] = Field(
        description="full factorial, Latin hypercube, Saltelli-Sobol or Morris"
    )
    parameters: dict[str, Parameter] = Field(description="config key -> values or range")
    samples: int = Field(
        32,
        ge=1,
        le=1_000_000,
        description="lhs: points; sobol: base samples N (N(2D+2) points); morris: trajectories",
    )
    levels: int = Field(4, ge=2, le=100, description="morris: grid levels")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of the sampling design")

    @model_validator(mode="after")
    def _fits_kind(self):
        need = "values" if self.kind == "grid" else "range"
        for key, p in self.parameters.items():
            if getattr(p, need) is None:
                raise ValueError(f"design.kind {self.kind} needs `{need}` for parameter {key}")
        if not self.parameters:
            raise ValueError("a design needs at least one parameter")
        return self


class ExperimentSpec(Section):
    """An experiment: base scenario, variants or design, replications, outcomes, plots."""

    name: str = Field(
        description="short name; the default output folder is results/experiments/<name>"
    )
    description: str = ""
    base: str = Field(description="base scenario config, relative to the spec file")
    set: dict[str, Any] = Field(
        default_factory=dict, description="overrides applied to every point"
    )
    replications: int = Field(10, ge=1, le=100_000)
    seed: int = Field(
        0,
        ge=0,
        le=MAX_SEED,
        description="root seed; replication r uses the same stream at every point",
    )
    variants: dict[str, Variant] | None = None
    cross: dict[str, list[Any]] | None = Field(
        None, description="cross every variant with these values of one key"
    )
    design: Design | None = None
    outcomes: list[OutcomeColumn] = Field(default_factory=lambda: list(DEFAULT_OUTCOMES))
    series: list[str] = Field(
        default_factory=lambda: ["active_share", "troops_total", "regime_threat", "sanctions"],
        description="daily columns compared across variants",
    )
    plots: list[PlotName] | None = Field(None, description="default: every plot that fits the spec")
    batch_size: int | None = Field(
        None, ge=1, le=10_000, description="runs per task; default: automatic"
    )
    posterior: str | None = Field(
        None,
        description="a calibration's posterior.parquet (or its folder), relative to the spec: "
        "replication r draws its parameters from it, the same draw at every point; a point's own "
        "parameters win",
    )

    @field_validator("name")
    @classmethod
    def _safe_name(cls, name):
        return check_name(name, "experiment name")

    @model_validator(mode="after")
    def _variants_or_design(self):
        if (self.variants is None) == (self.design is None):
            raise ValueError(
                "give either `variants` (named scenarios to compare) or `design` (a sweep), "
                "not both"
            )
        if self.variants is not None and not self.variants:
            raise ValueError("`variants` is empty; name at least one variant")
        if self.cross is not None and self.variants is None:
            raise ValueError("`cross` applies to `variants` only")
        if self.cross is not None and len(self.cross) != 1:
            raise ValueError("`cross` takes exactly one key")
        if self.cross is not None and not next(iter(self.cross.values())):
            raise ValueError(
                "`cross` has no values, so there would be no points; give at least one value"
            )
        return self

    @property
    def sweep(self) -> Design:
        """The design of a spec without variants (validation gives every spec one or the other)."""
        if self.design is None:
            raise ValueError(f"experiment {self.name!r} compares variants; it has no design")
        return self.design

    def plan_size(self) -> tuple[int, str]:
        """(points, how they come about), computed from the spec without sampling the design."""
        if self.variants is not None:
            n = len(self.variants) * (len(next(iter(self.cross.values()))) if self.cross else 1)
            return n, f"{n:,} points"
        d = self.sweep
        dims = len(d.parameters)
        if d.kind == "grid":
            sizes = [len(p.grid_values()) for p in d.parameters.values()]
            n = math.prod(sizes)
            return n, f"a grid of {' x '.join(map(str, sizes))} = {n:,} points"
        per = {"lhs": 1, "sobol": dims + 2, "morris": dims + 1}[d.kind]
        return (
            d.samples * per,
            f"{d.kind} with {d.samples:,} samples x {per} = {d.samples * per:,} points",
        )

    def default_plots(self) -> list[str]:
        if self.plots is not None:
            return list(self.plots)
        if self.variants is not None:
            return ["compare", "outcomes"]
        if self.sweep.kind == "grid":
            return ["heatmap"] if len(self.sweep.parameters) <= 2 else ["tornado"]
        if self.sweep.kind in ("sobol", "morris"):
            return ["sensitivity", "tornado"]
        return ["tornado"]


def load_spec(path: str | Path) -> ExperimentSpec:
    """Read and validate an experiment spec whole, before anything runs: its fields, the files it
    names, every config key it sets and the plan's size. Raises ConfigError with a clear message."""
    path = Path(path)
    data = read_yaml(path, what="Experiment spec", example="experiments/counterfactuals.yaml")
    origins = {(str(k),): str(path) for k in data}
    spec = validate(data, origins, str(path), model=ExperimentSpec)
    base = path.parent / spec.base
    if not base.is_file():
        raise ConfigError(
            f"{path}, key `base`: the config {spec.base!r} does not exist (looked for {base})."
        )
    for name, v in (spec.variants or {}).items():
        if v.config is not None and not (path.parent / v.config).is_file():
            raise ConfigError(
                f"{path}, key `variants.{name}.config`: the config {v.config!r} does not exist "
                f"(looked for {path.parent / v.config})."
            )
    check_keys(spec, path)
    points, detail = spec.plan_size()
    check_runs(
        points * spec.replications, f"{detail} x {spec.replications:,} replications", str(path)
    )
    return spec


def check_keys(spec: ExperimentSpec, path: str | Path) -> None:
    """Every config key the spec sets (``set``, ``variants.*.set``, ``cross``, design parameters)
    must be a key of the schema; a misspelt one is a ConfigError naming it, with close matches."""
    keyed = [("set", k) for k in spec.set]
    keyed += [
        (f"variants.{name}.set", k) for name, v in (spec.variants or {}).items() for k in v.set
    ]
    keyed += [("cross", k) for k in spec.cross or {}]
    keyed += [("design.parameters", k) for k in (spec.design.parameters if spec.design else {})]
    for where, key in keyed:
        check_key(key, label=f"{path}, key `{where}`: config key")
