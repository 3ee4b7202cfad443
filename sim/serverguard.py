"""Imported by the worker server only, first of ``sim.parallel.PRELOAD``: ties the server's life
to its driver's and keeps Ctrl-C for the driver (``sim.watchdog.guard_server``). Nothing else
imports it."""

from __future__ import annotations

from .watchdog import guard_server

guard_server()
