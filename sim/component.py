"""What every part of the crisis declares, in the spirit of Starsim's modules.

A component (the host government, Moscow, the West, each CSTO ally, the troop ledger, the war) is
built from its own config section (its parameters), keeps its own state (enums where a state is one
of a few, never bare strings), declares its output columns (``columns``), and draws from its own
random stream, named by its key (``named_stream``): adding a component or a draw in one component
shifts no other component's numbers. Components read each other freely but change each other only
through methods that say what they do (``host.concede``, ``ledger.order``, ``west.change_signal``),
never by writing another component's fields (tests/test_structure.py checks the package for that).
``CrisisModel`` collects the declared columns in a fixed order and calls the components in the daily
order written out in its ``step``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import mesa
import numpy as np

Reporter = Callable[[], Any]
"""A column's reporter: returns today's value, an immutable scalar (number, bool or str)."""


def bound[T](read: Callable[[T], Any], arg: T) -> Reporter:
    """A reporter calling ``read(arg)`` each day: binds a loop variable (as a lambda's default
    argument would) in a form the type checker can follow."""
    return lambda: read(arg)


def named_stream(seq: np.random.SeedSequence, name: str) -> np.random.Generator:
    """The random stream of the component called ``name``, derived from the run's seed sequence.

    The child's spawn key is the parent's plus a 32-bit hash of the name (CRC-32), so each stream
    depends only on the run's seed and the component's name, not on how many components there are
    or in which order they were built.
    """
    key = zlib.crc32(name.encode("utf-8"))
    child = np.random.SeedSequence(
        seq.entropy, spawn_key=(*seq.spawn_key, key), pool_size=seq.pool_size
    )
    return np.random.default_rng(child)


class Component(mesa.Agent):
    """An actor of the crisis: a Mesa agent with its parameters, its stream and its output columns.

    Args:
        model: the crisis model (it provides ``stream(name)``).
        cfg: this component's config section.
        key: the component's key (``host``, ``ally:Armenia``); it names the component's random
            stream.
    """

    def __init__(self, model, cfg, key: str):
        super().__init__(model)
        self.cfg = cfg
        self.key = key
        self.stream = model.stream(key)  # Mesa's Agent.rng is the model's generator; this is ours

    def columns(self) -> dict[str, Reporter]:
        """The component's daily output columns, name -> reporter (the README's output contract)."""
        return {}
