"""How long a city takes to reach its resting state: the measurement behind ``city.burn_in_days``.

    python benchmarks/city_at_rest.py [config] [seeds] [days]

The scenario's city alone (its grid, sites, police and protesters), started as the model starts it
(everyone quiet, no one jailed or tired), stepped at the scenario's day-0 legitimacy with no shock
(as ``City.burn_in`` steps it), over ``seeds`` seeds. Prints, for windows of days, the mean active
share, jailed share, arrests a day and fatigue: the first days' burst (the aggrieved find each
other before any is jailed), then the resting level. ``city.burn_in_days`` should cover the burst
(docs/model.md 7.1). Writes benchmarks/results/city_at_rest.json; the last line printed is that
JSON object.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sim.city import City, DayInputs
from sim.config import load_config
from sim.files import write_text

WINDOWS = [
    (0, 1),
    (1, 3),
    (3, 5),
    (5, 10),
    (10, 15),
    (15, 20),
    (20, 30),
    (30, 40),
    (40, 60),
    (60, 100),
    (100, 150),
]


def main(path: str = "configs/kazakhstan_2022.yaml", seeds: int = 10, days: int = 150) -> dict:
    cfg = load_config(path)
    rest = DayInputs(cfg.host.legitimacy, 0.0)
    countries = ["Russia"] + [a.name for a in cfg.allies.members]
    series = {k: [] for k in ("active_share", "jailed_share", "arrests", "fatigue")}
    for seed in range(seeds):
        c = City(
            cfg.city,
            cfg.protesters,
            cfg.police,
            cfg.troops,
            cfg.host.police_strength,
            countries,
            np.random.default_rng(seed),
        )
        run = {k: [] for k in series}
        for _ in range(days):
            s = c.step(rest)
            run["active_share"].append(s.active_share)
            run["jailed_share"].append(s.jailed_share)
            run["arrests"].append(s.arrests)
            run["fatigue"].append(float(c.state.fatigue.mean()))
        for k in series:
            series[k].append(run[k])
    mean = {k: np.mean(v, axis=0) for k, v in series.items()}
    rows = []
    for lo, hi in [(lo, min(hi, days)) for lo, hi in WINDOWS if lo < days]:
        row = {"days": f"{lo + 1}-{hi}"}
        row.update({k: round(float(v[lo:hi].mean()), 4) for k, v in mean.items()})
        rows.append(row)
        print(
            f"days {row['days']:>7}: active {row['active_share']:.4f}  jailed "
            f"{row['jailed_share']:.4f}  arrests/day {row['arrests']:6.1f}  fatigue "
            f"{row['fatigue']:.3f}"
        )
    out = {
        "config": path,
        "seeds": seeds,
        "legitimacy": cfg.host.legitimacy,
        "burn_in_days": cfg.city.burn_in_days,
        "windows": rows,
    }
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    write_text(results / "city_at_rest.json", json.dumps(out, indent=1) + "\n")
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    main(*(args[:1]), *(int(a) for a in args[1:3]))
