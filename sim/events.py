"""Scenario events (docs/model.md section 6): one small handler per kind, in one registry.

Each day, every event whose window covers the day (``day <= today < day + duration``) is passed to
the handler of its kind, with the day's offset into its window; most kinds act once, on their first
day. A handler changes the world only through methods of the component concerned. The two pieces of
world state that belong to no actor, the outstanding hardship shock and the scenario's trigger, are
small classes here, owned by the model.

Adding a kind: add it to ``Event.kind`` in the schema and register a handler here; a test checks
that every kind in the schema has one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config.schema import Event
    from .model import CrisisModel

Handler = Callable[["CrisisModel", "Event", int], None]
HANDLERS: dict[str, Handler] = {}


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of events of ``kind``."""

    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


class HardshipShock:
    """The outstanding hardship shock s added to every citizen's hardship (a price rise, say)."""

    def __init__(self) -> None:
        self.level = 0.0

    def add(self, value: float) -> None:
        self.level += value

    def relieve(self, share: float) -> None:
        """Take back ``share`` of the outstanding shock (a concession: the price rise undone)."""
        self.level *= 1.0 - share


class ScenarioTrigger:
    """A trigger set by a scenario event (an attack, a pretext), held for a number of days."""

    def __init__(self) -> None:
        self.level = 0.0
        self.until = -1  # last model day (0-based, as the event's day) on which it holds

    def raise_to(self, level: float, until: int) -> None:
        self.level = max(self.level, level)
        self.until = max(self.until, until)

    def expire(self, today: int) -> None:
        if today >= self.until:
            self.level = 0.0


def fire(model: CrisisModel, today: int) -> None:
    """Fire the events of ``today`` (the scenario's day, 0 = the opening event), in config order."""
    for ev in model.cfg.events:
        if ev.day <= today < ev.day + ev.duration:
            HANDLERS[ev.kind](model, ev, today - ev.day)
    model.trigger.expire(today)


@handles("hardship_shock")
def _hardship(model: CrisisModel, ev: Event, offset: int) -> None:
    model.shock.add(ev.value / ev.duration)  # builds up evenly over its duration


@handles("legitimacy_shock")
def _legitimacy(model: CrisisModel, ev: Event, offset: int) -> None:
    if offset == 0:
        model.host.lose_legitimacy(ev.value)


@handles("disputed_election")
def _disputed(model: CrisisModel, ev: Event, offset: int) -> None:
    if offset == 0:
        model.host.dispute_election(ev.value)


@handles("trigger")
def _trigger(model: CrisisModel, ev: Event, offset: int) -> None:
    if offset == 0:
        model.trigger.raise_to(ev.value, ev.day + ev.duration)


@handles("forces_committed")
def _committed(model: CrisisModel, ev: Event, offset: int) -> None:
    if offset == 0:
        model.russia.commit_elsewhere(ev.value)


@handles("west_signal")
def _signal(model: CrisisModel, ev: Event, offset: int) -> None:
    if offset == 0:
        model.west.change_signal(ev.value)


@handles("host_request_ban")
def _ban(model: CrisisModel, ev: Event, offset: int) -> None:
    if offset == 0:
        model.host.forbid_request()


@handles("host_request")
def _request(model: CrisisModel, ev: Event, offset: int) -> None:
    if offset == 0:
        model.host.ask()


@handles("host_offensive")
def _offensive(model: CrisisModel, ev: Event, offset: int) -> None:
    if offset == 0:
        model.war.start_host_offensive(ev.value)
