"""Secure defaults: loopback only, keys masked in logs, no stack traces in responses."""

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mockserver.http.tracking import TrackingApp
from mockserver.selection import Selector
from tests.hostile.live import live_server
from tests.hostile.raw_http import exchange, get

OCEAN = "/tracking/v1/ocean"
# Keys long enough that mask_key shows only a few of their characters.
SECRET_KEYS = [
    "sk-live-4f1b2c3d4e5f6a7b8c9d",
    "sk-test-0a9b8c7d6e5f4a3b2c1d",
    "sk-head-1111222233334444",
    "sk-both-aaaabbbbccccdddd",
]
SERVER_LOGGERS = {"mockserver", "uvicorn", "fastapi", "starlette"}
TRACEBACK_MARKERS = ("Traceback", 'File "', "RuntimeError", "injected failure")


def listening_addresses(port: int) -> set[str]:
    """Return the local addresses with a TCP socket listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":
                found.add(address)
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_default_bind_is_loopback() -> None:
    with live_server(host=None) as server:
        addresses = listening_addresses(server.port)

    assert addresses == {"0100007F"}


@pytest.mark.slow
def test_keys_masked_in_server_log() -> None:
    first, second, header_key, both = SECRET_KEYS
    requests = [
        get(f"{OCEAN}?api_key={first}&reference_number=255303287".encode()),
        get(f"{OCEAN}?api_key={first}&reference_number=MEDUKR000001".encode()),
        get(f"{OCEAN}?api_key={second}&reference_number=%FF".encode()),
        get(
            b"/tracking/v1/ocean?reference_number=1",
            f"X-API-Key: {header_key}".encode(),
        ),
        get(
            f"{OCEAN}?api_key={both}&reference_number=1".encode(),
            f"X-API-Key: {first}".encode(),
        ),
        get(
            f"{OCEAN}?api_key={first}".encode(),
            b"X-Mock-Status: UNEXPECTED_ERROR",
        ),
        get(f"{OCEAN}?api_key={first}&pad={'a' * 9000}".encode()),
        get(f"{OCEAN}?api_key={first}".encode(), b"X-Pad: " + b"a" * 20_000),
        get(f"{OCEAN}?api_key={second}".encode(), b"X-Bad: \x01"),
        get(
            f"/__mock/scenarios?api_key={first}".encode(),
            b"Origin: https://evil.example",
        ),
    ]
    with live_server(["--log-level", "debug", "--accept-any-key"]) as server:
        statuses = [
            exchange(server.address, request).only.status for request in requests
        ]
        log = server.log()

    assert statuses == [200, 429, 400, 200, 401, 500, 414, 431, 400, 403]
    assert "key=sk-l...c9d" in log
    for key in SECRET_KEYS:
        assert key not in log


def test_keys_masked_on_failure(
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def fail(self, request, count=True):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(Selector, "decide", fail)
    with caplog.at_level(logging.DEBUG):
        response = client.get(
            f"{OCEAN}?api_key={SECRET_KEYS[0]}&reference_number=1",
            headers={"X-API-Key": SECRET_KEYS[0]},
        )

    # The test client logs its own requests, key included; only the
    # server's records count.
    server_text = "\n".join(
        caplog.handler.format(record)
        for record in caplog.records
        if record.name.split(".")[0] in SERVER_LOGGERS
    )
    assert response.status_code == 500
    assert "injected failure" in server_text
    for key in SECRET_KEYS:
        assert key not in server_text


def assert_clean_500(response) -> None:
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == {
        "success": False,
        "status_code": "UNEXPECTED_ERROR",
        "message": body["message"],
        "data": None,
    }
    for marker in TRACEBACK_MARKERS:
        assert marker not in response.text
        assert marker not in response.headers.get("x-mock-reason", "")


def test_no_trace_from_selection(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(self, request, count=True):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(Selector, "decide", fail)

    assert_clean_500(client.get(f"{OCEAN}?api_key=k&reference_number=1"))


def test_no_trace_from_dispatch(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(self, scope):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(TrackingApp, "handle", fail)

    assert_clean_500(client.get(f"{OCEAN}?api_key=k&reference_number=1"))


def test_no_trace_from_control_route(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr("mockserver.http.control.build_catalogue", fail)

    assert_clean_500(client.get("/__mock/scenarios"))
