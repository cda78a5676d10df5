"""The access log: one line per request, with its outcome and duration."""

import logging
from dataclasses import dataclass

from mockserver.http.envelope import MAX_LOGGED_TEXT_LENGTH, loggable
from mockserver.serverlog import ACCESS_LOGGER, AccessRecord

access_logger = logging.getLogger(ACCESS_LOGGER)


@dataclass(slots=True)
class AccessLine:
    """The fields of one request's line in the access log.

    Built per request, so not frozen (see `mockserver.selection.Decision`).
    """

    method: str
    path: str
    status: int
    outcome: str
    seconds: float
    request_id: bytes
    masked_key: str = ""


def log_access(line: AccessLine | None) -> None:
    """Write one request's line to the access log at INFO."""
    if line is None or not access_logger.isEnabledFor(logging.INFO):
        return
    method, path, key = line.method, line.path, line.masked_key
    joined = method + path + key
    if len(joined) > MAX_LOGGED_TEXT_LENGTH or not (
        joined.isascii() and joined.isprintable()
    ):
        # Rare: text to clean up. Checking the three together first spares
        # three calls of `loggable` on every request.
        method, path, key = loggable(method), loggable(path), loggable(key)
    key_field = f" key={key}" if key else ""
    message = (
        f"{method} {path} {line.status} {line.outcome} "
        f"{line.seconds * 1000:.2f}ms id={line.request_id.decode('ascii')}{key_field}"
    )
    access_logger.handle(AccessRecord(access_logger.name, message))
