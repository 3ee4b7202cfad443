"""One browser session's dashboard state: the model, the day shown, play and pause, the controls
chosen, and the lock that keeps Step, Play and Pause from overlapping.

Play runs in a thread (``play_loop``); every step, from Step or from Play, happens under
``lock`` and only while ``play_flag`` says so, so once Pause has taken the lock and cleared the
flag no further step starts: Pause stops at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import solara

from ..config import Config, ConfigError
from .baseline import Baseline, load_baseline, markers, start_label
from .charts import Marker
from .controls import DashboardModel, control_values

SPEEDS = {"slow (1 s a day)": 1.0, "normal (0.3 s a day)": 0.3, "fast (as fast as it draws)": 0.02}
"""Play speeds: the pause between two days, in seconds."""


@dataclass
class Session:
    """The state of one page (one per browser tab)."""

    cfg: Config
    baseline: Baseline | str
    marks: list[Marker]
    start: str
    model: solara.Reactive
    day: solara.Reactive = field(default_factory=lambda: solara.Reactive(0))
    playing: solara.Reactive = field(default_factory=lambda: solara.Reactive(False))
    chosen: solara.Reactive = field(default_factory=lambda: solara.Reactive({}))
    seed: solara.Reactive = field(default_factory=lambda: solara.Reactive("0"))
    compare: solara.Reactive = field(default_factory=lambda: solara.Reactive(False))
    speed: solara.Reactive = field(default_factory=lambda: solara.Reactive("normal (0.3 s a day)"))
    error: solara.Reactive = field(default_factory=lambda: solara.Reactive(""))
    running: solara.Reactive = field(default_factory=lambda: solara.Reactive(True))
    lock: threading.Lock = field(default_factory=threading.Lock)
    play_flag: bool = False

    @classmethod
    def open(cls, cfg: Config) -> Session:
        model = DashboardModel(seed="0", base=cfg)
        s = cls(cfg, load_baseline(cfg), markers(cfg), start_label(cfg), solara.Reactive(model))
        s.chosen.set(control_values(cfg))
        return s

    # --- the buttons ------------------------------------------------------------------------------

    def step(self) -> bool:
        """One day, unless the run is over; False when it is."""
        with self.lock:
            m = self.model.value
            if not m.running:
                return False
            m.step()
            day, running = m.day, m.running
        self.day.set(day)
        self.running.set(running)
        return True

    def play(self) -> None:
        with self.lock:
            self.play_flag = self.model.value.running
        self.playing.set(self.play_flag)

    def pause(self) -> None:
        with self.lock:  # waits for a step under way; none starts after this
            self.play_flag = False
        self.playing.set(False)

    def reset(self) -> None:
        """A new model from the chosen controls and seed (playing stops)."""
        self.pause()
        try:
            model = DashboardModel(self.chosen.value, self.seed.value, base=self.cfg)
        except ConfigError as exc:
            self.error.set(str(exc))
            return
        self.error.set("")
        with self.lock:
            self.model.set(model)
        self.day.set(0)
        self.running.set(True)

    def play_loop(self, cancel: threading.Event) -> None:
        """Step while playing, a pause of the chosen speed between days; ends on Pause, at the
        horizon, or when the page is closed (``cancel``)."""
        while not cancel.wait(SPEEDS.get(self.speed.value, 0.3)):
            with self.lock:
                m = self.model.value
                if not self.play_flag:
                    return
                if not m.running:
                    self.play_flag = False
                    break
                m.step()
                day = m.day
            self.day.set(day)
        self.running.set(self.model.value.running)
        self.playing.set(False)
