"""uvicorn's httptools protocol with bounds on the size and timing of a request head.

As of uvicorn 0.55 with httptools 0.9, the protocol keeps buffering a request
line or header of any size and waits for a head forever, so one client can
exhaust memory or hold connections open. This subclass rejects a head that
breaks a limit of `mockserver.http.limits`, with the API's envelope and
`Connection: close`, before the application receives it.

uvicorn also writes its 400 for bytes it cannot parse at once, in the
middle of a response still in progress. Here a rejection waits for the
responses before it, and a request whose own body cannot be parsed is
withdrawn before its application code runs, so it counts nothing.
"""

import http
import logging
import os
import time
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mockserver.http.access_log import AccessLine, log_access
from mockserver.http.envelope import (
    BAD_REQUEST,
    JSON_CONTENT_TYPE,
    REQUEST_HEADER_FIELDS_TOO_LARGE,
    REQUEST_TIMEOUT,
    URI_TOO_LONG,
    RequestIds,
    error_body,
    header_value,
    process_request_ids,
)
from mockserver.http.limits import (
    DEFAULT_HEADER_TIMEOUT_SECONDS,
    MAX_HEAD_BYTES,
    MAX_TARGET_BYTES,
)
from mockserver.settings import ENV_PREFIX

logger = logging.getLogger(__name__)

# Separators counted for each header field: ": " and CRLF.
_HEADER_OVERHEAD = 4


@dataclass(frozen=True, slots=True)
class _Rejection:
    status: int
    status_code: str
    message: str
    reason: str


class _HeadRejected(Exception):
    """Raised in a parser callback to stop parsing; `_rejection` gives the reason."""


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """An httptools protocol that bounds the request head in bytes and in time.

    An incomplete head is rejected once the reads after the one in which
    it started exceed `max_head_bytes`. Memory therefore stays within the
    limit plus one read, which is at most 262144 bytes with asyncio and
    256000 with uvloop. A complete head is measured exactly.
    """

    max_target_bytes: ClassVar[int] = MAX_TARGET_BYTES
    max_head_bytes: ClassVar[int] = MAX_HEAD_BYTES
    header_timeout: ClassVar[float] = DEFAULT_HEADER_TIMEOUT_SECONDS
    request_ids: ClassVar[RequestIds] = process_request_ids()

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._read_bytes = 0
        self._head_open = False
        self._head_started = 0.0
        self._heads_begun = 0
        self._head_first_read = 0
        self._head_later_reads = 0
        self._rejection: _Rejection | None = None
        # A rejection that waits for the response in progress to be sent.
        self._deferred_rejection: _Rejection | None = None
        # Whether the body of the latest request is still being parsed.
        self._body_pending = False
        self._tasks_before_read: set[Any] = set()
        # Requests whose application task has started, and those withdrawn.
        self._started_cycles: list[Any] = []
        self._withdrawn_cycles: list[Any] = []
        # Also closes a connection on which no request ever starts.
        self._head_timer: Any = self.loop.call_later(
            self.header_timeout, self._on_header_timeout
        )
        # When the connection became idle after a response (time.monotonic()),
        # or None while it is not idle. See `_wait_for_next_request`.
        self._idle_since: float | None = None
        self._keep_alive_timer: Any = None

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        if self._keep_alive_timer is not None:
            self._keep_alive_timer.cancel()
            self._keep_alive_timer = None
        # uvicorn marks only the newest request as disconnected. An older
        # one still running, with pipelined requests behind it, would then
        # write to the closed transport and log a traceback.
        for cycle in self._started_cycles:
            if not cycle.response_complete:
                cycle.disconnected = True
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._deferred_rejection is not None:
            # The connection closes once the response in progress is sent.
            return
        self._read_bytes = len(data)
        if self._head_open:
            self._head_later_reads += len(data)
        self._tasks_before_read = set(self.tasks)
        super().data_received(data)
        if (
            self._head_open
            and self._head_later_reads > self.max_head_bytes
            and not self.transport.is_closing()
        ):
            self._reject(self._head_too_large(self._head_later_reads))

    def on_message_begin(self) -> None:
        super().on_message_begin()
        # A request has begun, so the connection is not idle: the head timer,
        # not the keep-alive timer, limits it now. A response completed
        # earlier in the same read may have started the keep-alive timer.
        self._unset_keepalive_if_required()
        self._head_open = True
        # time.monotonic(), not loop.time(): uvloop counts whole milliseconds.
        self._head_started = time.monotonic()
        self._heads_begun += 1
        self._head_first_read = self._read_bytes
        self._head_later_reads = 0
        # The timer is not cancelled when a head completes, because on a
        # keep-alive connection that would cost a new timer per request.
        # When it fires, it checks whichever head is open then.
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(
                self.header_timeout, self._on_header_timeout
            )

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.max_target_bytes:
            self._rejection = _Rejection(
                414,
                URI_TOO_LONG,
                f"The request target is over {self.max_target_bytes} bytes long.",
                f"request target is over the limit of {self.max_target_bytes} bytes",
            )
            raise _HeadRejected

    def on_headers_complete(self) -> None:
        self._head_open = False
        # Reads of at most the limit in total cannot hold a head over it, so
        # the exact size is computed only for heads that might be too large.
        if self._head_first_read + self._head_later_reads > self.max_head_bytes:
            size = len(self.url) + sum(
                len(name) + len(value) + _HEADER_OVERHEAD
                for name, value in self.headers
            )
            if size > self.max_head_bytes:
                # Before `_body_pending` is set: the rejected request never
                # started, so the request before it must not be withdrawn.
                self._rejection = self._head_too_large(size)
                raise _HeadRejected
        self._body_pending = True
        self._start_request()

    def _start_request(self) -> None:
        """Start the application's work on a request whose head passed the limits."""
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._body_pending = False
        super().on_message_complete()

    def on_response_complete(self) -> None:
        # What uvicorn's own method does (as of 0.55), except that the
        # keep-alive timeout is `_wait_for_next_request`.
        self.server_state.total_requests += 1
        if not self.transport.is_closing():
            self.flow.resume_reading()
            if self.pipeline:
                cycle, app = self.pipeline.pop()
                self._start_asgi_task(cycle, app)
            elif not self._head_open:
                # When the next request's head has begun, the head timer
                # limits it instead.
                self._wait_for_next_request()
        rejection = self._deferred_rejection
        if rejection is not None and not self._response_in_progress():
            self._deferred_rejection = None
            self._send_rejection(rejection)

    def _unsupported_upgrade_warning(self) -> None:
        # The mock serves no WebSocket or other upgraded protocol, so an
        # upgrade request gets a plain HTTP response. uvicorn would log two
        # warnings for each such request, one blaming a missing WebSocket
        # library, so a client could fill the log with them.
        self.logger.debug("upgrade request handled as plain HTTP")

    def _wait_for_next_request(self) -> None:
        """Close the connection if it stays idle for uvicorn's keep-alive timeout.

        uvicorn starts a timer for every response and cancels it when the
        next request arrives, which cost about 7,000 instructions per
        request (callgrind, uvloop). Here one timer runs while requests come
        and go, and each time it fires it checks how long the connection has
        been idle, as the head timer does.
        """
        self._idle_since = time.monotonic()
        if self._keep_alive_timer is None:
            self._keep_alive_timer = self.loop.call_later(
                self.timeout_keep_alive, self._on_keep_alive_timeout
            )

    def _unset_keepalive_if_required(self) -> None:
        # uvicorn calls this when data arrives or the connection is lost, and
        # this class calls it when a request begins. The connection is then
        # not idle, which the running timer finds when it fires.
        self._idle_since = None

    def _on_keep_alive_timeout(self) -> None:
        self._keep_alive_timer = None
        if self._idle_since is None or self.transport.is_closing():
            # The response to the request in progress starts a timer again.
            return
        remaining = self._idle_since + self.timeout_keep_alive - time.monotonic()
        if remaining > 0:
            # The connection became idle after the timer was set.
            self._keep_alive_timer = self.loop.call_later(
                remaining, self._on_keep_alive_timeout
            )
            return
        self.timeout_keep_alive_handler()

    def _start_asgi_task(self, cycle: Any, app: Any) -> None:
        super()._start_asgi_task(cycle, app)
        self._started_cycles = [
            started for started in self._started_cycles if not started.response_complete
        ]
        self._started_cycles.append(cycle)

    def send_400_response(self, msg: str) -> None:
        # uvicorn calls this on every parser error, including the ones that
        # the callbacks above raise to stop parsing.
        rejection = self._rejection or _Rejection(
            400,
            BAD_REQUEST,
            "The request is not valid HTTP/1.1.",
            "request is not valid HTTP/1.1",
        )
        if self._body_pending and self.cycle is not None:
            # The error is in the latest request's own body, so that request
            # gets the rejection instead of a response.
            self._withdraw_latest_request()
        self._reject(rejection)

    def _reject(self, rejection: _Rejection) -> None:
        """Send `rejection` now, or after the response in progress is sent."""
        if self._response_in_progress():
            # Writing it now would interleave it with that response.
            self._deferred_rejection = rejection
            self.flow.pause_reading()
            return
        self._send_rejection(rejection)

    def _response_in_progress(self) -> bool:
        """Tell whether a request's response is still to be sent in full.

        A request's task may still run after its response is sent, so the
        responses are checked, not the tasks.
        """
        if self.pipeline:
            return True
        return any(
            not cycle.response_complete and cycle not in self._withdrawn_cycles
            for cycle in self._started_cycles
        )

    def _withdraw_latest_request(self) -> None:
        """Stop the latest request before its application code runs.

        A request waiting behind another is taken out of the queue. A
        request whose task was created in this read has not run yet, so
        cancelling the task keeps it from counting or billing anything.
        """
        cycle = self.cycle
        queued = [entry for entry in self.pipeline if entry[0] is cycle]
        for entry in queued:
            self.pipeline.remove(entry)
        if queued:
            return
        for task in self.tasks - self._tasks_before_read:
            task.cancel()
        self._withdrawn_cycles.append(cycle)

    def _head_too_large(self, size: int) -> _Rejection:
        return _Rejection(
            431,
            REQUEST_HEADER_FIELDS_TOO_LARGE,
            f"The request line and headers are over {self.max_head_bytes} bytes.",
            f"request line and headers are {size} bytes, over the limit of "
            f"{self.max_head_bytes}",
        )

    def _on_header_timeout(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if not self._head_open:
            if self._heads_begun == 0:
                # A connection on which no request has started. Between
                # requests, uvicorn's keep-alive timeout closes idle ones.
                self.transport.close()
            return
        remaining = self._head_started + self.header_timeout - time.monotonic()
        if remaining > 0:
            # The open head began after the timer was set, so wait for the
            # rest of its time.
            self._head_timer = self.loop.call_later(remaining, self._on_header_timeout)
            return
        self._reject(
            _Rejection(
                408,
                REQUEST_TIMEOUT,
                f"The request line and headers did not arrive within "
                f"{self.header_timeout:g} seconds.",
                f"request head incomplete after {self.header_timeout:g} s",
            )
        )

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _send_rejection(self, rejection: _Rejection) -> None:
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "unknown"
        logger.warning("rejected request from %s: %s", client, rejection.reason)
        request_id = self.request_ids.choose(None)
        body = error_body(rejection.status_code, rejection.message)
        phrase = http.HTTPStatus(rejection.status).phrase.encode("ascii")
        lines = [b"HTTP/1.1 %d %s" % (rejection.status, phrase)]
        for name, value in self.server_state.default_headers:
            lines.append(name + b": " + value)
        lines += [
            b"content-type: " + JSON_CONTENT_TYPE,
            b"content-length: %d" % len(body),
            b"x-mock-reason: " + header_value(rejection.reason),
            b"x-request-id: " + request_id,
            b"connection: close",
        ]
        self.transport.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        self.transport.close()
        method, path = self._rejected_request_line(rejection)
        seconds = time.monotonic() - self._head_started if self._heads_begun else 0.0
        line = AccessLine(
            method, path, rejection.status, rejection.status_code, seconds, request_id
        )
        log_access(line)

    def _rejected_request_line(self, rejection: _Rejection) -> tuple[str, str]:
        """Return the method and path of a rejected head, or "-" where unknown."""
        url = getattr(self, "url", b"")
        if rejection.status == 400 or not url:
            # The parser failed, so what it read is not a method or path.
            return "-", "-"
        method = self.parser.get_method().decode("latin-1")
        return method, url.partition(b"?")[0].decode("latin-1")


def limited_protocol(header_timeout: float) -> type[LimitedHttpToolsProtocol]:
    """Return the protocol class to give uvicorn, with this header timeout."""
    return type(
        "MockHttpProtocol",
        (LimitedHttpToolsProtocol,),
        {"header_timeout": header_timeout},
    )


def _header_timeout_from_environment() -> float:
    text = os.environ.get(f"{ENV_PREFIX}HEADER_TIMEOUT", "")
    try:
        return float(text) if text else DEFAULT_HEADER_TIMEOUT_SECONDS
    except ValueError:
        return DEFAULT_HEADER_TIMEOUT_SECONDS


class WorkerHttpProtocol(LimitedHttpToolsProtocol):
    """The protocol of worker processes, named by import string.

    uvicorn starts each worker in a fresh interpreter, which cannot receive a
    class built at run time, so this one reads its header timeout from the
    QUBICTRON_MOCK_HEADER_TIMEOUT variable that the command line exports.
    """

    header_timeout: ClassVar[float] = _header_timeout_from_environment()
