"""The lint, format and type checks pass, so the README's test command (and `.ci/run`) runs them.

Configured in pyproject.toml ([tool.ruff], [tool.mypy]); ruff and mypy come with the `test` extra.
Deselect with `-m "not lint"` while a change is being shaped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the virtual environment the tests run in

pytestmark = pytest.mark.lint

CHECKS = {
    "ruff check": ("ruff", "check", "."),
    "ruff format": ("ruff", "format", "--check", "."),
    "mypy": ("mypy", "sim"),
}


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    exe = BIN / tool
    if not exe.is_file():
        pytest.skip(
            f"{tool} is not installed in {BIN}: install the test extra (pip install -e '.[test]')"
        )
    return subprocess.run(
        [str(exe), *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


# issue 11, done when: ruff check, ruff format --check and mypy pass, run by the README test command
@pytest.mark.parametrize("name", list(CHECKS))
def test_the_code_passes(name):
    done = _run(*CHECKS[name])
    assert done.returncode == 0, f"`{' '.join(CHECKS[name])}` failed:\n{done.stdout}{done.stderr}"
