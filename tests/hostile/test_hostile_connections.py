"""Hostile bytes on the wire against a real server: limits, slow clients, framing.

One server process serves the module, started by the command line as a user
would, so the HTTP protocol with the mock's limits is the one under test.
"""

import re
import socket
import time
from collections.abc import Iterator

import pytest

from mockserver.http.limits import MAX_HEAD_BYTES, MAX_TARGET_BYTES
from tests.hostile.live import LiveServer, live_server
from tests.hostile.raw_http import (
    connect,
    exchange,
    get,
    read_all,
    send_endless_header,
)

HEADER_TIMEOUT_SECONDS = 1.0
OCEAN = b"/tracking/v1/ocean"
QUERY = b"?api_key=mock-valid-key&reference_number=255303287"
# Memory the server may gain while a client streams many megabytes at it.
MAX_GROWTH_KIB = 8 * 1024

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(["--header-timeout", str(HEADER_TIMEOUT_SECONDS)]) as running:
        yield running


def usage(server: LiveServer) -> tuple[int, int]:
    """Return (quota used, rate remaining) of mock-valid-key, counting nothing."""
    response = exchange(server.address, get(OCEAN + QUERY, b"X-Mock-Status: OK")).only
    used = response.json()["data"]["metadata"]["api_calls"]["used"]
    return used, int(response.headers["x-ratelimit-remaining"])


def assert_envelope(response, status: int, status_code: str) -> None:
    assert response.status == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"success", "status_code", "message", "data"}
    assert body["status_code"] == status_code
    assert body["success"] is False
    assert body["data"] is None
    assert response.headers["x-mock-reason"]
    assert response.headers["x-request-id"]


def head_of_size(size: int) -> bytes:
    """Return a request whose measured head is exactly `size` bytes."""
    target = OCEAN + QUERY
    fixed = [(b"host", b"127.0.0.1"), (b"connection", b"close")]
    used = len(target) + sum(len(n) + len(v) + 4 for n, v in fixed)
    padding = size - used - len(b"x-padding") - 4
    assert padding >= 0
    return get(target, b"X-Padding: " + b"a" * padding)


def test_target_at_limit_reaches_app(server: LiveServer) -> None:
    target = OCEAN + b"?x=" + b"a" * (MAX_TARGET_BYTES - len(OCEAN) - 3)
    response = exchange(server.address, get(target)).only

    assert response.status == 400
    assert response.json()["status_code"] == "WRONG_PARAMETERS"
    assert "over the limit of 4096" in response.headers["x-mock-reason"]


def test_target_over_limit_414(server: LiveServer) -> None:
    target = OCEAN + b"?x=" + b"a" * (MAX_TARGET_BYTES - len(OCEAN) - 2)
    result = exchange(server.address, get(target))

    assert_envelope(result.only, 414, "URI_TOO_LONG")
    assert "8192" in result.only.headers["x-mock-reason"]
    assert result.only.headers["connection"] == "close"
    assert result.closed


def test_long_path_414(server: LiveServer) -> None:
    result = exchange(server.address, get(b"/" + b"p" * 20_000))

    assert_envelope(result.only, 414, "URI_TOO_LONG")


def test_head_at_limit_accepted(server: LiveServer) -> None:
    response = exchange(server.address, head_of_size(MAX_HEAD_BYTES)).only

    assert response.status == 200
    assert response.json()["status_code"] == "OK"


def test_head_over_limit_431(server: LiveServer) -> None:
    result = exchange(server.address, head_of_size(MAX_HEAD_BYTES + 1))

    assert_envelope(result.only, 431, "REQUEST_HEADER_FIELDS_TOO_LARGE")
    assert (
        result.only.headers["x-mock-reason"]
        == f"request line and headers are {MAX_HEAD_BYTES + 1} bytes, over the "
        f"limit of {MAX_HEAD_BYTES}"
    )
    assert result.closed


def test_many_headers_431(server: LiveServer) -> None:
    headers = [b"X-H%d: v" % i for i in range(3000)]
    result = exchange(server.address, get(OCEAN + QUERY, *headers))

    assert_envelope(result.only, 431, "REQUEST_HEADER_FIELDS_TOO_LARGE")


def test_endless_header_bounded(server: LiveServer) -> None:
    before = server.rss_kib()
    with connect(server.address) as sock:
        sent = send_endless_header(sock)
        result = read_all(sock)

    assert sent < 64
    assert result.closed
    assert server.rss_kib() - before < MAX_GROWTH_KIB


def test_rejections_count_nothing(server: LiveServer) -> None:
    before = usage(server)
    exchange(server.address, head_of_size(MAX_HEAD_BYTES + 1))
    exchange(server.address, get(OCEAN + QUERY + b"&x=" + b"a" * MAX_TARGET_BYTES))
    exchange(server.address, b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03")

    assert usage(server) == before


def test_partial_head_408(server: LiveServer) -> None:
    with connect(server.address) as sock:
        sock.sendall(b"GET /tracking/v1/ocean" + QUERY + b" HTTP/1.1\r\nHost: x\r\n")
        result = read_all(sock, timeout=HEADER_TIMEOUT_SECONDS + 4)

    assert_envelope(result.only, 408, "REQUEST_TIMEOUT")
    assert result.closed


def test_trickled_head_408(server: LiveServer) -> None:
    request = get(OCEAN + QUERY, b"X-Slow: " + b"s" * 40)
    # Each byte arrives well within the timeout, but the head as a whole
    # does not. Sending stops soon after the timeout, so that no write
    # races the server's close.
    stop_at = time.monotonic() + HEADER_TIMEOUT_SECONDS + 0.5
    with connect(server.address) as sock:
        try:
            for index in range(len(request)):
                if time.monotonic() > stop_at:
                    break
                sock.sendall(request[index : index + 1])
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass
        result = read_all(sock)

    assert_envelope(result.only, 408, "REQUEST_TIMEOUT")


def test_stalled_second_head_408(server: LiveServer) -> None:
    with connect(server.address) as sock:
        sock.sendall(
            b"GET /tracking/v1/ocean" + QUERY + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        # The second head starts after the connection's first timer was set,
        # so the timer must wait for the rest of that head's time.
        time.sleep(HEADER_TIMEOUT_SECONDS * 0.6)
        sock.sendall(b"GET /tracking/v1/ocean" + QUERY + b" HTTP/1.1\r\nHost: x\r\n")
        result = read_all(sock, timeout=HEADER_TIMEOUT_SECONDS + 4)

    first, second = result.responses
    assert first.status == 200
    assert_envelope(second, 408, "REQUEST_TIMEOUT")
    assert result.closed


def test_second_head_gets_whole_timeout() -> None:
    timeout = 3.0
    request = b"GET /tracking/v1/ocean" + QUERY + b" HTTP/1.1\r\nHost: x\r\n"
    with (
        live_server(["--header-timeout", str(timeout)]) as running,
        connect(running.address) as sock,
    ):
        sock.sendall(request + b"\r\n")
        # The second head begins half a timeout after the connection opened,
        # and ends after the connection's first timer fired but well within
        # its own timeout.
        time.sleep(timeout * 0.5)
        sock.sendall(request)
        time.sleep(timeout * 0.75)
        sock.sendall(b"Connection: close\r\n\r\n")
        result = read_all(sock, timeout=timeout + 4)

    assert [response.status for response in result.responses] == [200, 200]


def test_rejections_logged_as_access_lines(server: LiveServer) -> None:
    long_target = OCEAN + b"?x=" + b"a" * MAX_TARGET_BYTES
    answers = [
        exchange(server.address, get(long_target)).only,
        exchange(server.address, head_of_size(MAX_HEAD_BYTES + 1)).only,
        exchange(server.address, b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03").only,
    ]
    expected = [
        "GET /tracking/v1/ocean 414 URI_TOO_LONG",
        "GET /tracking/v1/ocean 431 REQUEST_HEADER_FIELDS_TOO_LARGE",
        "- - 400 BAD_REQUEST",
    ]
    patterns = [
        rf"INFO mockserver\.access: {start} \d+\.\d\dms "
        rf"id={answer.headers['x-request-id']}\n"
        for answer, start in zip(answers, expected, strict=True)
    ]
    # The server writes its log after the response, so wait a little for it.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        log = server.log()
        if all(re.search(pattern, log) for pattern in patterns):
            break
        time.sleep(0.05)

    for pattern in patterns:
        assert re.search(pattern, log), pattern


def test_idle_connection_closed(server: LiveServer) -> None:
    with connect(server.address) as sock:
        result = read_all(sock, timeout=HEADER_TIMEOUT_SECONDS + 4)

    assert result.closed
    assert result.responses == []


def test_pipelined_requests_in_order(server: LiveServer) -> None:
    used, _ = usage(server)
    request = b"GET " + OCEAN + QUERY + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    missing = b"GET " + OCEAN + b"?api_key=mock-valid-key HTTP/1.1\r\nHost: x\r\n\r\n"
    last = get(b"/health")
    result = exchange(server.address, request + missing + request + last)

    statuses = [response.status for response in result.responses]
    assert statuses == [200, 400, 200, 200]
    calls = [
        r.json()["data"]["metadata"]["api_calls"]["used"]
        for r in result.responses[::2][:2]
    ]
    assert calls == [used + 1, used + 2]
    assert result.closed


# Bytes after a complete head that the HTTP parser rejects.
UNPARSEABLE_AFTER_HEAD = {
    "unknown transfer coding": b"Transfer-Encoding: gzip\r\n\r\n",
    "broken chunk": b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
}


@pytest.mark.parametrize(
    "tail", UNPARSEABLE_AFTER_HEAD.values(), ids=list(UNPARSEABLE_AFTER_HEAD)
)
def test_unparseable_body_only_400(server: LiveServer, tail: bytes) -> None:
    before = usage(server)
    head = b"GET " + OCEAN + QUERY + b" HTTP/1.1\r\nHost: x\r\n"
    result = exchange(server.address, head + tail)

    assert_envelope(result.only, 400, "BAD_REQUEST")
    assert result.closed
    assert usage(server) == before


def test_unparseable_request_after_answers(server: LiveServer) -> None:
    used, _ = usage(server)
    request = b"GET " + OCEAN + QUERY + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    result = exchange(server.address, request + request + b"FOO / HTTP/1.1\r\n\r\n")

    assert [response.status for response in result.responses] == [200, 200, 400]
    assert_envelope(result.responses[2], 400, "BAD_REQUEST")
    assert result.closed
    assert usage(server)[0] == used + 2


def test_queued_request_with_broken_body(server: LiveServer) -> None:
    used, _ = usage(server)
    head = b"GET " + OCEAN + QUERY + b" HTTP/1.1\r\nHost: x\r\n"
    broken = UNPARSEABLE_AFTER_HEAD["broken chunk"]
    result = exchange(server.address, head + b"\r\n" + head + broken)

    assert [response.status for response in result.responses] == [200, 400]
    assert result.closed
    assert usage(server)[0] == used + 1


def test_http_10_answered_and_closed(server: LiveServer) -> None:
    result = exchange(
        server.address,
        b"GET " + OCEAN + QUERY + b" HTTP/1.0\r\n\r\n",
    )

    assert result.only.status == 200
    assert int(result.only.headers["content-length"]) == len(result.only.body)
    assert result.only.json()["status_code"] == "OK"
    assert result.closed


def test_get_body_ignored_and_drained(server: LiveServer) -> None:
    body = b"api_key=stolen&reference_number=MEDUUE000001&" + b"x" * (4 * 1024 * 1024)
    first = (
        b"GET " + OCEAN + QUERY + b" HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    before = server.rss_kib()
    result = exchange(server.address, first + body + get(b"/health"))

    assert [response.status for response in result.responses] == [200, 200]
    assert result.responses[0].json()["status_code"] == "OK"
    assert server.rss_kib() - before < MAX_GROWTH_KIB


def test_websocket_upgrade_answered_as_http(server: LiveServer) -> None:
    request = b"\r\n".join(
        [
            b"GET " + OCEAN + QUERY + b" HTTP/1.1",
            b"Host: 127.0.0.1",
            b"Connection: Upgrade",
            b"Upgrade: websocket",
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            b"Sec-WebSocket-Version: 13",
        ]
    )
    result = exchange(server.address, request + b"\r\n\r\n", timeout=1.5)

    assert result.responses[0].status == 200
    assert result.responses[0].json()["status_code"] == "OK"
    assert "WebSocket library" not in server.log()
    assert "Unsupported upgrade" not in server.log()


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(
            b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03" + b"\x00" * 40, id="tls"
        ),
        pytest.param(get(OCEAN).replace(b"GET", b"BREW", 1), id="unknown-method"),
        pytest.param(get(b"/tracking/v1/oce\xffan"), id="byte-ff-in-path"),
        pytest.param(get(OCEAN + b"?reference_number=\xff"), id="byte-ff-in-query"),
        pytest.param(get(OCEAN + b"?reference_number=a b"), id="space-in-target"),
        pytest.param(get(OCEAN + QUERY, b"X-API-Key: a\x01b"), id="control-in-header"),
        pytest.param(get(OCEAN + QUERY, b"X-Request-Id: a\x00b"), id="nul-in-header"),
        pytest.param(
            get(OCEAN, b"Content-Length: 3", b"Transfer-Encoding: chunked"),
            id="two-framings",
        ),
        pytest.param(get(OCEAN, b"Content-Length: -1"), id="negative-length"),
        pytest.param(get(OCEAN, b"Nonsense"), id="header-without-colon"),
    ],
)
def test_invalid_http_400(server: LiveServer, request_bytes: bytes) -> None:
    result = exchange(server.address, request_bytes)

    assert_envelope(result.only, 400, "BAD_REQUEST")
    assert result.closed


@pytest.mark.parametrize(
    "target", [OCEAN + QUERY, b"/openapi.json"], ids=["direct", "asgi"]
)
def test_client_leaving_pipeline_logs_no_traceback(
    server: LiveServer, target: bytes
) -> None:
    # A client that pipelines many requests, reads nothing and closes: the
    # request still running when the connection drops must not write.
    request = b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    for _ in range(2):
        with connect(server.address) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(request * 500)
            time.sleep(1)

    health = exchange(server.address, get(b"/health")).only
    assert health.status == 200
    assert "Exception in ASGI application" not in server.log()
    assert "Traceback" not in server.log()


def test_server_survives_everything(server: LiveServer) -> None:
    response = exchange(server.address, get(b"/health")).only

    assert response.status == 200
    assert server.process.poll() is None
    assert "Traceback" not in server.log()


def test_request_ids_share_one_prefix(server: LiveServer) -> None:
    answers = [
        exchange(server.address, get(OCEAN + QUERY)).only,
        exchange(server.address, get(b"/health")).only,
        exchange(server.address, get(OCEAN + b"?x=" + b"a" * MAX_TARGET_BYTES)).only,
    ]

    prefixes = {answer.headers["x-request-id"].split("-")[0] for answer in answers}
    assert [answer.status for answer in answers] == [200, 200, 414]
    assert len(prefixes) == 1
