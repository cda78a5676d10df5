"""ASGI middleware: route the emulated API to its handler, log everything else."""

import logging
import time
from typing import Any

from mockserver.http.control_route import loggable_path
from mockserver.http.envelope import RequestIds
from mockserver.http.tracking import Receive, Scope, Send, TrackingApp, is_api_path

access_logger = logging.getLogger("mockserver.access")


class DispatchMiddleware:
    """Send /tracking/v1 requests to the tracking app and the rest to FastAPI.

    Responses of the other routes get an `X-Request-Id` header and the same
    one-line access log as the API.
    """

    def __init__(self, app: Any, tracking: TrackingApp) -> None:
        self.app = app
        self.tracking = tracking
        self._request_ids = RequestIds()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if is_api_path(scope["path"]):
            await self.tracking(scope, receive, send)
            return

        started = time.perf_counter()
        client_id = next(
            (value for name, value in scope["headers"] if name == b"x-request-id"),
            None,
        )
        request_id = self._request_ids.choose(client_id)
        status = 500

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_logger.info(
                "%s %s %d - %.2fms id=%s",
                scope["method"],
                loggable_path(scope["path"]),
                status,
                (time.perf_counter() - started) * 1000,
                request_id.decode("ascii"),
            )
