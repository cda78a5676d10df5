"""Properties of the helpers that turn client input into headers and log text."""

import string

from hypothesis import given
from hypothesis import strategies as st

from mockserver.http.cors import (
    api_policy,
    browser_rejection,
    control_policy,
    parse_origins,
)
from mockserver.http.envelope import RequestIds, header_value, loggable
from mockserver.http.limits import read_headers, tracking_request
from mockserver.outcomes import Outcome, OutcomeError

PRINTABLE_ASCII = set(string.printable) - set("\t\n\r\x0b\x0c")
header_names = st.sampled_from(
    [b"x-api-key", b"x-mock-status", b"x-request-id", b"origin", b"host", b"x-other"]
)
header_lists = st.lists(st.tuples(header_names, st.binary(max_size=300)), max_size=8)


@given(st.text(), st.integers(4, 2000))
def test_header_value_printable(text: str, limit: int) -> None:
    value = header_value(text, limit)

    assert set(value.decode("ascii")) <= PRINTABLE_ASCII
    assert len(value) <= limit


@given(st.text())
def test_loggable_printable(text: str) -> None:
    line = loggable(text)

    assert set(line) <= PRINTABLE_ASCII
    assert len(line) <= 200


@given(st.one_of(st.none(), st.binary(max_size=200)))
def test_request_id_safe(client_value: bytes | None) -> None:
    chosen = RequestIds().choose(client_value)

    assert 1 <= len(chosen) <= 128
    assert set(chosen.decode("ascii")) <= PRINTABLE_ASCII - set(" ")


@given(header_lists)
def test_header_reading_closed(raw: list[tuple[bytes, bytes]]) -> None:
    headers, repeated = read_headers(raw)
    try:
        request = tracking_request(b"", headers, repeated)
    except OutcomeError as error:
        assert error.outcome is Outcome.WRONG_PARAMETERS
        return

    assert request.header_key is None or len(request.header_key) <= 256
    assert request.forced_status is None or len(request.forced_status) <= 64


@given(st.text(max_size=60))
def test_origin_list_closed(text: str) -> None:
    try:
        origins = parse_origins(text)
    except ValueError:
        return

    for origin in origins:
        assert origin == "*" or origin.startswith(("http://", "https://"))
        assert origin == origin.lower()
        assert not origin.endswith("/")


@given(
    st.sampled_from(["", "*", "http://localhost:3000"]),
    st.dictionaries(
        st.sampled_from([b"origin", b"host", b"sec-fetch-site"]), st.binary(max_size=60)
    ),
)
def test_browser_check_never_raises(origins: str, headers: dict) -> None:
    reason = browser_rejection(control_policy(parse_origins(origins)), headers)

    assert reason is None or isinstance(reason, str)


@given(st.sampled_from(["*", "http://localhost:3000", ""]), st.binary(max_size=80))
def test_cors_headers_never_echo_unlisted(origins: str, origin: bytes) -> None:
    policy = api_policy(parse_origins(origins))
    sent = [*policy.response_headers(origin), *policy.preflight_headers(origin)]

    for name, value in sent:
        if name == b"access-control-allow-origin":
            assert value == b"*" or value.lower() in policy.origins
