"""Soak the mock: mixed and hostile traffic for a bounded time, then check it held.

The script starts the server itself on 127.0.0.1 and stops it by its PID.
A few concurrent clients send a mix of requests: every outcome through
magic numbers, the X-Mock-Status header, keys and carriers, many distinct
references, and hostile input. It reports resident
memory of the server process at start, after warm-up and at the end, every
response whose outcome differs from the one intended, and the quota each
key used against the successes sent with it.

Exit status 0 means: no unexpected outcome, no transport error, memory
growth after warm-up under the limit, and counters equal to what was sent.

    python bench/soak.py                  # 60 s, 4 clients
    python bench/soak.py --duration 3 --warmup 1
"""

import argparse
import http.client
import math
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

# Runs from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mockserver.checkdigits import iso6346_check_digit
from mockserver.outcomes import Outcome
from mockserver.scenario_files import load_scenarios

HOST = "127.0.0.1"
OCEAN = "/tracking/v1/ocean"
VALID_KEY = "mock-valid-key"
THROTTLED_KEY = "mock-throttled-key"
THROTTLED_PER_WINDOW = 3
THROTTLED_WINDOW_SECONDS = 60
STARTUP_TIMEOUT_SECONDS = 30.0
REQUEST_TIMEOUT_SECONDS = 10.0
MAX_GROWTH_MB = 10.0
SUCCESSES = frozenset(outcome.name for outcome in Outcome if outcome.success)


@dataclass(frozen=True)
class Planned:
    """One request and the outcomes it may get."""

    kind: str
    method: str
    target: str
    expected: frozenset[str]
    headers: dict[str, str] = field(default_factory=dict)
    key: str | None = None
    forced: bool = False


@dataclass
class ClientResult:
    """Counts of the requests one client thread sent and what came back."""

    requests: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_outcome: Counter = field(default_factory=Counter)
    unexpected: Counter = field(default_factory=Counter)
    transport_errors: Counter = field(default_factory=Counter)
    billed: Counter = field(default_factory=Counter)


def one(*names: str) -> frozenset[str]:
    return frozenset(names)


def track(key: str | None = VALID_KEY, **params: str) -> str:
    query = dict(params)
    if key is not None:
        query["api_key"] = key
    return OCEAN + "?" + "&".join(f"{name}={value}" for name, value in query.items())


def container_number(rng: random.Random, owner: str) -> str:
    text = f"{owner}{rng.randrange(10**6):06d}"
    return text + str(iso6346_check_digit(text))


class Mix:
    """Draws requests: ordinary lookups, every outcome, and hostile input."""

    def __init__(self) -> None:
        scenarios = load_scenarios()
        self.families = scenarios.magic.families
        self.choices: list[tuple[int, Callable[[random.Random], Planned]]] = [
            (30, self.distinct_bl),
            (15, self.distinct_container),
            (15, self.magic_number),
            (8, self.forced_outcome),
            (8, self.key_scenario),
            (6, self.carrier_scenario),
            (12, self.hostile),
            (3, self.head_request),
            (3, self.preflight),
        ]
        self.weights = [weight for weight, _ in self.choices]

    def draw(self, rng: random.Random) -> Planned:
        (_, make) = rng.choices(self.choices, self.weights)[0]
        return make(rng)

    def distinct_bl(self, rng: random.Random) -> Planned:
        number = f"{rng.randrange(10**8, 10**9)}"
        return Planned(
            "bl", "GET", track(reference_number=number), one("OK"), key=VALID_KEY
        )

    def distinct_container(self, rng: random.Random) -> Planned:
        number = container_number(rng, rng.choice(["MSKU", "MRKU", "HLXU", "CMAU"]))
        return Planned(
            "container", "GET", track(reference_number=number), one("OK"), key=VALID_KEY
        )

    def magic_number(self, rng: random.Random) -> Planned:
        family = rng.choice(self.families)
        number = family.example(rng.randrange(10**family.suffix_digits))
        return Planned(
            "magic",
            "GET",
            track(reference_number=number),
            one(family.outcome.name),
            key=VALID_KEY,
        )

    def forced_outcome(self, rng: random.Random) -> Planned:
        outcome = rng.choice(list(Outcome))
        return Planned(
            "forced",
            "GET",
            track(reference_number="255303287"),
            one(outcome.name),
            headers={"X-Mock-Status": outcome.name.lower()},
            key=VALID_KEY,
            forced=True,
        )

    def key_scenario(self, rng: random.Random) -> Planned:
        key, expected = rng.choice(
            [
                ("mock-expired-key", one("API_KEY_EXPIRED")),
                ("mock-denied-key", one("API_KEY_ACCESS_DENIED")),
                # The rate limit (600 a minute by default) is checked before
                # the quota, so a busy soak also gets its 429.
                (
                    "mock-exhausted-key",
                    one("API_KEY_QUOTA_EXCEEDED", "API_KEY_RATE_LIMIT_EXCEEDED"),
                ),
                (f"unknown-{rng.randrange(10**9)}", one("INVALID_API_KEY")),
                (THROTTLED_KEY, one("OK", "API_KEY_RATE_LIMIT_EXCEEDED")),
            ]
        )
        number = f"{rng.randrange(10**8, 10**9)}"
        return Planned(
            "key", "GET", track(key, reference_number=number), expected, key=key
        )

    def carrier_scenario(self, rng: random.Random) -> Planned:
        code, expected = rng.choice(
            [
                ("QMNT", "CARRIER_UNDER_MAINTENANCE"),
                ("QDIS", "CARRIER_TEMPORARILY_DISABLED"),
                ("QNRS", "CARRIER_NO_RESPONSE"),
                ("QNSP", "CARRIER_NOT_SUPPORTED"),
                ("ZZZZ", "WRONG_CARRIER_CODE"),
            ]
        )
        target = track(reference_number="255303287", carrier_code=code)
        if rng.random() < 0.2:
            target = track(
                reference_number="WHL12345678",
                reference_type="BOOKING",
                carrier_code="WHLC",
            )
            expected = "CARRIER_NOT_SUPPORT_REF_TYPE"
        return Planned("carrier", "GET", target, one(expected), key=VALID_KEY)

    def hostile(self, rng: random.Random) -> Planned:
        number = f"{rng.randrange(10**8, 10**9)}"
        choices = [
            (
                track(reference_number=number, pad="a" * 4200),
                {},
                "GET",
                "WRONG_PARAMETERS",
            ),
            (track(reference_number="%zz" + number), {}, "GET", "WRONG_PARAMETERS"),
            (
                track(reference_number=number) + f"&reference_number={number}",
                {},
                "GET",
                "WRONG_PARAMETERS",
            ),
            (
                track(reference_number="%FF%FE" + number),
                {},
                "GET",
                "WRONG_REFERENCE_NUMBER",
            ),
            (
                track(reference_number=number + "%00"),
                {},
                "GET",
                "WRONG_REFERENCE_NUMBER",
            ),
            (
                track(reference_number="%EF%AC%81" + number),
                {},
                "GET",
                "WRONG_REFERENCE_NUMBER",
            ),
            (track(reference_number="A" * 70), {}, "GET", "WRONG_REFERENCE_NUMBER"),
            (track(api_key="%FF", key=None), {}, "GET", "INVALID_API_KEY"),
            (
                track(None, reference_number=number),
                {"X-API-Key": "k" * 300},
                "GET",
                "WRONG_PARAMETERS",
            ),
            (
                track(reference_number=number),
                {"X-Pad": "p" * 20_000},
                "GET",
                "REQUEST_HEADER_FIELDS_TOO_LARGE",
            ),
            (OCEAN + "?x=" + "a" * 9000, {}, "GET", "URI_TOO_LONG"),
            (track(reference_number=number), {}, "POST", "METHOD_NOT_ALLOWED"),
            (track(reference_number=number), {}, "DELETE", "METHOD_NOT_ALLOWED"),
            ("/tracking/v1/" + "x" * rng.randrange(1, 3000), {}, "GET", "NOT_FOUND"),
            ("//tracking/v1/ocean%0A", {}, "GET", "NOT_FOUND"),
            (
                "/__mock/scenarios",
                {"Origin": "https://evil.example"},
                "POST",
                "FORBIDDEN",
            ),
        ]
        target, headers, method, expected = rng.choice(choices)
        return Planned("hostile", method, target, one(expected), headers=headers)

    def head_request(self, rng: random.Random) -> Planned:
        number = f"{rng.randrange(10**8, 10**9)}"
        return Planned("head", "HEAD", track(reference_number=number), one("HEAD 200"))

    def preflight(self, rng: random.Random) -> Planned:
        headers = {
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-api-key",
        }
        return Planned(
            "preflight", "OPTIONS", OCEAN, one("PREFLIGHT 204"), headers=headers
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Return the resident memory of process `pid` in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def wait_until_healthy(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not respond to /health in time")


def outcome_of(
    planned: Planned, response: http.client.HTTPResponse, body: bytes
) -> str:
    """Name what came back: the envelope's status_code, or the method and status."""
    if planned.method in ("HEAD", "OPTIONS"):
        label = "PREFLIGHT" if planned.method == "OPTIONS" else "HEAD"
        return f"{label} {response.status}"
    return orjson.loads(body)["status_code"]


def run_client(
    port: int, seed: int, mix: Mix, stop: threading.Event, result: ClientResult
) -> None:
    """Send requests until `stop` is set; record every outcome in `result`."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_SECONDS)
    while not stop.is_set():
        planned = mix.draw(rng)
        result.requests += 1
        result.by_kind[planned.kind] += 1
        try:
            connection.request(planned.method, planned.target, headers=planned.headers)
            response = connection.getresponse()
            body = response.read()
            outcome = outcome_of(planned, response, body)
        except (OSError, http.client.HTTPException, ValueError) as error:
            result.transport_errors[f"{planned.kind}: {type(error).__name__}"] += 1
            connection.close()
            continue
        result.by_outcome[outcome] += 1
        if outcome not in planned.expected:
            label = f"{planned.kind} {planned.method} key={planned.key}: {outcome}"
            result.unexpected[label] += 1
        elif outcome in SUCCESSES and not planned.forced and planned.key is not None:
            result.billed[planned.key] += 1
        if response.will_close:
            connection.close()
    connection.close()


def quota_used(port: int, key: str) -> int:
    """Read a key's quota use with a forced request, which counts nothing."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        connection.request("GET", track(key), headers={"X-Mock-Status": "OK"})
        body = orjson.loads(connection.getresponse().read())
    finally:
        connection.close()
    return body["data"]["metadata"]["api_calls"]["used"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds of load (default 60)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=20.0,
        help="seconds of load before the warm memory reading (default 20)",
    )
    parser.add_argument(
        "--clients", type=int, default=4, help="concurrent clients (default 4)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the request mix")
    parser.add_argument(
        "--cache-size",
        type=int,
        help="shipments the server caches (default: the server's own, 4096); a "
        "short run needs a small cache to fill it during warm-up",
    )
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 3600:
        parser.error("--duration must be between 0 and 3600 seconds")
    if not 0 <= args.warmup < args.duration:
        parser.error("--warmup must be at least 0 and less than --duration")
    if not 1 <= args.clients <= 64:
        parser.error("--clients must be between 1 and 64")
    return args


def write(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    port = free_port()
    command = [sys.executable, "-m", "mockserver", "--host", HOST, "--port", str(port)]
    command += ["--log-level", "warning"]
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ)
    if args.cache_size is not None:
        env["QUBICTRON_MOCK_SHIPMENT_CACHE_SIZE"] = str(args.cache_size)
    with tempfile.TemporaryFile(mode="w+") as server_output:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=server_output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_healthy(port, process)
            return soak(args, port, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            server_output.seek(0)
            crashes = server_output.read().count("Traceback")
            write(f"server tracebacks: {crashes}")


def soak(args: argparse.Namespace, port: int, pid: int) -> int:
    cache = "default" if args.cache_size is None else str(args.cache_size)
    write(
        f"soak: server pid {pid} on {HOST}:{port}, {args.clients} clients, "
        f"{args.duration:g} s (warm-up {args.warmup:g} s), seed {args.seed}, "
        f"shipment cache {cache}"
    )
    write(
        f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    used_before = {key: quota_used(port, key) for key in (VALID_KEY, THROTTLED_KEY)}
    mix = Mix()
    stop = threading.Event()
    results = [ClientResult() for _ in range(args.clients)]
    threads = [
        threading.Thread(
            target=run_client, args=(port, args.seed * 1000 + i, mix, stop, result)
        )
        for i, result in enumerate(results)
    ]

    rss_start = rss_mb(pid)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(args.warmup)
    rss_warm = rss_mb(pid)
    samples = [rss_warm]
    while (left := args.duration - (time.monotonic() - started)) > 0:
        time.sleep(min(left, 5.0))
        samples.append(rss_mb(pid))
    rss_end = samples[-1]
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT_SECONDS + 5)
    elapsed = time.monotonic() - started

    total = ClientResult()
    for result in results:
        total.requests += result.requests
        for name in (
            "by_kind",
            "by_outcome",
            "unexpected",
            "transport_errors",
            "billed",
        ):
            getattr(total, name).update(getattr(result, name))
    used_after = {key: quota_used(port, key) for key in used_before}
    return report(
        total,
        elapsed,
        rss_start,
        rss_warm,
        rss_end,
        max(samples),
        used_before,
        used_after,
    )


def report(
    total: ClientResult,
    elapsed: float,
    rss_start: float,
    rss_warm: float,
    rss_end: float,
    rss_peak: float,
    used_before: dict[str, int],
    used_after: dict[str, int],
) -> int:
    rate = total.requests / elapsed
    write(f"requests: {total.requests} in {elapsed:.1f} s ({rate:.0f}/s)")
    write("kinds: " + ", ".join(f"{k}={n}" for k, n in sorted(total.by_kind.items())))
    write(
        "outcomes: "
        + ", ".join(f"{k}={n}" for k, n in sorted(total.by_outcome.items()))
    )
    write(
        f"outcomes seen: {len(set(total.by_outcome) & set(Outcome.__members__))} of 22"
    )
    unexpected = sum(total.unexpected.values())
    errors = sum(total.transport_errors.values())
    write(f"unexpected outcomes: {unexpected}")
    for label, count in total.unexpected.most_common(10):
        write(f"  {count} x {label}")
    write(f"transport errors: {errors}")
    for label, count in total.transport_errors.most_common(10):
        write(f"  {count} x {label}")
    growth = rss_end - rss_warm
    write(f"rss start: {rss_start:.1f} MB")
    write(f"rss after warm-up: {rss_warm:.1f} MB")
    write(f"rss end: {rss_end:.1f} MB (peak {rss_peak:.1f} MB)")
    write(f"rss growth after warm-up: {growth:+.1f} MB (limit {MAX_GROWTH_MB:g} MB)")

    counters_ok = True
    for key in used_before:
        used = used_after[key] - used_before[key]
        sent = total.billed[key]
        counters_ok &= used == sent
        write(f"quota {key}: used {used}, successes received {sent}")
    windows = math.ceil(elapsed / THROTTLED_WINDOW_SECONDS) + 1
    throttled_ok = total.billed[THROTTLED_KEY] <= THROTTLED_PER_WINDOW * windows
    write(
        f"rate {THROTTLED_KEY}: {total.billed[THROTTLED_KEY]} admitted, at most "
        f"{THROTTLED_PER_WINDOW * windows} in {windows} windows"
    )
    passed = (
        unexpected == 0
        and errors == 0
        and growth < MAX_GROWTH_MB
        and counters_ok
        and throttled_ok
    )
    write(f"result: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
