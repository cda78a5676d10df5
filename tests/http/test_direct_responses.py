"""Responses written from the parser's callbacks match the ASGI path's bytes.

Two uvicorn servers run in this process on the same settings and a frozen
clock: one with the protocol the command line uses, which responds to
API requests directly, and one with the bounded protocol alone, which runs
every request as an ASGI task. Each gets the same requests in the same
order, so their counters agree, and every response must be the same,
header for header and byte for byte, apart from `date`.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

import pytest
import uvicorn

from mockserver.http.direct import DirectApiProtocol, direct_protocol
from mockserver.http.lazy import create_lazy_app
from mockserver.http.protocol import LimitedHttpToolsProtocol
from mockserver.settings import Settings
from tests.conftest import FROZEN_AT
from tests.hostile.raw_http import RawResponse, connect, exchange, read_all
from tests.servers import free_port

OCEAN = b"/tracking/v1/ocean"
OK_QUERY = b"?reference_number=MSKU7868382&api_key=mock-valid-key"


def request(
    target: bytes,
    *headers: bytes,
    method: bytes = b"GET",
    version: bytes = b"HTTP/1.1",
    request_id: bytes = b"test-0001",
) -> bytes:
    """Return the bytes of one request that keeps its connection open."""
    lines = [method + b" " + target + b" " + version, b"Host: 127.0.0.1"]
    lines += [b"X-Request-Id: " + request_id, *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def closing(data: bytes) -> bytes:
    """Add `Connection: close` to the last request in `data`."""
    return data[:-2] + b"Connection: close\r\n\r\n"


# Each entry is sent on one new connection.
CONVERSATIONS: dict[str, bytes] = {
    "ok": closing(request(OCEAN + OK_QUERY)),
    "head": closing(request(OCEAN + OK_QUERY, method=b"HEAD")),
    "http 1.0": request(OCEAN + OK_QUERY, version=b"HTTP/1.0"),
    "trailing slash": closing(request(OCEAN + b"/" + OK_QUERY)),
    "escaped path": closing(request(b"/tracking/v1/%6Fcean" + OK_QUERY)),
    "header key": closing(
        request(OCEAN + b"?reference_number=255303287", b"X-Api-Key: mock-valid-key")
    ),
    "cors": closing(request(OCEAN + OK_QUERY, b"Origin: http://example.test")),
    "preflight": closing(
        request(
            OCEAN,
            b"Origin: http://example.test",
            b"Access-Control-Request-Method: GET",
            method=b"OPTIONS",
        )
    ),
    "post without body": closing(request(OCEAN, method=b"POST")),
    "unknown path": closing(request(b"/tracking/v1/rail" + OK_QUERY)),
    "no reference": closing(request(OCEAN + b"?api_key=mock-valid-key")),
    "unknown key": closing(request(OCEAN + b"?reference_number=1&api_key=nobody")),
    "magic number": closing(
        request(OCEAN + b"?reference_number=MEDUNE000001&api_key=mock-valid-key")
    ),
    "forced": closing(request(OCEAN + OK_QUERY, b"X-Mock-Status: NO_EVENTS")),
    "bad forced": closing(request(OCEAN + OK_QUERY, b"X-Mock-Status: MAYBE")),
    "delayed": closing(request(OCEAN + OK_QUERY, b"X-Mock-Delay: 20ms")),
    "bad delay": closing(request(OCEAN + OK_QUERY, b"X-Mock-Delay: soon")),
    "throttled": b"".join(
        request(
            OCEAN + b"?reference_number=MSKU7868382&api_key=mock-throttled-key",
            request_id=b"throttled-%d" % number,
        )
        for number in range(4)
    )
    + closing(request(b"/health")),
    "pipelined": request(OCEAN + OK_QUERY, request_id=b"first")
    + request(b"/health", request_id=b"second")
    + closing(request(OCEAN + OK_QUERY, request_id=b"third")),
    # The second request gets no response, so it must count nothing. The
    # next conversation's `api_calls` shows it.
    "request after close": closing(request(OCEAN + OK_QUERY))
    + request(OCEAN + OK_QUERY, request_id=b"after"),
    "ok again": closing(request(OCEAN + OK_QUERY)),
    "delayed, then pipelined": request(
        OCEAN + OK_QUERY, b"X-Mock-Delay: 50ms", request_id=b"slow"
    )
    + closing(request(OCEAN + OK_QUERY, request_id=b"fast")),
}


class CountingDirectProtocol(DirectApiProtocol):
    """The direct protocol, counting the responses it writes itself."""

    written = 0

    def _write_response(self, handled: Any, keep_alive: bool) -> None:
        CountingDirectProtocol.written += 1
        super()._write_response(handled, keep_alive)


@contextmanager
def serving(
    protocol: type, header_timeout: float = 10.0, keep_alive_timeout: int = 5
) -> Iterator[tuple[str, int]]:
    """Serve the command line's app with `protocol` on a thread, yield its address."""
    app = create_lazy_app(Settings(frozen_at=FROZEN_AT))
    attributes: dict[str, Any] = {"header_timeout": header_timeout}
    if issubclass(protocol, DirectApiProtocol):
        attributes["tracking"] = app.direct_tracking

    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        http=type("TestProtocol", (protocol,), attributes),
        ws="none",
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_keep_alive=keep_alive_timeout,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield ("127.0.0.1", port)
    finally:
        server.should_exit = True
        thread.join(10)


def without_date(response: RawResponse) -> tuple[int, list[tuple[str, str]], bytes]:
    lines = [(name, value) for name, value in response.header_lines if name != "date"]
    return response.status, lines, response.body


@pytest.fixture(scope="module")
def exchanges() -> dict[str, tuple[list[RawResponse], list[RawResponse], int]]:
    """Return each conversation's responses: direct path, ASGI path, direct writes."""
    direct: dict[str, tuple[list[RawResponse], int]] = {}
    with serving(CountingDirectProtocol) as address:
        for name, data in CONVERSATIONS.items():
            before = CountingDirectProtocol.written
            responses = exchange(address, data).responses
            direct[name] = (responses, CountingDirectProtocol.written - before)
    results = {}
    with serving(LimitedHttpToolsProtocol) as address:
        for name, data in CONVERSATIONS.items():
            responses, written = direct[name]
            results[name] = (responses, exchange(address, data).responses, written)
    return results


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_direct_responses_match_asgi_path(exchanges: dict, name: str) -> None:
    direct, asgi, _ = exchanges[name]

    assert len(direct) == len(asgi) > 0
    assert [without_date(r) for r in direct] == [without_date(r) for r in asgi]


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("ok", 1),
        ("head", 1),
        ("http 1.0", 1),
        ("escaped path", 1),
        ("preflight", 1),
        ("post without body", 1),
        ("throttled", 4),
        # /health goes to the ASGI app, and so does the request behind it,
        # which must wait for the response before it.
        ("pipelined", 1),
        # A delayed response finishes in an ASGI task.
        ("delayed", 0),
        ("delayed, then pipelined", 0),
    ],
)
def test_bodiless_api_requests_take_direct_path(
    exchanges: dict, name: str, written: int
) -> None:
    assert exchanges[name][2] == written


def test_pipelined_responses_keep_request_order(exchanges: dict) -> None:
    direct, _, _ = exchanges["pipelined"]
    delayed, _, _ = exchanges["delayed, then pipelined"]

    assert [r.headers["x-request-id"] for r in direct] == ["first", "second", "third"]
    assert [r.headers["x-request-id"] for r in delayed] == ["slow", "fast"]
    assert [r.json()["status_code"] for r in delayed] == ["OK", "OK"]


def test_throttled_key_counts_alike_on_both_paths(exchanges: dict) -> None:
    direct, asgi, _ = exchanges["throttled"]

    statuses = [r.status for r in direct[:4]]
    assert statuses == [200, 200, 200, 429]
    assert [r.headers["x-ratelimit-remaining"] for r in direct[:4]] == [
        r.headers["x-ratelimit-remaining"] for r in asgi[:4]
    ]


def test_http_1_0_response_closes_connection(exchanges: dict) -> None:
    direct, _, _ = exchanges["http 1.0"]

    assert direct[0].headers["connection"] == "close"
    assert direct[0].json()["status_code"] == "OK"


def test_head_response_has_full_length(exchanges: dict) -> None:
    head, _, _ = exchanges["head"]
    ok, _, _ = exchanges["ok"]

    assert head[0].body == b""
    assert int(head[0].headers["content-length"]) == len(ok[0].body)


def test_request_with_body_takes_asgi_path() -> None:
    before = CountingDirectProtocol.written
    body_request = (
        request(OCEAN + OK_QUERY, b"Content-Length: 2", b"Connection: close") + b"{}"
    )
    with serving(CountingDirectProtocol) as address:
        response = exchange(address, body_request).only

    assert response.status == 200
    assert CountingDirectProtocol.written == before


def test_factory_sets_app_and_timeout() -> None:
    app = create_lazy_app(Settings(frozen_at=FROZEN_AT))
    protocol = direct_protocol(2.5, app.direct_tracking)

    assert issubclass(protocol, DirectApiProtocol)
    assert protocol.tracking is app.direct_tracking
    assert protocol.header_timeout == 2.5


def test_memory_counters_take_direct_path() -> None:
    app = create_lazy_app(Settings(frozen_at=FROZEN_AT))

    assert app.direct_tracking is not None


def test_redis_counters_keep_asgi_path(redis_url: str) -> None:
    settings = Settings(redis_url=redis_url, redis_prefix=f"test-{uuid4().hex}:")

    assert create_lazy_app(settings).direct_tracking is None


@pytest.mark.parametrize("protocol", [CountingDirectProtocol, LimitedHttpToolsProtocol])
def test_keep_alive_spares_pipelined_delay(protocol: type) -> None:
    # The first response completes inside the read that also starts the
    # delayed request; the idle-connection timeout must not close it.
    data = request(OCEAN + OK_QUERY, request_id=b"first") + closing(
        request(OCEAN + OK_QUERY, b"X-Mock-Delay: 1500ms", request_id=b"slow")
    )
    with serving(protocol, keep_alive_timeout=1) as address:
        responses = exchange(address, data).responses

    assert [r.headers["x-request-id"] for r in responses] == ["first", "slow"]
    assert [r.status for r in responses] == [200, 200]


@pytest.mark.parametrize("protocol", [CountingDirectProtocol, LimitedHttpToolsProtocol])
def test_idle_connection_closes_after_keep_alive(protocol: type) -> None:
    with serving(protocol, keep_alive_timeout=1) as address, connect(address) as sock:
        sock.sendall(request(OCEAN + OK_QUERY))
        started = time.monotonic()
        result = read_all(sock, timeout=4)
        waited = time.monotonic() - started

    assert [r.status for r in result.responses] == [200]
    assert result.closed
    assert 0.9 <= waited < 3


@pytest.mark.parametrize("protocol", [CountingDirectProtocol, LimitedHttpToolsProtocol])
def test_paced_requests_keep_connection_open(protocol: type) -> None:
    # Each request arrives 0.6 s after the response before it, so the
    # connection is never idle for the 1 s timeout, although the timer set
    # after the first response fires in between.
    results = []
    with serving(protocol, keep_alive_timeout=1) as address, connect(address) as sock:
        for number in range(4):
            sock.sendall(request(OCEAN + OK_QUERY, request_id=b"paced-%d" % number))
            results.append(read_all(sock, timeout=0.6))

    assert [[r.status for r in result.responses] for result in results] == [[200]] * 4
    assert not any(result.closed for result in results)


@pytest.mark.parametrize("protocol", [CountingDirectProtocol, LimitedHttpToolsProtocol])
def test_partial_head_after_response_gets_408(protocol: type) -> None:
    data = request(OCEAN + OK_QUERY) + b"GET /tracking/v1/ocean HTTP/1.1\r\nHost: x"
    with serving(protocol, header_timeout=1.5, keep_alive_timeout=1) as address:
        exchange_result = exchange(address, data)

    assert [r.status for r in exchange_result.responses] == [200, 408]
    assert exchange_result.closed


@pytest.mark.parametrize(
    "first",
    [
        request(b"/health", request_id=b"first"),
        request(OCEAN + OK_QUERY, b"X-Mock-Delay: 200ms", request_id=b"first"),
        request(OCEAN + OK_QUERY, request_id=b"first"),
    ],
    ids=["health", "delayed", "direct"],
)
def test_oversized_head_follows_previous_response(first: bytes) -> None:
    oversized = request(OCEAN + OK_QUERY, b"X-Big: " + b"a" * 17_000)
    with serving(CountingDirectProtocol) as address:
        responses = exchange(address, first + oversized).responses

    assert [r.status for r in responses] == [200, 431]
    assert responses[0].headers["x-request-id"] == "first"
