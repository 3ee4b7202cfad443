"""The war (docs/model.md 7.14): the front, the host's forces in the theatre, cohesion,
ceasefires."""

from __future__ import annotations

from enum import StrEnum

from ..attrition import clash, willing_to_defect, would_attack
from ..component import Reporter

HOST_ARMY_BROKEN = (
    0.1  # the host army counts as broken below this share of its day-0 strength (assumption)
)
HELD_TRACE = 0.01  # ground below this share of the region is a trace, no line to keep (assumption)


class WarPhase(StrEnum):
    """Where the war stands: not begun, fought, or stopped by a ceasefire (which holds to the
    horizon)."""

    PEACE = "peace"
    FIGHTING = "fighting"
    CEASEFIRE = "ceasefire"


class Theatre(StrEnum):
    """Where the fighting is: the region (a limited aim, the host against separatists) or the
    country."""

    REGION = "region"
    COUNTRY = "country"


class War:
    """The fight for ground between Moscow's side and the host, with or without Russian troops.

    **Forces.** Moscow's side: Russian troops on the ground while an operation against the host runs
    (``limited`` or ``full``), plus its clients (``host.separatist_forces``), who count for
    ``1 + covert_effect`` while covert support flows. The host: a *garrison* stationed in the region
    (``region.army_share`` of its army; its locally recruited soldiers, ``garrison_local`` of them,
    share the region's sympathies, the rest the nation's), a *field force*
    sent into the theatre (an offensive's share, reinforcements at ``reinforce_rate`` of the reserve
    a day, Western aid; national sympathies), and a reserve outside it; the host feeds its reserve
    in only on days it attacks (it does not throw reserves into a fight it is losing). A full
    invasion makes the whole country the theatre and engages every host soldier.

    **Aims.** Moscow's side attacks while short of its aim (a limited operation: the region's
    ``territory_share``, cleared of the field force the host sent in, to within ``aim_tolerance``;
    full: the whole country, reached when the host's regime falls). A field force Moscow's side
    outmatches in the region falls back to the reserve, ``retreat_rate * balance`` of it a day. The
    host attacks, while its square-law strength beats the defended strength of Moscow's side, toward
    its own aim: all the separatists' ground in an offensive (a ``host_offensive`` event), else the
    ground Moscow's side held at day 0. Each day of fighting is ``sim.attrition.clash``.

    **Cohesion.** Host soldiers willing to go over (``sim.attrition.willing_to_defect``, with the
    garrison's sympathy its locally recruited share's, the field force's the national one) do not
    fight, and ``defection_speed`` of them surrender or go over each day; ``defector_join_share``
    of those join Moscow's side.

    **Ceasefire.** The first day on which neither side attacks (and no Russian troops are on their
    way to an aim not yet reached), or on which Moscow's side, under attack, falls below
    ``break_share`` of its peak strength (its clients sue; the host keeps its gains), the war stops
    for good. The side that lost ground over the war (more than ``aim_tolerance`` of the region)
    sued for it.

    The war changes the others only through their methods: Russian losses in the troop ledger
    (``take_losses``), the host's army (``after_battle``) and its collapse once its army is broken.

    Args:
        model: the crisis model.
        cfg: the ``attrition`` config section.
        host_cfg: the ``host`` config section (army, separatists, territory, region).
    """

    def __init__(self, model, cfg, host_cfg):
        self.model, self.cfg = model, cfg
        self.region = host_cfg.region
        self.national_sympathy = host_cfg.pro_russian_population
        self.territory = self.territory0 = host_cfg.separatist_territory
        self.separatists = host_cfg.separatist_forces
        self.army0 = max(1.0, host_cfg.forces.army.strength)
        self.garrison = self.region.army_share * host_cfg.forces.army.strength
        self.field = 0.0
        self.phase = WarPhase.PEACE
        self.theatre = Theatre.REGION
        self.moscow_aim: float | None = None
        self.host_aim = self.territory0
        self.covert_boost = 0.0
        self.russian_losses = self.separatist_losses = self.host_losses = self.defected = 0.0
        self.moscow_peak = self.territory_start = self.field_peak = 0.0
        self.ceasefire_day: int | None = None
        self.sued_by: str | None = None
        self.fought_today = False
        self._op_start = (0.0, 0.0, 0.0)

    # --- what others read -----------------------------------------------------------------------

    @property
    def host_army_broken(self) -> bool:
        return self.model.host.army < HOST_ARMY_BROKEN * self.army0

    @property
    def ceasefire(self) -> bool:
        return self.phase == WarPhase.CEASEFIRE

    @property
    def aim_reached(self) -> bool:
        """Moscow's operation holds its aim (full: the host's regime has fallen)."""
        if self.moscow_aim is None:
            return False
        tol = self.cfg.aim_tolerance
        if self.theatre == Theatre.COUNTRY:
            return (
                self.model.host.status == "fallen"
                or self.territory >= (1.0 - tol) * self.moscow_aim
            )
        return (
            self.territory >= (1.0 - tol) * self.moscow_aim and self.field <= tol * self.field_peak
        )

    def region_defenders(self) -> float:
        """Host forces in the region: its garrison and field force (its regional share in a full
        war)."""
        share = 1.0 if self.theatre == Theatre.REGION else self.region.territory_share
        return self.garrison + self.field * share

    def theatre_forces(self) -> float:
        return self.garrison + self.field

    def exchange(self) -> tuple[float, float, float]:
        """Losses of Moscow's side, of the host, and host defectors since the current operation
        began."""
        m0, h0, d0 = self._op_start
        return (
            self.russian_losses + self.separatist_losses - m0,
            self.host_losses - h0,
            self.defected - d0,
        )

    def consents(self, alignment: float, consent_alignment: float) -> bool:
        """Both parties to a ceasefire accept Russian peacekeepers on a line Moscow's clients still
        hold: the clients always; the host if it is not too hostile to Moscow, or if it sued for the
        ceasefire."""
        return (
            self.ceasefire
            and self.clients_hold_ground
            and (alignment > consent_alignment or self.sued_by == "host")
        )

    # --- what others do to the war (methods with intent) ----------------------------------------

    def start_host_offensive(self, share: float) -> None:
        """The host commits ``share`` of its army outside the garrison to retake the separatists'
        ground."""
        if self.phase == WarPhase.CEASEFIRE:
            return
        self.field += share * max(0.0, self.model.host.army - self.garrison - self.field)
        self.host_aim = 0.0
        self._begin()

    def open_operation(self, full: bool, aim: float) -> None:
        """Russian troops join the war, aiming at ``aim`` (a territory share; full: the capital)."""
        self.moscow_aim = aim
        self.theatre = Theatre.COUNTRY if full else Theatre.REGION
        if full:
            self.field = max(0.0, self.model.host.army - self.garrison)
        self._op_start = (
            self.russian_losses + self.separatist_losses,
            self.host_losses,
            self.defected,
        )
        if self.phase == WarPhase.CEASEFIRE and not self.aim_reached:
            self.phase = WarPhase.FIGHTING  # Moscow breaks the ceasefire
        self._begin()

    def scale_back(self, aim: float) -> None:
        """A full invasion scaled back to the region: Moscow pulls back to ``aim``; the host keeps
        only its field force's regional share in the theatre (the rest goes back to the reserve)."""
        self.moscow_aim = aim
        if self.theatre == Theatre.COUNTRY:
            self.field *= self.region.territory_share
            self.theatre = Theatre.REGION
        self.territory = min(self.territory, aim)
        self._op_start = (
            self.russian_losses + self.separatist_losses,
            self.host_losses,
            self.defected,
        )

    def end_operation(self) -> None:
        """Russian troops leave the fight; the host and Moscow's clients fight on or stop."""
        self.moscow_aim = None

    def supply_covert(self, boost: float) -> None:
        """Covert support flows to the separatists from today (``boost`` 0 stops it)."""
        self.covert_boost = boost

    # --- the day ---------------------------------------------------------------------------------

    def step(self) -> None:
        """One day of war, if one is being fought."""
        self.fought_today = False
        if self.phase != WarPhase.FIGHTING:
            return
        m, cfg = self.model, self.cfg
        reserve = max(0.0, m.host.army - self.garrison - self.field)
        self.field += m.west.aid_today
        russians = m.ledger.on_ground[0] if self.moscow_aim is not None else 0.0
        moscow = russians + self.separatists * (1.0 + self.covert_boost)
        self.moscow_peak = max(self.moscow_peak, moscow)
        w_g, w_f, fighting = self._cohesion(moscow)
        moscow_attacks = russians > 0 and not self.aim_reached
        host_attacks = self.territory > self.host_aim + 1e-9 and would_attack(
            fighting,
            moscow,
            cfg.host_effectiveness,
            cfg.russia_effectiveness,
            cfg.defence_advantage,
        )
        if (
            host_attacks
        ):  # the host feeds its reserve into a fight it is winning, not into one it is losing
            moved = cfg.reinforce_rate * reserve
            self.field += moved
            reserve -= moved
            w_g, w_f, fighting = self._cohesion(moscow)
        host = self.garrison + self.field
        self.field_peak = max(self.field_peak, self.field)
        room = (self.moscow_aim or 0.0) - self.territory
        c = clash(
            moscow,
            host,
            fighting,
            cfg,
            room,
            self.territory - self.host_aim,
            moscow_attacks,
            host_attacks,
        )
        self.fought_today = c.moscow_loss > 0 or c.host_loss > 0
        self._take_losses(c, russians, w_g, w_f, fighting)
        self._defect(w_g, w_f)
        if (
            self.theatre == Theatre.REGION and moscow_attacks and c.balance > 0
        ):  # outmatched, it falls back
            back = min(1.0, cfg.retreat_rate * c.balance) * self.field
            self.field -= back
            reserve += back
        self.territory = min(1.0, max(0.0, self.territory + c.shift))
        m.host.after_battle(self.garrison + self.field + reserve)
        if self.host_army_broken:
            m.host.collapse()
        broken = host_attacks and moscow < self.cfg.break_share * self.moscow_peak
        coming = self.moscow_aim is not None and not self.aim_reached and m.ledger.in_transit(0) > 0
        if (not (moscow_attacks or host_attacks) and not coming) or broken:
            self._cease()

    def _cohesion(self, moscow: float) -> tuple[float, float, float]:
        """Shares of the garrison and of the field force willing to go over, and the host's
        fighters."""
        cfg, host = self.cfg, self.garrison + self.field
        q = moscow / (moscow + host) if moscow + host > 0 else 0.0
        local = self.region.garrison_local
        sympathy = (
            local * self.region.pro_russian_population + (1.0 - local) * self.national_sympathy
        )
        w_g = willing_to_defect(
            sympathy, q, cfg.defection_threshold_mean, cfg.defection_threshold_sd
        )
        w_f = willing_to_defect(
            self.national_sympathy, q, cfg.defection_threshold_mean, cfg.defection_threshold_sd
        )
        return w_g, w_f, (1.0 - w_g) * self.garrison + (1.0 - w_f) * self.field

    def _begin(self) -> None:
        if self.phase == WarPhase.PEACE:
            self.phase = WarPhase.FIGHTING
            self.territory_start = self.territory

    def _take_losses(self, c, russians: float, w_g: float, w_f: float, fighting: float) -> None:
        side = russians + self.separatists
        if c.moscow_loss > 0 and side > 0:
            lost_r = c.moscow_loss * russians / side
            self.model.ledger.take_losses(0, lost_r)
            self.russian_losses += lost_r
            lost_s = min(self.separatists, c.moscow_loss - lost_r)
            self.separatists -= lost_s
            self.separatist_losses += lost_s
        if c.host_loss > 0 and fighting > 0:
            g = c.host_loss * (1.0 - w_g) * self.garrison / fighting
            self.garrison = max(0.0, self.garrison - g)
            self.field = max(0.0, self.field - (c.host_loss - g))
            self.host_losses += c.host_loss

    def _defect(self, w_g: float, w_f: float) -> None:
        speed = self.cfg.defection_speed
        d_g, d_f = speed * w_g * self.garrison, speed * w_f * self.field
        self.garrison -= d_g
        self.field -= d_f
        self.defected += d_g + d_f
        self.separatists += self.cfg.defector_join_share * (d_g + d_f)

    def _cease(self) -> None:
        self.phase = WarPhase.CEASEFIRE
        self.ceasefire_day = self.model.day
        lost = self.territory - self.territory_start
        self.sued_by = "host" if lost > self.cfg.aim_tolerance * self._scale() else "clients"

    def _scale(self) -> float:
        """The extent of the ground at stake: the region, else what Moscow's side held at day 0."""
        return max(self.region.territory_share, self.territory0, 1e-9)

    @property
    def clients_hold_ground(self) -> bool:
        """Moscow's clients hold more than a trace of ground (over ``HELD_TRACE`` of the region): a
        line that peacekeepers could hold."""
        return self.territory > HELD_TRACE * self._scale()

    def columns(self) -> dict[str, Reporter]:
        killed = self.cfg.killed_share
        return {
            "territory_share": lambda: self.territory,
            "war_phase": lambda: self.phase.value,
            "russian_losses": lambda: self.russian_losses,
            "separatist_losses": lambda: self.separatist_losses,
            "host_losses": lambda: self.host_losses,
            "host_forces_defected": lambda: self.defected,
            "war_deaths": lambda: (
                killed * (self.russian_losses + self.separatist_losses + self.host_losses)
            ),
            "separatist_forces": lambda: self.separatists,
            "host_forces_theatre": lambda: self.garrison + self.field,
        }
