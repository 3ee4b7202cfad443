"""The package works outside its checkout (issue 10): a wheel, installed into a fresh virtual
environment, runs `sim run kazakhstan_2022`, `sim cases` and `sim viz` from an empty directory,
with the shipped configs it carries; an editable install reads them from the checkout.

The wheel is built from a copy of the sources (the build leaves nothing in the checkout) and
installed with ``--no-deps``; the fresh environment reaches this environment's dependencies through
a ``.pth`` file, so nothing is downloaded but the build backend, from pip's cache. The runs use the
numpy engine (``SIM_ENGINE=numpy``): compiling the numba kernels afresh would take half a minute
and tests nothing about packaging.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT

SOURCES = ("sim", "configs", "setup.py", "pyproject.toml", "README.md")


def test_an_editable_install_reads_the_configs_in_the_checkout(tmp_path, monkeypatch):
    from sim.bundled import cases_dir, configs_dir, find_config

    monkeypatch.chdir(tmp_path)
    assert configs_dir() == ROOT / "configs" and (cases_dir() / "cases.csv").is_file()
    assert find_config("kazakhstan_2022") == ROOT / "configs" / "kazakhstan_2022.yaml"


def _sim(venv: Path, cwd: Path, env: dict, *args, timeout=300) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(venv / "bin" / "sim"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, environment) of a fresh venv with the wheel of this checkout installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.nbi", "*.nbc", "*.egg-info")
    for name in SOURCES:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(
            ROOT / name, src / name, **({"ignore": ignore} if (ROOT / name).is_dir() else {})
        )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(tmp / "dist"), str(src)],
        check=True,
        timeout=600,
        capture_output=True,
    )
    (wheel,) = (tmp / "dist").glob("moscow_sim-*.whl")
    venv = tmp / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    subprocess.run(
        [
            *pip,
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    site = Path(
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "outer_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    outer = Path(sys.prefix)
    env = {
        **os.environ,
        "SIM_ENGINE": "numpy",
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        # what the dependencies' own installs would have put in the fresh prefix (Solara reads it)
        "JUPYTER_CONFIG_PATH": str(outer / "etc" / "jupyter"),
        "JUPYTER_PATH": str(outer / "share" / "jupyter"),
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(tmp / "cdn"),
    }
    env.pop("PYTHONPATH", None)
    return venv, env, site


@pytest.mark.slow
def test_the_wheel_carries_the_configs_and_runs_from_an_empty_directory(installed, tmp_path):
    venv, env, site = installed
    assert (site / "sim" / "bundled" / "configs" / "kazakhstan_2022.yaml").is_file()
    assert (site / "sim" / "bundled" / "configs" / "cases" / "cases.csv").is_file()
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sim; print(sim.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(site)), where  # the installed copy, not the checkout
    version = _sim(venv, tmp_path, env, "--version").stdout
    assert version.startswith("sim 0.")
    run = _sim(
        venv, tmp_path, env, "run", "kazakhstan_2022", "--reps", "2", "--jobs", "1", "--quiet"
    )
    assert "2 replications" in run.stdout
    assert (tmp_path / "results" / "kazakhstan_2022" / "summary.parquet").is_file()
    _sim(
        venv,
        tmp_path,
        env,
        "run",
        "kazakhstan_2022/no_request",
        "--reps",
        "2",
        "--jobs",
        "1",
        "--quiet",
        "--no-plots",
    )
    cases = _sim(venv, tmp_path, env, "cases", "--reps", "1", "--jobs", "1", "--quiet")
    assert (
        "without case titles" not in cases.stdout
        and "Kazakhstan Bloody January"
        in (tmp_path / "results" / "cases" / "cases.csv").read_text()
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


@pytest.mark.slow
def test_the_installed_dashboard_serves_from_an_empty_directory(installed, tmp_path):
    venv, env, _ = installed
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(venv / "bin" / "sim"), "viz", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    status, html = page.status, page.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200 and "solara" in html.lower(), (
            server.stdout.read() if server.poll() is not None else ""
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    log = server.stdout.read()
    assert "kazakhstan_2022 on http://127.0.0.1" in log and "Traceback" not in log, log[-3000:]
    # the dashboard module finds the baseline inside the installed package
    shown = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sim.app; print(sim.app.config_path())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "site-packages" in shown and shown.strip().endswith("kazakhstan_2022.yaml")
