"""Start the servers and measure one workload on one server.

Shared by bench/run.py, bench/scaling.py and bench/peers.py.
"""

import json
import os
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import harness
import workloads
from harness import BenchError, Server, WrkResult
from report import MOCK
from workloads import Workload

# A single connection waits for each response, so it never exceeds this rate.
SINGLE_CLIENT_MAX_RATE = 30_000
ENV_PREFIX = "QUBICTRON_MOCK_"


@dataclass
class Row:
    """The figures of one server on one workload."""

    server: str
    workload: str
    busy: WrkResult
    single: WrkResult | None
    rss_mb: float
    cold_start_seconds: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Options:
    """How long and how often each measurement runs."""

    seconds: float
    repeat: int
    cold_starts: int
    warm_up_seconds: float
    connections: int
    threads: int
    run_dir: Path


class DistinctIndexes:
    """Hands out ranges of container-number indexes that no run used before."""

    def __init__(self) -> None:
        self.next_index = 0

    def take(self, count: int) -> int:
        """Reserve `count` indexes and return the first one."""
        first = self.next_index
        self.next_index += count
        if self.next_index > workloads.DISTINCT_CAPACITY:
            raise BenchError(
                f"the runs need more than {workloads.DISTINCT_CAPACITY:,} distinct "
                "container numbers; use a shorter --duration or fewer --repeat"
            )
        return first


def progress(text: str) -> None:
    """Tell the user on standard error which measurement is running."""
    sys.stderr.write(f"bench: {text}\n")
    sys.stderr.flush()


def mock_environment() -> dict[str, str]:
    """Return this environment without QUBICTRON_MOCK_* and with the checkout.

    Dropping the mock's variables gives the server its default settings;
    PYTHONPATH makes `python -m mockserver` run this checkout's code.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(ENV_PREFIX)
    }
    paths = [str(harness.REPO_DIR), *filter(None, [env.get("PYTHONPATH")])]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def start_mock(
    options: Options, extra_args: Sequence[str] = (), label: str = "mock"
) -> tuple[Server, float]:
    """Start the mock `options.cold_starts` times; keep the last one running.

    Returns the running server and the median cold start in seconds.
    """
    cold_starts = []
    server = None
    for attempt in range(options.cold_starts):
        if server is not None:
            server.stop()
        port = harness.free_port()
        command = harness.python_command(
            "-m", "mockserver", "--port", str(port), *extra_args
        )
        server = harness.start_server(
            MOCK,
            command,
            port,
            workloads.OK.target,
            options.run_dir / f"{label}-{attempt + 1}.log",
            env=mock_environment(),
            cwd=options.run_dir,
        )
        cold_starts.append(server.cold_start_seconds)
    assert server is not None
    return server, statistics.median(cold_starts)


def start_floor(
    name: str, script: str, body_path: Path, options: Options
) -> tuple[Server, float]:
    """Start a floor app `options.cold_starts` times; keep the last one running."""
    cold_starts = []
    server = None
    for attempt in range(options.cold_starts):
        if server is not None:
            server.stop()
        port = harness.free_port()
        command = harness.python_command(
            str(harness.BENCH_DIR / script),
            "--port",
            str(port),
            "--body",
            str(body_path),
        )
        server = harness.start_server(
            name,
            command,
            port,
            workloads.OCEAN,
            options.run_dir / f"{Path(script).stem}-{attempt + 1}.log",
        )
        cold_starts.append(server.cold_start_seconds)
    assert server is not None
    return server, statistics.median(cold_starts)


def check_workload(server: Server, workload: Workload) -> None:
    """Send the workload's request once and check its status and outcome."""
    for _ in range(workload.priming_requests):
        harness.get(server.port, workload.example_target(), workload.headers)
    status, body = harness.get(server.port, workload.example_target(), workload.headers)
    outcome = json.loads(body).get("status_code") if body else None
    if status != workload.status or outcome != workload.status_code:
        raise BenchError(
            f"workload {workload.name}: expected {workload.status} "
            f"{workload.status_code}, got {status} {outcome}"
        )


def measure(
    server: Server,
    workload: Workload,
    options: Options,
    indexes: DistinctIndexes,
    single_client: bool = True,
) -> Row:
    """Run the workload `options.repeat` times at 50 and at 1 connection.

    Each figure comes from the run with the median request rate (at 50
    connections) or the median p50 (at 1 connection).
    """
    check_workload(server, workload)
    progress(f"measuring {server.name} on {workload.name}")
    busy = [
        run_workload(server, workload, options, indexes, options.connections)
        for _ in range(options.repeat)
    ]
    single = None
    if single_client:
        singles = [
            run_workload(server, workload, options, indexes, 1)
            for _ in range(options.repeat)
        ]
        single = median_by(singles, lambda result: result.p50_ms)
    row = Row(
        server.name,
        workload.name,
        median_by(busy, lambda result: result.requests_per_second),
        single,
        server.rss_megabytes(),
    )
    for result in (*busy, *(singles if single_client else ())):
        if result.cap_reached:
            row.notes.append("a run reached its request cap")
        if result.socket_errors:
            row.notes.append(f"{result.socket_errors} socket errors")
    return row


def run_workload(
    server: Server,
    workload: Workload,
    options: Options,
    indexes: DistinctIndexes,
    connections: int,
    seconds: float | None = None,
) -> WrkResult:
    """Run wrk once with the workload's requests."""
    seconds = options.seconds if seconds is None else seconds
    rate = harness.MAX_RATE_PER_SECOND if connections > 1 else SINGLE_CLIENT_MAX_RATE
    max_requests = int(rate * max(1, seconds))
    mode_args: tuple[str, ...] = ("fixed", "")
    if workload.distinct:
        first = indexes.take(max_requests)
        mode_args = (
            "containers",
            workload.target,
            str(first),
            workloads.DISTINCT_OWNERS,
        )
    result = harness.run_wrk(
        server.port,
        workload.example_target(),
        connections=connections,
        threads=options.threads,
        seconds=seconds,
        mode_args=mode_args,
        headers=workload.headers,
        max_requests=max_requests,
    )
    server.responses += result.requests
    return result


def median_by(results: list[WrkResult], key: Callable[[WrkResult], float]) -> WrkResult:
    """Return the result whose `key` is the median (the lower one of two)."""
    ordered = sorted(results, key=key)
    return ordered[(len(ordered) - 1) // 2]


def warm_up(server: Server, options: Options, indexes: DistinctIndexes) -> None:
    """Drive the server briefly, so caches and the JIT of the peers are warm."""
    if options.warm_up_seconds > 0:
        run_workload(
            server,
            workloads.OK,
            options,
            indexes,
            options.connections,
            options.warm_up_seconds,
        )


def measure_fixed(
    server: Server, workload: Workload, options: Options, indexes: DistinctIndexes
) -> Row:
    """Measure a server that responds to every request with the same body."""
    status, _ = harness.get(server.port, workload.target)
    if status != 200:
        raise BenchError(f"{server.name} returned {status} instead of 200")
    progress(f"measuring {server.name} on {workload.name}")
    busy = [
        run_workload(server, workload, options, indexes, options.connections)
        for _ in range(options.repeat)
    ]
    singles = [
        run_workload(server, workload, options, indexes, 1)
        for _ in range(options.repeat)
    ]
    return Row(
        server.name,
        workload.name,
        median_by(busy, lambda result: result.requests_per_second),
        median_by(singles, lambda result: result.p50_ms),
        server.rss_megabytes(),
    )
