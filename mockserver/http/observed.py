"""The tracking app with the mock's own additions: the journal and delays.

They live in a subclass rather than inside `TrackingApp.handle`, so that
the emulated API reads on its own. The ASGI fast path and the FastAPI route
both call `handle`, so the subclass covers both.
"""

import asyncio
import time

from mockserver.clock import MockClock
from mockserver.http.cors import CorsPolicy
from mockserver.http.envelope import PreparedResponse, header_value
from mockserver.http.tracking import OCEAN_PATHS, HandledRequest, Scope, TrackingApp
from mockserver.journal import Journal
from mockserver.keys import KeyRegistry
from mockserver.latency import Latency
from mockserver.outcomes import Outcome
from mockserver.payload import BodyRenderer
from mockserver.selection import Selector

# Longer than any delay written sensibly, such as "10000ms" or "2.5s".
MAX_DELAY_HEADER_LENGTH = 32
_DELAY_HEADER = b"x-mock-delay"
_FORCE_HEADER = b"x-mock-status"
_REASON_HEADER = b"x-mock-reason"
_NO_RESPONSE = Outcome.CARRIER_NO_RESPONSE.status_code
_DELAYED_METHODS = ("GET", "HEAD")


class ObservedTrackingApp(TrackingApp):
    """Records each request in the journal and delays responses as configured.

    `X-Mock-Delay` is read before anything else: a value that is not a
    delay, or exceeds the maximum, gets 400 WRONG_PARAMETERS and counts
    against nothing. Requests other than GET and HEAD to the tracking
    endpoint ignore the header.
    """

    def __init__(
        self,
        selector: Selector,
        renderer: BodyRenderer,
        keys: KeyRegistry,
        clock: MockClock,
        *,
        journal: Journal | None,
        latency: Latency,
        cors: CorsPolicy | None = None,
    ) -> None:
        super().__init__(selector, renderer, keys, clock, cors=cors)
        self._journal = journal if journal is not None and journal.enabled else None
        self._latency = latency
        self._mock_clock = clock

    async def handle(self, scope: Scope) -> HandledRequest:
        started = time.perf_counter()
        header_delay: float | None = None
        rejection: str | None = None
        if scope["method"] in _DELAYED_METHODS and scope["path"] in OCEAN_PATHS:
            values = _header_values(scope["headers"], _DELAY_HEADER)
            if len(values) > 1:
                rejection = "header X-Mock-Delay is given more than once"
            elif values and len(values[0]) > MAX_DELAY_HEADER_LENGTH:
                rejection = (
                    f"header X-Mock-Delay is {len(values[0])} characters long, "
                    f"over the limit of {MAX_DELAY_HEADER_LENGTH}"
                )
            elif values:
                try:
                    header_delay = self._latency.read_header(
                        values[0].decode("latin-1")
                    )
                except ValueError as error:
                    rejection = str(error)

        if rejection is None:
            handled = await super().handle(scope)
        else:
            handled = await super().handle(_forced_wrong_parameters(scope))
            _replace_reason(handled.response, rejection)
        response = handled.response
        duration = time.perf_counter() - started

        access = handled.access
        no_response = access is not None and access.outcome == _NO_RESPONSE
        delay = self._latency.seconds_for(header_delay, no_response)
        if self._journal is not None:
            self._journal.record(
                wall_time=time.time(),
                mock_time=self._mock_clock.time(),
                method=scope["method"],
                path=scope["path"],
                query_string=scope["query_string"],
                request_headers=scope["headers"],
                http_status=response.status,
                response_headers=response.headers,
                body=response.body,
                duration=duration,
                delay=delay,
            )
        if delay > 0:
            # Real time, on the event loop: other requests go on meanwhile.
            await asyncio.sleep(delay)
        return handled


def _header_values(
    headers: list[tuple[bytes, bytes]], header_name: bytes
) -> list[bytes]:
    # A loop, not a list comprehension, which is a call of its own in
    # Python 3.11. This runs on every request.
    values = []
    for name, value in headers:
        if name == header_name:
            values.append(value)
    return values


def _forced_wrong_parameters(scope: Scope) -> Scope:
    """Return a copy of `scope` that forces WRONG_PARAMETERS.

    The forced-outcome path counts nothing and still sends the request id,
    CORS headers and access log line that every API response has.
    """
    headers = [
        (name, value) for name, value in scope["headers"] if name != _FORCE_HEADER
    ]
    headers.append((_FORCE_HEADER, Outcome.WRONG_PARAMETERS.name.encode("ascii")))
    return {**scope, "headers": headers}


def _replace_reason(response: PreparedResponse, reason: str) -> None:
    response.headers = [
        (name, header_value(reason) if name == _REASON_HEADER else value)
        for name, value in response.headers
    ]
