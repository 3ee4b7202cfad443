"""CSTO allies (docs/model.md 2 and 7.13)."""

from __future__ import annotations

import math

from ..component import Component, Reporter
from ..config.names import ally_column


class Ally(Component):
    """One CSTO ally: whether it joins a Russian-led deployment, and its domestic unrest.

    Joining: decided once, on the first day Russia has a deployment under way in a friendly CSTO
    host (never against a hostile host): join iff ``willingness - unrest_aversion * unrest + e >
    join_threshold`` with e ~ N(0, 0.1). A contingent of ``capacity`` follows Russia's lead time.

    Unrest, a mean-field threshold model (Granovetter 1978): a share u of the public protests; each
    citizen's threshold ~ N(threshold_mean, threshold_sd); pushes p raise the effective
    participation::

        p = join_push [contingent sent] + demonstration * host active share
            - deterrence [order restored]
        target = u0 + (1 - u0) * Phi((u + p - threshold_mean) / threshold_sd)
        u <- u + adjustment * (target - u)

    Each ally draws from its own stream, ``ally:<name>``.

    Args:
        model: the crisis model.
        cfg: this ally's config entry.
        shared: the ``allies`` section (shared response parameters).
        index: this ally's column among the troop-contributing countries.
    """

    def __init__(self, model, cfg, shared, index: int):
        super().__init__(model, cfg, f"ally:{cfg.name}")
        self.shared, self.index = shared, index
        self.name = cfg.name
        self.unrest = cfg.unrest
        self.decided = False
        self.joined = False

    def step(self) -> None:
        russia, host = self.model.russia, self.model.host
        if (
            not self.decided
            and russia.operation_under_way
            and host.friendly
            and host.cfg.csto_member
        ):
            self.decided = True
            noise = self.stream.normal(0.0, 0.1)
            self.joined = (
                self.cfg.willingness - self.shared.unrest_aversion * self.unrest + noise
                > self.shared.join_threshold
            )
            if self.joined:
                self.model.ledger.order(self.index, self.cfg.capacity, russia.cfg.lead_time_days)
        self._update_unrest()

    def _update_unrest(self) -> None:
        s, cfg = self.shared, self.cfg
        restored = self.model.russia.operation_under_way and self.model.order_restored
        push = (
            s.join_push * bool(self.model.ledger.on_ground[self.index] > 0)
            + s.demonstration * self.model.city_stats.active_share
            - s.deterrence * restored
        )
        z = (self.unrest + push - cfg.threshold_mean) / cfg.threshold_sd
        target = cfg.unrest + (1.0 - cfg.unrest) * 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
        self.unrest += s.adjustment * (target - self.unrest)

    def columns(self) -> dict[str, Reporter]:
        return {f"unrest_{ally_column(self.name)}": lambda: self.unrest}
