"""Counting under a burst of simultaneous requests to real server processes.

200 requests arrive at once for one key whose rate limit (120 per window)
and quota (50) are both smaller, so the exact split is known. 80 are over
the rate limit, 70 are over the quota, and 50 succeed with
`api_calls.used` 1 to 50. Every server runs on the same frozen instant, so
all the requests fall into one window and one billing period.
"""

import asyncio
import sys
import time
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import httpx2
import pytest

from mockserver.cli import main, settings_environment
from mockserver.settings import Settings
from tests.servers import free_port, running_server

BURST_SIZE = 200
QUOTA = 50
RATE_LIMIT = 120
KEY = "burst-key"
FROZEN_AT = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC)
# The hour-long window is [09:00, 10:00), so it ends 1785 s after FROZEN_AT.
SECONDS_TO_WINDOW_END = 1785
SECONDS_TO_APRIL = int((datetime(2026, 4, 1, tzinfo=UTC) - FROZEN_AT).total_seconds())
BURST_TIMEOUT_SECONDS = 60.0
WORKER_STARTUP_TIMEOUT_SECONDS = 30.0
KEYS_TOML = f"""
[[keys]]
key = "{KEY}"
quota = {QUOTA}
rate_limit = {RATE_LIMIT}
rate_window_seconds = 3600
"""

pytestmark = pytest.mark.slow


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    (tmp_path / "keys.toml").write_text(KEYS_TOML)
    return tmp_path


def server_command(scenarios: Path, *options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mockserver",
        "--frozen-at",
        FROZEN_AT.isoformat(),
        "--scenarios",
        str(scenarios),
        "--log-level",
        "warning",
        *options,
    ]


@pytest.fixture
def redis_options(redis_url: str) -> list[str]:
    """Return the flags of a Redis store under a prefix no other test uses."""
    return ["--redis-url", redis_url, "--redis-prefix", f"test-{uuid4().hex}:"]


async def fire(base_urls: list[str], count: int) -> list[httpx2.Response]:
    """Send `count` requests at once, spread over `base_urls` in turn."""
    limits = httpx2.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx2.AsyncClient(
        timeout=BURST_TIMEOUT_SECONDS, limits=limits
    ) as client:
        requests = [
            client.get(
                f"{base_urls[number % len(base_urls)]}/tracking/v1/ocean",
                params={"reference_number": "MSKU7868382", "api_key": KEY},
            )
            for number in range(count)
        ]
        return await asyncio.wait_for(
            asyncio.gather(*requests), timeout=BURST_TIMEOUT_SECONDS
        )


def usage_seen_by(base_url: str) -> httpx2.Response:
    """Ask for a forced success, which shows the key's counters without counting."""
    return httpx2.get(
        f"{base_url}/tracking/v1/ocean",
        params={"reference_number": "MSKU7868382", "api_key": KEY},
        headers={"X-Mock-Status": "OK"},
        timeout=10,
    )


def check_burst(responses: list[httpx2.Response], base_urls: list[str]) -> None:
    outcomes = Counter(response.json()["status_code"] for response in responses)
    successes = [r for r in responses if r.status_code == 200]
    over_rate = [
        r for r in responses if r.json()["status_code"] == "API_KEY_RATE_LIMIT_EXCEEDED"
    ]
    over_quota = [
        r for r in responses if r.json()["status_code"] == "API_KEY_QUOTA_EXCEEDED"
    ]
    counted = [r for r in responses if r.status_code == 200 or r in over_quota]

    assert len(responses) == BURST_SIZE
    assert outcomes == {
        "OK": QUOTA,
        "API_KEY_QUOTA_EXCEEDED": RATE_LIMIT - QUOTA,
        "API_KEY_RATE_LIMIT_EXCEEDED": BURST_SIZE - RATE_LIMIT,
    }
    used = sorted(r.json()["data"]["metadata"]["api_calls"]["used"] for r in successes)
    assert used == list(range(1, QUOTA + 1))
    # Each counted request took its own place in the window.
    remaining = sorted(int(r.headers["x-ratelimit-remaining"]) for r in counted)
    assert remaining == list(range(RATE_LIMIT))
    assert {r.headers["retry-after"] for r in over_rate} == {str(SECONDS_TO_WINDOW_END)}
    assert {r.headers["retry-after"] for r in over_quota} == {str(SECONDS_TO_APRIL)}

    for base_url in base_urls:
        final = usage_seen_by(base_url)
        assert final.json()["data"]["metadata"]["api_calls"] == {
            "total": QUOTA,
            "used": QUOTA,
            "remaining": 0,
        }
        assert final.headers["x-ratelimit-remaining"] == "0"


def run_burst(base_urls: list[str]) -> list[httpx2.Response]:
    return asyncio.run(fire(base_urls, BURST_SIZE))


def test_burst_on_memory_store(scenarios: Path) -> None:
    with running_server(server_command(scenarios)) as base_url:
        responses = run_burst([base_url])

        check_burst(responses, [base_url])


@pytest.mark.redis
def test_burst_on_redis_store(scenarios: Path, redis_options: list[str]) -> None:
    with running_server(server_command(scenarios, *redis_options)) as base_url:
        responses = run_burst([base_url])

        check_burst(responses, [base_url])


@pytest.mark.redis
def test_burst_on_two_servers(scenarios: Path, redis_options: list[str]) -> None:
    command = server_command(scenarios, *redis_options)
    with ExitStack() as stack:
        base_urls = [stack.enter_context(running_server(command)) for _ in range(2)]
        responses = run_burst(base_urls)

        check_burst(responses, base_urls)


def wait_for_workers(base_url: str, workers: int) -> None:
    """Poll on new connections until `workers` processes have each responded.

    The health check passes once the first worker is up, and a burst sent
    before the others start would reach only that one.
    """
    deadline = time.monotonic() + WORKER_STARTUP_TIMEOUT_SECONDS
    prefixes: set[str] = set()
    while len(prefixes) < workers:
        assert time.monotonic() < deadline, f"only {len(prefixes)} workers responded"
        response = usage_seen_by(base_url)
        prefixes.add(response.headers["x-request-id"].split("-")[0])


@pytest.mark.redis
def test_burst_on_two_workers(scenarios: Path, redis_options: list[str]) -> None:
    command = server_command(scenarios, *redis_options, "--workers", "2")
    with running_server(command) as base_url:
        wait_for_workers(base_url, 2)
        responses = run_burst([base_url])

        check_burst(responses, [base_url])
        # Each worker process gives its request ids its own random prefix.
        prefixes = {r.headers["x-request-id"].split("-")[0] for r in responses}
        assert len(prefixes) == 2


def test_workers_need_redis(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["serve", "--workers", "2"])

    assert status == 2
    error = capsys.readouterr().err
    assert "invalid settings: workers = 2 needs redis_url (--redis-url)" in error


@pytest.mark.parametrize("workers", ["1", "2"])
def test_unreachable_redis_stops_start(
    workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"redis://:s3cret@127.0.0.1:{free_port()}/0"

    status = main(["serve", "--redis-url", url, "--workers", workers])

    assert status == 2
    error = capsys.readouterr().err
    assert "cannot reach Redis at redis://:***@127.0.0.1:" in error
    assert "s3cret" not in error


def test_settings_survive_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        port=9123,
        scenarios=tmp_path,
        accept_any_key=True,
        frozen_at=FROZEN_AT,
        redis_url="redis://127.0.0.1:6379/0",
        workers=3,
        default_rate_window_seconds=2.5,
    )

    for name, value in settings_environment(settings).items():
        monkeypatch.setenv(name, value)

    assert Settings() == settings
