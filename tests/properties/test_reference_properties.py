"""Properties of reference parsing: closed failures, documented charset, idempotence."""

import re

from hypothesis import given
from hypothesis import strategies as st

from mockserver.outcomes import Outcome, OutcomeError
from mockserver.references import (
    MAX_REFERENCE_LENGTH,
    Reference,
    ReferenceType,
    parse_reference,
    parse_reference_type,
)
from tests.properties.strategies import reference_text
from tests.test_checkdigits import reference_container_valid

ACCEPTED = re.compile(rf"[A-Z0-9/-]{{1,{MAX_REFERENCE_LENGTH}}}")
TYPES = st.sampled_from([None, *ReferenceType])


def parse_or_none(raw: str, given_type: ReferenceType | None) -> Reference | None:
    """Parse, or return None for the one documented failure."""
    try:
        return parse_reference(raw, given_type)
    except OutcomeError as error:
        assert error.outcome is Outcome.WRONG_REFERENCE_NUMBER
        assert error.reason.isascii()
        return None


@given(reference_text, TYPES)
def test_parse_fails_only_as_outcome(raw: str, given_type) -> None:
    parse_or_none(raw, given_type)


@given(reference_text, TYPES)
def test_accepted_number_in_charset(raw: str, given_type) -> None:
    reference = parse_or_none(raw, given_type)
    if reference is None:
        return

    assert ACCEPTED.fullmatch(reference.number)
    assert reference.type_given is (given_type is not None)
    if given_type is not None:
        assert reference.type is given_type
    if reference.type is ReferenceType.CONTAINER:
        assert reference_container_valid(reference.number)
        assert reference.number[3] == "U"


@given(reference_text, TYPES)
def test_parse_is_idempotent(raw: str, given_type) -> None:
    reference = parse_or_none(raw, given_type)
    if reference is None:
        return

    again = parse_reference(reference.number, given_type)

    assert again == reference


@given(reference_text, TYPES)
def test_accepted_input_was_ascii(raw: str, given_type) -> None:
    reference = parse_or_none(raw, given_type)
    if reference is None:
        return

    trimmed = raw.strip(" \t\n\r\f\v")
    assert trimmed.isascii()
    if reference.type is ReferenceType.CONTAINER:
        assert reference.number == trimmed.upper().replace(" ", "").replace("-", "")
    else:
        assert reference.number == trimmed.upper()


@given(reference_text, TYPES)
def test_untyped_container_detected(raw: str, given_type) -> None:
    reference = parse_or_none(raw, None)
    if reference is None:
        return

    compact = reference.number.replace("-", "")
    is_container = reference_container_valid(compact) and compact[3] == "U"
    assert (reference.type is ReferenceType.CONTAINER) is is_container


@given(st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["bl", " Booking "])))
def test_reference_type_closed(raw: str | None) -> None:
    try:
        parsed = parse_reference_type(raw)
    except OutcomeError as error:
        assert error.outcome is Outcome.WRONG_REFERENCE_TYPE
        assert error.reason.isascii()
        return

    if parsed is not None:
        assert raw is not None
        assert raw.strip(" \t\n\r\f\v").upper() == parsed.value
