"""Calibration specs (``configs/calibration/*.yaml``): what is free, what is observed, how hard to
look.

A spec names a base scenario config, the free parameters (config keys, as with ``--set``) with
their priors, the targets (each a column of the run's ``summary.parquet`` with the value history
observed), a distance, the population size and when to stop (a number of generations, a final
tolerance, or both). Targets are a list, so a new summary column (e.g. ``detained_total``) becomes a
target by adding one item. Specs are validated like scenario configs, with the same one-paragraph
errors (``ConfigError``, exit 2).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..config.explain import bounds, field_at
from ..config.load import ConfigError, check_key, read_yaml, validate
from ..config.names import check_name
from ..config.schema import Config, Section
from ..records import SUMMARY_COLUMNS

NOT_NUMERIC = ("rep", "seed", "outcome", "form")
"""Summary columns that cannot be a target: identifiers and labels."""
MAX_SEED = 2**32 - 1
"""Largest seed of a calibration (it seeds numpy's legacy generator, which pyabc samples from)."""


def statistics() -> tuple[str, ...]:
    """Summary columns a target may use: every numeric or boolean column of ``summary.parquet``
    (read from :mod:`sim.records` each time, so a column added there is a target at once)."""
    return tuple(c for c in SUMMARY_COLUMNS if c not in NOT_NUMERIC)


class Prior(Section):
    """The prior of one free parameter; every prior has bounds, and a reason."""

    prior: Literal["uniform", "normal", "log_uniform"] = Field(
        description="uniform on [low, high]; normal (mean, sd) cut to [low, high]; log-uniform on "
        "[low, high]"
    )
    low: float = Field(description="lowest value the parameter may take")
    high: float = Field(description="highest value the parameter may take")
    mean: float | None = Field(None, description="normal: the mean")
    sd: float | None = Field(None, gt=0, description="normal: the standard deviation")
    why: str = Field(min_length=1, description="why this prior: what the facts say and do not say")

    @model_validator(mode="after")
    def _consistent(self):
        if not self.low < self.high:
            raise ValueError(
                f"the bounds must have low < high, not low {self.low} and high {self.high}"
            )
        if self.prior == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal prior needs `mean` and `sd` as well as `low` and `high`")
        if self.prior != "normal" and (self.mean is not None or self.sd is not None):
            raise ValueError(f"`mean` and `sd` belong to a normal prior, not a {self.prior} one")
        if self.prior == "normal" and not self.low <= self.mean <= self.high:
            raise ValueError(
                f"the mean {self.mean} lies outside the bounds [{self.low}, {self.high}]"
            )
        if self.prior == "log_uniform" and self.low <= 0:
            raise ValueError(f"a log-uniform prior needs bounds above 0, not low {self.low}")
        return self


class Target(Section):
    """One observed quantity: a summary statistic and the value history gives it."""

    name: str = Field(description="label in tables and figures; default: the statistic")
    statistic: str = Field(description="column of summary.parquet the target is computed from")
    observed: float = Field(description="the value history gives")
    scale: float = Field(
        1.0,
        gt=0,
        description="units of the statistic that count as one unit of distance "
        "(`distance: scaled`); e.g. 1 day, 500 troops",
    )
    source: str = Field("", description="where the observed value comes from")

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "name" not in data and isinstance(data.get("statistic"), str):
            data = {**data, "name": data["statistic"]}
        return data

    @field_validator("statistic")
    @classmethod
    def _known(cls, value: str) -> str:
        allowed = statistics()
        if value not in allowed:
            import difflib

            close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"{value!r} is not a numeric column of summary.parquet.{hint} Allowed: "
                f"{', '.join(allowed)}"
            )
        return value


class Quick(Section):
    """The small calibration ``--quick`` runs instead (a smoke test, a first look)."""

    population: int = Field(30, ge=5, le=10_000)
    generations: int = Field(3, ge=1, le=100)
    predictive: int = Field(40, ge=5, le=10_000)


class CalibrationSpec(Section):
    """A calibration: base scenario, free parameters, targets, distance and budget."""

    name: str = Field(
        description="short name; the default output folder is results/calibration/<name>"
    )
    description: str = ""
    base: str = Field(description="base scenario config, relative to the spec file")
    set: dict[str, Any] = Field(
        default_factory=dict, description="overrides applied to every simulation"
    )
    parameters: dict[str, Prior] = Field(description="config key -> prior")
    targets: list[Target] = Field(description="observed summary statistics")
    distance: Literal["adaptive", "scaled"] = Field(
        "adaptive",
        description="adaptive: Euclidean with each target scaled by its spread in the "
        "current generation (pyabc's AdaptivePNormDistance); scaled: Euclidean in units of each "
        "target's `scale`",
    )
    population: int = Field(200, ge=5, le=100_000, description="particles per generation")
    generations: int | None = Field(
        None, ge=1, le=1000, description="stop after this many generations"
    )
    final_tolerance: float | None = Field(
        None, ge=0, description="stop once the tolerance is at or below this"
    )
    max_simulations: int = Field(
        200_000, ge=10, le=10_000_000, description="stop after this many simulations"
    )
    predictive: int = Field(200, ge=5, le=100_000, description="posterior predictive simulations")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="root seed of the calibration")
    quick: Quick = Field(default_factory=Quick)

    @field_validator("name")
    @classmethod
    def _safe_name(cls, name):
        return check_name(name, "calibration name")

    @model_validator(mode="after")
    def _complete(self):
        if not self.parameters:
            raise ValueError(
                "`parameters` is empty; name at least one free parameter with its prior"
            )
        if not self.targets:
            raise ValueError("`targets` is empty; name at least one observed summary statistic")
        names = [t.name for t in self.targets]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(
                f"target names must differ; {', '.join(twice)} appears more than once "
                "(give each a `name`)"
            )
        if self.generations is None and self.final_tolerance is None:
            raise ValueError("say when to stop: give `generations`, `final_tolerance` or both")
        clash = sorted(set(self.parameters) & set(self.set))
        if clash:
            raise ValueError(
                f"{', '.join(clash)} is both free (`parameters`) and fixed (`set`); keep one"
            )
        return self

    def budget(self, quick: bool) -> tuple[int, int | None, int]:
        """(population, generations, predictive simulations) at the shipped or the --quick size."""
        if quick:
            gens = (
                self.quick.generations
                if self.generations is None
                else min(self.generations, self.quick.generations)
            )
            return self.quick.population, gens, self.quick.predictive
        return self.population, self.generations, self.predictive


def load_spec(path: str | Path) -> CalibrationSpec:
    """Read and validate a calibration spec whole, before anything runs: its fields, the base config
    (loaded with the spec's overrides), every free key (a number in the schema, the prior's bounds
    inside the schema's). Raises ConfigError with one paragraph."""
    from ..config import load_config

    path = Path(path)
    data = read_yaml(
        path, what="Calibration spec", example="configs/calibration/kazakhstan_2022.yaml"
    )
    origins = {(str(k),): str(path) for k in data}
    spec = validate(data, origins, str(path), model=CalibrationSpec)
    base = path.parent / spec.base
    if not base.is_file():
        raise ConfigError(
            f"{path}, key `base`: the config {spec.base!r} does not exist (looked for {base})."
        )
    for key in spec.set:
        check_key(key, label=f"{path}, key `set`: config key")
    load_config(base, fixed_overrides(spec))
    for key, prior in spec.parameters.items():
        check_free_key(path, key, prior)
    return spec


def fixed_overrides(spec: CalibrationSpec) -> list[str]:
    """The spec's ``set`` as ``KEY=VALUE`` overrides."""
    return [f"{k}={v}" for k, v in spec.set.items()]


def check_free_key(path: Path, key: str, prior: Prior) -> None:
    """A free parameter must be a numeric key of the schema and its prior's bounds inside its
    range."""
    parts = check_key(key, label=f"{path}, key `parameters`: config key")
    loc = tuple(int(p) if p.isdigit() else p for p in parts)
    field = field_at(loc, Config)
    where = f"{path}, key `parameters.{key}`"
    if field is None:  # an item of a list (events.0.value): the config validates each draw
        return
    if field.annotation not in (int, float):
        raise ConfigError(
            f"{where}: the config key holds a "
            f"{getattr(field.annotation, '__name__', field.annotation)}, not a number, so it "
            "cannot have a prior; free parameters are numeric keys (see docs/parameters.md)."
        )
    lo, hi = bounds(field)
    if (lo is not None and prior.low < lo) or (hi is not None and prior.high > hi):
        raise ConfigError(
            f"{where}: the prior's bounds [{prior.low}, {prior.high}] reach outside the key's "
            f"allowed range {lo} .. {hi} (docs/parameters.md); keep them inside it."
        )
    if field.annotation is int and math.floor(prior.high) < math.ceil(prior.low):
        raise ConfigError(
            f"{where}: the key holds whole numbers and no whole number lies in "
            f"[{prior.low}, {prior.high}]; widen the bounds."
        )


def is_integer(key: str) -> bool:
    """Whether the config key holds whole numbers (a draw is then rounded)."""
    loc = tuple(int(p) if p.isdigit() else p for p in key.split("."))
    field = field_at(loc, Config)
    return field is not None and field.annotation is int
