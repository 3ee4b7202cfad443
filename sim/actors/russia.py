"""Moscow (docs/model.md 2 and 7.10-7.12): reads the situation, perceives the five factors, decides, acts."""

from __future__ import annotations

import math
from enum import StrEnum

from .. import decision as dc
from ..component import Component
from ..decision import Outcome


class RussiaState(StrEnum):
    """Moscow's decision state, from one day to the next."""

    WATCHING = "watching"
    DELAYING = "delaying"
    DECLINED = "declined"
    DEPLOYED = "deployed"
    WITHDRAWING = "withdrawing"
    WITHDRAWN = "withdrawn"


class Russia(Component):
    """Moscow's decision state, forces, reputation and decision log.

    Each day: build the :class:`~sim.decision.Situation` from the model; score the six factors as
    they are (``factors_true``) and as Moscow perceives them (``factors_perceived``); apply the
    configured rule to the perceived factors; then act on the verdict:

    - watching, delaying, declined or withdrawn: ``deploy`` or ``limited`` sends a force of the
      verdict's share of the force required, capped by the forces available, landing after
      ``lead_time_days``; a move without an invitation against a pro-Western host opens the
      hostile-host mode (Lanchester attrition, docs/model.md 7.14);
    - deployed: a limited force is brought up to strength when the rule passes in full; the
      force withdraws after ``withdraw_calm_days`` of order with a secure regime, or, in the
      hostile mode, after losing ``attrition.withdraw_loss_share`` of what it sent;
    - withdrawing: the phased withdrawal runs over ``withdrawal_days``.

    A deployment on the ground longer than ``reputation_grace_days`` without restoring order (or,
    in the hostile mode, without breaking the host army) costs ``reputation_loss`` a day.

    Other components change Moscow only through ``commit_elsewhere`` (a scenario event).

    Two random streams: ``russia`` (perception noise, every day) and ``russia.decision`` (the
    weighted rule's one uniform draw per run, ``latent_threshold``).

    Args:
        model: the crisis model.
        cfg: the ``russia`` config section.
    """

    def __init__(self, model, cfg):
        super().__init__(model, cfg, "russia")
        self.latent_threshold = float(model.stream("russia.decision").random())  # the weighted rule's, for this run
        self.state = RussiaState.WATCHING
        self.outcome = Outcome.WATCH
        self.limited = False
        self.hostile = False
        self.answered = False  # a request counts as answered once troops are sent for it
        self._sent_before = self._lost_before = 0.0  # forces' totals when this operation began
        self.reputation = cfg.reputation
        self.committed_elsewhere = cfg.committed_elsewhere
        self.calm_days = 0
        self.days_on_ground = 0
        self.factors_true = {f: math.nan for f in dc.FACTORS}
        self.factors_perceived = dict(self.factors_true)
        self.verdict: dc.Verdict | None = None
        self.log: list[dict] = []

    @property
    def operation_under_way(self) -> bool:
        return self.state == RussiaState.DEPLOYED

    def commit_elsewhere(self, troops: float) -> None:
        """Forces tied up in another theatre from today (overstretch): fewer are available here."""
        self.committed_elsewhere += troops

    def available(self) -> float:
        """Forces Moscow can still send: available, less those committed elsewhere or already sent."""
        forces = self.model.ledger
        used = self.committed_elsewhere + forces.on_ground[0] + forces.in_transit(0)
        return max(0.0, self.cfg.forces_available - used)

    def situation(self) -> dc.Situation:
        m, host, west = self.model, self.model.host, self.model.west
        stats = m.city_stats
        n_sites = stats.sites_held + stats.sites_lost
        return dc.Situation(
            alignment=host.alignment,
            requested=host.requested,
            regime_threat=host.regime_threat,
            sites_lost_share=stats.sites_lost / max(1, n_sites),
            unrest_index=host.unrest_index,
            event_trigger=m.trigger.level,
            separatist_support=host.cfg.separatist_support,
            pro_russian_population=host.cfg.pro_russian_population,
            host_army=host.army,
            expected_aid=west.expected_aid(self.cfg.aid_horizon_days),
            west_military=west.military_response,
            forces_available=self.available(),
            sanction_signal=west.expected_sanctions,
            reputation=self.reputation,
            population_m=host.cfg.population_m,
            n_sites=n_sites,
            nato_bid=self.cfg.nato_bid,
            forces_in_host=self.cfg.forces_in_host,
            opponent_forces=host.cfg.opponent_forces,
        )

    def step(self) -> None:
        if not self.cfg.enabled:
            return
        situation = self.situation()
        friendly_severity = self.model.west.cfg.friendly_severity
        self.factors_true = dc.true_factors(situation, self.cfg, friendly_severity)
        self.factors_perceived = dc.perceive(self.factors_true, self.cfg.perception, self.stream)
        pending = self.model.host.requested and not self.answered
        self.verdict = dc.decide(self.factors_perceived, self.cfg, pending, self.latent_threshold)
        self.outcome, ordered = self._act(self.verdict, situation)
        self._update_reputation()
        self._log(pending, ordered)

    def _act(self, verdict: dc.Verdict, situation: dc.Situation) -> tuple[Outcome, float]:
        ledger = self.model.ledger
        if self.state == RussiaState.WITHDRAWING:
            if ledger.total > 0:
                return Outcome.WITHDRAW, 0.0
            self.state = RussiaState.WITHDRAWN
        if self.state == RussiaState.DEPLOYED:
            if self._should_withdraw():
                ledger.start_withdrawal(self.cfg.withdrawal_days)
                self.state = RussiaState.WITHDRAWING
                return Outcome.WITHDRAW, 0.0
            if self.limited and verdict.outcome == Outcome.DEPLOY:
                self.limited = False
                return Outcome.DEPLOY, self._send(verdict.size_factor, situation)
            return (Outcome.LIMITED if self.limited else Outcome.DEPLOY), 0.0
        if verdict.outcome in (Outcome.DEPLOY, Outcome.LIMITED):
            ordered = self._send(verdict.size_factor, situation)
            if ordered > 0:
                self.state = RussiaState.DEPLOYED
                self.answered = self.model.host.requested
                self.limited = verdict.outcome == Outcome.LIMITED
                self.hostile = not situation.requested and situation.alignment < 0
                self._sent_before, self._lost_before = ledger.sent[0], ledger.lost[0]
                self.calm_days = 0
                return verdict.outcome, ordered
            return Outcome.DELAY, 0.0  # nothing left to send
        if verdict.outcome == Outcome.DELAY:
            self.state = RussiaState.DELAYING
        elif verdict.outcome == Outcome.DECLINE:
            self.state = RussiaState.DECLINED
        elif self.state != RussiaState.WITHDRAWN:
            self.state = RussiaState.WATCHING
        return verdict.outcome, 0.0

    def _send(self, size_factor: float, situation: dc.Situation) -> float:
        want = size_factor * dc.force_required(situation, self.cfg) - self.model.ledger.on_ground[0]
        size = max(0.0, min(self.available(), want))
        self.model.ledger.order(0, size, self.cfg.lead_time_days)
        return size

    def _should_withdraw(self) -> bool:
        m = self.model
        if m.ledger.on_ground[0] <= 0:
            return False
        if self.hostile:
            sent = m.ledger.sent[0] - self._sent_before
            lost = m.ledger.lost[0] - self._lost_before
            return lost >= m.cfg.attrition.withdraw_loss_share * sent
        calm = m.order_restored and m.host.regime_threat < m.host.cfg.threatened_threshold
        self.calm_days = self.calm_days + 1 if calm else 0
        return self.calm_days >= self.cfg.withdraw_calm_days

    def _update_reputation(self) -> None:
        m = self.model
        if m.ledger.on_ground[0] <= 0:
            return
        self.days_on_ground += 1
        done = m.war.host_army_broken if self.hostile else m.order_restored
        if self.days_on_ground > self.cfg.reputation_grace_days and not done:
            self.reputation = max(0.0, self.reputation - self.cfg.reputation_loss)

    def _log(self, pending: bool, ordered: float) -> None:
        v = self.verdict
        row = {
            "day": self.model.day,
            "outcome": self.outcome.value,
            "state": self.state.value,
            "rule": self.cfg.rule,
            "rule_verdict": v.outcome.value,
            "score": v.score,
            "p_deploy": v.probability,
            "request_pending": pending,
            "troops_ordered": int(round(ordered)),  # whole soldiers
            "failed": ",".join(f for f, s in v.status.items() if s == "fail"),
            "near_miss": ",".join(f for f, s in v.status.items() if s == "near"),
        }
        for f in dc.FACTORS:
            row[f"{f}_perceived"] = self.factors_perceived[f]
            row[f"{f}_true"] = self.factors_true[f]
        for f, s in v.status.items():
            row[f"{f}_status"] = s
        self.log.append(row)

    def columns(self) -> dict:
        cols = {"decision": lambda: self.outcome.value, "russia_state": lambda: self.state.value}
        for f in dc.FACTORS:
            cols[f"{f}_perceived"] = lambda f=f: self.factors_perceived[f]
            cols[f"{f}_true"] = lambda f=f: self.factors_true[f]
            cols[f"{f}_gap"] = lambda f=f: self.factors_perceived[f] - self.factors_true[f]
        cols["reputation"] = lambda: self.reputation
        return cols
