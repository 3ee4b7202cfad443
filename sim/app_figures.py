"""The dashboard's figures, drawn from the model's arrays and data with matplotlib (no Solara here).

``city_figure``: the city grid (protesters by state, police, foreign patrols; strategic sites held or
stormed and who guards them). ``factors_figure``: Moscow's six factors, perceived and true, against
the rule's thresholds. Used by ``sim.app``.
"""

from __future__ import annotations

import math

import matplotlib.colors
import numpy as np
from matplotlib.figure import Figure  # figures without pyplot: no global state, any backend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import palette
from .city import POLICE, Citizen, CitySnapshot
from .decision import BURDENS, FACTORS, RULE_FACTORS
from .model import CrisisModel

EMPTY = "#f4f1ea"
STATE_COLOURS = {Citizen.QUIET: palette.STATES["quiet"], Citizen.ACTIVE: palette.STATES["active"], Citizen.JAILED: palette.STATES["jailed"]}
POLICE_COLOUR = palette.POLICE
COUNTRY_COLOURS = [palette.country_colour(c) for c in ("Russia", "Armenia", "Belarus", "Kyrgyzstan", "Tajikistan")]
"""The default contingents' colours in the model's order (Russia, then the default allies)."""
FACTOR_COLOURS = {f: palette.FACTORS[f] for f in FACTORS}


def _rgb(colour: str) -> np.ndarray:
    return np.array(matplotlib.colors.to_rgb(colour))


def city_image(city: CitySnapshot) -> np.ndarray:
    """An (height, width, 3) image of the city: protesters by state, police and foreign patrols."""
    img = np.empty((city.height * city.width, 3))
    img[:] = _rgb(EMPTY)
    for state, colour in STATE_COLOURS.items():
        img[city.pos[city.state == state]] = _rgb(colour)
    for owner in np.unique(city.patrol_owner):
        colour = POLICE_COLOUR if owner == POLICE else palette.country_colour(model.countries[owner - 1])
        img[city.patrol_pos[city.patrol_owner == owner]] = _rgb(colour)
    return img.reshape(city.height, city.width, 3)


def city_figure(model: CrisisModel) -> Figure:
    city = model.city.snapshot()
    fig = Figure(figsize=(6.4, 7.2), dpi=90)
    ax = fig.add_axes([0.04, 0.2, 0.92, 0.74])
    ax.imshow(city_image(city), interpolation="nearest", origin="upper")
    ax.set_xticks([])
    ax.set_yticks([])
    stats = model.city_stats
    ax.set_title(
        f"Day {model.day}: {stats.active_share:.0%} active, {stats.jailed_share:.0%} jailed, "
        f"{stats.sites_held}/{stats.sites_held + stats.sites_lost} sites held",
        fontsize=11,
    )
    for i, cell in enumerate(city.site_cell):
        y, x = divmod(int(cell), city.width)
        held = bool(city.site_held[i])
        troops = city.troop_guards[i]
        # the site's border shows who guards it: the main foreign contingent, else white
        edge = palette.country_colour(model.countries[int(np.argmax(troops))]) if troops.sum() else "white"
        ax.plot(x, y, marker="s", markersize=14, markerfacecolor="#2b9348" if held else "#d00000",
                markeredgecolor=edge, markeredgewidth=3)
        if not held:
            ax.plot(x, y, marker="x", markersize=9, color="white", markeredgewidth=2.5)
        guards = f"{int(city.police_guards[i])} police"
        if troops.sum():
            guards += f", {int(troops.sum())} troop units"
        label = f"{city.site_names[i]}{'' if held else ' STORMED'}\n{guards}"
        ax.annotate(label, (x, y), xytext=(0, 11), textcoords="offset points", ha="center", va="bottom",
                    fontsize=8, bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
    handles = [
        Patch(color=STATE_COLOURS[Citizen.QUIET], label="quiet"),
        Patch(color=STATE_COLOURS[Citizen.ACTIVE], label="active"),
        Patch(color=STATE_COLOURS[Citizen.JAILED], label="jailed"),
        Patch(color=POLICE_COLOUR, label="police"),
        Line2D([], [], marker="s", ls="", markersize=9, markerfacecolor="#2b9348", markeredgecolor="white", label="site held"),
        Line2D([], [], marker="s", ls="", markersize=9, markerfacecolor="#d00000", markeredgecolor="white", label="site stormed"),
    ]
    deployed = [j for j in range(len(model.countries)) if model.ledger.on_ground[j] > 0]
    for j in deployed or [0]:
        handles.append(Patch(color=palette.country_colour(model.countries[j]),
                             label=f"{model.countries[j]} troops: {model.ledger.on_ground[j]:,.0f}"))
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.03), ncol=3, fontsize=8, frameon=False)
    note = (f"Troops guard the sites (site border: main contingent); one troop unit = "
            f"{model.cfg.troops.per_agent} soldiers.")
    fig.text(0.5, 0.005, note, ha="center", va="bottom", fontsize=7, color="#555555")
    return fig


def factors_figure(model: CrisisModel) -> Figure:
    df = model.datacollector.get_model_vars_dataframe()
    th = model.cfg.russia.thresholds
    fig = Figure(figsize=(7.0, 4.6), dpi=90)
    axes = fig.subplots(2, 3, sharex=True, sharey=True)
    days = df["day"].to_numpy()
    for ax, f in zip(axes.ravel(), FACTORS):
        colour = FACTOR_COLOURS[f]
        ax.plot(days, df[f"{f}_perceived"], color=colour, lw=2, label="perceived")
        ax.plot(days, df[f"{f}_true"], color=colour, lw=1, ls="--", alpha=0.7, label="true")
        title = f
        if f in RULE_FACTORS:
            level = getattr(th, f)
            ax.axhline(level, color="black", lw=1, ls=":")
            if f in BURDENS:
                ax.axhspan(level, 1.05, color="#d00000", alpha=0.07)
                title += f" (< {level:g})"
            else:
                ax.axhspan(-0.05, level, color="#d00000", alpha=0.07)
                title += f" (>= {level:g})"
            now = df[f"{f}_perceived"].iloc[-1]
            if not math.isnan(now):
                ok = now < level if f in BURDENS else now >= level
                title += "  ✓" if ok else "  ✗"
        ax.set_title(title, fontsize=10, color=colour)
        ax.set_ylim(-0.05, 1.05)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("day")
    axes[0, 0].legend(fontsize=8, loc="upper left")
    rule = model.cfg.russia.rule
    head = "Moscow's factors: perceived (solid), true (dashed); dotted: all_five threshold, shaded: fails"
    if rule == "weighted":
        head += "\n(rule: weighted, thresholds shown for reference)"
    fig.suptitle(head, fontsize=9)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.84 if rule == "weighted" else 0.87, bottom=0.1, wspace=0.12, hspace=0.35)
    return fig
