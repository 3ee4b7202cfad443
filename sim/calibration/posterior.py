"""Reading a posterior and drawing parameters from it (``--posterior`` of run, cases, experiments).

A posterior is ``posterior.parquet`` as ``sim calibrate`` writes it: a column per free parameter
(its config key) and ``weight``. ``--posterior`` takes the file or the calibration's output folder.
Replication r of a run draws row i with probability weight_i, from a stream of its own spawned from
the run's root seed, so the same seed gives the same draws; the draws go into the output's
provenance (``manifest.json``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Config, ConfigError
from ..config.load import check_key

POSTERIOR_STREAM = 0x9057  # spawn key of the posterior draws' stream (apart from the runs' seeds)


def metadata_bytes(manifest: dict) -> bytes:
    """The provenance stored in a posterior file's parquet metadata."""
    keep = (
        "calibration",
        "spec_file",
        "digest",
        "seed",
        "quick",
        "generations",
        "simulations",
        "final_epsilon",
        "git_commit",
        "created",
        "covered",
        "targets",
    )
    return json.dumps({k: manifest.get(k) for k in keep}, default=str).encode()


@dataclass(frozen=True)
class Posterior:
    """A posterior's particles (``frame``: parameters and ``weight``), where it came from, and its
    provenance (from the file's metadata)."""

    path: Path
    frame: pd.DataFrame
    provenance: dict
    sha256: str

    @property
    def keys(self) -> list[str]:
        return [c for c in self.frame.columns if c != "weight"]

    def draws(self, reps: int, root_seed: int) -> list[dict]:
        """One parameter set per replication, drawn by weight from the run's posterior stream."""
        rng = np.random.default_rng(
            np.random.SeedSequence(root_seed, spawn_key=(POSTERIOR_STREAM,))
        )
        return draw_rows(self.frame, reps, rng)

    def record(self, draws: list[dict]) -> dict:
        """The provenance a run records: the file, its hash and calibration, and every draw."""
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "calibration": self.provenance,
            "parameters": self.keys,
            "draws": draws,
        }


def draw_rows(frame: pd.DataFrame, n: int, rng: np.random.Generator) -> list[dict]:
    """``n`` rows of ``frame`` drawn with replacement by ``weight``, as parameter dicts."""
    weights = frame["weight"].to_numpy(float)
    index = rng.choice(len(frame), size=n, p=weights / weights.sum())
    rows = frame.drop(columns="weight").iloc[index].to_dict("records")  # each column keeps its type
    return [{k: _plain(v) for k, v in row.items()} for row in rows]


def _plain(value):
    return (
        int(value)
        if isinstance(value, (np.integer, int)) and not isinstance(value, bool)
        else float(value)
    )


def load_posterior(path: str | Path, label: str = "--posterior") -> Posterior:
    """Read a posterior (``posterior.parquet`` or the folder holding it), checked: a ``weight``
    column of non-negative finite numbers with a positive sum, and every other column a config key.
    ``label`` says where the path came from, for the message."""
    path = Path(path)
    file = path / "posterior.parquet" if path.is_dir() else path
    if not file.is_file():
        raise ConfigError(
            f"{label} {path}: no posterior there; give the posterior.parquet that "
            "`sim calibrate` wrote, or its output folder, e.g. "
            "configs/calibration/kazakhstan_2022.posterior.parquet."
        )
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(file)
    except Exception as exc:
        raise ConfigError(
            f"{label} {file} cannot be read as a parquet table ({exc}); give the "
            "posterior.parquet that `sim calibrate` wrote."
        ) from None
    frame = table.to_pandas()
    if "weight" not in frame or len(frame.columns) < 2 or not len(frame):
        raise ConfigError(
            f"{label} {file} is not a posterior: it needs a `weight` column, at least one "
            "parameter column (a config key) and at least one row, as `sim calibrate` writes."
        )
    w = pd.to_numeric(frame["weight"], errors="coerce").to_numpy(float)
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise ConfigError(
            f"{label} {file}: the `weight` column must hold finite numbers of at least 0 "
            "with a sum above 0."
        )
    for key in frame.columns:
        if key != "weight":
            check_key(key, label=f"{label} {file}: column")
    meta = (table.schema.metadata or {}).get(b"sim.calibration")
    provenance = json.loads(meta) if meta else {}
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    return Posterior(file, frame, provenance, digest)


def draw_configs(
    config: Config, posterior: Posterior, draws: list[dict], where: str, keep: tuple[str, ...] = ()
) -> list[Config]:
    """``config`` with each draw applied (one config per replication), except the keys in ``keep``
    (set by the caller: an experiment point's own parameters win); a draw the config refuses is a
    ConfigError naming the posterior (e.g. a posterior of another scenario's keys)."""
    from .simulator import draw_config

    base = config.model_dump(mode="json")
    out = []
    for d in draws:
        try:
            out.append(draw_config(base, {k: v for k, v in d.items() if k not in keep}))
        except ConfigError as err:
            raise ConfigError(
                f"the posterior {posterior.path} does not fit {where}: {err}"
            ) from None
    return out


def mechanism_only(draws: list[dict]) -> tuple[list[dict], list[str]]:
    """The draws without the keys that describe one scenario rather than the model (its events: a
    shock's size in one crisis says nothing of another's), and the keys dropped."""
    dropped = sorted({k for d in draws for k in d if k.startswith("events.")})
    return [{k: v for k, v in d.items() if k not in dropped} for d in draws], dropped
