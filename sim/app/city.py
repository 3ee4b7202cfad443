"""The dashboard's map of the city: a small PNG of the grid (one pixel a cell, scaled up by the
browser) under an SVG layer of the strategic sites, with a legend that is built once.

Protesters are numpy arrays, not Mesa agents, so the map is drawn from ``City.snapshot()``: each
day only the cells' PNG (a few kilobytes) and the sites' layer are rebuilt. No Solara here.
"""

from __future__ import annotations

import base64
import struct
import zlib
from functools import lru_cache
from html import escape

import numpy as np

from .. import palette
from ..city import POLICE, Citizen, CitySnapshot

EMPTY = "#f4f1ea"
STATE_COLOURS = {
    Citizen.QUIET: palette.STATES["quiet"],
    Citizen.ACTIVE: palette.STATES["active"],
    Citizen.JAILED: palette.STATES["jailed"],
}
HELD, STORMED = "#2b9348", "#d00000"


def _rgb(colour: str) -> np.ndarray:
    c = colour.lstrip("#")
    return np.array([int(c[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.uint8)


def city_pixels(city: CitySnapshot, countries: list[str]) -> np.ndarray:
    """An (height, width, 3) uint8 image: protesters by state, police and foreign patrols."""
    img = np.empty((city.height * city.width, 3), dtype=np.uint8)
    img[:] = _rgb(EMPTY)
    for state, colour in STATE_COLOURS.items():
        img[city.pos[city.state == state]] = _rgb(colour)
    for owner in np.unique(city.patrol_owner):
        colour = (
            palette.POLICE if owner == POLICE else palette.country_colour(countries[int(owner) - 1])
        )
        img[city.patrol_pos[city.patrol_owner == owner]] = _rgb(colour)
    return img.reshape(city.height, city.width, 3)


def png(img: np.ndarray) -> bytes:
    """An RGB uint8 array as PNG bytes (stdlib only: zlib and struct)."""
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))  # filter byte 0 per row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    head = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", head)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def sites_layer(city: CitySnapshot, countries: list[str]) -> str:
    """The strategic sites over the grid (SVG in cell units): held green, stormed red with a
    cross; the border's colour is the main foreign contingent guarding it."""
    out = [
        f"<svg class='sites' viewBox='0 0 {city.width} {city.height}' preserveAspectRatio='none' "
        "xmlns='http://www.w3.org/2000/svg'>"
    ]
    for i, cell in enumerate(city.site_cell):
        y, x = divmod(int(cell), city.width)
        held = bool(city.site_held[i])
        troops = city.troop_guards[i]
        edge = (
            palette.country_colour(countries[int(np.argmax(troops))]) if troops.sum() else "#ffffff"
        )
        out.append(
            f"<rect x='{x - 0.6}' y='{y - 0.6}' width='2.2' height='2.2' "
            f"fill='{HELD if held else STORMED}' "
            f"stroke='{edge}' stroke-width='0.6'/>"
        )
        if not held:
            out.append(
                f"<path d='M{x - 0.3} {y - 0.3}L{x + 1.3} {y + 1.3}"
                f"M{x + 1.3} {y - 0.3}L{x - 0.3} {y + 1.3}' "
                "stroke='#fff' stroke-width='0.5'/>"
            )
    out.append("</svg>")
    return "".join(out)


def site_labels(city: CitySnapshot) -> str:
    """HTML labels of the sites, placed over the map in percent of its size (readable text)."""
    out = []
    for i, cell in enumerate(city.site_cell):
        y, x = divmod(int(cell), city.width)
        guards = f"{int(city.police_guards[i])} police"
        if city.troop_guards[i].sum():
            guards += f", {int(city.troop_guards[i].sum())} troop units"
        state = "held" if city.site_held[i] else "STORMED"
        left = min(max(100 * (x + 0.5) / city.width, 12), 88)
        top = 100 * (y + 1.8) / city.height
        out.append(
            f"<div class='site-label' style='left:{left:.1f}%;top:{top:.1f}%'>"
            f"{escape(city.site_names[i])} ({state})<br>{guards}</div>"
        )
    return "".join(out)


@lru_cache(maxsize=8)
def legend(countries: tuple[str, ...], per_agent: int) -> str:
    """The map's legend: the same for the whole run, built once."""
    keys = [
        (STATE_COLOURS[Citizen.QUIET], "quiet protester"),
        (STATE_COLOURS[Citizen.ACTIVE], "active"),
        (STATE_COLOURS[Citizen.JAILED], "jailed"),
        (palette.POLICE, "police"),
        (HELD, "site held"),
        (STORMED, "site stormed"),
    ]
    keys += [(palette.country_colour(c), f"{c} troops") for c in countries]
    items = "".join(
        f"<span class='key'><i class='box' style='background:{c}'></i>{escape(t)}</span>"
        for c, t in keys
    )
    note = (
        f"A site's border shows the main foreign contingent guarding it; one troop unit = "
        f"{per_agent} soldiers."
    )
    return f"<div class='legend'>{items}</div><div class='legend note'>{escape(note)}</div>"


def city_html(city: CitySnapshot, countries: list[str]) -> str:
    """The map: the cells' PNG with the sites' layer and labels over it."""
    data = base64.b64encode(png(city_pixels(city, countries))).decode()
    return (
        f"<div class='city-map' style='aspect-ratio:{city.width}/{city.height}'>"
        f"<img class='city-cells' alt='the city grid' src='data:image/png;base64,{data}'/>"
        f"{sites_layer(city, countries)}{site_labels(city)}</div>"
    )
