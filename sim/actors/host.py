"""The host government (docs/model.md 2 and 7.5-7.8)."""

from __future__ import annotations

from enum import StrEnum

from ..component import Component


class RegimeStatus(StrEnum):
    """The host regime's status; ``fallen`` is permanent."""

    STABLE = "stable"
    THREATENED = "threatened"
    FALLEN = "fallen"


class HostGovernment(Component):
    """Legitimacy, regime threat, concessions, police defection, the request for help, collapse.

    Each day, from the city's state::

        unrest index   u = min(1, active share / unrest_scale)
        regime threat  theta = w_u u + w_s (sites lost / sites) + w_p (1 - police now / police at day 0)

    then, in order: a concession when theta >= concession_threshold (removes ``concession_relief``
    of the outstanding hardship shock, up to ``max_concessions``); police defect at
    ``defection_rate * (u - loyalty)`` of the force per day when u exceeds their loyalty (raised by
    ``backing_boost`` while a friendly host has foreign troops on its soil), and absent police come
    back at ``return_rate`` a day once u is below it; a friendly
    host (alignment > 0) that may ask asks for help when theta >= request_threshold; the regime falls
    after ``collapse_days`` consecutive days with theta >= collapse_threshold. Legitimacy is pulled
    back toward its day-0 value at ``legitimacy_recovery`` and loses ``nationalism`` a day per
    ``presence_reference`` foreign troops on its soil.

    Other components change the host only through its methods: ``lose_legitimacy`` (a scenario
    event), ``forbid_request`` and ``ask`` (events), ``after_battle`` and ``collapse`` (the war).

    Args:
        model: the crisis model.
        cfg: the ``host`` config section.
    """

    def __init__(self, model, cfg):
        super().__init__(model, cfg, "host")
        self.alignment = cfg.alignment
        self.legitimacy = cfg.legitimacy
        self.can_request = cfg.can_request
        self.status = RegimeStatus.STABLE
        self.regime_threat = 0.0
        self.unrest_index = 0.0
        self.requested = False
        self.request_day: int | None = None
        self.concessions = 0
        self.police_absent = 0
        self.days_collapsing = 0
        self.army = cfg.army_strength

    @property
    def friendly(self) -> bool:
        return self.alignment > 0

    def step(self) -> None:
        cfg, stats = self.cfg, self.model.city_stats
        self.unrest_index = min(1.0, stats.active_share / cfg.unrest_scale)
        police_lost = 1.0 - stats.police_strength
        w_u, w_s, w_p = cfg.threat_weights
        n_sites = max(1, stats.sites_held + stats.sites_lost)
        self.regime_threat = min(1.0, w_u * self.unrest_index + w_s * stats.sites_lost / n_sites + w_p * police_lost)
        if self.status == RegimeStatus.FALLEN:
            return
        self._concede()
        self._defect()
        self._request()
        self._collapse()
        self._legitimacy()

    def _concede(self) -> None:
        if self.regime_threat >= self.cfg.concession_threshold and self.concessions < self.cfg.max_concessions:
            self.model.shock.relieve(self.cfg.concession_relief)
            self.concessions += 1

    def _defect(self) -> None:
        cfg, city = self.cfg, self.model.city
        self.police_absent += city.take_fled()
        backed = self.friendly and self.model.troops_on_ground() > 0
        loyalty = cfg.police_loyalty + cfg.backing_boost * backed
        excess = self.unrest_index - loyalty
        if excess > 0:
            police = self.model.city_stats.police_total  # the day's count: nothing has changed it since
            n = self.stream.binomial(police, min(1.0, cfg.defection_rate * excess))
            self.police_absent += city.remove_police(n)
        elif self.police_absent > 0:
            n = self.stream.binomial(self.police_absent, cfg.return_rate)
            self.police_absent -= city.add_police(n)

    def _request(self) -> None:
        if self.regime_threat >= self.cfg.request_threshold:
            self.ask()

    def ask(self) -> None:
        """Ask Moscow for help, if this host may ask, is friendly, still stands and has not asked yet.

        Called by the host itself when its threat passes ``request_threshold``, and by a scenario
        event (``host_request``) for a request documented on a given day.
        """
        if self.can_request and self.friendly and not self.requested and self.status != RegimeStatus.FALLEN:
            self.requested = True
            self.request_day = self.model.day

    def _collapse(self) -> None:
        cfg = self.cfg
        self.days_collapsing = self.days_collapsing + 1 if self.regime_threat >= cfg.collapse_threshold else 0
        if self.days_collapsing >= cfg.collapse_days:
            self.collapse()
        elif self.regime_threat >= cfg.threatened_threshold:
            self.status = RegimeStatus.THREATENED
        else:
            self.status = RegimeStatus.STABLE

    def collapse(self) -> None:
        """The regime falls, for good: its request lapses (a fallen government can invite no one)."""
        self.status = RegimeStatus.FALLEN
        self.requested = False

    def forbid_request(self) -> None:
        """From now on the host may not ask for help (a scenario event)."""
        self.can_request = False

    def lose_legitimacy(self, value: float) -> None:
        """A legitimacy shock (a stolen election): L falls by ``value``, not below 0."""
        self.legitimacy = max(0.0, self.legitimacy - value)

    def after_battle(self, army: float) -> None:
        """The host army's strength after a day of fighting, Western aid included (the war)."""
        self.army = army

    def _legitimacy(self) -> None:
        cfg = self.cfg
        presence = min(1.0, self.model.troops_on_ground() / cfg.presence_reference)
        drift = cfg.legitimacy_recovery * (cfg.legitimacy - self.legitimacy) - cfg.nationalism * presence
        self.legitimacy = min(1.0, max(0.0, self.legitimacy + drift))

    def columns(self) -> dict:
        return {
            "legitimacy": lambda: self.legitimacy,
            "regime_threat": lambda: self.regime_threat,
            "regime_status": lambda: self.status.value,
            "requested": lambda: self.requested,
            "police_strength": lambda: self.model.city_stats.police_strength,
            "host_army": lambda: int(round(self.army)),
        }
