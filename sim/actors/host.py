"""The host government: its security apparatus, its playbook, the request, collapse (7.5-7.8)."""

from __future__ import annotations

from enum import StrEnum

from ..component import Component, Reporter, bound
from .playbook import HostView, Measure, choose
from .security import Apparatus, ForceKind


class RegimeStatus(StrEnum):
    """The host regime's status; ``fallen`` is permanent."""

    STABLE = "stable"
    THREATENED = "threatened"
    FALLEN = "fallen"


class HostGovernment(Component):
    """Legitimacy, regime threat, the security apparatus, the playbook, the request, collapse.

    Each day, from the city's state::

        unrest index   u = min(1, active share x w / unrest_scale)   w: the movement's
                                                                  threat_weight (a called march)
        regime threat  theta = w_u u + w_s (sites lost / sites) + w_p (forces lost from the capital)

    then, in order: the day's detentions and deaths in persons; the apparatus's loyalty
    (:mod:`.security`: pressure from the threat, lowered by an ally's guarantee); the playbook's
    measures for today (:mod:`.playbook`: concessions, dismissal, emergency, pay, mass arrests, the
    request, the army, lethal force); the forces on duty posted to the city's grid (one patrol for
    ``persons_per_patrol`` persons, as the police at day 0); collapse after ``collapse_days`` days
    with theta >= ``collapse_threshold``, or at once when ``collapse_defected`` of the capital's
    forces have deserted; legitimacy pulled back on calm days toward its day-0 value less what a
    disputed election took, and lowered by foreign troops' presence (nationalism).

    Other components change the host only through its methods: ``lose_legitimacy`` and
    ``dispute_election``, ``forbid_request`` and ``ask`` (events), ``after_battle`` and
    ``collapse`` (the war).
    """

    def __init__(self, model, cfg):
        super().__init__(model, cfg, "host")
        self.alignment = cfg.alignment
        self.legitimacy = cfg.legitimacy
        self.legitimacy_target = cfg.legitimacy  # what calm restores: day 0's, less what stands
        self.can_request = cfg.can_request
        self.status = RegimeStatus.STABLE
        self.regime_threat = 0.0
        self.unrest_index = 0.0
        self.requested = False
        self.request_day: int | None = None
        self.days_collapsing = 0
        self.army = (
            cfg.forces.army.strength
        )  # the army that would resist a hostile move (the war's)
        self.apparatus = Apparatus(cfg.forces)
        russia = model.cfg.russia  # facts of the relation, read once: grounds to expect a yes
        self.backed = not cfg.playbook.ask_needs_backing or (
            russia.logistics.csto_framework or russia.incumbent_stance > 0
        )
        # the playbook's state
        self.concessions = 0
        self.dismissed = False
        self.emergency = False
        self.paid = False
        self.mass_arrests = False
        self.lethal = False
        self.backfired = False
        self.calm_days = 0
        # persons
        self.detained = 0.0
        self.deaths = 0.0
        city = model.city_stats
        serving = self.apparatus.city_strength  # every force in the capital at day 0, as patrols
        self.persons_per_patrol = serving / max(1, city.police_total) if serving > 0 else 1.0
        self._day0_forces = max(1.0, serving)
        self._patrols = city.police_total  # the host's patrols and guards on the grid

    @property
    def friendly(self) -> bool:
        return self.alignment > 0

    # --- the day ----------------------------------------------------------------------------------

    def step(self) -> None:
        cfg, stats = self.cfg, self.model.city_stats
        self._count_persons(stats)
        crowd = stats.active_share * self.model.movement.threat_weight  # a called march's weight
        self.unrest_index = min(1.0, crowd / cfg.unrest_scale)
        lost = max(0.0, 1.0 - self.apparatus.on_duty / self._day0_forces)
        w_u, w_s, w_p = cfg.threat_weights
        n_sites = max(1, stats.sites_held + stats.sites_lost)
        self.regime_threat = min(
            1.0, w_u * self.unrest_index + w_s * stats.sites_lost / n_sites + w_p * lost
        )
        if self.status == RegimeStatus.FALLEN:
            return
        self._loyalty()  # the forces answer the day's threat (and yesterday's measures) ...
        self._apply(choose(cfg.playbook, self._view()))  # ... and the host sees them do it
        self._post_forces()
        self._collapse()
        self._legitimacy()

    def _count_persons(self, stats) -> None:
        """The day's arrests as persons detained, and the deaths of the clashes: crowds and forces
        clash only in a crisis grave enough for an emergency (a lone protester arrested in a calm
        city dies in no clash)."""
        pb = self.cfg.playbook
        arrested = stats.arrests * self.model.people_per_agent
        self.detained += arrested
        if self.lethal:
            self.deaths += arrested * pb.lethal_lethality
        elif self.emergency:
            self.deaths += arrested * pb.clash_lethality

    def _view(self) -> HostView:
        return HostView(
            threat=self.regime_threat,
            defected=self.apparatus.defected_share,
            concessions=self.concessions,
            dismissed=self.dismissed,
            emergency=self.emergency,
            calm_days=self.calm_days,
            paid=self.paid,
            mass_arrests=self.mass_arrests,
            asked=self.requested,
            may_ask=self.can_request and self.friendly and self.backed,
            outnumbered=self._outnumbered(),
            army_ordered=self.apparatus.army_ordered_day is not None,
            lethal=self.lethal,
        )

    def _outnumbered(self) -> float:
        """Armed opponents fighting the host per soldier of its army (infinite with no army)."""
        foes = self.cfg.opponent_forces
        if foes <= 0:
            return 0.0
        return foes / self.army if self.army > 0 else float("inf")

    def _apply(self, measures: list[Measure]) -> None:
        pb, day = self.cfg.playbook, self.model.day
        for m in measures:
            if m == Measure.CONCEDE:
                self.model.shock.relieve(pb.concession_relief)
                self.concessions += 1
            elif m == Measure.DISMISS:
                self.dismissed = True
                self.legitimacy = min(1.0, self.legitimacy + pb.dismissal_legitimacy)
            elif m == Measure.EMERGENCY:
                self.emergency = True
            elif m == Measure.LIFT:
                self.emergency = self.mass_arrests = self.lethal = False
            elif m == Measure.PAY:
                self.paid = True
            elif m == Measure.MASS_ARRESTS:
                self.mass_arrests = True
            elif m == Measure.ASK:
                self.ask()
            elif m == Measure.COMMIT_ARMY:
                self.apparatus.order_army(day)
            elif m == Measure.LETHAL_FORCE:
                if not self.backfired:  # the first killings anger, once
                    self.model.shock.add(pb.lethal_backfire)
                    self.backfired = True
                self.lethal = True
        low = pb.emergency_at / 2
        self.calm_days = self.calm_days + 1 if self.regime_threat < low else 0

    def _guarantee(self) -> float:
        """Share of the forces' doubt an ally removes: troops landed, or a request accepted."""
        if not self.friendly or not self.model.cfg.troops.guarantee:
            return 0.0
        forces = self.cfg.forces
        if self.model.troops_on_ground() > 0:
            return forces.guarantee_landed
        if self.requested and self.model.russia.operation_under_way:
            return forces.guarantee_promised
        return 0.0

    def _loyalty(self) -> None:
        fled = self.model.city.take_fled() * self.persons_per_patrol
        if fled > 0:
            self.apparatus.desert(ForceKind.POLICE, fled)
        self.apparatus.update(self.model.day, self.regime_threat, self._guarantee(), self.paid)

    def _post_forces(self) -> None:
        """The forces on duty in the capital, as patrols and site guards on the grid."""
        want = int(round(self.apparatus.on_duty / self.persons_per_patrol))
        city = self.model.city
        have = city.stats().police_total
        if want < have:
            city.remove_police(have - want)
        elif want > have:
            city.add_police(want - have)

    def forces_hold(self) -> bool:
        """The host's forces are loyal again (Moscow's withdrawal waits for it)."""
        return self.apparatus.holding()

    def ask(self) -> None:
        """Ask Moscow for help, if this host may ask, is friendly, still stands and has not asked
        yet.

        Called by the playbook (``ask``) and by a scenario event (``host_request``).
        """
        if (
            self.can_request
            and self.friendly
            and not self.requested
            and self.status != RegimeStatus.FALLEN
        ):
            self.requested = True
            self.request_day = self.model.day

    def _collapse(self) -> None:
        cfg = self.cfg
        self.days_collapsing = (
            self.days_collapsing + 1 if self.regime_threat >= cfg.collapse_threshold else 0
        )
        if (
            self.days_collapsing >= cfg.collapse_days
            or self.apparatus.defected_share >= cfg.collapse_defected
        ):
            self.collapse()
        elif self.regime_threat >= cfg.threatened_threshold:
            self.status = RegimeStatus.THREATENED
        else:
            self.status = RegimeStatus.STABLE

    def collapse(self) -> None:
        """The regime falls, for good: its request lapses (a fallen government can invite no
        one)."""
        self.status = RegimeStatus.FALLEN
        self.requested = False

    def forbid_request(self) -> None:
        """From now on the host may not ask for help (a scenario event)."""
        self.can_request = False

    def lose_legitimacy(self, value: float) -> None:
        """A legitimacy shock (protests turning against the regime, say): L falls by ``value``, not
        below 0; calm days restore it."""
        self.legitimacy = max(0.0, self.legitimacy - value)

    def dispute_election(self, value: float) -> None:
        """A disputed election whose result stands: L falls by ``value``, not below 0, and so does
        the legitimacy calm days restore. Nothing in the playbook annuls an election, so the loss
        stays for the run (as a price rise stays until a concession undoes it)."""
        self.lose_legitimacy(value)
        self.legitimacy_target = max(0.0, self.legitimacy_target - value)

    def after_battle(self, army: float) -> None:
        """The host army's strength after a day of fighting, Western aid included (the war)."""
        self.army = army

    def _legitimacy(self) -> None:
        cfg = self.cfg
        presence = min(1.0, self.model.troops_on_ground() / cfg.presence_reference)
        recovery = cfg.legitimacy_recovery if self.calm_days > 0 else 0.0
        drift = recovery * (self.legitimacy_target - self.legitimacy) - cfg.nationalism * presence
        self.legitimacy = min(1.0, max(0.0, self.legitimacy + drift))

    # --- what the city gets from the host --------------------------------------------------------

    def deterrence(self) -> float:
        """Deterrence of the host's measures today: curfew and lethal force, combined."""
        pb = self.cfg.playbook
        keep = (1.0 - pb.curfew_deterrence * self.emergency) * (
            1.0 - pb.lethal_deterrence * self.lethal
        )
        return 1.0 - keep

    def visibility(self) -> float:
        return self.cfg.playbook.shutdown_visibility if self.emergency else 1.0

    def arrest_intensity(self) -> float:
        pb = self.cfg.playbook
        return pb.mass_arrest_intensity if self.mass_arrests else pb.ordinary_arrest_intensity

    def columns(self) -> dict[str, Reporter]:
        cols: dict[str, Reporter] = {
            "legitimacy": lambda: self.legitimacy,
            "regime_threat": lambda: self.regime_threat,
            "regime_status": lambda: self.status.value,
            "requested": lambda: self.requested,
            "police_strength": lambda: self.model.city_stats.police_strength,
            "host_army": lambda: int(round(self.army)),
        }
        for kind, force in self.apparatus.forces.items():
            cols[f"{kind.value}_on_duty"] = bound(lambda f: int(round(f.on_duty)), force)
            cols[f"{kind.value}_loyalty"] = bound(lambda f: f.loyalty, force)
        cols.update(
            {
                "forces_defected": lambda: int(round(self.apparatus.defected_persons)),
                "detained": lambda: int(round(self.detained)),
                "deaths": lambda: int(round(self.deaths)),
                "emergency": lambda: self.emergency,
                "mass_arrests": lambda: self.mass_arrests,
                "lethal_force": lambda: self.lethal,
                "concessions": lambda: self.concessions,
            }
        )
        return cols
