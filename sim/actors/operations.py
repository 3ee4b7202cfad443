"""What Moscow does with a verdict (docs/model.md 7.12): launch, conduct, scale back, withdraw.

A mixin of :class:`~sim.actors.russia.Russia`, kept apart so each module reads in one sitting: the
methods here act on the verdict of the day (and Moscow's states, ``RussiaState``, live here);
``russia.py`` builds the situation, scores the menu, learns and records.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from .. import decision as dc
from ..decision import Form, Outcome

if TYPE_CHECKING:
    from ..config.schema import RussiaParams
    from ..model import CrisisModel

SCALE_BACK_ORDER = (Form.LIMITED, Form.COVERT)
"""The smaller options an operation against the host can scale back to, strongest first."""
TOP_UP_MARGIN = 0.1
"""An operation is topped up when short of its force by more than this share (assumption)."""


class RussiaState(StrEnum):
    """Moscow's decision state, from one day to the next."""

    WATCHING = "watching"
    DELAYING = "delaying"
    DECLINED = "declined"
    DEPLOYED = "deployed"
    SUPPORTING = "supporting"  # covert support to proxies flows; no Russian units on the front
    WITHDRAWING = "withdrawing"
    WITHDRAWN = "withdrawn"


class Operations:
    """Acting on the day's verdict (mixed into ``Russia``; every field written is Russia's own)."""

    if TYPE_CHECKING:  # what the mixin uses of Russia (sim/actors/russia.py), declared for mypy
        model: CrisisModel
        cfg: RussiaParams
        state: RussiaState
        form: Form
        event: str
        limited: bool
        answered: bool
        at_aim: bool
        calm_days: int
        failing_days: int
        covert_force: float
        _op_base: tuple[float, float]

        def available(self) -> float: ...
        def _may_weigh(self, form: Form) -> bool: ...
        def _record_failure(self, form: Form) -> None: ...

    def _act(self, verdict: dc.Verdict, s: dc.Situation) -> tuple[Outcome, float]:
        ledger = self.model.ledger
        if self.state == RussiaState.WITHDRAWING:
            if ledger.total > 0:
                return Outcome.WITHDRAW, 0.0
            self.state = RussiaState.WITHDRAWN
            self.form = Form.NONE
        if self.state == RussiaState.SUPPORTING:
            return self._support(verdict, s)
        if self.state == RussiaState.DEPLOYED:
            if self.form in dc.HOSTILE_FORMS:
                return self._conduct(verdict, s)
            return self._hold(verdict, s)
        if verdict.outcome in (Outcome.DEPLOY, Outcome.LIMITED):
            return self._launch(verdict, s)
        if verdict.outcome == Outcome.DELAY:
            self.state = RussiaState.DELAYING
        elif verdict.outcome == Outcome.DECLINE:
            self.state = RussiaState.DECLINED
        elif self.state != RussiaState.WITHDRAWN:
            self.state = RussiaState.WATCHING
        return verdict.outcome, 0.0

    # --- launching --------------------------------------------------------------------------------

    def _launch(self, verdict: dc.Verdict, s: dc.Situation) -> tuple[Outcome, float]:
        """Carry out the option the rule took: covert support, or troops sized to the option's
        aim."""
        form, war = verdict.form, self.model.war
        if form == Form.COVERT:
            self.covert_force = min(self.available(), dc.force_required(s, self.cfg, form))
            war.supply_covert(self.cfg.options.covert_effect)
            self.state, self.form, self.event = RussiaState.SUPPORTING, form, "launch"
            return verdict.outcome, 0.0
        ordered = self._send(verdict.size_factor, s, form)
        if ordered <= 0:
            return Outcome.DELAY, 0.0  # nothing left to send
        self.state, self.form, self.event = RussiaState.DEPLOYED, form, "launch"
        self.answered = self.model.host.requested
        self.limited = verdict.outcome == Outcome.LIMITED
        self.calm_days = 0
        self._op_base = (ordered, self.model.war.russian_losses)
        self.at_aim = False
        self.failing_days = 0
        if form in dc.HOSTILE_FORMS:
            war.supply_covert(0.0)
            war.open_operation(form == Form.FULL, 1.0 if form == Form.FULL else s.region_share)
        return verdict.outcome, ordered

    def _send(self, size_factor: float, s: dc.Situation, form: Form) -> float:
        """Order ``size_factor`` of the option's force, less what is there; forces already stationed
        in the host join at once, the rest land after ``lead_time_days``."""
        ledger = self.model.ledger
        want = (
            size_factor * dc.force_required(s, self.cfg, form)
            - ledger.on_ground[0]
            - ledger.in_transit(0)
        )
        size = max(0.0, min(self.available(), want))
        in_place = (
            min(size, max(0.0, self.cfg.forces_in_host - ledger.sent[0]))
            if form != Form.PEACEKEEPING
            else 0.0
        )
        ledger.order(0, in_place, 0)
        ledger.order(0, size - in_place, self.cfg.lead_time_days)
        return size

    # --- a guard mission or peacekeepers ----------------------------------------------------------

    def _hold(self, verdict: dc.Verdict, s: dc.Situation) -> tuple[Outcome, float]:
        """A guard mission withdraws once order holds; a token force is topped up when the rule
        passes in full; peacekeepers stay while the ceasefire holds."""
        if self._should_withdraw():
            self._withdraw(failed=False)
            return Outcome.WITHDRAW, 0.0
        if self.limited and verdict.outcome == Outcome.DEPLOY and verdict.form == self.form:
            self.limited = False
            self.event = "top_up"
            return Outcome.DEPLOY, self._send(verdict.size_factor, s, self.form)
        return (Outcome.LIMITED if self.limited else Outcome.DEPLOY), 0.0

    def _should_withdraw(self) -> bool:
        m = self.model
        if m.ledger.on_ground[0] <= 0 or self.form == Form.PEACEKEEPING:
            return False
        calm = (
            m.order_restored
            and m.host.regime_threat < m.host.cfg.threatened_threshold
            and m.host.forces_hold()
        )
        self.calm_days = self.calm_days + 1 if calm else 0
        return self.calm_days >= self.cfg.withdraw_calm_days

    # --- an operation against the host ------------------------------------------------------------

    def _conduct(self, verdict: dc.Verdict, s: dc.Situation) -> tuple[Outcome, float]:
        """An operation under way: withdraw, scale back, escalate, top up, or hold (consolidate at
        the aim).

        It is abandoned when its losses pass ``attrition.withdraw_loss_share`` of its force, or,
        while its aim is not reached, ``loss_tolerance``; and when one of its own factors (scored as
        a continuing operation: forces on the ground count, sanctions in force are sunk) has clearly
        failed on ``abandon_days`` days in a row (a war plan is not changed on one day's reading).
        Abandoned, it scales back to the strongest smaller option none of whose factors clearly
        fail, or withdraws. A stronger option that passes in full is escalated to.
        """
        war, cfg = self.model.war, self.cfg
        force, lost0 = self._op_base
        lost = (war.russian_losses - lost0) / max(1.0, force)
        own = verdict.options.get(self.form)
        failing = own is None or "fail" in own.status.values()
        self.failing_days = self.failing_days + 1 if failing else 0
        too_costly = lost >= self.model.cfg.attrition.withdraw_loss_share or (
            not war.aim_reached and lost >= cfg.loss_tolerance
        )
        if self.failing_days >= cfg.abandon_days or too_costly:
            return self._scale_back(verdict, s)
        if failing:
            return Outcome.DEPLOY, 0.0
        if (
            verdict.form in dc.HOSTILE_FORMS
            and dc.FORM_RANK[verdict.form] > dc.FORM_RANK[self.form]
            and verdict.outcome == Outcome.DEPLOY
        ):
            self.form, self.event = verdict.form, "escalate"
            war.open_operation(True, 1.0)
            return Outcome.DEPLOY, self._top_up(verdict.size_factor, s)
        if war.aim_reached and not self.at_aim:
            self.event = "consolidate"
        self.at_aim = war.aim_reached
        assert own is not None  # a missing option counts as failing, handled above
        size = own.size_factor if own.outcome == Outcome.DEPLOY else 1.0
        return Outcome.DEPLOY, self._top_up(size, s)

    def _top_up(self, size_factor: float, s: dc.Situation) -> float:
        ledger = self.model.ledger
        want = size_factor * dc.force_required(s, self.cfg, self.form)
        have = ledger.on_ground[0] + ledger.in_transit(0)
        if want <= (1.0 + TOP_UP_MARGIN) * have:
            return 0.0
        size = max(0.0, min(self.available(), want - have))
        ledger.order(0, size, self.cfg.lead_time_days)
        force, lost0 = self._op_base
        self._op_base = (force + size, lost0)
        if size > 0 and not self.event:
            self.event = "top_up"
        return size

    def _scale_back(self, verdict: dc.Verdict, s: dc.Situation) -> tuple[Outcome, float]:
        """Give up the option in force for the strongest smaller one not clearly failing, or
        withdraw."""
        war = self.model.war
        self._record_failure(self.form)
        for form in SCALE_BACK_ORDER:
            option = verdict.options.get(form)
            if dc.FORM_RANK[form] >= dc.FORM_RANK[self.form] or option is None:
                continue
            if "fail" in option.status.values() or not self._may_weigh(form):
                continue
            self.event = "scale_back"
            if form == Form.LIMITED:
                self.form = form
                war.scale_back(s.region_share)
                ledger = self.model.ledger
                self._op_base = (ledger.on_ground[0] + ledger.in_transit(0), war.russian_losses)
                self.failing_days = 0
                return Outcome.DEPLOY, 0.0
            self._withdraw(failed=False)
            self.covert_force = min(self.cfg.forces_available, dc.force_required(s, self.cfg, form))
            war.supply_covert(self.cfg.options.covert_effect)
            self.form, self.state = form, RussiaState.SUPPORTING
            return Outcome.WITHDRAW, 0.0
        self._withdraw(failed=True)
        return Outcome.WITHDRAW, 0.0

    def _withdraw(self, failed: bool) -> None:
        if failed:
            self.event = "withdraw_failed"
        elif not self.event:
            self.event = "withdraw"
        self.model.ledger.start_withdrawal(self.cfg.withdrawal_days)
        self.model.war.end_operation()
        self.state = RussiaState.WITHDRAWING

    # --- covert support ---------------------------------------------------------------------------

    def _support(self, verdict: dc.Verdict, s: dc.Situation) -> tuple[Outcome, float]:
        """Covert support goes on while its factors hold; a stronger option that passes replaces
        it."""
        own = verdict.options.get(Form.COVERT)
        if (
            dc.FORM_RANK[verdict.form] > dc.FORM_RANK[Form.COVERT]
            and verdict.outcome == Outcome.DEPLOY
        ):
            self.covert_force = 0.0
            self.state = RussiaState.WATCHING
            return self._launch(verdict, s)
        if own is None or "fail" in own.status.values():
            self._record_failure(Form.COVERT)
            self.covert_force = 0.0
            self.model.war.supply_covert(0.0)
            self.state, self.form, self.event = RussiaState.WATCHING, Form.NONE, "stop_covert"
            return verdict.outcome, 0.0
        return Outcome.DEPLOY, 0.0
