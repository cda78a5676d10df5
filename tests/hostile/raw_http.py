"""Send exact bytes to a server and parse what comes back, within a deadline."""

import contextlib
import socket
import time
from dataclasses import dataclass, field

import orjson

READ_TIMEOUT_SECONDS = 5.0


@dataclass
class RawResponse:
    """One HTTP/1.1 response as it came off the wire."""

    status: int
    headers: dict[str, str]
    body: bytes
    header_lines: list[tuple[str, str]] = field(default_factory=list)

    def json(self) -> dict:
        return orjson.loads(self.body)


@dataclass
class Exchange:
    """Everything a server sent on one connection, and whether it closed it."""

    responses: list[RawResponse]
    closed: bool
    reset: bool = False

    @property
    def only(self) -> RawResponse:
        assert len(self.responses) == 1, self.responses
        return self.responses[0]


def connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=READ_TIMEOUT_SECONDS)


def exchange(
    address: tuple[str, int], data: bytes, timeout: float = READ_TIMEOUT_SECONDS
) -> Exchange:
    """Send `data` on a new connection and read until the server closes it.

    Reading stops after `timeout` seconds at most; a connection still open
    then is reported as not closed.
    """
    with connect(address) as sock:
        # A server that rejects a request early may close before all is sent.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        return read_all(sock, timeout)


def read_all(sock: socket.socket, timeout: float = READ_TIMEOUT_SECONDS) -> Exchange:
    """Read from `sock` until it closes or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    received = b""
    closed = reset = False
    while (remaining := deadline - time.monotonic()) > 0:
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            closed = reset = True
            break
        if not chunk:
            closed = True
            break
        received += chunk
    return Exchange(parse_responses(received), closed, reset)


def parse_responses(data: bytes) -> list[RawResponse]:
    """Split a byte stream into responses framed by Content-Length or by the close."""
    responses = []
    while data:
        head, separator, rest = data.partition(b"\r\n\r\n")
        assert separator, f"incomplete response head: {data[:200]!r}"
        status_line, *lines = head.decode("latin-1").split("\r\n")
        header_lines = []
        for line in lines:
            name, _, value = line.partition(":")
            header_lines.append((name.strip().lower(), value.strip()))
        headers = dict(header_lines)
        # Without Content-Length the body runs until the connection closes.
        length = int(headers.get("content-length", len(rest)))
        responses.append(
            RawResponse(
                int(status_line.split()[1]), headers, rest[:length], header_lines
            )
        )
        data = rest[length:]
    return responses


def get(target: bytes, *headers: bytes, version: bytes = b"HTTP/1.1") -> bytes:
    """Return the bytes of a GET request with `Connection: close`."""
    lines = [b"GET " + target + b" " + version, b"Host: 127.0.0.1", *headers]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"


def send_endless_header(sock: socket.socket, chunks: int = 64) -> int:
    """Send a header value that never ends, in chunks of 512 KiB.

    Returns how many chunks were sent before the server closed the
    connection, or `chunks` when it never did.
    """
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Endless: ")
    sent = 0
    try:
        for _ in range(chunks):
            sock.sendall(b"a" * 512 * 1024)
            sent += 1
    except (BrokenPipeError, ConnectionResetError):
        pass
    return sent
