"""The scenario schema: every parameter of the model, its default, unit, range and source.

This package is the one place where parameters are declared, one module per part of the crisis:
``city`` (the grid, sites, protesters, police and troops on the grid), ``host`` (the government
and its region; its forces and playbook in :mod:`.security`), ``movement`` (the protest
movement's organised marches), ``russia``, ``west``, ``allies``, ``attrition`` (the war),
``events``, ``history`` (never read by the model) and ``scenario`` (``Config``, the whole).
``base`` holds what they share. A section that configures a runtime class is named apart from it
with ``Params`` (``CityParams`` for ``sim.city.City``, ``HostParams`` for ``HostGovernment``,
``MovementParams``, ``RussiaParams``, ``WestParams``, ``AllyParams`` for the actors in
``sim.actors``). Everything is re-exported here: ``from sim.config.schema import X``.

``docs/parameters.md`` is generated from it (``python -m sim.config.docgen``) and a test keeps the
two in step. Sources of defaults are given in each field's description; "assumption" marks a
modelling choice with no empirical source, documented in ``docs/model.md``.

Imports nothing of ours but :mod:`sim.config.names`.
"""

from ..names import check_name
from .allies import Allies, AllyParams
from .attrition import Attrition
from .base import P, Section, Share
from .city import CityParams, Police, Protesters, Site, Troops
from .events import EVENT_VALUES, Event
from .history import Fact, History, HistoryEvent, Magnitude, MagnitudeName
from .host import HostParams, Region
from .movement import MovementParams
from .russia import (
    OPTION_NAMES,
    Learning,
    Logistics,
    Options,
    Perception,
    RussiaParams,
    SupportWeights,
    Thresholds,
    Weights,
)
from .scenario import Config
from .security import HostForces, PlaybookParams
from .west import WestParams

__all__ = [
    "EVENT_VALUES",
    "OPTION_NAMES",
    "Allies",
    "AllyParams",
    "Attrition",
    "CityParams",
    "Config",
    "Event",
    "Fact",
    "History",
    "HistoryEvent",
    "HostParams",
    "HostForces",
    "Learning",
    "Logistics",
    "Magnitude",
    "MagnitudeName",
    "MovementParams",
    "Options",
    "P",
    "Perception",
    "PlaybookParams",
    "Police",
    "Protesters",
    "Region",
    "RussiaParams",
    "Section",
    "Share",
    "Site",
    "SupportWeights",
    "Thresholds",
    "Troops",
    "Weights",
    "WestParams",
    "check_name",
]
