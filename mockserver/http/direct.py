"""Respond to requests for the emulated API from the HTTP parser's callbacks.

uvicorn runs every request in a new asyncio task and passes its response
through ASGI messages, whose headers it checks one by one. A request to
/tracking/v1 without a body needs none of that: this protocol runs the
tracking app's `handle_safely` as soon as the request head is parsed and
writes the response itself, with the same bytes as the ASGI path. A
request whose handling has to wait (a response delay) goes on in an ASGI
task, as every request did before.

The direct path is taken only when no earlier response on the connection
is in progress, so responses keep the order of their requests.
"""

import urllib.parse
from typing import Any, ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE

from mockserver.http.access_log import log_access
from mockserver.http.immediate import finish, run_until_wait
from mockserver.http.protocol import LimitedHttpToolsProtocol
from mockserver.http.tracking import (
    HandledRequest,
    Receive,
    Scope,
    Send,
    TrackingApp,
    is_api_path,
    send_handled,
)

# Headers that announce a request body.
_BODY_HEADERS = (b"content-length", b"transfer-encoding")


class DirectApiProtocol(LimitedHttpToolsProtocol):
    """The bounded protocol, responding to API requests without an ASGI task."""

    tracking: ClassVar[TrackingApp | None] = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        # Whether the request being parsed has no RequestResponseCycle.
        self._without_cycle = False
        # The app that finishes a request whose direct handling had to wait.
        self._finishing_app: Any = None

    def _start_request(self) -> None:
        if not self._respond_directly():
            super()._start_request()

    def on_message_complete(self) -> None:
        if self._without_cycle:
            self._without_cycle = False
            self._body_pending = False
            return
        super().on_message_complete()

    def _start_asgi_task(self, cycle: Any, app: Any) -> None:
        if self._finishing_app is not None:
            app, self._finishing_app = self._finishing_app, None
        super()._start_asgi_task(cycle, app)

    def _respond_directly(self) -> bool:
        """Respond to the request just parsed, if the direct path applies to it."""
        tracking = self.tracking
        if tracking is None or not self._direct_path_open():
            return False
        parsed_url = httptools.parse_url(self.url)
        raw_path = parsed_url.path
        path = raw_path.decode("ascii")
        if "%" in path:
            path = urllib.parse.unquote(path)
        full_path = self.root_path + path
        if not is_api_path(full_path):
            return False

        # The scope uvicorn would build for the request.
        scope = self.scope
        scope["method"] = self.parser.get_method().decode("ascii")
        http_version = self.parser.get_http_version()
        if http_version != "1.1":
            scope["http_version"] = http_version
        scope["path"] = full_path
        scope["raw_path"] = self.root_path.encode("ascii") + raw_path
        scope["query_string"] = parsed_url.query or b""

        coroutine = tracking.handle_safely(scope)
        done, result_or_awaited = run_until_wait(coroutine)
        if not done:
            # uvicorn starts the ASGI task, which finishes the response.
            self._finishing_app = _finishing_app(coroutine, result_or_awaited)
            super()._start_request()
            return True
        keep_alive = http_version != "1.0" and self.parser.should_keep_alive()
        self._without_cycle = True
        self._body_pending = False
        self._write_response(result_or_awaited, keep_alive)
        return True

    def _direct_path_open(self) -> bool:
        """Tell whether the connection lets this request take the direct path."""
        cycle = self.cycle
        if (
            self.limit_concurrency is not None
            or self.pipeline
            or (cycle is not None and not cycle.response_complete)
            or self.flow.write_paused
            or self.transport.is_closing()
            or self.parser.should_upgrade()
        ):
            return False
        # A loop, not all(): a generator per request costs a frame.
        for name, _ in self.headers:  # noqa: SIM110
            if name in _BODY_HEADERS:
                return False
        return True

    def _write_response(self, handled: HandledRequest, keep_alive: bool) -> None:
        """Write the response as uvicorn's ASGI path writes it, then log it."""
        response = handled.response
        content = [STATUS_LINE[response.status]]
        # `+=` extends the list as `extend()` does, without a method call for
        # each of the ten or so header lines of a response.
        for name, value in self.server_state.default_headers:
            content += (name, b": ", value, b"\r\n")
        for name, value in response.headers:
            content += (name, b": ", value, b"\r\n")
        # The last header that `complete_headers` gives the ASGI path.
        content.append(b"content-length: %d\r\n" % len(response.body))
        if not keep_alive:
            content.append(b"connection: close\r\n")
        content.append(b"\r\n")
        if self.scope["method"] != "HEAD":
            content.append(response.body)
        self.transport.write(b"".join(content))
        if not keep_alive:
            self.transport.close()
        log_access(handled.access)
        self.on_response_complete()


def _finishing_app(coroutine: Any, awaited: Any) -> Any:
    """Return an ASGI app that finishes `coroutine` and sends its response."""

    async def finish_response(scope: Scope, receive: Receive, send: Send) -> None:
        handled = await finish(coroutine, awaited)
        await send_handled(scope, handled, send)

    return finish_response


def direct_protocol(
    header_timeout: float, tracking: TrackingApp
) -> type[DirectApiProtocol]:
    """Return the protocol class to give uvicorn, responding with `tracking`."""
    return type(
        "MockHttpProtocol",
        (DirectApiProtocol,),
        {"header_timeout": header_timeout, "tracking": tracking},
    )
