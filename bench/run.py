"""Benchmark qubictron-mock against bare uvicorn floors, with wrk.

    python bench/run.py [--duration S] [--repeat N] [--quick] [--scaling]

Starts the mock as a user would: `python -m mockserver`, default settings,
request log on at INFO into a file. Drives each workload with wrk at 50
connections and at 1 connection. Then does the same for a bare ASGI app and
a bare FastAPI route that serve the mock's OK body. Prints one table, the
mock's ratios to the floors, and the targets met or missed. See
bench/README.md.
"""

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import harness
import measure
import report
import workloads
from harness import BenchError, Server
from measure import DistinctIndexes, Options, Row
from report import FLOOR_ASGI, FLOOR_FASTAPI
from workloads import Workload

DEFAULT_SECONDS = 5.0
DEFAULT_REPEAT = 3
DEFAULT_COLD_STARTS = 3
WARM_UP_SECONDS = 2.0


def emit(text: str) -> None:
    """Write one block of the report to standard output."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def check_key_budget(server: Server, planned_requests: int) -> str:
    """Check that the benchmark key can serve every planned request.

    Returns a line for the report; raises BenchError when the quota or the
    rate limit of the key could stop the run.
    """
    connection = harness.http.client.HTTPConnection(harness.HOST, server.port)
    try:
        connection.request("GET", workloads.OK.target)
        reply = connection.getresponse()
        body = json.loads(reply.read())
        rate_limit = int(reply.headers["X-RateLimit-Limit"])
    finally:
        connection.close()
    remaining = body["data"]["metadata"]["api_calls"]["remaining"]
    # The rate window is at most a minute long for the shipped keys, so the
    # key must allow a minute of the fastest rate the harness allows.
    per_minute = harness.MAX_RATE_PER_SECOND * 60
    if remaining < planned_requests or rate_limit < per_minute:
        raise BenchError(
            f"key {workloads.VALID_KEY} has {remaining:,} requests of quota left "
            f"and a rate limit of {rate_limit:,}; the run needs {planned_requests:,} "
            f"and {per_minute:,} a minute"
        )
    return (
        f"key {workloads.VALID_KEY}: {remaining:,} requests of quota left, "
        f"rate limit {rate_limit:,} a window; the run sends at most "
        f"{planned_requests:,}"
    )


def bench_mock(
    options: Options, chosen: Sequence[Workload], indexes: DistinctIndexes
) -> tuple[list[Row], Path, list[str]]:
    """Measure the mock on every chosen workload.

    Returns the rows, the path of the OK body it served, and report lines.
    """
    server, cold_start = measure.start_mock(options)
    lines = []
    try:
        _, body = harness.get(server.port, workloads.OK.target)
        body_path = options.run_dir / "ok-body.json"
        body_path.write_bytes(body)
        planned = planned_requests(options, len(chosen) + 1)
        lines.append(check_key_budget(server, planned))
        measure.warm_up(server, options, indexes)
        rows = [
            measure.measure(server, workload, options, indexes) for workload in chosen
        ]
        rows[0].cold_start_seconds = cold_start
    finally:
        server.stop()
    lines.append(access_log_line(server))
    return rows, body_path, lines


def planned_requests(options: Options, runs_per_repeat: int) -> int:
    """Return the most requests the runs of one server can send."""
    busy = harness.MAX_RATE_PER_SECOND * max(1, options.seconds)
    single = measure.SINGLE_CLIENT_MAX_RATE * max(1, options.seconds)
    return int(runs_per_repeat * options.repeat * (busy + single))


def access_log_line(server: Server) -> str:
    """Compare the mock's access log lines with the responses wrk counted."""
    logged = sum(
        1
        for line in server.log_path.open(errors="replace")
        if " mockserver.access: " in line
    )
    return (
        f"request log (INFO, into {server.log_path}): {logged:,} access lines; "
        f"wrk counted {server.responses:,} responses from this server (the log "
        "also has the checks and the requests still in flight when wrk stopped)"
    )


def bench_floors(
    options: Options, body_path: Path, indexes: DistinctIndexes
) -> list[Row]:
    """Measure the bare ASGI app and the bare FastAPI route on the OK body."""
    rows = []
    floor = workloads.Workload(
        "ok", "the mock's OK body as fixed bytes", workloads.OK.target, 200, ""
    )
    for name, script in (
        (FLOOR_ASGI, "floor_asgi.py"),
        (FLOOR_FASTAPI, "floor_fastapi.py"),
    ):
        server, cold_start = measure.start_floor(name, script, body_path, options)
        try:
            measure.warm_up(server, options, indexes)
            row = measure.measure_fixed(server, floor, options, indexes)
            row.cold_start_seconds = cold_start
            rows.append(row)
        finally:
            server.stop()
    return rows


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        description="Benchmark qubictron-mock with wrk against bare uvicorn floors."
    )
    parser.add_argument(
        "--duration",
        type=float,
        help=f"seconds of each wrk run (default {DEFAULT_SECONDS:g})",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help=f"runs of each measurement; the median is shown (default "
        f"{DEFAULT_REPEAT})",
    )
    parser.add_argument(
        "--cold-starts",
        type=int,
        help=f"server starts to time; the median is shown (default "
        f"{DEFAULT_COLD_STARTS})",
    )

    parser.add_argument(
        "--quick",
        action="store_true",
        help="1-second runs, once each, one cold start, 1 s of warm-up; "
        "--duration, --repeat and --cold-starts still win",
    )
    parser.add_argument(
        "--workloads",
        default=",".join(workloads.BY_NAME),
        help=f"comma-separated workloads of the mock (default all: "
        f"{','.join(workloads.BY_NAME)})",
    )

    parser.add_argument("--no-floors", action="store_true", help="skip the bare floors")

    parser.add_argument(
        "--connections",
        type=int,
        default=50,
        help="connections of the busy runs (default 50)",
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="wrk threads (default 2)"
    )

    parser.add_argument(
        "--scaling",
        action="store_true",
        help="also measure memory after 10,000 and 100,000 references, cost "
        "with 10,000 keys, and cost with the request journal full",
    )
    parser.add_argument(
        "--peers-dir",
        type=Path,
        help="folder where bench/peers.sh installed WireMock, Prism and Mockoon; "
        "measures them too",
    )

    parser.add_argument(
        "--json", type=Path, help="also write every figure to this JSON file"
    )
    parser.add_argument(
        "--run-dir",
        type=Path,
        help="keep the servers' logs and the OK body in this folder "
        "(default: a temporary folder, removed at the end)",
    )

    defaults = (DEFAULT_SECONDS, DEFAULT_REPEAT, DEFAULT_COLD_STARTS)
    args = parser.parse_args(argv)
    # Flags given explicitly win over --quick's choices and the defaults.
    chosen = (1.0, 1, 1) if args.quick else defaults
    for name, value in zip(("duration", "repeat", "cold_starts"), chosen, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the exit status."""
    args = parse_args(argv)
    try:
        harness.require_wrk()
        chosen = [workloads.BY_NAME[name] for name in args.workloads.split(",")]
    except BenchError as error:
        sys.stderr.write(f"bench: {error}\n")
        return 2
    except KeyError as error:
        sys.stderr.write(
            f"bench: unknown workload {error}; choose from "
            f"{', '.join(workloads.BY_NAME)}\n"
        )
        return 2

    with tempfile.TemporaryDirectory(prefix="qubictron-bench-") as folder:
        run_dir = Path(folder)
        if args.run_dir is not None:
            run_dir = args.run_dir
            run_dir.mkdir(parents=True, exist_ok=True)
        options = Options(
            seconds=args.duration,
            repeat=max(1, args.repeat),
            cold_starts=max(1, args.cold_starts),
            warm_up_seconds=1.0 if args.quick else WARM_UP_SECONDS,
            connections=args.connections,
            threads=args.threads,
            run_dir=run_dir,
        )
        try:
            return run(args, options, chosen)
        except BenchError as error:
            sys.stderr.write(f"bench: {error}\n")
            return 1


def run(args: argparse.Namespace, options: Options, chosen: list[Workload]) -> int:
    """Measure every server, print the report, and return the exit status."""
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    load_before = harness.load_average()
    indexes = DistinctIndexes()
    emit(report.header(options, started, load_before))

    rows, body_path, lines = bench_mock(options, chosen, indexes)
    if not args.no_floors:
        rows += bench_floors(options, body_path, indexes)
    if args.peers_dir is not None:
        import peers

        rows += peers.bench_peers(args.peers_dir, body_path, options, indexes)
    scaling_lines: list[str] = []
    if args.scaling:
        import scaling

        scaling_lines = scaling.run_scaling(options, indexes, rows)

    emit(report.table(rows))
    emit("\n".join(lines))
    emit(f"body of the OK workload: {body_path.stat().st_size:,} bytes\n")
    emit(report.ratios(rows) + "\n")
    emit(report.targets(rows))
    if scaling_lines:
        emit("\n" + "\n".join(scaling_lines))
    emit(
        f"\n1-minute load average: {load_before:.2f} before, "
        f"{harness.load_average():.2f} after"
    )
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "started": started,
                    "python": platform.python_version(),
                    "rows": [asdict(row) for row in rows],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
