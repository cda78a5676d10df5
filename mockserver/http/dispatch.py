"""ASGI dispatch: route the emulated API to its handler, guard and log the rest."""

import logging
import time
from typing import Any

from fastapi import FastAPI

from mockserver.http.control import CONTROL_PREFIX
from mockserver.http.control_route import loggable_path
from mockserver.http.cors import CorsPolicy, browser_rejection, control_policy
from mockserver.http.envelope import (
    FORBIDDEN,
    JSON_CONTENT_TYPE,
    PreparedResponse,
    RequestIds,
    error_body,
    header_value,
    loggable,
)
from mockserver.http.limits import read_headers
from mockserver.http.tracking import Receive, Scope, Send, TrackingApp, is_api_path

access_logger = logging.getLogger("mockserver.access")


def is_control_path(path: str) -> bool:
    """Tell whether `path` belongs to the mock's control plane."""
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


class DispatchMiddleware:
    """Send /tracking/v1 requests to the tracking app and the rest to FastAPI.

    Responses of the other routes get an `X-Request-Id` header and the same
    one-line access log as the API. Requests to the control plane from
    browser pages of other origins are rejected, and only configured
    origins get CORS headers there.
    """

    def __init__(
        self, app: Any, tracking: TrackingApp, control_cors: CorsPolicy | None = None
    ) -> None:
        self.app = app
        self.tracking = tracking
        self.control_cors = control_cors or control_policy(())
        self._request_ids = RequestIds()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if is_api_path(scope["path"]):
            await self.tracking(scope, receive, send)
            return

        started = time.perf_counter()
        headers, _ = read_headers(scope["headers"])
        request_id = self._request_ids.choose(headers.get(b"x-request-id"))
        extra_headers = [(b"x-request-id", request_id)]
        status = 500

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *extra_headers]
            await send(message)

        try:
            if is_control_path(scope["path"]):
                origin = headers.get(b"origin")
                extra_headers.extend(self.control_cors.response_headers(origin))
                answer = self._control_answer(scope["method"], headers)
                if answer is not None:
                    await _send_prepared(answer, send_with_headers)
                    return
            await self.app(scope, receive, send_with_headers)
        finally:
            access_logger.info(
                "%s %s %d - %.2fms id=%s",
                loggable(scope["method"]),
                loggable(loggable_path(scope["path"])),
                status,
                (time.perf_counter() - started) * 1000,
                request_id.decode("ascii"),
            )

    def _control_answer(
        self, method: str, headers: dict[bytes, bytes]
    ) -> PreparedResponse | None:
        """Return the response to a control-plane request handled here, or None."""
        rejection = browser_rejection(self.control_cors, headers)
        if rejection is not None:
            return PreparedResponse(
                403,
                [
                    (b"content-type", JSON_CONTENT_TYPE),
                    (b"x-mock-reason", header_value(rejection)),
                ],
                error_body(
                    FORBIDDEN,
                    "Pages of other origins may not use the control plane; "
                    "allow an origin with --control-cors-origins.",
                ),
            )
        if method == "OPTIONS" and b"access-control-request-method" in headers:
            preflight = self.control_cors.preflight_headers(headers.get(b"origin"))
            return PreparedResponse(
                204, [(b"x-mock-reason", b"CORS preflight"), *preflight]
            )
        return None


async def _send_prepared(response: PreparedResponse, send: Send) -> None:
    headers = [
        *response.headers,
        (b"content-length", str(len(response.body)).encode("ascii")),
    ]
    await send(
        {"type": "http.response.start", "status": response.status, "headers": headers}
    )
    await send({"type": "http.response.body", "body": response.body})


class DispatchingFastAPI(FastAPI):
    """FastAPI that hands /tracking/v1 to the tracking app before anything else.

    Middleware added with `add_middleware` wraps only FastAPI's own stack, so
    requests to the emulated API would still pass Starlette's error,
    telemetry and body-limit layers on the way in. Dispatching in `__call__`
    skips them: the tracking app catches its own errors and reads no body.
    """

    def __init__(
        self,
        *args: Any,
        tracking: TrackingApp | None = None,
        control_cors: CorsPolicy | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._dispatch: DispatchMiddleware | None = None
        if tracking is not None:
            self._dispatch = DispatchMiddleware(
                super().__call__, tracking, control_cors
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._dispatch is None:
            await super().__call__(scope, receive, send)
        else:
            await self._dispatch(scope, receive, send)
