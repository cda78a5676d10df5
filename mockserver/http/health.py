"""GET /health: whether the server can serve requests, counter store included."""

import logging

from mockserver.http.envelope import JSON_CONTENT_TYPE, PreparedResponse
from mockserver.store import CounterStore

HEALTH_PATH = "/health"

logger = logging.getLogger(__name__)


async def check_health(store: CounterStore) -> PreparedResponse:
    """Return 200 `{"status":"ok"}`, or 503 when the counter store is unreachable."""
    headers = [(b"content-type", JSON_CONTENT_TYPE)]
    try:
        await store.ping()
    except Exception as error:
        logger.warning("health check failed: counter store unreachable: %s", error)
        return PreparedResponse(503, headers, b'{"status":"unavailable"}')
    return PreparedResponse(200, headers, b'{"status":"ok"}')
