"""The mock's limits on the size and timing of requests, and its header checks.

Limits apply at two levels. The HTTP server (`mockserver.http.protocol`,
used when the command line starts uvicorn with httptools) bounds the raw
request head before the application receives it:

- the request target (path and query string) at most `MAX_TARGET_BYTES`,
  else 414;
- the request target and header fields together at most `MAX_HEAD_BYTES`,
  each header counted as its name, its value and 4 bytes of separators,
  else 431;
- the request line and headers complete within the header timeout, else
  408.

The application then checks what it reads: the query string and its
parameters (`mockserver.query`) and the headers below, whatever server
runs it.
"""

import importlib.util
from typing import TYPE_CHECKING, Any

from mockserver.outcomes import Outcome, OutcomeError
from mockserver.query import MAX_VALUE_CHARACTERS
from mockserver.selection import MAX_FORCED_STATUS_LENGTH, TrackingRequest

if TYPE_CHECKING:
    from mockserver.http.tracking import TrackingApp

MAX_TARGET_BYTES = 8192
MAX_HEAD_BYTES = 16384
DEFAULT_HEADER_TIMEOUT_SECONDS = 10.0
MAX_KEY_HEADER_LENGTH = MAX_VALUE_CHARACTERS

KEY_HEADER = b"x-api-key"
FORCED_STATUS_HEADER = b"x-mock-status"
# Headers whose repetition makes a request ambiguous, so it is rejected.
SINGLE_VALUE_HEADERS = frozenset({KEY_HEADER, FORCED_STATUS_HEADER})
_DISPLAY_NAMES = {KEY_HEADER: "X-API-Key", FORCED_STATUS_HEADER: "X-Mock-Status"}
_NOTHING_REPEATED: frozenset[bytes] = frozenset()


def read_headers(
    raw: list[tuple[bytes, bytes]],
) -> tuple[dict[bytes, bytes], frozenset[bytes]]:
    """Return the first value of each header, and the single-value headers repeated.

    Header names arrive lower-cased in ASGI.
    """
    headers: dict[bytes, bytes] = {}
    repeated = _NOTHING_REPEATED
    for name, value in raw:
        if name not in headers:
            headers[name] = value
        elif name in SINGLE_VALUE_HEADERS:
            repeated = repeated | {name}
    return headers, repeated


def tracking_request(
    query_string: bytes, headers: dict[bytes, bytes], repeated: frozenset[bytes]
) -> TrackingRequest:
    """Build the request that outcome selection reads, checking its headers.

    Raises OutcomeError with WRONG_PARAMETERS when `X-Mock-Status` or, on a
    request without `X-Mock-Status`, `X-API-Key` is repeated or too long.
    A forced outcome wins over every other check, so with `X-Mock-Status`
    a faulty key header is dropped rather than reported.
    """
    forced = headers.get(FORCED_STATUS_HEADER)
    key = headers.get(KEY_HEADER)
    if forced is not None:
        _check_header(FORCED_STATUS_HEADER, forced, MAX_FORCED_STATUS_LENGTH, repeated)
        if key is not None and (
            len(key) > MAX_KEY_HEADER_LENGTH or KEY_HEADER in repeated
        ):
            key = None
    elif key is not None:
        _check_header(KEY_HEADER, key, MAX_KEY_HEADER_LENGTH, repeated)
    # Header values are decoded byte for byte, as ASGI servers pass them
    # unchanged. Written out, not as a helper, because every request
    # decodes two values.
    return TrackingRequest(
        query_string,
        None if key is None else key.decode("latin-1"),
        None if forced is None else forced.decode("latin-1"),
    )


def _check_header(
    name: bytes, value: bytes, limit: int, repeated: frozenset[bytes]
) -> None:
    display = _DISPLAY_NAMES[name]
    if name in repeated:
        raise OutcomeError(
            Outcome.WRONG_PARAMETERS, f"header {display} is given more than once"
        )
    if len(value) > limit:
        raise OutcomeError(
            Outcome.WRONG_PARAMETERS,
            f"header {display} is {len(value)} characters long, over the limit "
            f"of {limit}",
        )


def uvicorn_options(
    header_timeout: float,
    workers: bool = False,
    tracking: "TrackingApp | None" = None,
) -> dict[str, Any]:
    """Return the `uvicorn.run` arguments that make the server apply the limits.

    With `workers`, the protocol is named by import string, and each worker
    reads the header timeout from the environment. With `tracking`, the
    protocol responds to API requests without bodies directly
    (`mockserver.http.direct`).

    Without httptools, uvicorn's h11 protocol is used: it bounds an
    incomplete request head to `MAX_HEAD_BYTES` but has neither the target
    limit nor the header timeout.
    """
    # The mock serves no WebSocket, so upgrade requests get a plain HTTP response.
    options: dict[str, Any] = {"ws": "none"}
    if importlib.util.find_spec("httptools") is None:
        return options | {
            "http": "h11",
            "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        }

    if workers:
        return options | {"http": "mockserver.http.protocol:WorkerHttpProtocol"}

    if tracking is not None:
        from mockserver.http.direct import direct_protocol

        return options | {"http": direct_protocol(header_timeout, tracking)}

    from mockserver.http.protocol import limited_protocol

    return options | {"http": limited_protocol(header_timeout)}
