"""Properties of strict query parsing on arbitrary bytes."""

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from mockserver.outcomes import Outcome, OutcomeError
from mockserver.query import (
    KNOWN_PARAMETERS,
    MAX_QUERY_BYTES,
    MAX_VALUE_CHARACTERS,
    QueryParameters,
    parse_query,
)

NAMES = sorted(KNOWN_PARAMETERS)
# Bytes that build query strings, weighted towards their punctuation.
query_bytes = st.one_of(
    st.binary(max_size=300),
    st.lists(
        st.one_of(
            st.sampled_from([b"&", b"=", b"%", b"+", b"%FF", b"%00", b"%zz"]),
            st.sampled_from([name.encode() for name in NAMES]),
            st.binary(max_size=6),
        ),
        max_size=30,
    ).map(b"".join),
)


def parse_or_none(raw: bytes) -> QueryParameters | None:
    try:
        return parse_query(raw)
    except OutcomeError as error:
        assert error.outcome in (Outcome.WRONG_PARAMETERS, Outcome.INVALID_API_KEY)
        return None


@given(query_bytes)
def test_parse_fails_only_as_outcome(raw: bytes) -> None:
    parse_or_none(raw)


@given(query_bytes)
def test_parsed_values_bounded(raw: bytes) -> None:
    query = parse_or_none(raw)
    if query is None:
        return

    assert set(query.values) <= KNOWN_PARAMETERS
    assert query.undecodable <= KNOWN_PARAMETERS
    assert not set(query.values) & query.undecodable
    for value in query.values.values():
        assert len(value) <= MAX_VALUE_CHARACTERS


@given(
    st.dictionaries(
        st.sampled_from(NAMES), st.text(max_size=MAX_VALUE_CHARACTERS), max_size=4
    )
)
def test_encoded_values_round_trip(values: dict[str, str]) -> None:
    raw = "&".join(f"{name}={quote(value, safe='')}" for name, value in values.items())
    if len(raw.encode()) > MAX_QUERY_BYTES:
        return

    assert parse_query(raw.encode()).values == values


@given(st.sampled_from(NAMES), st.text(max_size=10), st.text(max_size=10))
def test_repeated_name_rejected(name: str, first: str, second: str) -> None:
    raw = f"{name}={quote(first)}&x=1&{name}={quote(second)}".encode()

    try:
        parse_query(raw)
    except OutcomeError as error:
        assert error.outcome is Outcome.WRONG_PARAMETERS
    else:
        raise AssertionError("a repeated parameter was accepted")


def escaped_but_separators(raw: bytes) -> bytes:
    """Percent-encode every byte except `&` and `=`, so the fields stay."""
    return b"".join(
        bytes([byte]) if byte in b"&=" else b"%%%02X" % byte for byte in raw
    )


def outcome_of(raw: bytes) -> QueryParameters | tuple[Outcome, str]:
    try:
        return parse_query(raw)
    except OutcomeError as error:
        return error.outcome, error.reason


@given(query_bytes.map(lambda raw: raw.replace(b"%", b"").replace(b"+", b"")))
def test_unescaped_text_read_alike(raw: bytes) -> None:
    escaped = escaped_but_separators(raw)
    if len(escaped) > MAX_QUERY_BYTES:
        return

    assert outcome_of(raw) == outcome_of(escaped)
