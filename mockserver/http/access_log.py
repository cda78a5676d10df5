"""The access log: one line per request, with its outcome and duration."""

import logging
from dataclasses import dataclass

from mockserver.http.envelope import loggable
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
    key = f" key={loggable(line.masked_key)}" if line.masked_key else ""
    message = (
        f"{loggable(line.method)} {loggable(line.path)} {line.status} "
        f"{line.outcome} {line.seconds * 1000:.2f}ms "
        f"id={line.request_id.decode('ascii')}{key}"
    )
    access_logger.handle(AccessRecord(access_logger.name, message))
