"""Scaling runs: memory after many references, cost with many keys or a full journal.

Each run starts its own mock and reports lines for the benchmark's output.
"""

import dataclasses
import json
import statistics
from typing import Any

import harness
import measure
import workloads
from harness import BenchError, Server

REFERENCE_STEPS = (10_000, 100_000)
KEY_COUNT = 10_000
KEY_PREFIX = "bench-key-"
REFERENCE_RUN_SECONDS = 300
JOURNAL_PATH = "/__mock/journal"
# The largest journal the mock allows, so that one measured run cannot fill it.
JOURNAL_SIZE = 100_000
# Targets: resident memory after 100,000 references, and the change in the
# cost of a request with 10,000 keys or with the journal full.
RSS_LIMIT_MB = 80
COST_CHANGE_LIMIT = 0.10


def run_scaling(
    options: measure.Options, indexes: measure.DistinctIndexes, rows: list[Any]
) -> list[str]:
    """Run every scaling measurement and return the report's lines."""
    single_start = dataclasses.replace(options, cold_starts=1)
    lines = ["scaling:"]
    lines += memory_after_references(single_start, indexes)
    lines += cost_with_keys(single_start, indexes)
    lines += cost_with_full_journal(single_start, indexes)
    return lines


def quota_used(server: Server) -> int:
    """Return the billed requests of the benchmark key (one more is billed)."""
    status, body = harness.get(server.port, workloads.OK.target)
    if status != 200:
        raise BenchError(f"the OK request returned {status} during a scaling run")
    return int(json.loads(body)["data"]["metadata"]["api_calls"]["used"])


def send_distinct(
    server: Server,
    count: int,
    options: measure.Options,
    indexes: measure.DistinctIndexes,
) -> int:
    """Send about `count` requests with distinct references; return how many."""
    before = quota_used(server)
    target = before + 1 + count

    def enough() -> bool:
        return quota_used(server) >= target

    harness.run_wrk(
        server.port,
        workloads.OK_DISTINCT.example_target(),
        connections=options.connections,
        threads=options.threads,
        seconds=REFERENCE_RUN_SECONDS,
        mode_args=(
            "containers",
            workloads.OK_DISTINCT.target,
            str(indexes.take(count)),
            workloads.DISTINCT_OWNERS,
        ),
        max_requests=count,
        stop_when=enough,
    )
    # Each poll of `enough` billed one repeated reference; count only the
    # distinct ones, which are the billed requests minus the polls.
    return count if quota_used(server) >= target else quota_used(server) - before


def memory_after_references(
    options: measure.Options, indexes: measure.DistinctIndexes
) -> list[str]:
    """Report resident memory after 10,000 and 100,000 distinct references."""
    server, _ = measure.start_mock(options, label="memory")
    lines = []
    try:
        rss = server.rss_megabytes()
        lines.append(f"  resident memory after the first response: {rss:.0f} MB")
        served = 0
        for step in REFERENCE_STEPS:
            measure.progress(f"sending {step - served:,} distinct references")
            send_distinct(server, step - served, options, indexes)
            served = step
            rss = server.rss_megabytes()
            verdict = ""
            if step == REFERENCE_STEPS[-1]:
                verdict = " met" if rss <= RSS_LIMIT_MB else " MISSED"
                verdict = f" ({verdict.strip()}: target <= {RSS_LIMIT_MB} MB)"
            lines.append(
                f"  resident memory after {step:,} distinct references: "
                f"{rss:.0f} MB{verdict}"
            )
    finally:
        server.stop()
    return lines


def write_key_scenarios(folder: Any, count: int) -> None:
    """Write a user scenarios folder whose keys.toml contains `count` keys."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = [
        f'[[keys]]\nkey = "{KEY_PREFIX}{index:05d}"\nquota = 100_000_000\n'
        "rate_limit = 10_000_000\nrate_window_seconds = 60\n"
        for index in range(count)
    ]
    (folder / "keys.toml").write_text("\n".join(entries))


def cost_with_keys(
    options: measure.Options, indexes: measure.DistinctIndexes
) -> list[str]:
    """Compare the cost of a request spread over 1 and over 10,000 keys.

    Both runs hit one server loaded with 10,000 keys, with the same request
    generator, so only the number of keys in use differs.
    """
    folder = options.run_dir / f"scenarios-{KEY_COUNT}-keys"
    write_key_scenarios(folder, KEY_COUNT)
    server, _ = measure.start_mock(options, ("--scenarios", str(folder)), label="keys")
    prefix = (
        f"{workloads.OCEAN}?reference_number={workloads.REPEATED_REFERENCE}&api_key="
    )
    try:
        measure.progress(
            f"measuring the cost of a request with 1 and {KEY_COUNT:,} keys"
        )
        # One pass over every key first, so each key has its counters.
        run_keys(server, prefix, KEY_COUNT, options, options.warm_up_seconds + 1)
        rates: dict[int, list[float]] = {1: [], KEY_COUNT: []}
        for _ in range(options.repeat):
            for count in rates:
                result = run_keys(server, prefix, count, options, options.seconds)
                if result.non_2xx:
                    raise BenchError(f"{result.non_2xx} non-2xx with {count} keys")
                rates[count].append(result.requests_per_second)
    finally:
        server.stop()
    one, many = (statistics.median(rates[count]) for count in rates)
    # workload.lua builds each request in Lua in this run, which costs wrk
    # more than the fixed request of the main table; both sides pay it.
    return [
        f"  time per request with 1 key: {1e6 / one:.1f} us ({one:,.0f} req/s "
        "at 50 connections, requests built in Lua)",
        f"  time per request with {KEY_COUNT:,} keys: {1e6 / many:.1f} us "
        f"({many:,.0f} req/s)",
        cost_verdict(f"{KEY_COUNT:,} keys", one, many),
    ]


def run_keys(
    server: Server, prefix: str, count: int, options: measure.Options, seconds: float
) -> harness.WrkResult:
    """Run the OK request with the key cycling over `count` keys."""
    return harness.run_wrk(
        server.port,
        f"{prefix}{KEY_PREFIX}00000",
        connections=options.connections,
        threads=options.threads,
        seconds=seconds,
        mode_args=("keys", prefix, KEY_PREFIX, str(count)),
    )


def cost_verdict(label: str, base_rate: float, rate: float) -> str:
    """Say whether the cost per request stayed within the target."""
    change = base_rate / rate - 1
    met = "met" if change <= COST_CHANGE_LIMIT else "MISSED"
    return f"  {met}: cost with {label} within {COST_CHANGE_LIMIT:.0%} ({change:+.1%})"


def cost_with_full_journal(
    options: measure.Options, indexes: measure.DistinctIndexes
) -> list[str]:
    """Compare the cost of the OK request with the journal filling and full.

    The mock runs with its largest journal (`--journal-size 100000`), so
    that a measured run does not fill it: each run before the fill starts
    from an emptied journal. Skipped when the server has no request journal
    (GET /__mock/journal is 404).
    """
    server, _ = measure.start_mock(
        options, ("--journal-size", str(JOURNAL_SIZE)), label="journal"
    )
    try:
        status, body = harness.request(server.port, "GET", f"{JOURNAL_PATH}?limit=1")
        if status == 404:
            return [
                "  skipped: cost with the journal full (this server has no request "
                f"journal: GET {JOURNAL_PATH} returned 404)"
            ]
        if status != 200:
            raise BenchError(f"GET {JOURNAL_PATH} returned {status}")
        capacity = journal_capacity(body)
        measure.progress("measuring the cost of a request with the journal filling")
        filling = []
        for _ in range(options.repeat):
            harness.request(server.port, "DELETE", JOURNAL_PATH)
            filling.append(run_ok(server, options, indexes))
        measure.progress(f"filling the journal with {capacity + 1_000:,} requests")
        send_distinct(server, capacity + 1_000, options, indexes)
        full = statistics.median(
            run_ok(server, options, indexes) for _ in range(options.repeat)
        )
        rss = server.rss_megabytes()
    finally:
        server.stop()
    empty = statistics.median(filling)
    return [
        f"  time per request, journal of {capacity:,} filling from empty: "
        f"{1e6 / empty:.1f} us ({empty:,.0f} req/s)",
        f"  time per request, journal full: {1e6 / full:.1f} us "
        f"({full:,.0f} req/s; resident memory {rss:.0f} MB)",
        cost_verdict("the journal full", empty, full),
    ]


def journal_capacity(body: bytes) -> int:
    """Return the journal's capacity from GET /__mock/journal's `max_entries`."""
    try:
        return int(json.loads(body)["data"]["max_entries"])
    except (ValueError, KeyError, TypeError) as error:
        raise BenchError(
            f"GET {JOURNAL_PATH} returned no data.max_entries: {error!r}"
        ) from error


def run_ok(
    server: Server, options: measure.Options, indexes: measure.DistinctIndexes
) -> float:
    """Return the req/s of one run of the OK workload at 50 connections."""
    return measure.run_workload(
        server, workloads.OK, options, indexes, options.connections
    ).requests_per_second
