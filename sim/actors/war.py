"""The war against a hostile host (docs/model.md 7.13): the front, the separatists, a day of fighting."""

from __future__ import annotations

from ..attrition import Front, fight_day

HOST_ARMY_BROKEN = 0.1  # the host army counts as broken below this share of its day-0 strength (assumption)


class War:
    """Lanchester attrition between Russia plus separatists and the host army plus Western aid.

    Only Russian troops on the ground fight (a withdrawn soldier leaves the front); separatists fight
    beside them from the first day of the war. Losses fall on both in proportion. The war changes the
    others only through their methods: Russian losses in the troop ledger, the host's army after the
    day's battle (aid included), and the host's collapse once its army is broken.

    Args:
        model: the crisis model.
        cfg: the ``attrition`` config section.
        host_cfg: the ``host`` config section (separatist forces and territory, the army at day 0).
    """

    def __init__(self, model, cfg, host_cfg):
        self.model, self.cfg = model, cfg
        self.front = Front(territory=host_cfg.separatist_territory)
        self.separatists = host_cfg.separatist_forces
        self.army0 = max(1.0, host_cfg.army_strength)

    @property
    def host_army_broken(self) -> bool:
        return self.model.host.army < HOST_ARMY_BROKEN * self.army0

    def fight(self) -> None:
        """One day of fighting, if Russian troops are on the ground."""
        m, cfg = self.model, self.cfg
        russian = m.ledger.on_ground[0]
        if russian <= 0:
            return
        aid = m.west.aid_today
        before = Front(russia=russian + self.separatists, host=m.host.army + aid, territory=self.front.territory,
                       russia_losses=self.front.russia_losses, host_losses=self.front.host_losses)
        self.front = fight_day(before, cfg.russia_effectiveness, cfg.host_effectiveness, cfg.territory_rate)
        survived = self.front.russia / before.russia
        m.ledger.take_losses(0, russian * (1.0 - survived))
        self.separatists *= survived
        m.host.after_battle(self.front.host)
        if self.host_army_broken:
            m.host.collapse()

    def columns(self) -> dict:
        return {"territory_share": lambda: self.front.territory}
