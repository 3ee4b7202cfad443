"""The interactive dashboard (``sim viz``): one scenario, day by day, in the browser.

Run it with ``sim viz [CONFIG]`` or, equivalently,
``SIM_VIZ_CONFIG=CONFIG solara run sim.app.page``.
The scenario comes from ``$SIM_VIZ_CONFIG`` (default: the Kazakhstan 2022 baseline).

Modules: ``controls`` (each control's config key, range and unit; the model built from them),
``session`` (one tab's state; Step, Play and Pause under one lock), ``charts`` (SVG line charts
built as text), ``panels`` (the dashboard's charts and Moscow's factor panel), ``city`` (the map),
``baseline`` (the stored runs' median and band, the history markers), ``log`` (the decision log and
the CSV downloads), ``style`` and ``page`` (the Solara components; ``Page`` is what Solara serves).
Only ``page`` and ``session`` import Solara; the model never imports the dashboard.
"""

from .controls import DashboardModel, base_config, config_path, configure, control_values

__all__ = ["DashboardModel", "base_config", "config_path", "configure", "control_values"]
