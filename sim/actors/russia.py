"""Moscow (docs/model.md 7.10-7.12): reads the situation, scores the menu of options, decides,
acts."""

from __future__ import annotations

import dataclasses
import math

from .. import decision as dc
from ..component import Component, Reporter, bound
from ..decision import Form, Outcome
from .operations import Operations, RussiaState

__all__ = ["Russia", "RussiaState"]
NO_FACTORS = {f: math.nan for f in dc.FACTORS}
FACTOR_KEYS = tuple((f, f"{f}_perceived", f"{f}_true") for f in dc.FACTORS)


class Russia(Operations, Component):
    """Moscow's decision state, forces, reputation, what it has learned, and its decision log.

    Each day: build the :class:`~sim.decision.Situation` from the model; score every applicable
    option's six factors as they are (``menu_true``) and as Moscow perceives them (true + bias +
    what it has learned + today's noise, one draw per factor shared by all options); apply the
    configured rule to the menu (``decision.choose``); then act on the verdict (``Operations``):
    launch the option taken, conduct an operation under way (top up, consolidate at its aim, scale
    back to a smaller option or withdraw when losses or its factors fail), or withdraw a guard
    mission once order holds. The option in force is ``form``.

    **Learning** (docs/model.md 7.11; ``decision.learning``): before scoring, the learned
    corrections of opposition (on days its troops fought) and costs (on days sanctions are in force)
    move toward what Moscow observed. An option whose operation failed is not weighed again unless
    its true factors' weakest slack has improved by ``learning.retry_margin`` since (``failed``).

    A deployment on the ground longer than ``reputation_grace_days`` without its job done (order
    restored; against a hostile host, its aim reached) costs ``reputation_loss`` a day.

    Other components change Moscow only through ``commit_elsewhere`` (a scenario event).

    Two random streams: ``russia`` (perception noise, every day) and ``russia.decision`` (the
    weighted rule's one uniform draw per run, ``latent_threshold``).

    Args:
        model: the crisis model.
        cfg: the ``russia`` config section.
    """

    def __init__(self, model, cfg):
        super().__init__(model, cfg, "russia")
        self.latent_threshold = float(
            model.stream("russia.decision").random()
        )  # the weighted rule's, for this run
        self.state = RussiaState.WATCHING
        self.outcome = Outcome.WATCH
        self.form = Form.NONE
        self.limited = False
        self.answered = False  # a request counts as answered once troops are sent for it
        self.reputation = cfg.reputation
        self.committed_elsewhere = cfg.committed_elsewhere
        self.covert_force = 0.0
        self.calm_days = 0
        self.days_on_ground = 0
        self.learned = {f: 0.0 for f in dc.LEARNED}
        self.failed: dict[Form, float] = {}
        self.event = ""
        self.at_aim = False  # the operation under way holds its aim (consolidating)
        self.failing_days = (
            0  # consecutive days a factor of the operation under way has clearly failed
        )
        self._op_base = (0.0, 0.0)  # (force, Russian losses) when the operation under way began
        self.factors_true = {f: math.nan for f in dc.FACTORS}
        self.factors_perceived = dict(self.factors_true)
        self.menu_true: dict[Form, dict[str, float]] = {}
        self.menu_perceived: dict[Form, dict[str, float]] = {}
        self.verdict: dc.Verdict | None = None
        self.status: dict[str, str] = {}  # the shown option's pass / near / fail per rule factor
        self._situation: dc.Situation | None = None
        self.log: list[dict] = []

    @property
    def hostile(self) -> bool:
        """An operation against the host is under way: Russian units fight its army (the war)."""
        return self.form in dc.HOSTILE_FORMS and self.state in (
            RussiaState.DEPLOYED,
            RussiaState.WITHDRAWING,
        )

    @property
    def in_city(self) -> bool:
        """Troops on the ground stand at the capital's sites (a guard mission, as the CSTO in
        Almaty)."""
        return self.form in (Form.GUARD, Form.NONE)

    @property
    def operation_under_way(self) -> bool:
        return self.state == RussiaState.DEPLOYED

    def commit_elsewhere(self, troops: float) -> None:
        """Forces tied up in another theatre from today (overstretch): fewer are available here."""
        self.committed_elsewhere += troops

    def available(self) -> float:
        """Forces Moscow can still send: less those committed elsewhere or covertly, sent, or
        lost."""
        forces = self.model.ledger
        used = (
            self.committed_elsewhere
            + self.covert_force
            + forces.on_ground[0]
            + forces.in_transit(0)
            + forces.lost[0]
        )
        return max(0.0, self.cfg.forces_available - used)

    def situation(self) -> dc.Situation:
        m, host, west, war = self.model, self.model.host, self.model.west, self.model.war
        stats = m.city_stats
        n_sites = stats.sites_held + stats.sites_lost
        region = host.cfg.region
        ledger = m.ledger
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
            region_share=region.territory_share,
            region_defenders=war.region_defenders(),
            region_population=region.pro_russian_population,
            separatist_forces=war.separatists,
            separatist_territory=war.territory,
            sanctions=west.sanctions,
            ceasefire=war.ceasefire,
            consent=war.consents(host.alignment, self.cfg.options.consent_alignment),
            contact_line_km=region.contact_line_km,
            forces_on_ground=ledger.on_ground[0] + ledger.in_transit(0) + self.covert_force,
            incumbent_stance=self.cfg.incumbent_stance,
            under_way=self.form
            if self.state in (RussiaState.DEPLOYED, RussiaState.SUPPORTING)
            and self.form not in (Form.GUARD, Form.PEACEKEEPING)
            else Form.NONE,
        )

    def step(self) -> None:
        if not self.cfg.enabled:
            return
        s = self._situation = self.situation()
        west = self.model.west.cfg
        self.menu_true = dc.menu_factors(s, self.cfg, west)
        self._learn(s)
        noise = dc.noise_draw(self.cfg.perception, self.stream)
        self.menu_perceived = {
            f: dc.perceive(t, self.cfg.perception, noise=noise, learned=self.learned)
            for f, t in self.menu_true.items()
        }
        weighed = {f: p for f, p in self.menu_perceived.items() if self._may_weigh(f)}
        pending = self.model.host.requested and not self.answered
        self.event = ""
        self.verdict = dc.choose(weighed, self.cfg, pending, self.latent_threshold)
        self.outcome, ordered = self._act(self.verdict, s)
        self._focus(noise)
        self._update_reputation()
        self._log(pending, ordered)

    # --- learning ---------------------------------------------------------------------------------

    def _learn(self, s: dc.Situation) -> None:
        """Move the learned corrections toward what Moscow observed (docs/model.md, learning)."""
        rates, bias = self.cfg.learning, self.cfg.perception.bias
        focus = self.form if self.form in self.menu_true else dc.strongest(self.menu_true)
        if focus == Form.NONE:
            return
        war = self.model.war
        if self.hostile and war.fought_today and rates.opposition > 0:
            observed = dc.observed_opposition(*war.exchange())
            if observed is not None:
                self.learned["opposition"] = dc.learn(
                    self.learned["opposition"],
                    observed,
                    self.menu_true[focus]["opposition"],
                    bias.get("opposition", 0.0),
                    rates.opposition,
                )
        bias_costs = bias.get("costs", 0.0)
        if (
            s.sanctions > 0 and rates.costs > 0 and (bias_costs or self.learned["costs"])
        ):  # else nothing to correct
            as_is = (
                self.menu_true[focus]
                if s.under_way == Form.NONE
                else dc.option_factors(
                    dataclasses.replace(s, under_way=Form.NONE),
                    focus,
                    self.cfg,
                    self.model.west.cfg,
                )
            )
            self.learned["costs"] = dc.learn(
                self.learned["costs"], as_is["costs"], as_is["costs"], bias_costs, rates.costs
            )

    def _may_weigh(self, form: Form) -> bool:
        """An option whose operation failed is weighed again only once the conditions changed."""
        if form not in self.failed or form == self.form:
            return True
        return self._fresh_slack(form) >= self.failed[form] + self.cfg.learning.retry_margin

    def _record_failure(self, form: Form) -> None:
        self.failed[form] = self._fresh_slack(form)

    def _fresh_slack(self, form: Form) -> float:
        """The weakest true slack of ``form`` as a fresh decision (nothing under way, nothing
        sunk)."""
        assert self._situation is not None  # set by step before the verdict is weighed
        s = dataclasses.replace(self._situation, under_way=Form.NONE)
        _, slack = dc.factor_status(
            dc.option_factors(s, form, self.cfg, self.model.west.cfg),
            self.cfg.thresholds,
            self.cfg.margin,
        )
        return slack

    # --- what the day's columns and log show ------------------------------------------------------

    def _focus(self, noise) -> None:
        """The factors shown for the day: the option in force, else the one the rule took or waited
        for, else the strongest applicable option (so 'missing' reads as why nothing was done)."""
        v = self.verdict
        assert v is not None  # set by step just before
        focus = (
            self.form
            if self.form in self.menu_true
            else (v.form if v.form in self.menu_true else dc.strongest(self.menu_true))
        )
        if focus == Form.NONE:
            self.factors_true = self.factors_perceived = NO_FACTORS
            self.status = v.status
            return
        self.factors_true = self.menu_true[focus]
        self.factors_perceived = self.menu_perceived[focus]
        self.status = v.options[focus].status if focus in v.options else v.status

    def _update_reputation(self) -> None:
        m = self.model
        if m.ledger.on_ground[0] <= 0:
            return
        self.days_on_ground += 1
        if self.hostile:
            done = m.war.aim_reached
        elif self.form == Form.PEACEKEEPING:
            done = True
        else:
            done = m.order_restored
        if self.days_on_ground > self.cfg.reputation_grace_days and not done:
            self.reputation = max(0.0, self.reputation - self.cfg.reputation_loss)

    def _log(self, pending: bool, ordered: float) -> None:
        v, status = self.verdict, self.status
        assert v is not None  # set by step just before
        row = {
            "day": self.model.day,
            "outcome": self.outcome.value,
            "state": self.state.value,
            "form": self.form.value,
            "event": self.event,
            "rule": self.cfg.rule,
            "rule_verdict": v.outcome.value,
            "rule_form": v.form.value,
            "score": v.score,
            "p_deploy": v.probability,
            "request_pending": pending,
            "troops_ordered": int(round(ordered)),  # whole soldiers
            "failed": ",".join(f for f, s in status.items() if s == "fail"),
            "near_miss": ",".join(f for f, s in status.items() if s == "near"),
        }
        perceived, true = self.factors_perceived, self.factors_true
        for f, kp, kt in FACTOR_KEYS:
            row[kp] = perceived[f]
            row[kt] = true[f]
        for f, s in status.items():
            row[f + "_status"] = s
        for form, p in self.menu_perceived.items():
            option = v.options.get(form)
            name = form.value
            row[name + "_verdict"] = option.outcome.value if option else "not weighed"
            row[name + "_failed"] = (
                ",".join(f for f, s in option.status.items() if s == "fail") if option else ""
            )
            for f in dc.FACTORS:
                row[name + "_" + f] = p[f]
        self.log.append(row)

    def columns(self) -> dict[str, Reporter]:
        cols: dict[str, Reporter] = {
            "decision": lambda: self.outcome.value,
            "russia_state": lambda: self.state.value,
            "form": lambda: self.form.value,
        }
        for f in dc.FACTORS:
            cols[f"{f}_perceived"] = bound(lambda f: self.factors_perceived[f], f)
            cols[f"{f}_true"] = bound(lambda f: self.factors_true[f], f)
            cols[f"{f}_gap"] = bound(lambda f: self.factors_perceived[f] - self.factors_true[f], f)
        cols["reputation"] = lambda: self.reputation
        for f in dc.LEARNED:
            cols[f"learned_{f}"] = bound(lambda f: self.learned[f], f)
        return cols
