"""Hypothesis strategies shared by the property tests."""

import string

from hypothesis import strategies as st

from tests.test_checkdigits import reference_iso6346

REFERENCE_CHARACTERS = string.ascii_letters + string.digits + "-/ "
# Non-ASCII characters that str.upper() turns into ASCII, such as U+FB01.
UPPER_TO_ASCII = "".join(
    c for c in map(chr, range(0x80, 0x10000)) if c.upper().isascii()
)


def container_numbers(owners: st.SearchStrategy[str] | None = None):
    """Valid ISO 6346 numbers of category U, with the owner code from `owners`."""
    if owners is None:
        letters = st.text(string.ascii_uppercase, min_size=3, max_size=3)
        owners = letters.map(lambda code: code + "U")
    return st.builds(
        lambda owner, serial: owner + serial + str(reference_iso6346(owner + serial)),
        owners,
        st.text(string.digits, min_size=6, max_size=6),
    )


def painted(number: str, draw_spaces: list[int], lower: bool) -> str:
    """Write a container number loosely, with spaces and in lower case."""
    text = number.lower() if lower else number
    for position in sorted(set(draw_spaces), reverse=True):
        text = text[:position] + " " + text[position:]
    return text


# Reference input: anything, text of the allowed characters, and container
# numbers written loosely, so that both rejection and acceptance are reached.
reference_text = st.one_of(
    st.text(max_size=80),
    st.text(REFERENCE_CHARACTERS, max_size=70),
    st.text(REFERENCE_CHARACTERS + UPPER_TO_ASCII + "\x1f\x85\xa0", max_size=20),
    st.builds(
        painted,
        container_numbers(),
        st.lists(st.integers(0, 11), max_size=3),
        st.booleans(),
    ),
)
