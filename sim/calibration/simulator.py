"""One calibration simulation: a parameter draw -> a config -> one run -> the targets' statistics.

pyabc calls :class:`Simulator` with a dict of parameter values (config keys). The draw is applied to
the base config (with the spec's fixed overrides) as ``--set`` overrides are, validated, run once
with a seed drawn from numpy's global generator (which the sampler seeds per batch, so every batch
is reproducible), and summarised. A statistic that is a day that never came within the horizon (no
request, no withdrawal) counts as the horizon: "not within the run" is the farthest a day can be,
so a draw that never withdraws is far from a history that did. Booleans count as 0 or 1.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

import numpy as np

from ..config import Config
from ..config.load import apply_override, config_from_dict
from .spec import is_integer


def statistic_value(summary: Mapping, statistic: str, horizon: int) -> float:
    """A summary row's value of ``statistic`` as a number (a day never reached -> the horizon)."""
    value = summary.get(statistic)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return float(horizon)
    return float(value)


class Simulator:
    """pyabc's model: parameter dict -> {target name: value}; picklable, holds only plain data.

    Args:
        base: the base config (the spec's fixed overrides applied).
        targets: (target name, summary statistic) pairs.
        keys: the free parameters' config keys.
    """

    def __init__(self, base: Config, targets: Sequence[tuple[str, str]], keys: Sequence[str]):
        self.base = base.model_dump(mode="json")
        self.targets = list(targets)
        self.integer = {k: is_integer(k) for k in keys}

    def config(self, params: Mapping[str, float]) -> Config:
        """The base config with one draw of the free parameters applied."""
        return draw_config(self.base, params, self.integer)

    def run(self, params: Mapping[str, float], seed: int) -> dict[str, float]:
        """The targets' values in one run of the draw ``params`` with ``seed``."""
        from ..runner import simulate

        config = self.config(params)
        _, summary, _ = simulate(config, seed)
        return {
            name: statistic_value(summary, stat, config.horizon_days) for name, stat in self.targets
        }

    def __call__(self, params: Mapping[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**63 - 1, dtype=np.int64))
        return self.run(params, seed)


def draw_config(
    base: dict, params: Mapping[str, float], integer: Mapping[str, bool] | None = None
) -> Config:
    """``base`` (a config as plain data) with ``params`` (config key -> value) applied and
    validated; keys that hold whole numbers are rounded."""
    data = copy.deepcopy(base)
    for key, value in params.items():
        number = float(value)
        text = str(int(round(number))) if (integer or {}).get(key) else repr(number)
        apply_override(data, f"{key}={text}", label="the calibration's draw")
    return config_from_dict(data, source="a calibration draw")
