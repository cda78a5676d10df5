"""Strict parsing of the raw query string."""

import pytest

from mockserver.outcomes import Outcome, OutcomeError
from mockserver.query import MAX_QUERY_BYTES, parse_query


def test_plain_values() -> None:
    query = parse_query(b"reference_number=MSKU+786838-2&api_key=k%2F1")

    assert query.get("reference_number") == "MSKU 786838-2"
    assert query.get("api_key") == "k/1"
    assert query.get("carrier_code") is None


def test_name_without_value_is_empty() -> None:
    assert parse_query(b"reference_number").get("reference_number") == ""


def test_unknown_and_empty_fields_ignored() -> None:
    query = parse_query(b"&&x=1&x=2&reference_number=1&")

    assert query.values == {"reference_number": "1"}


def test_undecodable_value_recorded() -> None:
    query = parse_query(b"reference_number=%C3%28")

    assert query.undecodable == {"reference_number"}
    assert query.get("reference_number") is None


@pytest.mark.parametrize(
    "raw",
    [
        b"reference_number=1&reference_number=1",
        b"api_key=a&api_key=b",
        b"reference_number=%ff&reference_number=1",
        b"reference_number=%zz",
        b"reference_number=100%",
        b"reference_number=" + b"A" * 300,
        b"x=" + b"A" * MAX_QUERY_BYTES,
    ],
)
def test_rejected_query_strings(raw: bytes) -> None:
    with pytest.raises(OutcomeError) as caught:
        parse_query(raw)

    assert caught.value.outcome is Outcome.WRONG_PARAMETERS
