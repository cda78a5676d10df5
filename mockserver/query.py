"""Read the tracking endpoint's query string strictly, from its raw bytes.

Frameworks forgive what this API must reject: a repeated parameter, a
broken percent-escape, or bytes that are not UTF-8. So the raw query
string is parsed here, and every problem becomes an outcome.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from mockserver.checkdigits import is_valid_container_number
from mockserver.outcomes import Outcome, OutcomeError

KEY_PARAMETER = "api_key"
KNOWN_PARAMETERS = frozenset(
    {KEY_PARAMETER, "reference_number", "reference_type", "carrier_code"}
)
MAX_QUERY_BYTES = 4096
MAX_VALUE_CHARACTERS = 256
_BAD_PERCENT_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
# A key of unreserved characters and an upper-case freight container number,
# in either order, with nothing else: a typical container lookup. Such a key
# and number read the same with or without unescaping.
_KEY = rb"(?P<key>[A-Za-z0-9._~-]{1,256})"
_NUMBER = rb"(?P<number>[A-Z]{3}U[0-9]{7})"
_PLAIN_CONTAINER_QUERIES = (
    re.compile(b"api_key=" + _KEY + b"&reference_number=" + _NUMBER),
    re.compile(b"reference_number=" + _NUMBER + b"&api_key=" + _KEY),
)


@dataclass(slots=True)
class QueryParameters:
    """The known parameters of one request.

    `values` contains each decoded value; `undecodable` names the parameters
    whose bytes were not valid UTF-8, which the parameter checks reject.
    Built for every new query string, so not frozen: a frozen dataclass sets
    each field through `object.__setattr__`.
    """

    values: dict[str, str]
    undecodable: frozenset[str] = frozenset()

    def get(self, name: str) -> str | None:
        """Return the decoded value of parameter `name`, or None when absent."""
        return self.values.get(name)


def parse_query(raw: bytes) -> QueryParameters:
    """Split and decode a raw query string.

    Raises OutcomeError with WRONG_PARAMETERS when the query string is too
    long, has a malformed percent-escape, or repeats a known parameter, and
    then with INVALID_API_KEY when `api_key` is not valid UTF-8, since the
    key is checked before the other parameters. Unknown parameters are
    ignored.
    """
    if len(raw) > MAX_QUERY_BYTES:
        raise OutcomeError(
            Outcome.WRONG_PARAMETERS,
            f"query string is {len(raw)} bytes long, over the limit of "
            f"{MAX_QUERY_BYTES}",
        )
    if not raw:
        return QueryParameters({})
    if b"%" in raw and _BAD_PERCENT_ESCAPE.search(raw):
        raise OutcomeError(
            Outcome.WRONG_PARAMETERS,
            "query string has a malformed percent-escape; write '%' as %25",
        )

    values: dict[str, str] = {}
    undecodable: set[str] = set()
    for name, value in _decoded_fields(raw):
        if name not in KNOWN_PARAMETERS:
            continue
        if name in values or name in undecodable:
            raise OutcomeError(
                Outcome.WRONG_PARAMETERS,
                f"parameter {name} is given more than once",
            )
        if value is None:
            undecodable.add(name)
            continue
        if len(value) > MAX_VALUE_CHARACTERS:
            raise OutcomeError(
                Outcome.WRONG_PARAMETERS,
                f"parameter {name} is {len(value)} characters long, over the "
                f"limit of {MAX_VALUE_CHARACTERS}",
            )
        values[name] = value
    if KEY_PARAMETER in undecodable:
        raise OutcomeError(
            Outcome.INVALID_API_KEY, f"parameter {KEY_PARAMETER} is not valid UTF-8"
        )
    if not undecodable:
        return QueryParameters(values)
    return QueryParameters(values, frozenset(undecodable))


def read_plain_container_query(raw: bytes) -> tuple[str, str] | None:
    """Return the key and number of a plain container query string, or None.

    A plain one is `api_key=K&reference_number=N` or the two the other way
    round, with a key of 1 to 256 unreserved characters and N a valid
    freight container number in its canonical form. `parse_query` would
    return just these two values, and `parse_reference` would read N as a
    container number unchanged, so the caller may skip both.
    """
    for pattern in _PLAIN_CONTAINER_QUERIES:
        match = pattern.fullmatch(raw)
        if match is not None:
            number = match["number"].decode("ascii")
            if not is_valid_container_number(number):
                return None
            return match["key"].decode("ascii"), number
    return None


def _decoded_fields(raw: bytes) -> list[tuple[str | None, str | None]]:
    """Split a query string into decoded (name, value) pairs.

    A name or value that is not valid UTF-8 becomes None. A query string
    without `%` or `+` needs no unescaping, so when it is valid UTF-8 it is
    decoded once and split as text, without a call per name and value.
    """
    if b"%" not in raw and b"+" not in raw:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return [field.partition("=")[::2] for field in text.split("&") if field]
    pairs: list[tuple[str | None, str | None]] = []
    for field in raw.split(b"&"):
        if field:
            name, _, value = field.partition(b"=")
            pairs.append((_decode(name), _decode(value)))
    return pairs


def _decode(raw: bytes) -> str | None:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return None
