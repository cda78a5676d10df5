"""The server's log formatter writes what logging.Formatter(LOG_FORMAT) writes."""

import logging
import sys

from mockserver.cli import LOG_FORMAT, LogFormatter


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
