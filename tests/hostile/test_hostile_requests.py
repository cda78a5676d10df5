"""Hostile requests to the API: each gets its documented outcome and counts right.

Every row is one class of hostile input with the outcome the mock returns
and what the request may count. A request counts nothing, or the rate
limit only when it passed the key checks but failed later, or the rate
limit and the quota when it succeeds.
The counters are read before and after with a forced request, which counts
nothing itself.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.conftest import FROZEN_AT, VALID_KEY

OCEAN = "/tracking/v1/ocean"
KEY = f"api_key={VALID_KEY}"
GOOD = f"{KEY}&reference_number=255303287"

NOTHING = "nothing"
RATE = "rate"
BILLED = "billed"


@dataclass(frozen=True)
class Case:
    id: str
    target: str
    status: int
    status_code: str
    counts: str
    method: str = "GET"
    headers: list[tuple[str, str | bytes]] = field(default_factory=list)
    body: bytes = b""


CASES = [
    # Length limits.
    Case(
        "query-over-4096",
        f"{OCEAN}?{GOOD}&pad={'a' * 4096}",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    Case(
        "reference-over-64",
        f"{OCEAN}?{KEY}&reference_number={'A' * 65}",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "reference-over-256",
        f"{OCEAN}?{KEY}&reference_number={'A' * 257}",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    Case(
        "type-over-256",
        f"{OCEAN}?{GOOD}&reference_type={'B' * 257}",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    Case(
        "carrier-over-256",
        f"{OCEAN}?{GOOD}&carrier_code={'C' * 257}",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    Case(
        "key-over-256",
        f"{OCEAN}?api_key={'k' * 257}&reference_number=1",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    Case(
        "key-header-over-256",
        f"{OCEAN}?reference_number=1",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
        headers=[("X-API-Key", "k" * 257)],
    ),
    Case(
        "status-header-over-64",
        f"{OCEAN}?{GOOD}",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
        headers=[("X-Mock-Status", "O" * 65)],
    ),
    # Percent-encoding errors, in values, names and unknown parameters.
    Case(
        "escape-not-hex",
        f"{OCEAN}?{KEY}&reference_number=%zz1",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    Case(
        "escape-cut-short",
        f"{OCEAN}?{KEY}&reference_number=1%4",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    Case("escape-at-end", f"{OCEAN}?{GOOD}&x=%", 400, "WRONG_PARAMETERS", NOTHING),
    Case(
        "escape-in-name",
        f"{OCEAN}?{KEY}&reference%zznumber=1",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    # Bytes that are not UTF-8.
    Case(
        "reference-not-utf8",
        f"{OCEAN}?{KEY}&reference_number=%FF%FE",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "overlong-utf8",
        f"{OCEAN}?{KEY}&reference_number=%C0%AF",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "surrogate-utf8",
        f"{OCEAN}?{KEY}&reference_number=%ED%A0%80",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "type-not-utf8",
        f"{OCEAN}?{GOOD}&reference_type=%FF",
        400,
        "WRONG_PARAMETERS",
        RATE,
    ),
    Case(
        "carrier-not-utf8",
        f"{OCEAN}?{GOOD}&carrier_code=%C3%28",
        400,
        "WRONG_PARAMETERS",
        RATE,
    ),
    Case(
        "key-not-utf8",
        f"{OCEAN}?api_key=%FF&reference_number=1",
        401,
        "INVALID_API_KEY",
        NOTHING,
    ),
    Case("name-not-utf8", f"{OCEAN}?{GOOD}&%FF%FE=1", 200, "OK", BILLED),
    # NUL and other control characters.
    Case(
        "reference-nul",
        f"{OCEAN}?{KEY}&reference_number=255303287%00",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "reference-only-nul",
        f"{OCEAN}?{KEY}&reference_number=%00",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "reference-unit-separator",
        f"{OCEAN}?{KEY}&reference_number=%1F255303287",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "reference-delete",
        f"{OCEAN}?{KEY}&reference_number=255303287%7F",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "reference-ascii-whitespace",
        f"{OCEAN}?{KEY}&reference_number=%09255303287%0D%0A",
        200,
        "OK",
        BILLED,
    ),
    Case(
        "type-nul",
        f"{OCEAN}?{GOOD}&reference_type=BL%00",
        400,
        "WRONG_REFERENCE_TYPE",
        RATE,
    ),
    Case(
        "carrier-nul",
        f"{OCEAN}?{GOOD}&carrier_code=MAEU%00",
        400,
        "WRONG_CARRIER_CODE",
        RATE,
    ),
    Case(
        "key-nul",
        f"{OCEAN}?api_key={VALID_KEY}%00&reference_number=1",
        401,
        "INVALID_API_KEY",
        NOTHING,
    ),
    Case(
        "key-newline",
        f"{OCEAN}?api_key=a%0Ab&reference_number=1",
        401,
        "INVALID_API_KEY",
        NOTHING,
    ),
    # Letters that upper-case to ASCII, and other non-ASCII text.
    Case(
        "ligature-fi",
        f"{OCEAN}?{KEY}&reference_number=%EF%AC%81123",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "no-break-space",
        f"{OCEAN}?{KEY}&reference_number=%C2%A0255303287",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "fullwidth-digits",
        f"{OCEAN}?{KEY}&reference_number=%EF%BC%92%EF%BC%95",
        400,
        "WRONG_REFERENCE_NUMBER",
        RATE,
    ),
    Case(
        "dotless-i-type",
        f"{OCEAN}?{GOOD}&reference_type=book%C4%B1ng",
        400,
        "WRONG_REFERENCE_TYPE",
        RATE,
    ),
    # Repeated parameters and headers.
    Case(
        "reference-twice",
        f"{OCEAN}?{GOOD}&reference_number=255303287",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    Case("key-twice", f"{OCEAN}?{GOOD}&{KEY}", 400, "WRONG_PARAMETERS", NOTHING),
    Case(
        "encoded-name-twice",
        f"{OCEAN}?{GOOD}&reference%5Fnumber=1",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
    ),
    Case("unknown-twice", f"{OCEAN}?{GOOD}&x=1&x=2&debug", 200, "OK", BILLED),
    Case(
        "key-header-twice",
        f"{OCEAN}?reference_number=1",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
        headers=[("X-API-Key", VALID_KEY), ("X-API-Key", VALID_KEY)],
    ),
    Case(
        "status-header-twice",
        f"{OCEAN}?{GOOD}",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
        headers=[("X-Mock-Status", "OK"), ("X-Mock-Status", "OK")],
    ),
    # Headers the mock reads, with odd values.
    Case(
        "key-header-latin1",
        f"{OCEAN}?reference_number=1",
        401,
        "INVALID_API_KEY",
        NOTHING,
        headers=[("X-API-Key", b"mock-valid-k\xe9y")],
    ),
    Case(
        "status-header-unknown",
        f"{OCEAN}?{GOOD}",
        400,
        "WRONG_PARAMETERS",
        NOTHING,
        headers=[("X-Mock-Status", "<script>")],
    ),
    Case(
        "forced-beats-long-key",
        f"{OCEAN}?reference_number=1",
        200,
        "NO_EVENTS",
        NOTHING,
        headers=[("X-Mock-Status", "no_events"), ("X-API-Key", "k" * 300)],
    ),
    Case(
        "forced-beats-long-query",
        f"{OCEAN}?{GOOD}&pad={'a' * 5000}",
        500,
        "UNEXPECTED_ERROR",
        NOTHING,
        headers=[("X-Mock-Status", "UNEXPECTED_ERROR")],
    ),
    # Bodies and content types on a GET, which the mock never reads.
    Case(
        "params-in-body",
        OCEAN,
        401,
        "INVALID_API_KEY",
        NOTHING,
        headers=[("Content-Type", "application/x-www-form-urlencoded")],
        body=GOOD.encode(),
    ),
    Case(
        "json-body",
        f"{OCEAN}?{KEY}",
        400,
        "WRONG_PARAMETERS",
        RATE,
        headers=[("Content-Type", "application/json")],
        body=b'{"reference_number": "255303287"}',
    ),
    Case(
        "content-type-nonsense",
        f"{OCEAN}?{GOOD}",
        200,
        "OK",
        BILLED,
        headers=[("Content-Type", "multipart/form-data; boundary=")],
        body=b"--\r\n\xff\xfe",
    ),
    # Methods other than GET, HEAD and OPTIONS.
    Case(
        "post",
        f"{OCEAN}?{GOOD}",
        405,
        "METHOD_NOT_ALLOWED",
        NOTHING,
        method="POST",
        body=b"{}",
    ),
    Case("put", f"{OCEAN}?{GOOD}", 405, "METHOD_NOT_ALLOWED", NOTHING, method="PUT"),
    Case(
        "delete", f"{OCEAN}?{GOOD}", 405, "METHOD_NOT_ALLOWED", NOTHING, method="DELETE"
    ),
    Case(
        "patch", f"{OCEAN}?{GOOD}", 405, "METHOD_NOT_ALLOWED", NOTHING, method="PATCH"
    ),
    Case(
        "trace", f"{OCEAN}?{GOOD}", 405, "METHOD_NOT_ALLOWED", NOTHING, method="TRACE"
    ),
    Case(
        "query-method",
        f"{OCEAN}?{GOOD}",
        405,
        "METHOD_NOT_ALLOWED",
        NOTHING,
        method="QUERY",
    ),
    Case(
        "invented-method",
        f"{OCEAN}?{GOOD}",
        405,
        "METHOD_NOT_ALLOWED",
        NOTHING,
        method="BREW",
    ),
    # Odd paths.
    Case("double-slash", f"/{OCEAN}?{GOOD}", 404, "NOT_FOUND", NOTHING),
    Case(
        "dot-segments",
        f"/tracking/v1/%2e%2e/v1/ocean?{GOOD}",
        404,
        "NOT_FOUND",
        NOTHING,
    ),
    Case("nul-in-path", f"{OCEAN}%00?{GOOD}", 404, "NOT_FOUND", NOTHING),
    Case("newline-in-path", f"{OCEAN}%0AFAKE?{GOOD}", 404, "NOT_FOUND", NOTHING),
    Case("below-endpoint", f"{OCEAN}/x?{GOOD}", 404, "NOT_FOUND", NOTHING),
    Case("upper-case-path", f"/TRACKING/v1/ocean?{GOOD}", 404, "NOT_FOUND", NOTHING),
    Case(
        "long-api-path", f"/tracking/v1/{'p' * 6000}?{GOOD}", 404, "NOT_FOUND", NOTHING
    ),
    Case("long-other-path", f"/{'p' * 6000}", 404, "NOT_FOUND", NOTHING),
    Case("encoded-slashes", f"/tracking%2Fv1%2Focean?{GOOD}", 200, "OK", BILLED),
]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """One app for the module: each check compares counters before and after."""
    app = create_app(Settings(frozen_at=FROZEN_AT))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def usage(client: TestClient) -> tuple[int, int]:
    """Return (quota used, rate remaining) of the valid key, counting nothing."""
    response = client.get(f"{OCEAN}?{KEY}", headers={"X-Mock-Status": "OK"})
    used = response.json()["data"]["metadata"]["api_calls"]["used"]
    return used, int(response.headers["x-ratelimit-remaining"])


def send(client: TestClient, case: Case):
    return client.request(
        case.method, case.target, headers=case.headers, content=case.body or None
    )


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_outcome(client: TestClient, case: Case) -> None:
    response = send(client, case)

    assert response.status_code == case.status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"success", "status_code", "message", "data"}
    assert body["status_code"] == case.status_code
    reason = response.headers["x-mock-reason"]
    assert reason.isascii()
    assert reason.isprintable()
    assert response.headers["x-request-id"]
    if case.status == 405:
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_counts(client: TestClient, case: Case) -> None:
    used, remaining = usage(client)
    send(client, case)
    used_after, remaining_after = usage(client)

    billed = case.counts == BILLED
    assert used_after == used + (1 if billed else 0)
    assert remaining_after == remaining - (0 if case.counts == NOTHING else 1)


def test_head_counts_nothing(client: TestClient) -> None:
    before = usage(client)
    response = client.head(f"{OCEAN}?{GOOD}")

    assert response.status_code == 200
    assert response.content == b""
    assert usage(client) == before


def test_preflight_counts_nothing(client: TestClient) -> None:
    before = usage(client)
    response = client.options(
        f"{OCEAN}?{GOOD}",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-api-key",
        },
    )

    assert response.status_code == 204
    assert usage(client) == before
