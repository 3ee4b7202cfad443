"""Imported by the worker server only (``sim.parallel.PRELOAD``): load the compiled engine there
once.

Workers are forks of that server, so they start with the kernels loaded instead of each spending
about half a second loading them from numba's cache (or compiling them, on the very first run after
installing). Importing this module runs a tiny city for three days; that is its only purpose, and
nothing else imports it.
"""

from __future__ import annotations

from .city import warm_up

warm_up()
