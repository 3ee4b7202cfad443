"""One colour per thing, everywhere: countries, protester states, decisions, factors.

Every figure (``sim.plots``, the experiment analysis, the dashboard's ``sim.app``) takes
its colours from here, so Russia is the same red in the troops plot, the allies' unrest plot and
on the dashboard's city map, and Belarus the same blue wherever it appears.

Imports nothing of ours.
"""

from __future__ import annotations

import zlib

COUNTRIES = {
    "russia": "#c1121f",
    "armenia": "#e76f51",
    "belarus": "#3a86ff",
    "kyrgyzstan": "#2a9d8f",
    "tajikistan": "#7b2cbf",
    "kazakhstan": "#e9c46a",
    "ukraine": "#ffb703",
    "georgia": "#8d6e63",
    "moldova": "#06d6a0",
    "azerbaijan": "#ff006e",
}
"""Named countries' colours (lower-case names): Russia red, the CSTO allies distinct from it and
from each other."""

SPARE = ("#118ab2", "#6a994e", "#bc6c25", "#9d4edd", "#ef476f", "#264653", "#f4a261", "#588157")
"""Colours for a country not named above, picked by a hash of its name: the same in every figure."""

TOTAL = "#222222"
"""All countries together (e.g. ``troops_total``)."""

STATES = {"quiet": "#8fb3ff", "active": "#fe6100", "jailed": "#7a7a7a"}
"""Protesters by state."""

POLICE = "#000000"

DECISIONS = {
    "deploy": "#c1121f",
    "limited": "#f4a261",
    "delay": "#e9c46a",
    "decline": "#8d99ae",
    "watch": "#457b9d",
    "withdraw": "#2a9d8f",
}
"""Moscow's daily decisions (``decision`` / ``outcome`` columns)."""

FACTORS = {
    "trigger": "#d62728",
    "support": "#2ca02c",
    "opposition": "#9467bd",
    "feasibility": "#1f77b4",
    "costs": "#ff7f0e",
    "motive": "#8c564b",
}
"""The five factors and motive."""

PASS_SHADE = "#2b9348"
"""Shade of the side of a threshold where a factor passes."""

SERIES = {
    "regime_threat": "#9b2226",
    "legitimacy": "#005f73",
    "sanctions": "#5f0f40",
    "territory_share": "#bc6c25",
    "reputation": "#6a4c93",
}
"""Other daily series that have one colour of their own."""


def country_colour(name: str) -> str:
    """The colour of a country, by name (``Russia``, ``troops_russia`` and ``russia`` alike)."""
    key = name.lower().removeprefix("troops_").removeprefix("unrest_")
    if key == "total":
        return TOTAL
    if key in COUNTRIES:
        return COUNTRIES[key]
    return SPARE[zlib.crc32(key.encode()) % len(SPARE)]


def series_colour(column: str) -> str | None:
    """The colour of a daily column, if it has one (countries, states, factors, named series)."""
    if column.startswith(("troops_", "unrest_")):
        return country_colour(column)
    state = column.removesuffix("_share")
    if state in STATES:
        return STATES[state]
    factor = column.split("_")[0]
    if factor in FACTORS and column.endswith(("_perceived", "_true")):
        return FACTORS[factor]
    return SERIES.get(column)
