"""Jail and protest fatigue: terms, detention released in batches, and the tiring of actives.

Two models of what an arrest costs (``protesters.jail_model``, docs/model.md 7.2):

- ``"epstein"``: every arrested citizen serves U{0..max_jail_days} (Epstein 2002);
- ``"detention"`` (the default): a ``charged_share`` of the arrested are charged and serve
  U{0..max_jail_days}; the rest are administrative detainees held U{detention_min_days ..
  detention_max_days}, whose term is stretched to the next release day, so that they walk out
  together on every ``release_interval_days``-th day of the city's calendar (the burn-in's days
  included).

A term of ``t`` days given on day ``d`` keeps the citizen out of days ``d + 1 .. d + t``; he acts
again on day ``d + t + 1``, a release day when ``(d + t + 1) % interval == 0``.

Protest fatigue (docs/model.md 7.1): each citizen's fatigue F rises by ``fatigue_rate`` for each
day active and falls by ``fatigue_recovery`` for each day not, within [0, 1]; grievance is
G = H (1 - L) (1 - F). Both engines tire the citizens with the same numpy code
(:meth:`Jail.tire`); the terms are drawn by :meth:`Jail.terms` in numpy and by ``jail_terms``
compiled, with the same draws in the same order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .jit import kernel
from .state import JAILED, CityState

if TYPE_CHECKING:  # the config sections, for the type checker only
    from ..config import schema


class JailTables(NamedTuple):
    """How terms are drawn (kernels take it as a plain tuple, with the day appended)."""

    detention: bool  # the detention model (else Epstein's)
    charged_share: float
    max_jail: int  # J_max: a charged citizen's (or, under Epstein's model, everyone's) longest term
    min_detention: int
    max_detention: int
    interval: int  # release_interval_days


def jail_tables(protesters: schema.Protesters) -> JailTables:
    p = protesters
    return JailTables(
        p.jail_model == "detention",
        float(p.charged_share),
        int(p.max_jail_days),
        int(p.detention_min_days),
        int(p.detention_max_days),
        int(p.release_interval_days),
    )


class Jail:
    """Jail terms and fatigue for one city, in numpy (the reference; fatigue for both engines).

    Args:
        state: the city's arrays.
        protesters: the ``protesters`` config section.
        rng: the city's random generator.
    """

    def __init__(self, state: CityState, protesters: schema.Protesters, rng: np.random.Generator):
        self.s, self.rng = state, rng
        self.tables = jail_tables(protesters)
        self.rate = np.float32(protesters.fatigue_rate)
        self.recovery = np.float32(protesters.fatigue_recovery)
        self.tiring = bool(protesters.fatigue_rate > 0 or protesters.fatigue_recovery > 0)

    def count_down(self) -> tuple[np.ndarray, int]:
        """Jail terms count down; who is free to act today (released prisoners included), and how
        many of them walk out of jail today."""
        s = self.s
        serving = s.jail > 0  # only jailed citizens have days left
        np.subtract(s.jail, 1, out=s.jail, where=serving)
        acting = ~serving
        released = int(np.count_nonzero(s.state[acting] == JAILED))
        return acting, released

    def terms(self, n: int, day: int) -> np.ndarray:
        """Terms for ``n`` citizens arrested on the city's day ``day`` (draws as ``jail_terms``)."""
        t = self.tables
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        if not t.detention:
            return self.rng.integers(0, t.max_jail + 1, n)
        charged = self.rng.random(n) < t.charged_share
        long = self.rng.integers(0, t.max_jail + 1, n)
        short = self.rng.integers(t.min_detention, t.max_detention + 1, n)
        short += (-(day + short + 1)) % t.interval  # out on the next release day
        return np.where(charged, long, short)

    def tire(self, who: np.ndarray) -> None:
        """Fatigue: today's actives ``who`` and the jailed tire by ``fatigue_rate``, the others
        recover by ``fatigue_recovery``, within [0, 1]: a detainee comes out worn down (specific
        deterrence), so the city at rest does not cycle the same few through its cells."""
        if not self.tiring:
            return
        f = self.s.fatigue
        step = np.full(f.size, -self.recovery, dtype=np.float32)
        step[who] = self.rate
        step[self.s.state == JAILED] = self.rate  # detention wears down as a day active does
        f += step
        np.maximum(f, 0, out=f)  # np.clip's own overhead is twice the whole update's
        np.minimum(f, 1, out=f)


# --- compiled ----------------------------------------------------------------------------------


@kernel
def count_down(jail: np.ndarray, acting: np.ndarray, state: np.ndarray) -> int:
    """Jail terms count down by a day; ``acting`` marks who was not serving (free to act today).
    Returns how many walk out of jail today (``Jail.count_down``)."""
    released = 0
    for i in range(jail.size):
        serving = jail[i] > 0
        if serving:
            jail[i] -= 1
        else:
            released += state[i] == JAILED
        acting[i] = not serving
    return released


@kernel
def jail_terms(rng: np.random.Generator, n: int, jailing: tuple) -> np.ndarray:
    """Terms for ``n`` arrested citizens, drawn as ``Jail.terms``; ``jailing`` is
    :class:`JailTables` with the city's day appended."""
    detention, charged_share, max_jail, lo, hi, interval, day = jailing
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if not detention:
        return rng.integers(0, max_jail + 1, n)
    charged = rng.random(n)
    long = rng.integers(0, max_jail + 1, n)
    short = rng.integers(lo, hi + 1, n)
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        if charged[i] < charged_share:
            out[i] = long[i]
        else:
            out[i] = short[i] + (-(day + short[i] + 1)) % interval
    return out
