"""The `qubictron-mock` command: start the server, or print the catalogue."""

import argparse
import logging
import sys
import urllib.request
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from mockserver import __version__
from mockserver.scenario_files import ScenarioError
from mockserver.settings import ENV_PREFIX, Settings

logger = logging.getLogger("mockserver")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
COMMANDS = ("serve", "scenarios", "healthcheck")
HEALTHCHECK_TIMEOUT_SECONDS = 2.0
TOP_LEVEL_FLAGS = ("-h", "--help", "--version")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser; every flag also has an environment variable."""
    parser = argparse.ArgumentParser(
        prog="qubictron-mock",
        description="A deterministic mock of the Qubictron Container Tracking API.",
        epilog=f"Each flag can also be set by an environment variable "
        f"{ENV_PREFIX}<FLAG>, e.g. {ENV_PREFIX}PORT=9000. Flags win.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="start the server (the default)")
    _add_settings_flags(serve)
    catalogue = commands.add_parser(
        "scenarios", help="print every way to reach every outcome"
    )
    catalogue.add_argument("--scenarios", type=str, help="user scenarios folder")
    health = commands.add_parser(
        "healthcheck",
        help="exit 0 when the server on this machine answers GET /health",
    )
    health.add_argument("--port", type=int, help="port of the server (default 8080)")
    return parser


def _add_settings_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="TCP port (default 8080)")
    parser.add_argument("--seed", type=int, help="seed of generated data (default 0)")
    parser.add_argument(
        "--scenarios", help="folder of scenario files to add to the shipped ones"
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error", "critical"],
        help="log level (default info)",
    )
    parser.add_argument(
        "--accept-any-key",
        action="store_true",
        default=None,
        help="accept any non-empty API key as a fresh valid key",
    )
    parser.add_argument(
        "--frozen-at",
        help="start with the clock frozen at this RFC 3339 instant",
    )
    parser.add_argument("--redis-url", help="keep usage counters in this Redis server")
    parser.add_argument(
        "--cors-origins",
        help="origins whose pages may call the API: * (the default), a "
        "comma-separated list, or '' for none",
    )
    parser.add_argument(
        "--control-cors-origins",
        help="origins whose pages may use /__mock/, comma-separated (default none)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        help="seconds a client has to send the request line and headers (default 10)",
    )


def _normalise_argv(argv: Sequence[str]) -> list[str]:
    """Make `serve` the default command, so `qubictron-mock --port 9000` works."""
    args = list(argv)
    if not args or (
        args[0] not in COMMANDS and args[0] not in ("-h", "--help", "--version")
    ):
        return ["serve", *args]
    return args


def load_settings(namespace: argparse.Namespace) -> Settings:
    """Combine environment variables with the flags that were given."""
    overrides: dict[str, Any] = {
        name: value
        for name, value in vars(namespace).items()
        if name != "command" and value is not None
    }
    return Settings(**overrides)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    namespace = parser.parse_args(
        _normalise_argv(sys.argv[1:] if argv is None else argv)
    )
    try:
        settings = load_settings(namespace)
    except ValidationError as error:
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"])
            sys.stderr.write(
                f"qubictron-mock: invalid setting {name}: {problem['msg']}\n"
            )
        return 2

    if namespace.command == "healthcheck":
        return check_health(settings)
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
    try:
        if namespace.command == "scenarios":
            from mockserver.catalogue_table import print_catalogue

            print_catalogue(settings)
            return 0
        return _serve(settings)
    except ScenarioError as error:
        sys.stderr.write(f"qubictron-mock: invalid scenario data: {error}\n")
        return 2


def _serve(settings: Settings) -> int:
    import uvicorn

    from mockserver.app import create_app
    from mockserver.http.limits import uvicorn_options

    app = create_app(settings)
    logger.info("starting on http://%s:%d", settings.host, settings.port)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
        **uvicorn_options(settings.header_timeout),
    )
    return 0


def check_health(settings: Settings) -> int:
    """Return 0 when GET /health on the configured port answers 200, else 1."""
    host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    url = f"http://{host}:{settings.port}/health"
    try:
        with urllib.request.urlopen(url, timeout=HEALTHCHECK_TIMEOUT_SECONDS) as reply:
            healthy = reply.status == 200
    except (OSError, ValueError) as error:
        sys.stderr.write(f"qubictron-mock: health check of {url} failed: {error}\n")
        return 1
    return 0 if healthy else 1
