"""Prepared responses, safe header values, and the envelope of HTTP-level errors."""

import functools
import itertools
import os
import re
from dataclasses import dataclass, field

import orjson

JSON_CONTENT_TYPE = b"application/json"
REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_UNSAFE_HEADER_CHARACTERS = re.compile(r"[^\x20-\x7e]")
MAX_REASON_LENGTH = 1024
MAX_LOGGED_TEXT_LENGTH = 200

# Status codes of HTTP-level failures that are not outcomes of the API, named
# after the reason phrases of RFC 9110 and RFC 6585 (431).
BAD_REQUEST = "BAD_REQUEST"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
URI_TOO_LONG = "URI_TOO_LONG"
REQUEST_HEADER_FIELDS_TOO_LARGE = "REQUEST_HEADER_FIELDS_TOO_LARGE"


@dataclass(slots=True)
class PreparedResponse:
    """A complete response: status, raw headers and body."""

    status: int
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""


def error_body(status_code: str, message: str) -> bytes:
    """Return the envelope of a failure that is not one of the API's outcomes."""
    return orjson.dumps(
        {"success": False, "status_code": status_code, "message": message, "data": None}
    )


def header_value(text: str, limit: int = MAX_REASON_LENGTH) -> bytes:
    """Encode text as a header value: printable ASCII only, at most `limit` chars.

    Characters outside printable ASCII become '?', so text that echoes client
    input can never split or corrupt a header.
    """
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    if text.isascii() and text.isprintable():
        # The same test as the pattern, for ASCII, without a regex scan.
        return text.encode("ascii")
    return _UNSAFE_HEADER_CHARACTERS.sub("?", text).encode("ascii")


def loggable(text: str, limit: int = MAX_LOGGED_TEXT_LENGTH) -> str:
    """Return client-supplied text in a form safe for one log line.

    Characters outside printable ASCII become '?' and long text is cut, so
    a path or key cannot forge log lines or flood the log.
    """
    if len(text) <= limit and text.isascii() and text.isprintable():
        return text
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return _UNSAFE_HEADER_CHARACTERS.sub("?", text)


class RequestIds:
    """Issues request ids, or echoes the client's when it is safe to."""

    def __init__(self) -> None:
        self._prefix = os.urandom(4).hex().encode("ascii")
        self._counter = itertools.count(1)

    def choose(self, client_value: bytes | None) -> bytes:
        """Return the client's id when well formed, else a new unique one."""
        if client_value is not None:
            try:
                text = client_value.decode("ascii")
            except UnicodeDecodeError:
                text = ""
            if _SAFE_REQUEST_ID.fullmatch(text):
                return client_value
        return b"%s-%08d" % (self._prefix, next(self._counter))


@functools.cache
def process_request_ids() -> RequestIds:
    """Return the request ids that every part of this process issues from.

    One source gives every response of a process the same id prefix, so
    the ids of a log read in order, whichever layer sent the response.
    """
    return RequestIds()
