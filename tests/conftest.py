"""Shared fixtures: paths and small helpers."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


@pytest.fixture
def root() -> Path:
    return ROOT
