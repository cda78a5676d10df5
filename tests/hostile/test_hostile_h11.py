"""uvicorn's h11 protocol, which the command line uses when httptools is missing."""

import sys

import pytest

from mockserver.http.limits import MAX_HEAD_BYTES, uvicorn_options
from tests.hostile.raw_http import (
    connect,
    exchange,
    get,
    read_all,
    send_endless_header,
)
from tests.servers import running_server

pytestmark = pytest.mark.slow

H11_COMMAND = [
    sys.executable,
    "-m",
    "uvicorn",
    "--factory",
    "mockserver.app:create_app",
    "--http",
    "h11",
    "--h11-max-incomplete-event-size",
    str(MAX_HEAD_BYTES),
    "--no-access-log",
]


def test_options_without_httptools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)

    assert uvicorn_options(10.0) == {
        "http": "h11",
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        "ws": "none",
    }


def test_options_with_httptools() -> None:
    options = uvicorn_options(2.5)

    assert options["http"].header_timeout == 2.5
    assert options["ws"] == "none"


def test_h11_endless_header_closed() -> None:
    with running_server(H11_COMMAND) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        with connect(("127.0.0.1", port)) as sock:
            sent = send_endless_header(sock)
            result = read_all(sock)
        after = exchange(("127.0.0.1", port), get(b"/health")).only

    assert sent < 64
    assert result.closed
    assert after.status == 200
