"""ISO 6346 and IMO check digits, against published numbers and own formulas."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.checkdigits import (
    imo_check_digit,
    is_valid_container_number,
    is_valid_imo,
    iso6346_check_digit,
)


def reference_iso6346(text: str) -> int:
    """ISO 6346 written from the standard's table, independent of the module."""
    letter_values = dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            [
                10,
                12,
                13,
                14,
                15,
                16,
                17,
                18,
                19,
                20,
                21,
                23,
                24,
                25,
                26,
                27,
                28,
                29,
                30,
                31,
                32,
                34,
                35,
                36,
                37,
                38,
            ],
            strict=True,
        )
    )
    total = 0
    for position, character in enumerate(text):
        value = letter_values[character] if character.isalpha() else int(character)
        total += value * 2**position
    return total % 11 % 10


# CSQU3054383 is the worked example of ISO 6346; MSKU7868382 a Maersk box.
@pytest.mark.parametrize("number", ["MSKU7868382", "CSQU3054383"])
def test_published_container_numbers_valid(number: str) -> None:
    assert is_valid_container_number(number)


def test_wrong_check_digit_invalid() -> None:
    assert not is_valid_container_number("MSKU7868381")


@pytest.mark.parametrize(
    "number", ["", "MSKU786838", "MSKU78683822", "msku7868382", "MSK17868382"]
)
def test_malformed_container_numbers_invalid(number: str) -> None:
    assert not is_valid_container_number(number)


@given(
    owner=st.text(string.ascii_uppercase, min_size=4, max_size=4),
    serial=st.text(string.digits, min_size=6, max_size=6),
)
def test_iso6346_matches_reference(owner: str, serial: str) -> None:
    assert iso6346_check_digit(owner + serial) == reference_iso6346(owner + serial)


@pytest.mark.parametrize("number", [9074729, 9176187, 9321483, "9811000"])
def test_published_imo_numbers_valid(number: int | str) -> None:
    assert is_valid_imo(number)


@given(st.integers(min_value=100_000, max_value=999_999))
def test_imo_matches_reference(first_six: int) -> None:
    digits = str(first_six)
    expected = (
        sum(int(d) * w for d, w in zip(digits, [7, 6, 5, 4, 3, 2], strict=True)) % 10
    )
    assert imo_check_digit(digits) == expected
    assert is_valid_imo(digits + str(expected))


@pytest.mark.parametrize("bad", ["12345", "abcdef", "1234567"])
def test_imo_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        imo_check_digit(bad)


def reference_container_valid(number: str) -> bool:
    """The validity rule written from the standard, independent of the module."""
    shape = (
        len(number) == 11
        and all(c in string.ascii_uppercase for c in number[:4])
        and all(c in string.digits for c in number[4:])
    )
    return shape and reference_iso6346(number[:10]) == int(number[10])


def reference_imo_valid(text: str) -> bool:
    if len(text) != 7 or not all(c in string.digits for c in text):
        return False
    weighted = sum(int(d) * w for d, w in zip(text, [7, 6, 5, 4, 3, 2], strict=False))
    return weighted % 10 == int(text[6])


# Text near the container shape, so that the valid case is reached often.
container_like = st.one_of(
    st.text(max_size=14),
    st.text(string.ascii_letters + string.digits + " ", min_size=10, max_size=12),
    st.builds(
        lambda owner, serial, check: owner + serial + check,
        st.text(string.ascii_uppercase, min_size=4, max_size=4),
        st.text(string.digits, min_size=6, max_size=6),
        st.sampled_from(string.digits),
    ),
)


@given(container_like)
def test_container_validity_matches_reference(number: str) -> None:
    assert is_valid_container_number(number) == reference_container_valid(number)


@given(
    owner=st.text(string.ascii_uppercase, min_size=4, max_size=4),
    serial=st.text(string.digits, min_size=6, max_size=6),
)
def test_one_check_digit_per_number(owner: str, serial: str) -> None:
    valid = [d for d in string.digits if is_valid_container_number(owner + serial + d)]

    assert valid == [str(reference_iso6346(owner + serial))]


@given(st.text(max_size=12))
def test_iso6346_raises_only_value_error(text: str) -> None:
    try:
        digit = iso6346_check_digit(text)
    except ValueError:
        return
    assert 0 <= digit <= 9
    assert digit == reference_iso6346(text)


@given(st.one_of(st.integers(), st.text(max_size=9)))
def test_imo_validity_matches_reference(number: int | str) -> None:
    assert is_valid_imo(number) == reference_imo_valid(str(number))


@given(st.text(max_size=8))
def test_imo_digit_raises_only_value_error(text: str) -> None:
    try:
        digit = imo_check_digit(text)
    except ValueError:
        return
    assert 0 <= digit <= 9
