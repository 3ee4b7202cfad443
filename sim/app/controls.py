"""The dashboard's controls: which config key each one sets, its range and unit, and the model
built from them (no Solara here).

``KEYS`` is the one table from a control to the config key it sets (the same dotted keys as
``sim run --set``); ``CONTROLS`` says how each is shown. A control left at None keeps the
scenario's value.
"""

from __future__ import annotations

import math
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..commands.viz import CONFIG_ENV, resolve_config
from ..config import Config, apply_override, config_from_dict, load_config
from ..model import CrisisModel

KEYS = {
    "legitimacy": "host.legitimacy",
    "alignment": "host.alignment",
    "police_loyalty": "host.forces.police.loyalty",
    "can_request": "host.can_request",
    "sanctions_credibility": "west.sanctions_credibility",
    "forces_available": "russia.forces_available",
    "rule": "russia.rule",
}
"""Control -> the config key it sets (dotted, as ``--set``). The price shock and the biases have
their own handling (:func:`configure`)."""

BIASED = ("support", "opposition", "feasibility", "costs")
"""Factors with a perception-bias control (``russia.perception.bias``)."""
RULES = ("all_five", "weighted")


@dataclass(frozen=True)
class Control:
    """How a control is shown: label, range, step and unit (``fmt`` formats its value)."""

    name: str
    label: str
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.05
    unit: str = ""
    fmt: str = "{:.2f}"
    help: str = ""

    def show(self, value) -> str:
        """The value as the page shows it, with its unit."""
        text = self.fmt.format(value)
        return f"{text} {self.unit}".strip()


CONTROLS = (
    Control(
        "legitimacy",
        "Host legitimacy",
        step=0.01,
        unit="(0-1)",
        help="how just the government seems to its citizens (Epstein's L)",
    ),
    Control(
        "price_shock",
        "Price shock",
        unit="hardship",
        help="hardship added by the scenario's first hardship shock",
    ),
    Control("alignment", "Host alignment", -1.0, 1.0, fmt="{:+.2f}", unit="(-1 West, +1 Russia)"),
    Control(
        "police_loyalty",
        "Police loyalty",
        unit="(0-1)",
        help="mean threshold at which police leave their posts as the regime looks set to fall",
    ),
    Control("sanctions_credibility", "West: sanctions credibility", unit="(0-1)"),
    Control(
        "forces_available", "Russian forces available", 0, 100_000, 1000, "soldiers", "{:,.0f}"
    ),
    *(
        Control(
            f"bias_{f}",
            f"Moscow's bias: {f}",
            -1.0,
            1.0,
            fmt="{:+.2f}",
            help=f"added to the {f} Moscow perceives",
        )
        for f in BIASED
    ),
)
"""The sliders, in the order the sidebar shows them (``can_request``, ``rule`` and the seed are a
checkbox, a choice and a text box)."""
SLIDERS = {c.name: c for c in CONTROLS}


def config_path() -> Path:
    """The scenario shown: ``$SIM_VIZ_CONFIG``, else the baseline."""
    return resolve_config(os.environ.get(CONFIG_ENV))


def base_config() -> Config:
    return load_config(config_path())


def _get(cfg: Config, key: str):
    value = cfg
    for part in key.split("."):
        value = getattr(value, part)
    return value


def _hardship_events(cfg: Config) -> list[int]:
    return [i for i, ev in enumerate(cfg.events) if ev.kind == "hardship_shock"]


def control_values(cfg: Config) -> dict:
    """The controls' values in a config (the dashboard's starting values)."""
    values = {name: _get(cfg, key) for name, key in KEYS.items()}
    values["forces_available"] = int(values["forces_available"])
    shocks = _hardship_events(cfg)
    values["price_shock"] = cfg.events[shocks[0]].value if shocks else 0.0
    bias: dict[str, float] = {str(k): v for k, v in cfg.russia.perception.bias.items()}
    for f in BIASED:
        values[f"bias_{f}"] = bias.get(f, 0.0)
    return values


def slider_range(cfg: Config, name: str) -> tuple[float, float]:
    """A slider's range; the forces' reaches at least twice the scenario's value."""
    c = SLIDERS[name]
    if name == "forces_available":
        need = math.ceil(control_values(cfg)[name] * 2 / 10_000) * 10_000
        return c.lo, max(c.hi, need)
    return c.lo, c.hi


def configure(base: Config, **controls) -> Config:
    """The base config with the controls applied; a control left at None keeps its value.

    The keys of ``KEYS`` go through :func:`~sim.config.apply_override` (the same path as
    ``--set``); the price shock sets the first ``hardship_shock`` event's value (adding one on day 0
    if there is none), and the biases set ``russia.perception.bias``. The result is validated like
    any config.
    """
    data = base.model_dump(mode="python")
    for name, key in KEYS.items():
        value = controls.get(name)
        if value is not None:
            apply_override(data, f"{key}={value}")
    shock = controls.get("price_shock")
    if shock is not None:
        shocks = _hardship_events(base)
        if shocks:
            data["events"][shocks[0]]["value"] = float(shock)
        elif shock > 0:
            data["events"].append(
                {"day": 0, "kind": "hardship_shock", "value": float(shock), "duration": 2}
            )
    bias = dict(data["russia"]["perception"]["bias"])
    for f in BIASED:
        value = controls.get(f"bias_{f}")
        if value is not None:
            bias[f] = float(value)
    data["russia"]["perception"]["bias"] = {f: v for f, v in bias.items() if v != 0.0}
    return config_from_dict(data, source=f"dashboard controls on {config_path()}")


def seed_of(text) -> int | None:
    """The seed box's value as a seed: a whole number, any other text hashed, blank for none."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        return int(text)
    except (TypeError, ValueError):
        return zlib.crc32(str(text).encode())  # any text is a seed


class DashboardModel(CrisisModel):
    """A :class:`~sim.model.CrisisModel` built from the controls (None keeps the scenario's value)
    and the seed box's text; ``controls`` holds the values it was built with."""

    def __init__(
        self, controls: dict | None = None, seed: int | str | None = 0, base: Config | None = None
    ):
        config = configure(base or base_config(), **(controls or {}))
        self.seed = seed_of(seed)
        super().__init__(config, rng=self.seed)
        self.controls = control_values(config)


def changed(applied: dict, chosen: dict) -> dict:
    """Controls whose chosen value differs from the running model's: name -> (applied, chosen)."""
    return {k: (applied[k], v) for k, v in chosen.items() if k in applied and v != applied[k]}


def show(name: str, value) -> str:
    """A control's value as the page shows it."""
    if name in SLIDERS:
        return SLIDERS[name].show(value)
    if name == "can_request":
        return "yes" if value else "no"
    return str(value)


LABELS = {
    **{c.name: c.label for c in CONTROLS},
    "can_request": "Host may request help",
    "rule": "Decision rule",
}
