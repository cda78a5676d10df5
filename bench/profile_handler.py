"""Measure and profile the mock's own code per request, without HTTP.

    python bench/profile_handler.py [--requests N] [--workload NAME] [--profile]

Builds the app as `qubictron-mock` does (default settings, request log at
INFO into a file) and calls it as an ASGI app, with no socket, no HTTP
parser and no client. It prints the CPU time per request, which is what the
mock's code adds to uvicorn's own cost, and with --profile the functions
that cProfile found most expensive. CPU time, unlike wall time, barely moves
when other processes share the machine.
"""

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import workloads

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mockserver.app import create_app
from mockserver.serverlog import configure_logging, skip_unused_record_fields
from mockserver.settings import Settings

WARM_UP_REQUESTS = 2_000


def make_scope(target: str, headers: dict[str, str]) -> dict[str, Any]:
    """Return the ASGI scope uvicorn would build for GET `target`."""
    path, _, query = target.partition("?")
    raw_headers = [(b"host", b"127.0.0.1:8080"), (b"user-agent", b"wrk")]
    raw_headers += [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in headers.items()
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("ascii"),
        "query_string": query.encode("ascii"),
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }


def targets(workload: workloads.Workload, count: int) -> list[str]:
    """Return `count` request targets: one repeated, or distinct references."""
    if not workload.distinct:
        return [workload.target] * count
    from mockserver.checkdigits import iso6346_check_digit

    numbers = []
    for index in range(count):
        text = f"MSKU{index % 1_000_000:06d}"
        numbers.append(f"{workload.target}{text}{iso6346_check_digit(text)}")
    return numbers


async def drive(app: Any, scopes: list[dict[str, Any]]) -> None:
    """Call the app once for each scope, discarding the response."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    for scope in scopes:
        await app(dict(scope, headers=list(scope["headers"])), receive, send)


def main() -> int:
    """Run the measurement and print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000, help="requests")
    parser.add_argument(
        "--workload",
        default="ok",
        choices=list(workloads.BY_NAME),
        help="which workload's request to send (default ok)",
    )
    parser.add_argument("--profile", action="store_true", help="run cProfile too")
    parser.add_argument("--top", type=int, default=30, help="functions to list")
    args = parser.parse_args()

    workload = workloads.BY_NAME[args.workload]
    with tempfile.NamedTemporaryFile("w", suffix=".log") as log:
        configure_logging("INFO", log.name)
        skip_unused_record_fields()
        app = create_app(Settings())
        warm = [make_scope(t, workload.headers) for t in targets(workload, 1)]
        asyncio.run(drive(app, warm * WARM_UP_REQUESTS))
        scopes = [
            make_scope(target, workload.headers)
            for target in targets(workload, args.requests)
        ]
        started = time.process_time()
        asyncio.run(drive(app, scopes))
        elapsed = time.process_time() - started
        sys.stdout.write(
            f"{workload.name}: {elapsed / args.requests * 1e6:.1f} us of CPU per "
            f"request over {args.requests:,} requests\n"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            asyncio.run(drive(app, scopes))
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
