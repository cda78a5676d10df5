"""The journal on its own: bounds, masking, filters and formatting on read."""

from typing import Any

from mockserver.journal import Journal, masked_query, normalise_reference, query_value

OK_BODY = b'{"success":true,"status_code":"OK","message":"Request completed"}'
LIMIT_BODY = (
    b'{"success":false,"status_code":"API_KEY_RATE_LIMIT_EXCEEDED","message":"x"}'
)


def record(journal: Journal, query: bytes = b"", **overrides: Any) -> None:
    values: dict[str, Any] = {
        "wall_time": 1_800_000_000.0,
        "mock_time": 1_772_443_815.0,
        "method": "GET",
        "path": "/tracking/v1/ocean",
        "query_string": query,
        "request_headers": [(b"host", b"testserver")],
        "http_status": 200,
        "response_headers": [(b"x-request-id", b"id-1"), (b"x-mock-reason", b"ok")],
        "body": OK_BODY,
        "duration": 0.0012,
        "delay": 0.25,
    }
    journal.record(**(values | overrides))


def test_oldest_dropped_first() -> None:
    journal = Journal(max_entries=2)
    for number in ("A1", "A2", "A3"):
        record(journal, query=b"reference_number=" + number.encode())

    entries = journal.entries()

    assert [entry["reference_number"] for entry in entries] == ["A3", "A2"]
    assert journal.stats() == {"size": 2, "max_entries": 2, "recorded": 3, "dropped": 1}


def test_entry_formatted_on_read() -> None:
    journal = Journal()
    record(journal, query=b"reference_number=MSKU7868382&api_key=mock-valid-key")

    entry = journal.entries()[0]

    assert entry == {
        "sequence": 1,
        "time": "2026-03-02T09:30:15.000Z",
        "wall_time": "2027-01-15T08:00:00.000Z",
        "method": "GET",
        "path": "/tracking/v1/ocean",
        "query": "reference_number=MSKU7868382&api_key=mock...key",
        "reference_number": "MSKU7868382",
        "api_key": "mock...key",
        "request_headers": {"host": "testserver"},
        "request_id": "id-1",
        "status_code": "OK",
        "http_status": 200,
        "reason": "ok",
        "duration_ms": 1.2,
        "delay_ms": 250.0,
    }


def test_longest_status_code_fits() -> None:
    journal = Journal()
    record(journal, body=LIMIT_BODY, http_status=429)

    assert journal.entries()[0]["status_code"] == "API_KEY_RATE_LIMIT_EXCEEDED"


def test_empty_body_has_no_status_code() -> None:
    journal = Journal()
    record(journal, body=b"", http_status=204, method="OPTIONS")

    assert journal.entries()[0]["status_code"] is None


def test_secret_headers_masked() -> None:
    journal = Journal()
    headers = [
        (b"x-api-key", b"team-secret-key"),
        (b"authorization", b"Bearer abcdefghijkl"),
        (b"cookie", b"session=abcdefghijk"),
        (b"accept", b"a"),
        (b"accept", b"b"),
    ]
    record(journal, request_headers=headers)

    entry = journal.entries()[0]

    assert entry["api_key"] == "team...key"
    assert entry["request_headers"] == {
        "x-api-key": "team...key",
        "authorization": "Bear...jkl",
        "cookie": "sess...ijk",
        "accept": "a, b",
    }


def test_filters_combine() -> None:
    journal = Journal()
    record(journal, query=b"reference_number=msku%207868382")
    record(journal, query=b"reference_number=MSKU7868382", body=LIMIT_BODY)
    record(journal, query=b"reference_number=255303287")

    by_reference = journal.entries(reference_number="MSKU-7868382")
    both = journal.entries(
        reference_number="MSKU7868382", status_code="API_KEY_RATE_LIMIT_EXCEEDED"
    )
    limited = journal.entries(limit=1)
    after = journal.entries(after=2)

    assert [entry["sequence"] for entry in by_reference] == [2, 1]
    assert [entry["sequence"] for entry in both] == [2]
    assert [entry["sequence"] for entry in limited] == [3]
    assert [entry["sequence"] for entry in after] == [3]


def test_clear_keeps_counting() -> None:
    journal = Journal()
    record(journal)
    journal.clear()
    record(journal)

    assert [entry["sequence"] for entry in journal.entries()] == [2]
    assert journal.stats() == {
        "size": 1,
        "max_entries": 1000,
        "recorded": 2,
        "dropped": 0,
    }


def test_disabled_journal_keeps_nothing() -> None:
    journal = Journal(max_entries=0)
    record(journal)

    assert journal.enabled is False
    assert journal.entries() == []


def test_masked_query_keeps_other_parts() -> None:
    raw = b"api_key=mock-valid-key&flag&reference_number=A%2FB+C&api%5Fkey=short"

    assert masked_query(raw) == (
        "api_key=mock...key&flag&reference_number=A%2FB+C&api%5Fkey=%2A%2A%2A%2A%2A"
    )


def test_query_value_decodes() -> None:
    assert query_value(b"reference_number=A%2FB+C", "reference_number") == "A/B C"
    assert query_value(b"reference_number", "reference_number") == ""
    assert query_value(b"other=1", "reference_number") is None


def test_normalise_reference() -> None:
    assert normalise_reference(" msku 786838-2 ") == "MSKU7868382"
