"""Browser test of the dashboard: `sim viz` served on a free port, driven by Playwright in Chromium.

Needs Debian's Chromium at /usr/bin/chromium (`.ci/run` installs it); without it the test is
skipped, except under CI (the environment variable CI set), where that is a failure. The page is
stepped to day 4 of the Kazakhstan baseline (mid-crisis: troops have just landed), checked, and a
screenshot saved to the test's tmp folder; with SIM_UPDATE_SCREENSHOT=1 it also replaces
docs/img/dashboard.png, the README's picture. Then a control is changed and the model reset, and the
change must show in the page and in the model's behaviour.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SERVER_START_S = 120  # first start may fetch the page's web assets with npm (sim/commands/viz.py)
STEP_S = 30  # a step re-renders five figures; generous for a loaded 2-core CI machine


def _require_browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) for the dashboard test"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    if os.environ.get("CI"):
        import playwright  # noqa: F401  (in the `test` extra: its absence under CI is a failure)
    else:
        pytest.importorskip("playwright", reason="pip install -e '.[test]' for the dashboard test")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


@pytest.fixture
def server(tmp_path):
    """`sim viz` on a free port of 127.0.0.1; its URL. Always stopped, with bounded waits."""
    _require_browser()
    port = _free_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim", "viz", "configs/kazakhstan_2022.yaml", "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"sim viz exited with code {proc.returncode}:\n{_log_tail(log)}")
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"sim viz did not answer on {url} within {SERVER_START_S} s:\n{_log_tail(log)}")
            time.sleep(0.5)
        yield url
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            if proc.poll() is not None:
                break
            try:
                os.killpg(proc.pid, sig)  # its own session: the server and anything it started
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue


def _day(page) -> float:
    text = page.get_by_text(re.compile(r"^Time: \d")).inner_text()
    return float(text.split(":")[1])


def _wait_day(page, day: int) -> None:
    page.get_by_text(f"Time: {day:.1f}", exact=True).first.wait_for(timeout=STEP_S * 1000)
    page.get_by_text(re.compile(rf"^Day {day}: Moscow.s decision")).first.wait_for(timeout=STEP_S * 1000)


def _step_to(page, day: int) -> None:
    """Press Step until the counter reaches ``day`` (at least: a step left over from play may land too)."""
    step = page.get_by_role("button", name="Step", exact=True)
    while _day(page) < day:
        now = _day(page)
        step.click()
        page.wait_for_function(
            "now => { const m = document.body.innerText.match(/Time: ([0-9.]+)/); return m && +m[1] > now; }",
            arg=now, timeout=STEP_S * 1000,
        )
    _wait_day(page, int(_day(page)))


def _settled_day(page, quiet_s: float = 1.5) -> float:
    """The counter once it has stopped moving for ``quiet_s`` (Mesa's play loop may finish one step after pause)."""
    deadline = time.monotonic() + STEP_S
    last = _day(page)
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = _day(page)
        if now == last:
            return now
        last = now
    pytest.fail("the step counter kept moving after pause")


def _wait_images(page, n: int = 5) -> None:
    """Wait until ``n`` images of the main view have loaded with a real size: the city grid, the
    factor panel and the three charts are PNGs re-rendered at each step."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('.dashboard-main img')]"
        ".filter(i => i.complete && i.naturalWidth > 100 && i.naturalHeight > 100).length >= n",
        arg=n, timeout=STEP_S * 1000,
    )


def test_dashboard_plays_resets_and_applies_controls(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1700, "height": 1250})
            page.set_default_timeout(STEP_S * 1000)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server, timeout=60_000)
            page.get_by_role("button", name="Step", exact=True).wait_for(timeout=60_000)
            _wait_day(page, 0)

            # the step counter moves with Step ...
            _step_to(page, 2)
            # ... and with play, until paused
            page.get_by_role("button", name="▶", exact=True).click()
            page.wait_for_function(
                "() => /Time: ([3-9]|\\d\\d)/.test(document.body.innerText)", timeout=STEP_S * 1000
            )
            page.get_by_role("button", name="❚❚", exact=True).click()
            expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
            played_to = _settled_day(page)
            assert played_to >= 3

            # mid-crisis on day 4 of the baseline: the government has asked and troops are on the ground
            _step_to(page, 4)
            day = int(_day(page))
            _wait_images(page)
            situation = page.locator(".decision-situation").inner_text()
            troops = int(re.search(r"Foreign troops on the ground ([\d,]+)", situation).group(1).replace(",", ""))
            assert troops > 0, situation
            assert "request for help: day" in situation
            expect(page.get_by_text("Moscow's decision log")).to_be_visible()
            page.screenshot(path=str(tmp_path / "dashboard.png"))
            if os.environ.get("SIM_UPDATE_SCREENSHOT"):
                page.screenshot(path=str(Path(__file__).resolve().parents[1] / "docs" / "img" / "dashboard.png"))

            # a control, then reset: the host may no longer ask, so Moscow never sends troops
            summary = page.locator(".scenario-summary")
            assert "host may request help: yes" in summary.inner_text()
            page.get_by_label("Host may request help").uncheck()
            page.get_by_role("button", name="Reset", exact=True).click()
            _wait_day(page, 0)
            expect(summary).to_contain_text("host may request help: no")
            _step_to(page, day)
            situation = page.locator(".decision-situation").inner_text()
            assert "Foreign troops on the ground 0 " in situation, situation
            assert "request for help: none" in situation
            _wait_images(page)
            page.screenshot(path=str(tmp_path / "dashboard_no_request.png"))
        finally:
            browser.close()
    assert not errors, f"errors in the page: {errors}"


# --- the app without a browser --------------------------------------------------------------------


def test_controls_default_to_the_scenario_and_apply_as_overrides():
    from sim.app import DashboardModel, base_config, control_values, model_params

    base = base_config()
    model = DashboardModel()  # SolaraViz's first model: every control at the scenario's value
    assert model.cfg == base
    params = model_params(base)
    for name, value in control_values(base).items():
        shown = params[name].value if hasattr(params[name], "value") else params[name]["value"]
        assert shown == value, name

    changed = DashboardModel(legitimacy=0.6, price_shock=0.7, alignment=-0.5, police_loyalty=0.9,
                             can_request=False, sanctions_credibility=0.9, forces_available=12000,
                             rule="weighted", bias_support=0.2, bias_costs=-0.3, rng="7")
    cfg = changed.cfg
    assert (cfg.host.legitimacy, cfg.host.alignment, cfg.host.police_loyalty, cfg.host.can_request) == (0.6, -0.5, 0.9, False)
    assert (cfg.west.sanctions_credibility, cfg.russia.forces_available, cfg.russia.rule) == (0.9, 12000, "weighted")
    assert cfg.russia.perception.bias == {"support": 0.2, "costs": -0.3}
    assert [e.value for e in cfg.events if e.kind == "hardship_shock"] == [0.7]
    assert changed.seed == 7
    # everything else is the scenario's
    assert cfg.city == base.city and cfg.allies == base.allies and cfg.name == base.name


def test_views_render_from_the_arrays():
    from sim.app import DashboardModel, decision_rows
    from sim.app_figures import city_figure, city_image, factors_figure

    model = DashboardModel(rng=0)
    for _ in range(5):
        model.step()
    snap = model.city.snapshot()
    img = city_image(snap)
    assert img.shape == (snap.height, snap.width, 3)
    assert len(city_figure(model).axes) == 1 and len(factors_figure(model).axes) == 6
    rows = decision_rows(model)
    assert [r["day"] for r in rows] == [5, 4, 3, 2, 1]
    assert rows[0]["outcome"] == model.russia.outcome
