"""The `qubictron-mock` command: start the server, or print the catalogue."""

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import SecretStr, ValidationError

from mockserver import __version__
from mockserver.scenario_files import ScenarioError
from mockserver.serverlog import (
    LogFormatter,
    configure_logging,
    skip_unused_record_fields,
)
from mockserver.settings import ENV_PREFIX, Settings
from mockserver.store import StoreUnavailable

logger = logging.getLogger("mockserver")
COMMANDS = ("serve", "scenarios", "healthcheck")
HEALTHCHECK_TIMEOUT_SECONDS = 2.0
TOP_LEVEL_FLAGS = ("-h", "--help", "--version")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser; every flag also has an environment variable."""
    parser = argparse.ArgumentParser(
        prog="qubictron-mock",
        description="A deterministic mock of the Qubictron Container Tracking API.",
        epilog="Without a command, the server starts: `qubictron-mock serve --help` "
        "lists its flags (--port, --seed, --scenarios, ...). Each flag can also be "
        f"set by an environment variable {ENV_PREFIX}<FLAG>, e.g. "
        f"{ENV_PREFIX}PORT=9000. Flags win.",
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
        help="exit 0 when the server on this machine responds to GET /health",
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
    _add_store_flags(parser)
    _add_unknown_key_flags(parser)
    _add_control_flags(parser)
    _add_http_flags(parser)


def _add_store_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redis-prefix",
        help="prefix of the Redis keys the mock writes (default qubictron-mock:)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="worker processes (default 1); more than one needs --redis-url",
    )


def _add_unknown_key_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--default-quota",
        type=int,
        help="billable requests per month for keys accepted by --accept-any-key "
        "(default 1000000)",
    )
    parser.add_argument(
        "--default-rate-limit",
        type=int,
        help="requests per rate window for keys accepted by --accept-any-key "
        "(default 600)",
    )
    parser.add_argument(
        "--default-rate-window-seconds",
        type=float,
        help="length of their rate window in seconds (default 60)",
    )
    parser.add_argument(
        "--max-unknown-keys",
        type=int,
        help="unknown keys whose counters the in-memory store keeps; the least "
        "recently used are forgotten beyond it (default 100000)",
    )


def _add_control_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-control-plane",
        dest="control_plane",
        action="store_false",
        default=None,
        help="turn the /__mock/ control endpoints off (they return 404)",
    )
    parser.add_argument(
        "--admin-token",
        help="token every /__mock/ request must send; prefer the environment "
        f"variable {ENV_PREFIX}ADMIN_TOKEN, which process lists do not show",
    )
    parser.add_argument(
        "--journal-size",
        type=int,
        help="requests the journal keeps, oldest dropped first (default 1000)",
    )
    parser.add_argument(
        "--max-delay",
        dest="max_delay_seconds",
        type=float,
        help="maximum delay in seconds that X-Mock-Delay or a setting may set "
        "for (default 10)",
    )
    parser.add_argument(
        "--delay",
        dest="delay_seconds",
        type=float,
        help="seconds to hold every tracking response (default 0)",
    )
    parser.add_argument(
        "--no-response-delay",
        dest="no_response_delay_seconds",
        type=float,
        help="seconds to hold each CARRIER_NO_RESPONSE response (default 0)",
    )


def _add_http_flags(parser: argparse.ArgumentParser) -> None:
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
            if name:
                message = f"invalid setting {name}: {problem['msg']}"
            else:
                # A rule across settings: show its own message, unprefixed.
                cause = problem.get("ctx", {}).get("error", problem["msg"])
                message = f"invalid settings: {cause}"
            sys.stderr.write(f"qubictron-mock: {message}\n")
        return 2

    if namespace.command == "healthcheck":
        return check_health(settings)
    configure_logging(settings.log_level)
    try:
        if namespace.command == "scenarios":
            from mockserver.catalogue_table import print_catalogue

            try:
                print_catalogue(settings)
                sys.stdout.flush()
            except BrokenPipeError:
                # The reader, such as `head`, closed the pipe: stop quietly,
                # and keep Python's flush at exit from failing again.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        return _serve(settings)
    except ScenarioError as error:
        sys.stderr.write(f"qubictron-mock: invalid scenario data: {error}\n")
        return 2
    except StoreUnavailable as error:
        sys.stderr.write(f"qubictron-mock: {error}\n")
        return 2


def _serve(settings: Settings) -> int:
    import uvicorn

    if settings.workers > 1:
        return _serve_workers(settings)

    from mockserver.http.lazy import create_lazy_app
    from mockserver.http.limits import uvicorn_options

    skip_unused_record_fields()
    app = create_lazy_app(settings)
    logger.info("starting on http://%s:%d", settings.host, settings.port)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
        **uvicorn_options(settings.header_timeout, tracking=app.direct_tracking),
    )
    return 0


def _serve_workers(settings: Settings) -> int:
    """Run several worker processes that share their counters through Redis."""
    import uvicorn

    from mockserver.http.limits import uvicorn_options
    from mockserver.redis_store import check_connection
    from mockserver.scenario_files import load_scenarios

    # Every worker would fail on these; checking them here gives one clear
    # message instead of one failure per worker.
    load_scenarios(settings.scenarios, settings.accept_any_key)
    check_connection(settings.redis_url or "")

    # Worker processes are spawned afresh, so they read their settings from
    # the environment that they inherit.
    os.environ.update(settings_environment(settings))
    if settings.control_plane:
        # NOTE: only usage counters live in Redis. The clock, carrier states,
        # keys, delays and journal stay in each worker's memory.
        logger.warning(
            "with %d workers, a /__mock/ request changes only the worker that "
            "receives it (usage counters are shared through Redis); use one "
            "worker for tests that drive the control plane",
            settings.workers,
        )
    logger.info(
        "starting %d workers on http://%s:%d",
        settings.workers,
        settings.host,
        settings.port,
    )
    uvicorn.run(
        "mockserver.http.lazy:create_lazy_app_from_environment",
        factory=True,
        workers=settings.workers,
        host=settings.host,
        port=settings.port,
        log_config=logging_config(settings.log_level),
        access_log=False,
        server_header=False,
        **uvicorn_options(settings.header_timeout, workers=True),
    )
    return 0


def settings_environment(settings: Settings) -> dict[str, str]:
    """Return the QUBICTRON_MOCK_* variables that reproduce `settings`."""
    environment: dict[str, str] = {}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        secret = getattr(settings, name)
        if isinstance(secret, SecretStr):
            # model_dump hides secrets as asterisks, which a worker would
            # then take for the token itself.
            value = secret.get_secret_value()
        text = str(value).lower() if isinstance(value, bool) else str(value)
        environment[f"{ENV_PREFIX}{name.upper()}"] = text
    return environment


def logging_config(level: str) -> dict[str, Any]:
    """Return the logging setup that uvicorn applies in each worker process."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"()": LogFormatter}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain"}
        },
        "root": {"level": level, "handlers": ["stderr"]},
    }


def check_health(settings: Settings) -> int:
    """Return 0 when GET /health on the configured port returns 200, else 1."""
    host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    url = f"http://{host}:{settings.port}/health"
    # Imported here: urllib.request takes about 50 ms to import, which every
    # server start would otherwise pay.
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=HEALTHCHECK_TIMEOUT_SECONDS) as reply:
            healthy = reply.status == 200
    except (OSError, ValueError) as error:
        sys.stderr.write(f"qubictron-mock: health check of {url} failed: {error}\n")
        return 1
    return 0 if healthy else 1
