"""The menu of options (docs/model.md 7.10): which apply, the force each requires, and each one's
factors.

Every option is scored on the same six factors, each in [0, 1], from the same :class:`Situation`;
what differs is its aim, and so the force it requires, the opposition it meets, the costs it carries
and the support it has. With ``h = (1 - a) / 2`` the host's hostility, ``A`` the forces Moscow can
send, ``D`` the host forces in the region, ``army`` the host army plus the aid Moscow expects:

=============  =====================================  ==========================================
option         force required (Moscow sends)          support (noisy-OR of its sources)
=============  =====================================  ==========================================
guard          sites x (1 + u) x size + k (opp)        request x its credit, population,
               (+ k h army without a request)          separatists (the first edition's rule)
peacekeeping   per_km x contact line                  request weight x both parties' consent
covert         share x separatist forces              separatists, the region's population
limited        k h D (the region's defenders)         separatists, the region's population
full           sites term + k (h army + opp)          separatists x their reach, national population
=============  =====================================  ==========================================

Feasibility: ``min(1, A / required) * reach``; for covert, whether the proxies can do the limited
aim's job with the support,
``min(1, (separatists (1 + covert_effect) + volunteers) / k h D) * reach``.
Opposition: ``1 - (1 - host)(1 - West)(1 - third parties)`` with host = ``h F / (F + A)`` for the
force ``F`` the option fights (none for guard with a request and for peacekeeping); covert's is
scaled by ``1 - deniability``. Costs: the sanctions Moscow expects, ``max(in force, credibility x
signal x severity(a) x reaction(option))`` (covert's reaction scaled by ``1 - deniability``), plus
economic and reputational exposure; for the option already under way and any smaller one, sanctions
in force are sunk (withdrawing does not lift them) and only the next step counts; while an option is
under way, the forces already sent count as available.

Moscow's stance toward the incumbent (``incumbent_stance``, -1 wants it gone .. +1 wants it kept):
a request counts in guard's support at ``1 + min(0, stance)`` of its weight (``request_credit``),
and the motive's regime-threat term, the stake in saving a friendly regime, is scaled by
``1 + stance`` (``regime_stake``). Imports nothing of ours.
"""

from __future__ import annotations

import math

from .core import (
    FORMS,
    Form,
    Situation,
    clip01,
    hostility,
    logistics_score,
    regime_stake,
    request_credit,
    severity,
)


def applicable(s: Situation, menu) -> list[Form]:
    """The options Moscow can weigh today, strongest first (``menu``: the forms the config allows).

    guard: a host that is not hostile (a >= 0; it can ask only if friendly, a > 0); peacekeeping: a
    ceasefire holds, both parties consent and Moscow's clients hold ground; covert: a host that is
    not friendly (a < 0) where Moscow has clients; limited: such a host with a region to seize or
    protect; full: any such host.
    """
    out = []
    hostile = s.alignment < 0
    clients = s.separatist_support > 0 or s.separatist_forces > 0
    if hostile:
        out.append(Form.FULL)
        if s.region_share > 0:
            out.append(Form.LIMITED)
    if s.alignment >= 0:
        out.append(Form.GUARD)
    if s.ceasefire and s.consent and s.separatist_territory > 0:
        out.append(Form.PEACEKEEPING)
    if hostile and clients:
        out.append(Form.COVERT)
    return [f for f in out if f.value in menu]


def site_force(s: Situation, russia) -> float:
    """Troops to secure the capital's strategic sites against the unrest (the first edition's
    term)."""
    return (
        russia.force_per_site
        * s.n_sites
        * (1.0 + s.unrest_index)
        * math.sqrt(s.population_m / 20.0)
    )


def guard_force(s: Situation, russia) -> float:
    """Troops to guard the capital's strategic sites for a host that keeps its own streets: the
    guard stands at the sites (docs/model.md 7.7), so its size follows the sites and the country,
    not the crowd; the host's forces, freed from the sites, face the crowd."""
    return russia.force_per_site * s.n_sites * math.sqrt(s.population_m / 20.0)


def force_required(s: Situation, russia, form: Form = Form.GUARD) -> float:
    """Troops the option requires, sized to its aim (table in the module docstring)."""
    k, h = russia.force_ratio_hostile, hostility(s.alignment)
    army = s.host_army + s.expected_aid
    if form == Form.GUARD:
        resist = (0.0 if s.requested else h) * army + s.opponent_forces
        return guard_force(s, russia) + k * resist
    if form == Form.FULL:
        return site_force(s, russia) + k * (h * army + s.opponent_forces)
    if form == Form.LIMITED:
        return k * (h * s.region_defenders + s.opponent_forces)
    opts = russia.options
    if form == Form.COVERT:
        return opts.covert_share * s.separatist_forces
    if form == Form.PEACEKEEPING:
        return opts.peacekeepers_per_km * s.contact_line_km
    return 0.0


def reach_score(s: Situation, russia, required: float, framework: float | None = None) -> float:
    """Logistics, raised by forces already in the host: they need no border, base or airlift.

    ``reach = logistics + (1 - logistics) * min(1, forces_in_host / required)``: when the forces
    stationed in the host could do the whole job, getting there is no obstacle at all.
    """
    lg = logistics_score(russia.logistics, framework)
    in_place = min(1.0, s.forces_in_host / max(1.0, required)) if s.forces_in_host > 0 else 0.0
    return lg + (1.0 - lg) * in_place


def _against(force: float, available: float, h: float) -> float:
    """The share of opposition a resisting force puts up against Moscow's available forces."""
    return h * force / max(1.0, force + available)


def option_factors(s: Situation, form: Form, russia, west) -> dict[str, float]:
    """The six factors of one option as an outside observer with full information would score them.

    ``russia`` and ``west`` are the config sections (duck-typed): ``russia.options`` holds the
    options' own parameters, ``west.reaction`` the West's reaction to each option.
    """
    a, h, opts = s.alignment, hostility(s.alignment), russia.options
    w = russia.support_weights
    going = s.under_way != Form.NONE
    available = s.forces_available + (s.forces_on_ground if going else 0.0)
    sunk = going and FORMS.index(form) <= FORMS.index(s.under_way)
    west_mil = s.west_military
    army = s.host_army + s.expected_aid
    opponents = (
        s.opponent_forces / max(1.0, s.opponent_forces + available)
        if s.opponent_forces > 0
        else 0.0
    )
    trigger = max(s.event_trigger, s.sites_lost_share, s.regime_threat if a > 0 else 0.0)
    region_support = 1.0 - (1 - w.separatists * s.separatist_support) * (
        1 - w.population * s.region_population
    )
    framework = None
    deniable = 1.0
    if form == Form.GUARD:
        credit = request_credit(s.incumbent_stance)  # a distrusted incumbent's request counts less
        support = 1.0 - (1 - w.request * s.requested * credit) * (
            1 - w.separatists * s.separatist_support
        ) * (1 - w.population * s.pro_russian_population)
        host = 0.0 if s.requested else _against(army, available, h)
        opposition = 1.0 - (1.0 - host) * (1.0 - west_mil) * (1.0 - opponents)
    elif form == Form.FULL:
        reach = s.region_share if s.region_share > 0 else 1.0
        support = 1.0 - (1 - w.separatists * s.separatist_support * reach) * (
            1 - w.population * s.pro_russian_population
        )
        opposition = 1.0 - (1.0 - _against(army, available, h)) * (1.0 - west_mil) * (
            1.0 - opponents
        )
    elif form == Form.LIMITED:
        support = region_support
        opposition = 1.0 - (1.0 - _against(s.region_defenders, available, h)) * (1.0 - west_mil) * (
            1.0 - opponents
        )
    elif form == Form.COVERT:
        deniable = 1.0 - opts.covert_deniability
        support = region_support
        limited = 1.0 - (1.0 - _against(s.region_defenders, available, h)) * (1.0 - west_mil) * (
            1.0 - opponents
        )
        opposition = deniable * limited
    else:  # peacekeeping: both parties consent, a ceasefire agreement is the mandate
        trigger = max(s.event_trigger, opts.ceasefire_trigger if s.ceasefire else 0.0)
        support = w.request * s.consent
        opposition = west_mil
        framework = 1.0
    required = force_required(s, russia, form)
    if (
        form == Form.COVERT
    ):  # can the proxies, armed and joined by the volunteers, do the limited aim's job?
        task = force_required(s, russia, Form.LIMITED)
        proxies = s.separatist_forces * (1.0 + opts.covert_effect) + min(available, required)
        feasibility = min(1.0, proxies / max(1.0, task)) * reach_score(s, russia, required)
    else:
        feasibility = min(1.0, available / max(1.0, required)) * reach_score(
            s, russia, required, framework
        )
    threatened = (
        s.sanction_signal
        * severity(a, west.friendly_severity)
        * west.reaction[form.value]
        * deniable
    )
    expected = max(0.0, threatened - s.sanctions) if sunk else max(s.sanctions, threatened)
    costs = expected + russia.economic_exposure + russia.reputation_exposure * (1.0 - s.reputation)
    motive = russia.strategic_weight * (
        max(a, 0.0) * (0.4 + 0.6 * s.regime_threat * regime_stake(s.incumbent_stance))
        + max(-a, 0.0) * (0.5 + 0.5 * s.nato_bid)
    )
    return {
        "trigger": clip01(trigger),
        "support": clip01(support),
        "opposition": clip01(opposition),
        "feasibility": clip01(feasibility),
        "costs": clip01(costs),
        "motive": clip01(motive),
    }


def menu_factors(s: Situation, russia, west) -> dict[Form, dict[str, float]]:
    """The true factors of every applicable option, strongest first."""
    return {f: option_factors(s, f, russia, west) for f in applicable(s, russia.options.menu)}


def true_factors(s: Situation, russia, west) -> dict[str, float]:
    """The first edition's single set of factors: a guard mission's for a friendly host, a full
    move's against any other (kept for callers that score one move)."""
    return option_factors(s, Form.GUARD if s.alignment >= 0 else Form.FULL, russia, west)


def strongest(forms) -> Form:
    """The strongest of ``forms`` (``none`` if empty)."""
    return max(forms, key=FORMS.index, default=Form.NONE)
