"""Time the dashboard as a user sees it: seconds per Step and time to first render, in Chromium.

    python benchmarks/dashboard_step.py [--steps 20] [--repo DIR] [--config CONFIG] [--out FILE]

Starts ``python -m sim viz CONFIG`` from ``--repo`` (default: this checkout; point it at another
checkout to time that version of the page) on a free port, opens the page in Debian's headless
Chromium (``/usr/bin/chromium``, as ``tests/test_dashboard.py`` does) at 1280x720, and:

- time to first render: from ``page.goto`` until the day-0 headline ("Day 0: Moscow's decision")
  is shown and every image on the page has loaded;
- per step: from the click on Step until the next day's headline is shown and every image has
  loaded (the page is then fully drawn for that day), over ``--steps`` steps (at least 20);
- then Play for 6 s at the page's default speed and Pause: days shown per second of play, and the
  days that still appear in the 2 s after the Pause click (a step under way when Pause is clicked
  may still be drawn; Mesa's play loop also took one more step after it).

Writes the figures to ``--out`` (default benchmarks/results/dashboard_step.json) and prints, as its
last line, a JSON object: median and 90th percentile seconds per step, time to first render, the
play figures, steps, and the per-step times.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sim.files import write_text

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HEADLINE = "day => new RegExp('Day ' + day + ': Moscow').test(document.body.innerText)"
IMAGES = "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(repo: Path, config: str, port: int, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim", "viz", config, "--port", str(port)],
            cwd=repo,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"sim viz exited with code {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    stop(proc)
    raise SystemExit(f"sim viz did not answer within 180 s; see {log}")


def stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue


def drawn(page, day: int) -> None:
    """Wait until the page shows ``day``'s headline and every image has loaded."""
    page.wait_for_function(HEADLINE, arg=day, timeout=60_000, polling=10)
    page.wait_for_function(IMAGES, timeout=60_000, polling=10)


def shown_day(page) -> int:
    return page.evaluate("() => +document.body.innerText.match(/Day (\\d+): Moscow/)[1]")


def play(page, seconds: float = 6.0) -> dict:
    """Play at the page's default speed for ``seconds``, then Pause: days shown per second of
    play, and the days that still appear in the 2 s after the Pause click."""
    start = shown_day(page)
    page.get_by_role("button", name="▶", exact=True).click()
    t = time.perf_counter()
    time.sleep(seconds)
    page.get_by_role("button", name="❚❚", exact=True).click()
    at_pause, elapsed = shown_day(page), time.perf_counter() - t
    time.sleep(2.0)
    return {
        "play_days_per_s": round((at_pause - start) / elapsed, 2),
        "days_shown_after_pause": shown_day(page) - at_pause,
    }


def measure(url: str, steps: int) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            t0 = time.perf_counter()
            page.goto(url, timeout=120_000)
            drawn(page, 0)
            first = time.perf_counter() - t0
            step = page.get_by_role("button", name="Step", exact=True)
            times = []
            for day in range(1, steps + 1):
                t = time.perf_counter()
                step.click()
                drawn(page, day)
                times.append(time.perf_counter() - t)
            played = play(page)
        finally:
            browser.close()
    times.sort()
    p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
    return {
        "median_step_s": round(statistics.median(times), 3),
        "p90_step_s": round(p90, 3),
        "first_render_s": round(first, 2),
        **played,
        "steps": steps,
        "step_s": [round(x, 3) for x in times],
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=20, help="steps to time (at least 20; default 20)")
    ap.add_argument("--repo", type=Path, default=ROOT, help="checkout whose `sim viz` is timed")
    ap.add_argument("--config", default="configs/kazakhstan_2022.yaml")
    ap.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "dashboard_step.json"
    )
    args = ap.parse_args(argv)
    if args.steps < 20:
        ap.error(f"--steps {args.steps}: at least 20 steps are timed")
    port = free_port()
    log = args.out.with_suffix(".server.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = start_server(args.repo.resolve(), args.config, port, log)
    try:
        result = measure(f"http://127.0.0.1:{port}/", args.steps)
    finally:
        stop(proc)
    log.unlink(missing_ok=True)
    load = [round(x, 1) for x in os.getloadavg()]  # the machine may be shared: say how busy it was
    result = {
        "repo": str(args.repo.resolve()),
        "cores": os.cpu_count(),
        "load_1_5_15_min": load,
        **result,
    }
    write_text(args.out, json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
