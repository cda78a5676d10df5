"""The emulated API under /tracking/v1, served as a plain ASGI application.

The tracking endpoint reads the raw query string and headers itself,
because the API's rules (repeated parameters, undecodable bytes, exact
header units) need the raw request, and because it sits in the hot loop of
other people's test suites. FastAPI still documents it in OpenAPI.
"""

import functools
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from mockserver.clock import MockClock
from mockserver.http.access_log import AccessLine, log_access
from mockserver.http.cors import ANY_ORIGIN, CorsPolicy, api_policy
from mockserver.http.envelope import (
    JSON_CONTENT_TYPE,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    PreparedResponse,
    error_body,
    header_value,
    loggable,
    process_request_ids,
)
from mockserver.http.limits import read_headers, tracking_request
from mockserver.keys import KeyPolicy, KeyRegistry, mask_key
from mockserver.outcomes import Outcome, OutcomeError
from mockserver.payload import BodyRenderer
from mockserver.selection import Decision, Selector
from mockserver.store import (
    Usage,
    seconds_until_period_end,
    seconds_until_window_end,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

API_PREFIX = "/tracking/v1"
OCEAN_PATHS = frozenset({"/tracking/v1/ocean", "/tracking/v1/ocean/"})
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PREFLIGHT = "PREFLIGHT"

logger = logging.getLogger(__name__)


def is_api_path(path: str) -> bool:
    """Tell whether `path` belongs to the emulated API."""
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


@dataclass(slots=True)
class HandledRequest:
    """A response, and the access log line of its request, if it has one.

    Built per request, so not frozen (see `mockserver.selection.Decision`).
    """

    response: PreparedResponse
    access: AccessLine | None = None


@functools.lru_cache(maxsize=1024)
def reason_header(reason: str) -> bytes:
    """Return `X-Mock-Reason` for `reason`, kept for the reasons seen lately.

    A repeated request has the same reason, and the header's character
    check is a regular expression over the whole text.
    """
    return header_value(reason)


# `mask_key` with a cache of the known keys used lately, because slicing and
# joining the key for every request's log line cost about 2,000 instructions
# (callgrind).
_masked_known_key = functools.lru_cache(maxsize=1024)(mask_key)


def masked_policy_key(policy: KeyPolicy | None) -> str:
    """Return the key of `policy` masked for the access log, or "" without one."""
    if policy is None:
        return ""
    if policy.known:
        return _masked_known_key(policy.key)
    # An unknown key (accept-any-key mode) is not cached, so that it is not
    # kept in plain text, just as the memory store keeps it only by digest.
    return mask_key(policy.key)


class TrackingApp:
    """Serves every request under /tracking/v1, always in the API's envelope."""

    def __init__(
        self,
        selector: Selector,
        renderer: BodyRenderer,
        keys: KeyRegistry,
        clock: MockClock,
        *,
        cors: CorsPolicy | None = None,
    ) -> None:
        self._selector = selector
        self._renderer = renderer
        self._keys = keys
        self._clock = clock
        self._cors = cors or api_policy((ANY_ORIGIN,))
        self._request_ids = process_request_ids()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_handled(scope, await self.handle_safely(scope), send)

    async def handle_safely(self, scope: Scope) -> HandledRequest:
        """Return what `handle` returns, or 500 UNEXPECTED_ERROR if it fails."""
        try:
            return await self.handle(scope)
        except Exception:
            # `handle` catches its own errors. This catches a failure in a
            # subclass's wrapper, which no framework layer would catch here.
            logger.exception("request to %s failed", loggable(scope["path"]))
            return HandledRequest(self._unexpected_error())

    async def respond(self, scope: Scope) -> PreparedResponse:
        """Build the complete response to one request, and log it."""
        handled = await self.handle(scope)
        log_access(handled.access)
        return handled.response

    async def handle(self, scope: Scope) -> HandledRequest:
        """Build the complete response to one request, and its access log line."""
        started = time.perf_counter()
        headers, repeated = read_headers(scope["headers"])
        request_id = self._request_ids.choose(headers.get(b"x-request-id"))
        method = scope["method"]
        path = scope["path"]
        outcome_name = ""
        masked_key = ""
        try:
            if path not in OCEAN_PATHS:
                outcome_name = NOT_FOUND
                response = _not_found(path)
            elif method in ("GET", "HEAD"):
                try:
                    request = tracking_request(scope["query_string"], headers, repeated)
                except OutcomeError as error:
                    decision = Decision(error.outcome, error.reason)
                else:
                    decision = await self._selector.decide(
                        request, count=method == "GET"
                    )
                outcome_name = decision.outcome.status_code
                masked_key = masked_policy_key(decision.policy)
                response = self._render(decision)
            elif method == "OPTIONS":
                outcome_name = PREFLIGHT
                response = _preflight()
            else:
                outcome_name = METHOD_NOT_ALLOWED
                response = _method_not_allowed(method)
        except Exception:
            logger.exception(
                "request %s to %s failed", request_id.decode("ascii"), loggable(path)
            )
            outcome_name = Outcome.UNEXPECTED_ERROR.name
            response = self._unexpected_error()

        response.headers.append((b"x-request-id", request_id))
        origin = headers.get(b"origin")
        response.headers.extend(self._cors.response_headers(origin))
        if outcome_name == PREFLIGHT:
            response.headers.extend(self._cors.preflight_headers(origin))
        access = AccessLine(
            method,
            path,
            response.status,
            outcome_name,
            time.perf_counter() - started,
            request_id,
            masked_key,
        )
        return HandledRequest(response, access)

    def _render(self, decision: Decision) -> PreparedResponse:
        body = self._renderer.render(decision, self._clock.time())
        headers = [
            (b"content-type", JSON_CONTENT_TYPE),
            (b"x-mock-reason", reason_header(decision.reason)),
        ]
        usage = decision.usage
        if decision.outcome.is_rate_limited:
            usage = usage or self._default_usage()
            headers.extend(_limit_headers(decision.outcome, usage))
        elif usage is not None:
            headers.extend(_rate_headers(usage, usage.rate_remaining))
        return PreparedResponse(decision.outcome.http_status, headers, body)

    def _default_usage(self) -> Usage:
        """Counters to show on a 429 that no real key's counters back."""
        policy = self._keys.default_policy
        now = self._clock.time()
        return Usage(
            rate_limit=policy.rate_limit,
            rate_remaining=0,
            rate_reset_seconds=seconds_until_window_end(
                now, policy.rate_window_seconds
            ),
            quota_total=policy.quota,
            quota_used=policy.quota,
            quota_reset_seconds=seconds_until_period_end(now),
        )

    def _unexpected_error(self) -> PreparedResponse:
        outcome = Outcome.UNEXPECTED_ERROR
        return PreparedResponse(
            outcome.http_status,
            [
                (b"content-type", JSON_CONTENT_TYPE),
                (b"x-mock-reason", b"internal error in the mock; see the server log"),
            ],
            self._renderer.render(Decision(outcome, ""), self._clock.time()),
        )


async def send_handled(scope: Scope, handled: HandledRequest, send: Send) -> None:
    """Send a handled request's response as ASGI messages, then log it."""
    await send_prepared(handled.response, send, with_body=scope["method"] != "HEAD")
    # Logged after the response is sent, so the client does not wait for
    # the log line.
    log_access(handled.access)


async def send_prepared(
    response: PreparedResponse, send: Send, *, with_body: bool = True
) -> None:
    """Send `response` with its Content-Length; without its body for HEAD."""
    await send(
        {
            "type": "http.response.start",
            "status": response.status,
            "headers": complete_headers(response),
        }
    )
    body = response.body if with_body else b""
    await send({"type": "http.response.body", "body": body})


def complete_headers(response: PreparedResponse) -> list[tuple[bytes, bytes]]:
    """Return the headers of `response` with its Content-Length added."""
    return [*response.headers, (b"content-length", b"%d" % len(response.body))]


def _limit_headers(outcome: Outcome, usage: Usage) -> list[tuple[bytes, bytes]]:
    """Headers of a 429: the rate-limit headers and `Retry-After`."""
    if outcome is Outcome.API_KEY_RATE_LIMIT_EXCEEDED:
        retry_after = usage.rate_reset_seconds
        remaining = 0
    else:
        retry_after = usage.quota_reset_seconds
        remaining = usage.rate_remaining
    headers = _rate_headers(usage, remaining)
    headers.append((b"retry-after", str(retry_after).encode("ascii")))
    return headers


def _rate_headers(usage: Usage, remaining: int) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-ratelimit-limit", b"%d" % usage.rate_limit),
        (b"x-ratelimit-remaining", b"%d" % remaining),
        (b"x-ratelimit-reset", b"%d" % usage.rate_reset_seconds),
    ]


def _not_found(path: str) -> PreparedResponse:
    message = (
        f"No endpoint at {path[:100]}; the tracking endpoint is /tracking/v1/ocean."
    )
    return PreparedResponse(
        404,
        [
            (b"content-type", JSON_CONTENT_TYPE),
            (b"x-mock-reason", b"no such path in the tracking API"),
        ],
        error_body(NOT_FOUND, message),
    )


def _method_not_allowed(method: str) -> PreparedResponse:
    message = f"Method {method[:20]} is not allowed here; use GET or HEAD."
    return PreparedResponse(
        405,
        [
            (b"content-type", JSON_CONTENT_TYPE),
            (b"allow", ALLOWED_METHODS.encode("ascii")),
            (b"x-mock-reason", header_value(f"method {method[:20]} is not allowed")),
        ],
        error_body(METHOD_NOT_ALLOWED, message),
    )


def _preflight() -> PreparedResponse:
    """Respond to a CORS preflight (or a plain OPTIONS) without counting it.

    The caller adds the CORS headers, which depend on the origin.
    """
    return PreparedResponse(
        204,
        [
            (b"allow", ALLOWED_METHODS.encode("ascii")),
            (b"x-mock-reason", b"CORS preflight; nothing counted"),
        ],
    )
