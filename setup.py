"""Packaging beyond pyproject.toml: the top-level ``configs/`` folder ships inside the package.

``configs/`` stays the single source (the repository's layout, read in place by a checkout or an
editable install); a wheel carries it as the data package ``sim.bundled.configs``, one package per
folder, found by walking it, so a new scenario folder needs no change here. ``sim.bundled`` finds
it in either place.
"""

from pathlib import Path

from setuptools import find_packages, setup

CONFIGS = Path("configs")
DATA = ["sim.bundled.configs"] + [
    "sim.bundled.configs." + ".".join(d.relative_to(CONFIGS).parts)
    for d in sorted(CONFIGS.rglob("*"))
    if d.is_dir() and not d.name.startswith((".", "_"))
]

setup(
    packages=find_packages(include=["sim", "sim.*"]) + DATA,
    package_dir={"sim.bundled.configs": "configs"},
    package_data={name: ["*.yaml", "*.csv", "*.md", "*.parquet"] for name in DATA},
)
