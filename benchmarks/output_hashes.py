"""Fingerprints of the model's outputs, to show that a refactoring changed no number.

    python benchmarks/output_hashes.py OUT.json      # both engines, in fresh processes
    python benchmarks/output_hashes.py --engine-only # this process's engine; JSON on stdout

For a few configs (the calibrated scenarios, Epstein's Model I, a torus/Moore variant, a case, a
city with enough patrols to take the arrest hazard's window-sum path) x seeds, the SHA-256 of each
run's daily table, summary row and decision log; then bare cities driven day by day through the
paths a model run rarely takes (guards too many to pack both counts in one grid, several tries per
move, troops that patrol), hashing the figures and the arrays after every day. Each engine runs in
its own process (``SIM_ENGINE=numpy`` for the reference), so the script works on any commit that
has ``SIM_ENGINE``. Run it on the commit before a change and after; the two JSON files must be
equal.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

RUNS = [
    ("kazakhstan_2022", "configs/kazakhstan_2022.yaml", []),
    ("belarus_2020", "configs/belarus_2020.yaml", []),
    ("epstein_2002", "configs/epstein_2002.yaml", []),
    ("ukraine_2022", "configs/ukraine_2022.yaml", []),
    (
        "kazakhstan_torus_moore",
        "configs/kazakhstan_2022.yaml",
        ["city.torus=true", "city.neighborhood=moore"],
    ),
    (
        "belarus_torus_rounds6",
        "configs/belarus_2020.yaml",
        ["city.torus=true", "protesters.activation_rounds=6"],
    ),
    (
        "kazakhstan_many_patrols",
        "configs/kazakhstan_2022.yaml",
        ["police.density=0.2", "police.vision=4"],
    ),
    ("case_kyrgyzstan_2010", "configs/cases/kyrgyzstan_2010.yaml", []),
]
SEEDS = (0, 1, 2)
STATS = (
    "active_share",
    "quiet_share",
    "jailed_share",
    "sites_held",
    "sites_lost",
    "police_patrol",
    "police_guards",
)


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.hexdigest()[:16]


def _frame_hash(df) -> str:
    parts = []
    for name in df.columns:
        col = df[name]
        parts.append(f"{name}:{col.dtype}".encode())
        values = col.to_numpy()
        parts.append(values.tobytes() if values.dtype != object else repr(values.tolist()).encode())
    return _sha(*parts)


def _json_hash(obj) -> str:
    return _sha(json.dumps(obj, sort_keys=True, default=repr).encode())


def model_hashes() -> dict:
    from sim.config import load_config
    from sim.runner import run_one

    out = {}
    for name, path, overrides in RUNS:
        cfg = load_config(ROOT / path, overrides)
        for seed in SEEDS:
            daily, summary, log = run_one(cfg, seed)
            out[f"{name}/seed{seed}"] = {
                "daily": _frame_hash(daily),
                "summary": _json_hash(summary),
                "decisions": _json_hash(log),
            }
    return out


def _new_city(*args):
    try:
        from sim.city import City
    except ImportError:  # before the protester engine became the package sim/city/ (a4bbead)
        from sim.city_compiled import new_city as City
    return City(*args)


def _step(city, legitimacy: float, shock: float):
    try:
        from sim.city import DayInputs
    except ImportError:  # a4bbead
        return city.step(legitimacy, shock)
    return city.step(DayInputs(legitimacy, shock))


def _arrays(city) -> list[np.ndarray]:
    if hasattr(city, "snapshot"):
        s = city.snapshot()
        return [
            s.pos,
            s.state,
            s.patrol_pos,
            s.patrol_owner,
            s.site_held,
            s.police_guards,
            s.troop_guards,
        ]
    return [
        city.pos,
        city.state,
        city.patrol_pos,
        city.patrol_owner,
        city.site_held,
        city.police_guards,
        city.troop_guards,
    ]


def city_hashes() -> dict:
    from sim.config.schema import CityParams, Police, Protesters, Site, Troops

    sites = [Site(name="a", x=5, y=5), Site(name="b", x=20, y=12), Site(name="c", x=28, y=3)]
    cases = {
        # guards too many to pack security agents and actives in one grid: the numpy rounds
        "packing_overflow": {
            "torus": False,
            "kind": "von_neumann",
            "troops": [70_000.0, 900.0],
            "tries": 1,
            "policing": 0.0,
        },
        "tries3_moore": {
            "torus": False,
            "kind": "moore",
            "troops": [400.0, 0.0],
            "tries": 3,
            "policing": 0.3,
        },
        "tries2_torus": {
            "torus": True,
            "kind": "von_neumann",
            "troops": [0.0, 0.0],
            "tries": 2,
            "policing": 0.0,
        },
        "troop_patrols": {
            "torus": False,
            "kind": "von_neumann",
            "troops": [3000.0, 800.0],
            "tries": 1,
            "policing": 0.5,
        },
    }
    out = {}
    for name, c in cases.items():
        city_cfg = CityParams(
            width=32, height=26, torus=c["torus"], neighborhood=c["kind"], sites=sites
        )
        prot = Protesters(density=0.7, vision=4, max_jail_days=20, site_attraction=0.4)
        police = Police(density=0.08, vision=3, guard_share=0.25)
        troops = Troops(per_agent=1, policing_share=c["policing"])
        for seed in (0, 1):
            city = _new_city(
                city_cfg,
                prot,
                police,
                troops,
                1.0,
                ["Russia", "Belarus"],
                np.random.default_rng(seed),
            )
            city.move_tries = c["tries"]
            h = hashlib.sha256()
            for day in range(25):
                if day == 3:
                    city.set_troops(np.array(c["troops"]))
                if day == 15:
                    city.remove_police(7)
                if day == 18:
                    city.add_police(4)
                s = _step(city, 0.45 if day < 12 else 0.7, 0.3 if day < 6 else 0.0)
                h.update(repr([float(getattr(s, f)) for f in STATS]).encode())  # int or numpy int
                for a in _arrays(city):
                    h.update(np.ascontiguousarray(a).tobytes())
            out[f"city/{name}/seed{seed}"] = h.hexdigest()[:16]
    return out


def main() -> None:
    if "--engine-only" in sys.argv:
        print(json.dumps({**model_hashes(), **city_hashes()}, sort_keys=True))
        return
    target = Path(sys.argv[1])
    result = {}
    for engine in ("numba", "numpy"):
        env = {**os.environ, "SIM_ENGINE": engine}
        proc = subprocess.run(
            [sys.executable, __file__, "--engine-only"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        result[engine] = json.loads(proc.stdout.strip().splitlines()[-1])
    same = result["numba"] == result["numpy"]
    result["engines_agree"] = same
    target.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(
        f"{target}: {sum(len(v) for v in result.values() if isinstance(v, dict))} hashes; "
        f"engines agree: {same}"
    )


if __name__ == "__main__":
    main()
