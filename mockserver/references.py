"""Parse and validate reference numbers and reference types."""

import re
from dataclasses import dataclass
from enum import StrEnum

from mockserver.checkdigits import is_valid_container_number, iso6346_check_digit
from mockserver.outcomes import Outcome, OutcomeError

MAX_REFERENCE_LENGTH = 64
# Only ASCII whitespace is trimmed: Python's str.strip() would also drop
# control characters such as U+001F and Unicode spaces.
ASCII_WHITESPACE = " \t\n\r\f\v"
_ALLOWED_CHARACTERS = re.compile(r"[A-Z0-9/-]+")
_LETTER_OR_DIGIT = re.compile(r"[A-Z0-9]")
_CONTAINER_SHAPE = re.compile(r"[A-Z]{4}[0-9]{7}")


class ReferenceType(StrEnum):
    """The kind of document a reference number identifies."""

    BL = "BL"
    BOOKING = "BOOKING"
    CONTAINER = "CONTAINER"


@dataclass(slots=True)
class Reference:
    """A reference number after normalisation, with its type.

    Built for every new query string, so not frozen: a frozen dataclass sets
    each field through `object.__setattr__`. Nothing changes one once built.
    """

    number: str
    type: ReferenceType
    type_given: bool


def parse_reference_type(raw: str | None) -> ReferenceType | None:
    """Return the reference type named by `raw`, or None when it is absent.

    The value is case-insensitive; blank counts as absent.
    """
    if raw is None or not raw.strip(ASCII_WHITESPACE):
        return None
    try:
        if not raw.isascii():
            # str.upper() maps some other letters to ASCII ones (U+0131 to 'I').
            raise ValueError(raw)
        return ReferenceType(raw.strip(ASCII_WHITESPACE).upper())
    except ValueError:
        valid = ", ".join(member.value for member in ReferenceType)
        raise OutcomeError(
            Outcome.WRONG_REFERENCE_TYPE,
            f"reference_type {_shorten(raw)!a} is not one of {valid}",
        ) from None


def compact_container_number(text: str) -> str:
    """Drop the spaces and hyphens that painted container numbers carry."""
    return text.replace(" ", "").replace("-", "")


def parse_reference(raw: str, given_type: ReferenceType | None) -> Reference:
    """Normalise `raw` and check it against the rules of its type.

    The number is trimmed and upper-cased. Without a given type, a valid
    ISO 6346 container number is a CONTAINER and anything else a BL.
    Raises OutcomeError with WRONG_REFERENCE_NUMBER on a bad format.
    """
    if given_type is None and is_valid_container_number(raw) and raw[3] == "U":
        # Already normalised, as most requests send it.
        return Reference(raw, ReferenceType.CONTAINER, type_given=False)
    text = raw.strip(ASCII_WHITESPACE)
    if not text.isascii():
        # Checked before upper-casing, which maps some other letters to ASCII
        # ones (U+FB01 becomes 'FI'), so such input would pass as a number.
        _reject_character(text)
    text = text.upper()
    compact = compact_container_number(text)
    if given_type is None:
        if is_valid_container_number(compact) and compact[3] == "U":
            return Reference(compact, ReferenceType.CONTAINER, type_given=False)
        _check_generic_shape(text)
        return Reference(text, ReferenceType.BL, type_given=False)
    if given_type is ReferenceType.CONTAINER:
        _check_container(compact)
        return Reference(compact, given_type, type_given=True)
    _check_generic_shape(text)
    return Reference(text, given_type, type_given=True)


def _check_generic_shape(text: str) -> None:
    if len(text) > MAX_REFERENCE_LENGTH:
        _reject(
            f"reference number is {len(text)} characters long, over the limit of "
            f"{MAX_REFERENCE_LENGTH}"
        )
    if not text.isascii() or not _ALLOWED_CHARACTERS.fullmatch(text):
        _reject_character(text)
    if _LETTER_OR_DIGIT.search(text) is None:
        _reject(f"reference number {text!r} contains no letter or digit")


def _reject_character(text: str) -> None:
    bad = next(
        (c for c in text if not (c.isascii() and (c.isalnum() or c in "/-"))), ""
    )
    _reject(
        f"reference number contains {bad!a}; only ASCII letters, digits, "
        "'-' and '/' are allowed"
    )


def _check_container(number: str) -> None:
    if len(number) > MAX_REFERENCE_LENGTH or not _CONTAINER_SHAPE.fullmatch(number):
        _reject(f"container number {_shorten(number)!r} is not 4 letters and 7 digits")
    if number[3] != "U":
        _reject(
            f"container number {number} has equipment category {number[3]!r}; "
            "only freight containers (category U) can be tracked"
        )
    expected = iso6346_check_digit(number[:10])
    if int(number[10]) != expected:
        _reject(
            f"container number {number} has check digit {number[10]}, "
            f"ISO 6346 expects {expected}"
        )


def container_check_digit_hint(number: str) -> str | None:
    """Describe a near-miss container number, for the `X-Mock-Reason` header.

    Returns None unless `number` has the shape of a container number but
    fails the ISO 6346 check, the likeliest typo behind an undetected carrier.
    """
    compact = compact_container_number(number)
    if not _CONTAINER_SHAPE.fullmatch(compact):
        return None
    expected = iso6346_check_digit(compact[:10])
    if int(compact[10]) == expected:
        return None
    return (
        f"{compact} looks like a container number, "
        f"but ISO 6346 expects check digit {expected}"
    )


def _reject(reason: str) -> None:
    raise OutcomeError(Outcome.WRONG_REFERENCE_NUMBER, reason)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
