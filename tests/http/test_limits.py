"""Quotas, rate limits and expiry over HTTP, with exact headers at every step.

The clock is frozen at FROZEN_AT (2026-03-02 09:30:15 UTC), so a 60-second
window ends in 45 s and the next billing period starts on 2026-04-01.
Most tests run once on the in-memory store and once on a real Redis server.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx2
import pytest
from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.clock import MockClock
from mockserver.redis_store import RedisStore
from mockserver.settings import Settings
from mockserver.state import build_state
from tests.conftest import FROZEN_AT
from tests.servers import free_port

APRIL = datetime(2026, 4, 1, tzinfo=UTC)
SECONDS_TO_APRIL = int((APRIL - FROZEN_AT).total_seconds())
SECONDS_TO_WINDOW_END = 45

QUOTA_KEY = "limits-quota-key"
RATE_KEY = "limits-rate-key"
EXPIRING_KEY = "limits-expiring-key"
EXPIRY = FROZEN_AT + timedelta(seconds=1)
KEYS_TOML = f"""
[[keys]]
key = "{QUOTA_KEY}"
quota = 3
rate_limit = 1000
rate_window_seconds = 60

[[keys]]
key = "{RATE_KEY}"
quota = 1000
rate_limit = 3
rate_window_seconds = 60

[[keys]]
key = "{EXPIRING_KEY}"
expires_at = "{EXPIRY.strftime("%Y-%m-%dT%H:%M:%SZ")}"
"""

CONTAINER = "MSKU7868382"
NO_EVENTS_NUMBER = "MEDUNE000001"
RATE_MAGIC_NUMBER = "MEDUKR000001"
QUOTA_MAGIC_NUMBER = "MEDUKQ000001"


@dataclass
class Server:
    """A test client and the mock clock of the app behind it."""

    client: TestClient
    clock: MockClock

    def get(
        self, key: str | None, headers: dict[str, str] | None = None, **params: str
    ) -> httpx2.Response:
        if key is not None:
            params["api_key"] = key
        return self.client.get("/tracking/v1/ocean", params=params, headers=headers)

    def head(self, key: str, **params: str) -> httpx2.Response:
        params["api_key"] = key
        return self.client.head("/tracking/v1/ocean", params=params)


def serve(settings: Settings) -> Iterator[Server]:
    state = build_state(settings)
    app = create_app(settings, state)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(client, state.clock)


def store_settings(request: pytest.FixtureRequest, **values: Any) -> Settings:
    """Return settings for the store the test is parametrised with."""
    if request.param == "redis":
        values["redis_url"] = request.getfixturevalue("redis_url")
        values["redis_prefix"] = f"test-{uuid4().hex}:"
    return Settings(frozen_at=FROZEN_AT, **values)


STORES = ["memory", pytest.param("redis", marks=pytest.mark.redis)]


@pytest.fixture(params=STORES)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    (tmp_path / "keys.toml").write_text(KEYS_TOML)
    yield from serve(store_settings(request, scenarios=tmp_path))


@pytest.fixture(params=STORES)
def any_key_server(request: pytest.FixtureRequest) -> Iterator[Server]:
    settings = store_settings(
        request,
        accept_any_key=True,
        default_quota=2,
        default_rate_limit=4,
        default_rate_window_seconds=10,
    )
    yield from serve(settings)


def rate_headers(response: httpx2.Response) -> tuple[int, int, int]:
    """Return X-RateLimit-Limit, -Remaining and -Reset as integers."""
    headers = response.headers
    return (
        int(headers["x-ratelimit-limit"]),
        int(headers["x-ratelimit-remaining"]),
        int(headers["x-ratelimit-reset"]),
    )


def api_calls(response: httpx2.Response) -> dict[str, int]:
    return response.json()["data"]["metadata"]["api_calls"]


def calls(total: int, used: int) -> dict[str, int]:
    return {"total": total, "used": used, "remaining": total - used}


# Quota


def test_quota_bills_only_successes(server: Server) -> None:
    first = server.get(QUOTA_KEY, reference_number=CONTAINER)
    missing = server.get(QUOTA_KEY)
    maintenance = server.get(QUOTA_KEY, reference_number="1", carrier_code="QMNT")
    undetected = server.get(QUOTA_KEY, reference_number="ZZZZ12345")
    second = server.get(QUOTA_KEY, reference_number=CONTAINER)
    partial = server.get(QUOTA_KEY, reference_number=NO_EVENTS_NUMBER)

    assert first.status_code == 200
    assert api_calls(first) == calls(3, 1)
    assert missing.status_code == 400
    assert missing.json()["status_code"] == "WRONG_PARAMETERS"
    assert maintenance.json()["status_code"] == "CARRIER_UNDER_MAINTENANCE"
    assert undetected.json()["status_code"] == "AUTO_CANT_DETECT_CARRIER"
    assert api_calls(second) == calls(3, 2)
    assert partial.json()["status_code"] == "NO_EVENTS"
    assert api_calls(partial) == calls(3, 3)
    # Every request counts against the rate limit, billed or not.
    responses = [first, missing, maintenance, undetected, second, partial]
    remaining = [rate_headers(r)[1] for r in responses]
    assert remaining == [999, 998, 997, 996, 995, 994]
    assert {rate_headers(r)[2] for r in responses} == {SECONDS_TO_WINDOW_END}


def test_quota_stops_at_exact_number(server: Server) -> None:
    for _ in range(3):
        assert server.get(QUOTA_KEY, reference_number=CONTAINER).status_code == 200

    over = server.get(QUOTA_KEY, reference_number=CONTAINER)
    invalid = server.get(QUOTA_KEY)

    assert over.status_code == 429
    assert over.json() == {
        "success": False,
        "status_code": "API_KEY_QUOTA_EXCEEDED",
        "message": over.json()["message"],
        "data": None,
    }
    assert over.headers["retry-after"] == str(SECONDS_TO_APRIL)
    assert rate_headers(over) == (1000, 996, SECONDS_TO_WINDOW_END)
    assert "used its quota of 3 requests" in over.headers["x-mock-reason"]
    # The quota is checked before the parameters.
    assert invalid.status_code == 429
    assert invalid.json()["status_code"] == "API_KEY_QUOTA_EXCEEDED"
    assert invalid.headers["retry-after"] == str(SECONDS_TO_APRIL)
    assert rate_headers(invalid) == (1000, 995, SECONDS_TO_WINDOW_END)


def test_quota_retry_after_counts_down(server: Server) -> None:
    for _ in range(3):
        server.get(QUOTA_KEY, reference_number=CONTAINER)

    server.clock.advance(SECONDS_TO_APRIL - 1.5)
    late = server.get(QUOTA_KEY, reference_number=CONTAINER)
    server.clock.advance(1.5)
    april = server.get(QUOTA_KEY, reference_number=CONTAINER)

    assert late.status_code == 429
    assert late.headers["retry-after"] == "2"
    assert april.status_code == 200
    assert api_calls(april) == calls(3, 1)


# Rate limit


def test_rate_limit_admits_exact_number(server: Server) -> None:
    admitted = [server.get(RATE_KEY, reference_number=CONTAINER) for _ in range(3)]
    over = server.get(RATE_KEY, reference_number=CONTAINER)

    assert [r.status_code for r in admitted] == [200, 200, 200]
    assert [rate_headers(r) for r in admitted] == [(3, 2, 45), (3, 1, 45), (3, 0, 45)]
    assert ["retry-after" in r.headers for r in admitted] == [False] * 3
    assert [api_calls(r)["used"] for r in admitted] == [1, 2, 3]
    assert over.status_code == 429
    assert over.json()["status_code"] == "API_KEY_RATE_LIMIT_EXCEEDED"
    assert over.json()["data"] is None
    assert over.headers["retry-after"] == "45"
    assert rate_headers(over) == (3, 0, 45)
    assert over.headers["x-mock-reason"].endswith("the window resets in 45 s")


def test_rate_limit_recovers_next_window(server: Server) -> None:
    for _ in range(3):
        server.get(RATE_KEY, reference_number=CONTAINER)

    server.clock.advance(44)
    one_left = server.get(RATE_KEY, reference_number=CONTAINER)
    server.clock.advance(0.5)
    half_left = server.get(RATE_KEY, reference_number=CONTAINER)
    server.clock.advance(0.5)
    next_window = server.get(RATE_KEY, reference_number=CONTAINER)

    assert one_left.status_code == 429
    assert one_left.headers["retry-after"] == "1"
    assert rate_headers(one_left) == (3, 0, 1)
    # Header values are whole seconds rounded up, never 0.
    assert half_left.status_code == 429
    assert half_left.headers["retry-after"] == "1"
    assert rate_headers(half_left) == (3, 0, 1)
    assert next_window.status_code == 200
    assert rate_headers(next_window) == (3, 2, 60)
    # Rejected requests were not billed.
    assert api_calls(next_window) == calls(1000, 4)


def test_rate_limit_before_parameters(server: Server) -> None:
    for _ in range(3):
        server.get(RATE_KEY)

    response = server.get(RATE_KEY)

    assert response.status_code == 429
    assert response.json()["status_code"] == "API_KEY_RATE_LIMIT_EXCEEDED"
    assert response.headers["retry-after"] == "45"


# Expiry


def test_key_valid_before_expiry(server: Server) -> None:
    response = server.get(EXPIRING_KEY, reference_number=CONTAINER)

    assert response.status_code == 200
    assert response.json()["status_code"] == "OK"


def test_key_expires_at_instant(server: Server) -> None:
    server.clock.advance(1)

    response = server.get(EXPIRING_KEY, reference_number=CONTAINER)

    assert response.status_code == 403
    assert response.json()["status_code"] == "API_KEY_EXPIRED"
    assert response.headers["x-mock-reason"] == (
        "key expired at 2026-03-02 09:30:16 UTC"
    )
    assert "x-ratelimit-limit" not in response.headers


# HEAD


def test_head_counts_nothing(server: Server) -> None:
    heads = [server.head(RATE_KEY, reference_number=CONTAINER) for _ in range(5)]
    get = server.get(RATE_KEY, reference_number=CONTAINER)

    assert [r.status_code for r in heads] == [200] * 5
    assert [r.content for r in heads] == [b""] * 5
    assert [rate_headers(r) for r in heads] == [(3, 3, 45)] * 5
    assert rate_headers(get) == (3, 2, 45)
    assert api_calls(get) == calls(1000, 1)


def test_head_shows_rate_limit(server: Server) -> None:
    for _ in range(3):
        server.get(RATE_KEY, reference_number=CONTAINER)

    head = server.head(RATE_KEY, reference_number=CONTAINER)

    assert head.status_code == 429
    assert head.headers["retry-after"] == "45"
    assert rate_headers(head) == (3, 0, 45)


def test_head_shows_exhausted_quota(server: Server) -> None:
    for _ in range(3):
        server.get(QUOTA_KEY, reference_number=CONTAINER)

    heads = [server.head(QUOTA_KEY, reference_number=CONTAINER) for _ in range(2)]

    assert [r.status_code for r in heads] == [429, 429]
    assert [r.headers["retry-after"] for r in heads] == [str(SECONDS_TO_APRIL)] * 2
    assert [rate_headers(r) for r in heads] == [(1000, 997, 45)] * 2


# 429 by magic number or header


def test_magic_rate_limit_headers(server: Server) -> None:
    magic = server.get(RATE_KEY, reference_number=RATE_MAGIC_NUMBER)
    after = server.get(RATE_KEY, reference_number=CONTAINER)

    assert magic.status_code == 429
    assert magic.json()["status_code"] == "API_KEY_RATE_LIMIT_EXCEEDED"
    assert magic.headers["retry-after"] == "45"
    assert rate_headers(magic) == (3, 0, 45)
    # The magic request passed the key checks, so it counted, unbilled.
    assert rate_headers(after) == (3, 1, 45)
    assert api_calls(after) == calls(1000, 1)


def test_magic_quota_headers(server: Server) -> None:
    magic = server.get(RATE_KEY, reference_number=QUOTA_MAGIC_NUMBER)

    assert magic.status_code == 429
    assert magic.json()["status_code"] == "API_KEY_QUOTA_EXCEEDED"
    assert magic.headers["retry-after"] == str(SECONDS_TO_APRIL)
    assert rate_headers(magic) == (3, 2, 45)


def test_forced_rate_limit_headers(server: Server) -> None:
    forced = server.get(
        RATE_KEY,
        headers={"X-Mock-Status": "API_KEY_RATE_LIMIT_EXCEEDED"},
        reference_number=CONTAINER,
    )
    after = server.get(RATE_KEY, reference_number=CONTAINER)

    assert forced.status_code == 429
    assert forced.headers["retry-after"] == "45"
    assert rate_headers(forced) == (3, 0, 45)
    # A forced outcome counts nothing.
    assert rate_headers(after) == (3, 2, 45)


def test_forced_quota_headers(server: Server) -> None:
    forced = server.get(
        RATE_KEY,
        headers={"X-Mock-Status": "API_KEY_QUOTA_EXCEEDED"},
        reference_number=CONTAINER,
    )

    assert forced.status_code == 429
    assert forced.headers["retry-after"] == str(SECONDS_TO_APRIL)
    assert rate_headers(forced) == (3, 3, 45)


def test_forced_limit_without_key(server: Server) -> None:
    forced = server.get(None, headers={"X-Mock-Status": "API_KEY_RATE_LIMIT_EXCEEDED"})

    assert forced.status_code == 429
    assert forced.headers["retry-after"] == "45"
    # No key backs these counters, so they come from the default policy.
    assert rate_headers(forced) == (600, 0, 45)


def test_forced_success_shows_usage(server: Server) -> None:
    server.get(QUOTA_KEY, reference_number=CONTAINER)

    forced = server.get(
        QUOTA_KEY, headers={"X-Mock-Status": "OK"}, reference_number=CONTAINER
    )
    billed = server.get(QUOTA_KEY, reference_number=CONTAINER)

    assert api_calls(forced) == calls(3, 1)
    assert rate_headers(forced) == (1000, 999, 45)
    assert api_calls(billed) == calls(3, 2)


# Accept-any-key mode


def test_any_key_gets_default_policy(any_key_server: Server) -> None:
    key = "client-chosen-key"
    responses = [any_key_server.get(key, reference_number=CONTAINER) for _ in range(5)]

    assert [r.status_code for r in responses] == [200, 200, 429, 429, 429]
    assert api_calls(responses[0]) == calls(2, 1)
    assert api_calls(responses[1]) == calls(2, 2)
    # The window is [09:30:10, 09:30:20), so it resets in 5 s.
    assert [rate_headers(r) for r in responses] == [
        (4, 3, 5),
        (4, 2, 5),
        (4, 1, 5),
        (4, 0, 5),
        (4, 0, 5),
    ]
    assert [r.json()["status_code"] for r in responses[2:]] == [
        "API_KEY_QUOTA_EXCEEDED",
        "API_KEY_QUOTA_EXCEEDED",
        "API_KEY_RATE_LIMIT_EXCEEDED",
    ]
    assert [r.headers["retry-after"] for r in responses[2:]] == [
        str(SECONDS_TO_APRIL),
        str(SECONDS_TO_APRIL),
        "5",
    ]


def test_any_keys_count_separately(any_key_server: Server) -> None:
    any_key_server.get("key-one", reference_number=CONTAINER)

    other = any_key_server.get("key-two", reference_number=CONTAINER)

    assert api_calls(other) == calls(2, 1)


def test_any_key_mode_keeps_known_keys(any_key_server: Server) -> None:
    responses = [
        any_key_server.get("mock-throttled-key", reference_number=CONTAINER)
        for _ in range(4)
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert api_calls(responses[0]) == calls(100_000, 1)


@pytest.fixture
def bounded_server() -> Iterator[Server]:
    settings = Settings(frozen_at=FROZEN_AT, accept_any_key=True, max_unknown_keys=2)
    yield from serve(settings)


def test_least_recent_unknown_key_forgotten(bounded_server: Server) -> None:
    bounded_server.get("key-a", reference_number=CONTAINER)
    bounded_server.get("key-b", reference_number=CONTAINER)
    bounded_server.get("key-a", reference_number=CONTAINER)
    bounded_server.get("key-c", reference_number=CONTAINER)

    kept = bounded_server.get("key-a", reference_number=CONTAINER)
    forgotten = bounded_server.get("key-b", reference_number=CONTAINER)

    assert api_calls(kept)["used"] == 3
    assert api_calls(forgotten)["used"] == 1


def test_known_key_outlives_unknown_flood(bounded_server: Server) -> None:
    for _ in range(3):
        bounded_server.get("mock-throttled-key", reference_number=CONTAINER)

    for number in range(20):
        bounded_server.get(f"flood-{number}", reference_number=CONTAINER)
    throttled = bounded_server.get("mock-throttled-key", reference_number=CONTAINER)

    assert throttled.status_code == 429
    assert throttled.json()["status_code"] == "API_KEY_RATE_LIMIT_EXCEEDED"


def test_unknown_key_rejected_by_default() -> None:
    for server in serve(Settings(frozen_at=FROZEN_AT)):
        response = server.get("client-chosen-key", reference_number=CONTAINER)

        assert response.status_code == 401
        assert response.json()["status_code"] == "INVALID_API_KEY"


def test_redis_failure_gives_envelope() -> None:
    settings = Settings(frozen_at=FROZEN_AT)
    state = build_state(settings)
    # A store whose Redis server is gone, as when Redis stops mid-run.
    state.selector.store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    app = create_app(settings, state)

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(
            "/tracking/v1/ocean",
            params={"reference_number": CONTAINER, "api_key": "mock-valid-key"},
        )

    assert response.status_code == 500
    assert response.json()["status_code"] == "UNEXPECTED_ERROR"
    assert response.json()["data"] is None
