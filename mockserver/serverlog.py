"""The server's log output: its format, and a handler that costs little per line.

The server logs one line per request, so the cost of a line is part of the
cost of every request. Profiling put it at about 12 us of CPU time before
the changes here (see docs/benchmarks.md).
"""

import asyncio
import logging
import sys
import time
from typing import Any, TextIO

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The logger of the one line per request, which the handler batches.
ACCESS_LOGGER = "mockserver.access"
# The file and function names of a Logger.info record when the caller is
# not looked up (logging._srcfile is None).
_UNKNOWN_FILE = "(unknown file)"
_UNKNOWN_FUNCTION = "(unknown function)"
# logging._startTime is time.time() up to Python 3.12 and time.time_ns()
# from 3.13.
_LOGGING_STARTED = (
    logging._startTime / 1e9  # type: ignore[attr-defined]
    if isinstance(logging._startTime, int)  # type: ignore[attr-defined]
    else logging._startTime  # type: ignore[attr-defined]
)

# The milliseconds of a timestamp, as Formatter.default_msec_format
# ("%s,%03d") appends them.
_MILLISECONDS = tuple(f",{millisecond:03d}" for millisecond in range(1000))


class LogFormatter(logging.Formatter):
    """LOG_FORMAT's formatter, which formats each second's timestamp once.

    Formatting the date and time anew for every line cost about 1.5 us, and
    the generic `%`-style formatting of the fields about 1 us more.
    """

    def __init__(self) -> None:
        super().__init__(LOG_FORMAT)
        self._second = -1
        self._second_text = ""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.exc_text or record.stack_info:
            return super().format(record)
        # LOG_FORMAT, written out: the same text without a dictionary lookup
        # per field.
        return (
            f"{self.formatTime(record)} {record.levelname} {record.name}: "
            f"{record.getMessage()}"
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        if second != self._second:
            moment = self.converter(second)
            self._second_text = time.strftime(self.default_time_format, moment)
            self._second = second
        millisecond = int(record.msecs)
        if 0 <= millisecond < 1000:
            # The text of default_msec_format from a table, because the
            # %-formatting cost about 2,400 instructions per line (callgrind).
            return self._second_text + _MILLISECONDS[millisecond]
        return self.default_msec_format % (self._second_text, record.msecs)


class AccessRecord(logging.LogRecord):
    """A log record of one request's access line, built in a third of the time.

    `logging.LogRecord.__init__` works out the caller's file and module
    names and checks its arguments for a mapping, about 4 us per record on
    a 2-core AMD EPYC. An access line has a fixed logger, level and no
    arguments, so this sets the same attributes directly. Handlers and
    formatters see an ordinary INFO record. A factory set with
    `logging.setLogRecordFactory` is not used for access lines.
    """

    def __init__(self, name: str, message: str) -> None:
        created_ns = time.time_ns()
        self.name = name
        self.msg = message
        self.args = ()
        self.levelname = "INFO"
        self.levelno = logging.INFO
        self.pathname = _UNKNOWN_FILE
        self.filename = _UNKNOWN_FILE
        self.module = _UNKNOWN_FILE
        self.exc_info = None
        self.exc_text = None
        self.stack_info = None
        self.lineno = 0
        self.funcName = _UNKNOWN_FUNCTION
        self.created = created_ns / 1e9
        self.msecs = (created_ns % 1_000_000_000) // 1_000_000 + 0.0
        self.relativeCreated = (self.created - _LOGGING_STARTED) * 1000
        self.thread = None
        self.threadName = None
        self.processName = None
        self.process = None
        self.taskName = None


class LoopBatchingHandler(logging.StreamHandler[TextIO]):
    """A stream handler that writes the access lines of one loop turn together.

    Inside a running event loop, a record of a logger in `batched` is queued.
    A callback writes it with the other lines of the same turn. The callback
    runs after the current task's code, so after the response it was logged
    for has been sent. A busy server thus makes one write for many requests
    instead of one each, and a client does not wait for the log.

    Every other record is written at once, after the queued lines, so the
    order of lines is kept. That also covers shutdown: uvicorn logs after
    the last request and may end the process by re-raising SIGTERM, which
    skips `logging.shutdown()`, so the queue must be empty by then.
    """

    def __init__(
        self, stream: TextIO | None = None, batched: tuple[str, ...] = ()
    ) -> None:
        super().__init__(stream)
        self._batched = frozenset(batched)
        self._pending: list[str] = []
        self._scheduled = False

    def handle(self, record: logging.LogRecord) -> Any:
        """Do what `logging.Handler.handle` does, with the lock taken directly.

        `Handler.handle` takes the lock through `acquire()` and `release()`,
        and runs `filter()` even without filters: three Python calls for
        every line.
        """
        passed: Any = True
        if self.filters:
            passed = self.filter(record)
            if isinstance(passed, logging.LogRecord):
                # Python 3.12 and later: a filter may return a changed record.
                record = passed
        if passed:
            with self.lock:  # type: ignore[union-attr]
                self.emit(record)
        return passed

    def emit(self, record: logging.LogRecord) -> None:
        loop = None
        if record.name in self._batched:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        if loop is None:
            self._write_pending()
            super().emit(record)
            return
        try:
            self._pending.append(self.format(record) + self.terminator)
            if not self._scheduled:
                self._scheduled = True
                loop.call_soon(self._write_pending_locked)
        except Exception:
            self.handleError(record)

    def flush(self) -> None:
        self.acquire()
        try:
            self._write_pending()
            super().flush()
        finally:
            self.release()

    def _write_pending_locked(self) -> None:
        # The lock is taken directly, as in `handle`, because this runs once
        # per loop turn that logged a line.
        with self.lock:  # type: ignore[union-attr]
            try:
                self._scheduled = False
                self._write_pending()
                self.stream.flush()
            except Exception as error:
                # The stream failed, for example on a full disk: report it on
                # stderr, as logging.Handler.handleError does, and drop the lines.
                sys.stderr.write(
                    f"--- Logging error: cannot write log lines: {error!r}\n"
                )

    def _write_pending(self) -> None:
        if self._pending:
            lines, self._pending = self._pending, []
            self.stream.write("".join(lines))


def configure_logging(level: str, filename: str | None = None) -> None:
    """Send the server's log to standard error, or to `filename`, at `level`."""
    # The handler keeps the file open for the life of the process, as
    # logging.FileHandler does.
    stream = sys.stderr if filename is None else open(filename, "a")  # noqa: SIM115
    handler = LoopBatchingHandler(stream, batched=(ACCESS_LOGGER,))
    handler.setFormatter(LogFormatter())
    logging.basicConfig(level=level, handlers=[handler])


def skip_unused_record_fields() -> None:
    """Stop the logging module from collecting what LOG_FORMAT never shows.

    These are the switches of the logging HOWTO's "Optimization" section:
    the caller's source line, and thread, process and task names. They are
    process-wide, so only the server process sets them.
    """
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    # Python 3.12 added this switch; on 3.11 the attribute is unused.
    logging.logAsyncioTasks = False  # type: ignore[attr-defined]
