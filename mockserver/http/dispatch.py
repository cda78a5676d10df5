"""ASGI dispatch: route the emulated API to its handler, guard and log the rest."""

import re
import time
from typing import Any

from mockserver.http.access_log import AccessLine, log_access
from mockserver.http.cors import (
    CorsPolicy,
    api_policy,
    browser_rejection,
    control_policy,
    parse_origins,
)
from mockserver.http.envelope import (
    FORBIDDEN,
    JSON_CONTENT_TYPE,
    PreparedResponse,
    error_body,
    header_value,
    process_request_ids,
)
from mockserver.http.health import HEALTH_PATH, check_health
from mockserver.http.limits import read_headers
from mockserver.http.observed import ObservedTrackingApp
from mockserver.http.tracking import (
    Receive,
    Scope,
    Send,
    TrackingApp,
    is_api_path,
    send_prepared,
)
from mockserver.keys import mask_key
from mockserver.settings import Settings
from mockserver.state import MockState
from mockserver.store import CounterStore

CONTROL_PREFIX = "/__mock"
_KEY_PATH = re.compile(rf"({CONTROL_PREFIX}/keys/)([^/]+)")


def is_control_path(path: str) -> bool:
    """Tell whether `path` belongs to the mock's control plane."""
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def loggable_path(path: str) -> str:
    """Return `path` with the API key of a /__mock/keys/{key} path masked."""
    return _KEY_PATH.sub(lambda match: match[1] + mask_key(match[2]), path, count=1)


def build_tracking_app(settings: Settings, state: MockState) -> ObservedTrackingApp:
    """Return the app that serves /tracking/v1 with the state's data and settings."""
    return ObservedTrackingApp(
        state.selector,
        state.renderer,
        state.scenarios.keys,
        state.clock,
        journal=state.journal if settings.control_plane else None,
        latency=state.latency,
        cors=api_policy(parse_origins(settings.cors_origins)),
    )


class DispatchMiddleware:
    """Send /tracking/v1 requests to the tracking app and the rest to `app`.

    GET /health is handled here too, so health checks need no FastAPI.
    Responses of the other routes get an `X-Request-Id` header and the same
    one-line access log as the API. Requests to the control plane from
    browser pages of other origins are rejected, and only configured
    origins get CORS headers there.
    """

    def __init__(
        self,
        app: Any,
        tracking: TrackingApp,
        store: CounterStore,
        control_cors: CorsPolicy | None = None,
    ) -> None:
        self.app = app
        self.tracking = tracking
        self.store = store
        self.control_cors = control_cors or control_policy(())
        self._request_ids = process_request_ids()

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
            if scope["method"] == "GET" and scope["path"] == HEALTH_PATH:
                await send_prepared(await check_health(self.store), send_with_headers)
                return
            if is_control_path(scope["path"]):
                origin = headers.get(b"origin")
                extra_headers.extend(self.control_cors.response_headers(origin))
                answer = self._control_answer(scope["method"], headers)
                if answer is not None:
                    await send_prepared(answer, send_with_headers)
                    return
            await self.app(scope, receive, send_with_headers)
        finally:
            line = AccessLine(
                scope["method"],
                loggable_path(scope["path"]),
                status,
                "-",
                time.perf_counter() - started,
                request_id,
            )
            log_access(line)

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
