"""``sim viz [CONFIG]``: the interactive dashboard (``sim/app/``, a Solara page) in the browser.

The config is checked here first (a mistake exits with code 2, as everywhere), then Solara's server
runs ``sim.app.page`` with the config's path in the environment variable ``SIM_VIZ_CONFIG``. The
server
replaces this process (``exec``), so stopping ``sim viz`` (Ctrl-C, or a signal to its pid) stops it.

Solara's page loads its JavaScript and CSS through the server's CDN proxy, which fetches them from a
public CDN the first time. Where that CDN cannot be reached (an offline machine, CI) the page stays
blank, so ``sim viz`` first puts the few npm packages the page needs into the proxy's cache with
``npm pack``, when npm is installed and they are not there yet (once per environment, ~20 MB).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CONFIG_ENV = "SIM_VIZ_CONFIG"
BASELINE_ENV = "SIM_VIZ_BASELINE"  # stored runs to compare with (sim.app.baseline)
DEFAULT_CONFIG = "kazakhstan_2022"

# The npm packages Solara 1.64's page (ipyvuetify 3 flavour) loads through its CDN proxy; the path
# under the proxy is the package spec, as on the CDN.
CDN_PACKAGES = (
    "@widgetti/solara-vuetify3-app@5.2.0",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
)


def port(text: str) -> int:
    """argparse type: a TCP port, 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number; a port is 1 to 65535"
        ) from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port; a port is 1 to 65535 (e.g. 8765)")
    return value


def register(sub) -> None:
    viz = sub.add_parser(
        "viz", help="interactive dashboard of a scenario in the browser (a Solara page)"
    )
    viz.add_argument(
        "config",
        nargs="?",
        default=DEFAULT_CONFIG,
        help=f"scenario YAML or a shipped scenario's name (default {DEFAULT_CONFIG}, the baseline)",
    )
    viz.add_argument(
        "--port", type=port, default=8765, help="port to serve on, 1 to 65535 (default 8765)"
    )
    viz.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    viz.add_argument("--open", action="store_true", help="also open the page in a web browser")
    viz.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="DIR",
        help="stored `sim run` results to compare with (default results/<config name>/)",
    )
    viz.set_defaults(func=main)


def resolve_config(path: str | os.PathLike | None) -> Path:
    """The scenario's path: a file, else a shipped scenario by name (default: the baseline)."""
    from ..bundled import find_config

    return find_config(path or DEFAULT_CONFIG)


def solara_command(args) -> list[str]:
    """The ``solara run`` command line for the dashboard."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.app.page",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--production",  # no hot reload: a dashboard, not a development server
        "--open" if args.open else "--no-open",
        "--log-level",
        "warning",
    ]


def cdn_cache_dir() -> Path:
    """The cache of Solara's CDN proxy (``SOLARA_ASSETS_PROXY_CACHE_DIR``, else under
    sys.prefix)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def ensure_cdn_assets(cache: Path, packages=CDN_PACKAGES) -> list[str]:
    """Put each npm package the page needs into the proxy cache with ``npm pack`` if it is missing.

    Returns the packages still missing (none when all are there or were fetched). Without npm, or
    when npm fails, nothing is fetched: Solara's proxy then tries the CDN itself when the page asks.
    """
    missing = [p for p in packages if not (cache / p / "package.json").is_file()]
    npm = shutil.which("npm")
    if not missing or npm is None:
        return missing
    print(
        f"sim viz: fetching the dashboard's web assets with npm ({', '.join(missing)})", flush=True
    )
    still = []
    for spec in missing:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                out = subprocess.run(
                    [npm, "pack", spec, "--silent", "--pack-destination", tmp],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=True,
                )
                tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
                with tarfile.open(tarball) as tar:
                    tar.extractall(Path(tmp) / "x", filter="data")
                target = cache / spec
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.rmtree(target, ignore_errors=True)
                shutil.move(
                    Path(tmp) / "x" / "package", target
                )  # npm tarballs hold the package in package/
        except (OSError, subprocess.SubprocessError, tarfile.TarError, IndexError) as err:
            print(
                f"sim viz: could not fetch {spec} with npm ({err}); Solara will try its CDN",
                file=sys.stderr,
            )
            still.append(spec)
    return still


def check_address(host: str, port: int) -> None:
    """Refuse in one paragraph an address the server could not bind (a port in use, an unknown
    host), which Solara would otherwise report with a traceback after it started."""
    from ..config import ConfigError

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(
            f"--host {host} --port {port}: the dashboard cannot serve there ({reason}); another "
            "program may be using the port, or the host is not an address of this machine. "
            "Choose another port with --port, or --host 127.0.0.1."
        ) from None


def main(args) -> int:
    from ..config import ConfigError, load_config

    path = resolve_config(args.config)
    config = load_config(path)  # a bad config: one paragraph and exit 2 (sim/cli.py)
    if args.baseline is not None and not args.baseline.is_dir():
        raise ConfigError(
            f"--baseline {args.baseline}: no such folder. Give the folder a `sim run` wrote its "
            f"results to (by default results/{config.name}/), or leave --baseline out."
        )
    check_address(args.host, args.port)
    os.environ[CONFIG_ENV] = str(path.resolve())
    if args.baseline is not None:
        os.environ[BASELINE_ENV] = str(args.baseline.resolve())
    os.environ.setdefault(
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false"
    )  # a local dashboard: no telemetry
    # Solara's corner badge would cover the page's bottom right; the sidebar credits Solara instead
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "false")
    ensure_cdn_assets(cdn_cache_dir())
    print(
        f"sim viz: {config.name} on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True
    )
    cmd = solara_command(args)
    os.execv(cmd[0], cmd)  # does not return
    return 0  # pragma: no cover
