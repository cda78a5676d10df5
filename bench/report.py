"""Format the benchmark's figures: the table, the ratios and the targets."""

import math
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

FLOOR_ASGI = "bare ASGI"
FLOOR_FASTAPI = "bare FastAPI"
MOCK = "qubictron-mock"
PEERS = ("WireMock", "Prism", "Mockoon")
# Targets of the mock, as ratios to the servers measured in the same run.
WIREMOCK_RATE_RATIO = 1.5
FLOOR_RATE_RATIO = 0.5
SINGLE_P50_RATIO = 1.3
PEER_P99_RATIO = 0.5
DISTINCT_RATE_RATIO = 0.5
COLD_START_SECONDS = 0.5

COLUMNS = (
    ("server", "<", 14),
    ("workload", "<", 11),
    ("req/s@50", ">", 9),
    ("p50@50", ">", 8),
    ("p99@50", ">", 8),
    ("p50@1", ">", 7),
    ("p99@1", ">", 7),
    ("non-2xx", ">", 8),
    ("bytes", ">", 6),
    ("RSS MB", ">", 7),
    ("cold s", ">", 6),
)


def header(options: Any, started: str, load: float) -> str:
    """Describe the machine, the software and the settings of the run."""
    lines = [
        f"qubictron-mock benchmark, {started}",
        f"machine: {os.cpu_count()} CPUs, {cpu_model()}, {memory_gb():.0f} GB; "
        f"Python {platform.python_version()}; "
        + ", ".join(
            f"{name} {version(name)}"
            for name in ("uvicorn", "uvloop", "httptools", "fastapi")
        ),
        f"wrk: {options.threads} threads, {options.connections} and 1 connections, "
        f"{options.seconds:g} s a run, median of {options.repeat}, "
        f"{options.warm_up_seconds:g} s of warm-up, median of "
        f"{options.cold_starts} cold starts",
        f"1-minute load average before the run: {load:.2f}",
    ]
    return "\n".join(lines)


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def memory_gb() -> float:
    """Return the machine's memory in GB, from /proc/meminfo."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def version(package: str) -> str:
    """Return the installed version of a distribution, or '-'."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def table(rows: list[Any]) -> str:
    """Render every row; latencies are in milliseconds."""
    lines = [_join(name for name, _, _ in COLUMNS)]
    lines.append(_join("-" * width for _, _, width in COLUMNS))
    for row in rows:
        busy, single = row.busy, row.single
        if single is not None and single.requests == 0:
            single = None
            row.notes.append("no response at 1 connection within the run")
        cells = [
            row.server,
            row.workload,
            f"{busy.requests_per_second:,.0f}",
            f"{busy.p50_ms:.3f}",
            f"{busy.p99_ms:.3f}",
            f"{single.p50_ms:.3f}" if single else "-",
            f"{single.p99_ms:.3f}" if single else "-",
            f"{busy.non_2xx + (single.non_2xx if single else 0):,}",
            f"{busy.bytes_read // max(busy.requests, 1):,}",
            f"{row.rss_mb:.0f}",
            f"{row.cold_start_seconds:.2f}" if row.cold_start_seconds else "",
        ]
        line = _join(cells)
        if row.notes:
            line += "  (" + "; ".join(sorted(set(row.notes))) + ")"
        lines.append(line)
    lines.append(
        "latencies in ms; bytes: mean bytes read per response, headers "
        "included; non-2xx: wrk's count of statuses above 399 in both runs"
    )
    return "\n".join(lines)


def _join(cells: Any) -> str:
    out = []
    for cell, (_, align, width) in zip(cells, COLUMNS, strict=True):
        out.append(f"{cell:{align}{width}}")
    return "  ".join(out).rstrip()


def find(rows: list[Any], server: str, workload: str = "ok") -> Any:
    """Return the row of `server` on `workload`, or None."""
    for row in rows:
        if row.server == server and row.workload == workload:
            return row
    return None


def ratios(rows: list[Any]) -> str:
    """Compare the mock's OK workload with every other server's."""
    mock = find(rows, MOCK)
    if mock is None:
        return "no OK workload of the mock: no ratios"
    lines = ["the mock's OK workload as a ratio of each server's:"]
    lines.append(f"{'server':<14}  {'req/s@50':>9}  {'p50@1':>7}  {'p99@50':>7}")
    for row in rows:
        if row.server == MOCK or row.workload != "ok":
            continue
        lines.append(
            f"{row.server:<14}  "
            f"{_ratio(mock.busy.requests_per_second, row.busy.requests_per_second)}  "
            f"{_ratio(_p50(mock), _p50(row), 7)}  "
            f"{_ratio(mock.busy.p99_ms, row.busy.p99_ms, 7)}"
        )
    return "\n".join(lines)


def _p50(row: Any) -> float:
    if row.single is None or row.single.requests == 0:
        return float("nan")
    return row.single.p50_ms


def _ratio(value: float, base: float, width: int = 9) -> str:
    ratio = value / base if base else math.nan
    text = f"{ratio:.2f}x" if math.isfinite(ratio) else "-"
    return f"{text:>{width}}"


def targets(rows: list[Any]) -> str:
    """Check the mock against each target whose inputs this run measured."""
    mock = find(rows, MOCK)
    lines = ["targets:"]
    if mock is None:
        return "targets: not checked, the OK workload of the mock did not run"
    rate = mock.busy.requests_per_second
    floor = find(rows, FLOOR_ASGI)
    wiremock = find(rows, "WireMock")
    distinct = find(rows, MOCK, "ok-distinct")
    peers = [row for row in rows if row.server in PEERS and row.workload == "ok"]

    if wiremock is not None:
        lines.append(
            _target(
                f"req/s >= {WIREMOCK_RATE_RATIO}x WireMock",
                rate / wiremock.busy.requests_per_second,
                WIREMOCK_RATE_RATIO,
            )
        )
    else:
        lines.append(
            f"  - req/s >= {WIREMOCK_RATE_RATIO}x WireMock: not measured "
            "(run bench/peers.sh)"
        )
    if floor is not None:
        lines.append(
            _target(
                f"req/s >= {FLOOR_RATE_RATIO}x bare ASGI",
                rate / floor.busy.requests_per_second,
                FLOOR_RATE_RATIO,
            )
        )
        if floor.single and mock.single:
            lines.append(
                _target(
                    f"p50@1 <= {SINGLE_P50_RATIO}x bare ASGI",
                    mock.single.p50_ms / floor.single.p50_ms,
                    SINGLE_P50_RATIO,
                    at_most=True,
                )
            )
    if peers:
        best = min(peers, key=lambda row: row.busy.p99_ms)
        lines.append(
            _target(
                f"p99@50 <= {PEER_P99_RATIO}x the best peer's ({best.server})",
                mock.busy.p99_ms / best.busy.p99_ms,
                PEER_P99_RATIO,
                at_most=True,
            )
        )
    if distinct is not None:
        lines.append(
            _target(
                f"distinct req/s >= {DISTINCT_RATE_RATIO}x repeated",
                distinct.busy.requests_per_second / rate,
                DISTINCT_RATE_RATIO,
            )
        )
    if mock.cold_start_seconds is not None:
        lines.append(
            _target(
                f"cold start <= {COLD_START_SECONDS} s",
                mock.cold_start_seconds,
                COLD_START_SECONDS,
                at_most=True,
                unit=" s",
            )
        )
    failures = sum(
        row.busy.non_2xx + (row.single.non_2xx if row.single else 0)
        for row in rows
        if row.server == MOCK and row.workload in ("ok", "ok-distinct", "forced")
    )
    lines.append(
        f"  {'met' if failures == 0 else 'MISSED'}: no non-2xx on the 2xx "
        f"workloads ({failures:,})"
    )
    return "\n".join(lines)


def _target(
    label: str,
    value: float,
    limit: float,
    at_most: bool = False,
    unit: str = "x",
) -> str:
    met = value <= limit if at_most else value >= limit
    return f"  {'met' if met else 'MISSED'}: {label} ({value:.2f}{unit})"
