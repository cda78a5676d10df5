"""Reference number normalisation, type detection and format checks."""

import pytest

from mockserver.outcomes import Outcome, OutcomeError
from mockserver.references import (
    ReferenceType,
    container_check_digit_hint,
    parse_reference,
    parse_reference_type,
)


@pytest.mark.parametrize(
    ("raw", "number", "kind"),
    [
        ("MSKU7868382", "MSKU7868382", ReferenceType.CONTAINER),
        (" msku 786838-2 ", "MSKU7868382", ReferenceType.CONTAINER),
        ("255303287", "255303287", ReferenceType.BL),
        ("medu1a234567", "MEDU1A234567", ReferenceType.BL),
        ("MSKU7868381", "MSKU7868381", ReferenceType.BL),
        ("MSKJ7868382", "MSKJ7868382", ReferenceType.BL),
        ("ABC/123-45", "ABC/123-45", ReferenceType.BL),
    ],
)
def test_detected_type(raw: str, number: str, kind: ReferenceType) -> None:
    reference = parse_reference(raw, None)

    assert reference.number == number
    assert reference.type is kind
    assert reference.type_given is False


def test_given_type_kept() -> None:
    reference = parse_reference("msku7868382", ReferenceType.BOOKING)

    assert reference.type is ReferenceType.BOOKING
    assert reference.number == "MSKU7868382"
    assert reference.type_given


@pytest.mark.parametrize(
    "raw",
    ["AB CD", "A" * 65, "MSKU:1", "naïve", "BL\x00123", "BL\n1", "BL_1", "-", "/-/-"],
)
def test_bad_bl_rejected(raw: str) -> None:
    with pytest.raises(OutcomeError) as caught:
        parse_reference(raw, None)

    assert caught.value.outcome is Outcome.WRONG_REFERENCE_NUMBER


def test_punctuation_only_rejected() -> None:
    with pytest.raises(OutcomeError) as caught:
        parse_reference("-/", ReferenceType.BOOKING)

    assert caught.value.outcome is Outcome.WRONG_REFERENCE_NUMBER
    assert "no letter or digit" in caught.value.reason


def test_sixty_four_characters_accepted() -> None:
    assert parse_reference("A" * 64, None).number == "A" * 64


@pytest.mark.parametrize(
    "raw", ["MSKU7868381", "MSKU786838", "MSKZ7868382", "1234567890A", "MSKU786838X"]
)
def test_bad_container_rejected(raw: str) -> None:
    with pytest.raises(OutcomeError) as caught:
        parse_reference(raw, ReferenceType.CONTAINER)

    assert caught.value.outcome is Outcome.WRONG_REFERENCE_NUMBER


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("BL", ReferenceType.BL),
        ("booking", ReferenceType.BOOKING),
        (" Container ", ReferenceType.CONTAINER),
        (None, None),
        ("  ", None),
    ],
)
def test_reference_type_values(raw: str | None, expected: ReferenceType | None) -> None:
    assert parse_reference_type(raw) is expected


@pytest.mark.parametrize("raw", ["AWB", "B L", "containers", "x" * 300])
def test_reference_type_rejected(raw: str) -> None:
    with pytest.raises(OutcomeError) as caught:
        parse_reference_type(raw)

    assert caught.value.outcome is Outcome.WRONG_REFERENCE_TYPE
    assert len(caught.value.reason) < 120


def test_check_digit_hint() -> None:
    assert container_check_digit_hint("MSKU7868381") == (
        "MSKU7868381 looks like a container number, but ISO 6346 expects check digit 2"
    )
    assert container_check_digit_hint("MSKU7868382") is None
    assert container_check_digit_hint("255303287") is None
