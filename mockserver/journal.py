"""The request journal: a bounded record of the requests to the tracking API.

Recording sits on the hot path, so it stores references to what the request
already produced (raw headers, the first bytes of the body) and formats
nothing. Entries are decoded, and their keys masked, only when read.
"""

import itertools
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from mockserver.durations import format_instant
from mockserver.keys import mask_key

RawHeaders = Sequence[tuple[bytes, bytes]]

# Enough of the body to hold `{"success":false,"status_code":"<longest name>"`.
BODY_HEAD_BYTES = 80
DEFAULT_MAX_ENTRIES = 1000
MAX_HEADER_TEXT = 1024

_STATUS_CODE_MARK = b'"status_code":"'
_SECRET_HEADERS = frozenset(
    {
        b"x-api-key",
        b"authorization",
        b"proxy-authorization",
        b"cookie",
        b"x-admin-token",
    }
)
_REFERENCE_NOISE = re.compile(r"[\s-]")


@dataclass(slots=True)
class JournalRecord:
    """One request as recorded: raw values, formatted only when read."""

    sequence: int
    wall_time: float
    mock_time: float
    method: str
    path: str
    query_string: bytes
    request_headers: RawHeaders
    http_status: int
    response_headers: RawHeaders
    body_head: bytes
    duration: float
    delay: float


class Journal:
    """The last `max_entries` requests; older ones are dropped first."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._records: deque[JournalRecord] = deque(maxlen=max_entries)
        self._sequence = itertools.count(1)
        self._last_sequence = 0
        self._cleared_after = 0

    @property
    def enabled(self) -> bool:
        """Whether the journal keeps anything at all."""
        return self.max_entries > 0

    def record(
        self,
        *,
        wall_time: float,
        mock_time: float,
        method: str,
        path: str,
        query_string: bytes,
        request_headers: RawHeaders,
        http_status: int,
        response_headers: RawHeaders,
        body: bytes,
        duration: float,
        delay: float,
    ) -> None:
        """Append one request; `duration` and `delay` are in seconds."""
        if not self.enabled:
            return
        self._last_sequence = next(self._sequence)
        self._records.append(
            JournalRecord(
                self._last_sequence,
                wall_time,
                mock_time,
                method,
                path,
                query_string,
                request_headers,
                http_status,
                response_headers,
                body[:BODY_HEAD_BYTES],
                duration,
                delay,
            )
        )

    def entries(
        self,
        *,
        reference_number: str | None = None,
        status_code: str | None = None,
        limit: int | None = None,
        after: int | None = None,
    ) -> list[dict[str, Any]]:
        """Return matching entries, newest first.

        `reference_number` matches as the mock reads numbers (case, spaces
        and hyphens ignored); `status_code` matches the response's
        `status_code`; `after` keeps entries whose sequence number is higher.
        """
        expected_reference = (
            normalise_reference(reference_number)
            if reference_number is not None
            else None
        )
        found: list[dict[str, Any]] = []
        for record in reversed(self._records):
            if after is not None and record.sequence <= after:
                break
            if status_code is not None and response_status_code(record) != status_code:
                continue
            if expected_reference is not None:
                sent = query_value(record.query_string, "reference_number")
                if sent is None or normalise_reference(sent) != expected_reference:
                    continue
            found.append(format_record(record))
            if limit is not None and len(found) >= limit:
                break
        return found

    def clear(self) -> None:
        """Forget every entry; sequence numbers keep counting up."""
        self._records.clear()
        self._cleared_after = self._last_sequence

    def stats(self) -> dict[str, int]:
        """Return the size, the capacity and how many entries were dropped."""
        recorded_since_clear = self._last_sequence - self._cleared_after
        return {
            "size": len(self._records),
            "max_entries": self.max_entries,
            "recorded": self._last_sequence,
            "dropped": recorded_since_clear - len(self._records),
        }


def format_record(record: JournalRecord) -> dict[str, Any]:
    """Turn a record into the JSON-ready entry, with every key masked."""
    reference = query_value(record.query_string, "reference_number")
    return {
        "sequence": record.sequence,
        "time": _rfc3339(record.mock_time),
        "wall_time": _rfc3339(record.wall_time),
        "method": record.method,
        "path": record.path,
        "query": masked_query(record.query_string),
        "reference_number": reference,
        "api_key": _masked_key(record),
        "request_headers": _request_headers(record.request_headers),
        "request_id": _header(record.response_headers, b"x-request-id"),
        "status_code": response_status_code(record),
        "http_status": record.http_status,
        "reason": _header(record.response_headers, b"x-mock-reason"),
        "duration_ms": round(record.duration * 1000, 3),
        "delay_ms": round(record.delay * 1000, 3),
    }


def normalise_reference(text: str) -> str:
    """Return a reference number as the journal compares it."""
    return _REFERENCE_NOISE.sub("", text).upper()


def response_status_code(record: JournalRecord) -> str | None:
    """Return the `status_code` of the response body, or None without a body."""
    head = record.body_head
    start = head.find(_STATUS_CODE_MARK)
    if start < 0:
        return None
    start += len(_STATUS_CODE_MARK)
    end = head.find(b'"', start)
    if end < 0:
        return None
    return head[start:end].decode("ascii", "replace")


def query_value(query_string: bytes, name: str) -> str | None:
    """Return the first value of parameter `name`, percent-decoded."""
    for raw_name, raw_value in _query_pairs(query_string):
        if _decode(raw_name) == name:
            return _decode(raw_value)
    return None


def masked_query(query_string: bytes) -> str:
    """Return the query string as sent, with each `api_key` value masked."""
    parts = []
    for raw_name, raw_value in _query_pairs(query_string):
        name_text = raw_name.decode("utf-8", "replace")
        if _decode(raw_name) == "api_key":
            parts.append(f"{name_text}={quote(mask_key(_decode(raw_value)))}")
        elif raw_value is None:
            parts.append(name_text)
        else:
            parts.append(f"{name_text}={raw_value.decode('utf-8', 'replace')}")
    return "&".join(parts)


def _query_pairs(query_string: bytes) -> list[tuple[bytes, bytes | None]]:
    pairs: list[tuple[bytes, bytes | None]] = []
    for part in query_string.split(b"&"):
        if not part:
            continue
        name, separator, value = part.partition(b"=")
        pairs.append((name, value if separator else None))
    return pairs


def _decode(raw: bytes | None) -> str:
    if raw is None:
        return ""
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "replace")


def _masked_key(record: JournalRecord) -> str | None:
    key = query_value(record.query_string, "api_key")
    if key is None:
        key = _header(record.request_headers, b"x-api-key")
    if key is None or not key.strip():
        return None
    return mask_key(key.strip())


def _request_headers(raw: RawHeaders) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw:
        text = value.decode("latin-1")[:MAX_HEADER_TEXT]
        if name in _SECRET_HEADERS:
            text = mask_key(text)
        label = name.decode("latin-1")
        headers[label] = f"{headers[label]}, {text}" if label in headers else text
    return headers


def _header(raw: RawHeaders, header_name: bytes) -> str | None:
    for name, value in raw:
        if name == header_name:
            return value.decode("latin-1")[:MAX_HEADER_TEXT]
    return None


def _rfc3339(timestamp: float) -> str:
    return format_instant(datetime.fromtimestamp(timestamp, UTC))
