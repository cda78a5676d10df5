"""The server's log output: the same lines as the standard formatter, batched."""

import asyncio
import io
import logging
import sys

from mockserver.serverlog import (
    LOG_FORMAT,
    AccessRecord,
    LogFormatter,
    LoopBatchingHandler,
)


def make_record(created: float, exc_info=None) -> logging.LogRecord:
    record = logging.LogRecord(
        "mockserver.access", logging.INFO, "", 0, "GET %s %d", ("/x", 200), exc_info
    )
    record.created = created
    record.msecs = int((created - int(created)) * 1000) + 0.0
    return record


def test_lines_match_standard_formatter() -> None:
    fast = LogFormatter()
    standard = logging.Formatter(LOG_FORMAT)

    for created in (1_780_000_000.125, 1_780_000_000.999, 1_780_000_001.0):
        record = make_record(created)
        assert fast.format(record) == standard.format(make_record(created))


def test_exception_text_kept() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()

    line = LogFormatter().format(make_record(1_780_000_000.5, exc_info))

    assert "RuntimeError: boom" in line


def test_explicit_date_format_honoured() -> None:
    record = make_record(1_780_000_000.5)

    text = LogFormatter().formatTime(record, "%Y")

    assert text == logging.Formatter().formatTime(record, "%Y")


def batching_logger(stream: io.StringIO) -> logging.Logger:
    name = f"test.serverlog.{id(stream)}"
    handler = LoopBatchingHandler(stream, batched=(name,))
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.handlers = [handler]
    return logger


def test_written_at_once_outside_loop() -> None:
    stream = io.StringIO()

    batching_logger(stream).info("one")

    assert stream.getvalue() == "one\n"


def test_written_after_task_yields() -> None:
    stream = io.StringIO()
    logger = batching_logger(stream)

    async def log_two_lines() -> tuple[str, str]:
        logger.info("one")
        logger.info("two")
        before = stream.getvalue()
        await asyncio.sleep(0)
        return before, stream.getvalue()

    before, after = asyncio.run(log_two_lines())

    assert before == ""
    assert after == "one\ntwo\n"


def test_flush_writes_queued_lines() -> None:
    stream = io.StringIO()
    logger = batching_logger(stream)

    async def log_and_flush() -> str:
        logger.info("one")
        logger.handlers[0].flush()
        return stream.getvalue()

    assert asyncio.run(log_and_flush()) == "one\n"


def test_order_kept_across_turns() -> None:
    stream = io.StringIO()
    logger = batching_logger(stream)

    async def log_in_turns() -> None:
        for turn in range(3):
            logger.info("a%d", turn)
            logger.info("b%d", turn)
            await asyncio.sleep(0)

    asyncio.run(log_in_turns())
    logger.info("after")

    assert stream.getvalue().split() == ["a0", "b0", "a1", "b1", "a2", "b2", "after"]


def test_other_loggers_written_at_once() -> None:
    stream = io.StringIO()
    logger = batching_logger(stream)
    other = logging.getLogger(f"test.serverlog.other.{id(stream)}")
    other.propagate = False
    other.handlers = logger.handlers

    async def log_both() -> str:
        logger.info("queued")
        other.warning("at once")
        return stream.getvalue()

    assert asyncio.run(log_both()) == "queued\nat once\n"


def test_access_record_matches_standard() -> None:
    lean = AccessRecord("mockserver.access", "GET /x 200")
    standard = logging.LogRecord(
        "mockserver.access",
        logging.INFO,
        "(unknown file)",
        0,
        "GET /x 200",
        (),
        None,
        "(unknown function)",
    )
    varying = {"created", "msecs", "relativeCreated"}
    varying |= {"thread", "threadName", "process", "processName", "taskName"}

    assert set(vars(lean)) >= set(vars(standard))
    for name in set(vars(standard)) - varying:
        assert getattr(lean, name) == getattr(standard, name), name
    assert abs(lean.created - standard.created) < 60
    assert 0 <= lean.msecs < 1000
    assert lean.relativeCreated > 0


def test_access_record_formats_alike() -> None:
    lean = AccessRecord("mockserver.access", "GET /x 200")
    standard = logging.makeLogRecord(dict(vars(lean)))

    assert LogFormatter().format(lean) == logging.Formatter(LOG_FORMAT).format(standard)
