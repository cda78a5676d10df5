"""Parse the durations and instants that users send to the mock.

Three forms: the `X-Mock-Delay` header (plain milliseconds, `250ms` or
`2s`), ISO 8601 durations for moving the clock (`PT90S`, `P1DT2H`), and
RFC 3339 instants with a time zone. Every parser raises ValueError with a
message that names the accepted forms.
"""

import re
from datetime import UTC, datetime

# The mock clock stays inside the years every date function of the
# generator and the counters can represent (datetime stops at year 9999).
EARLIEST_INSTANT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(9999, 1, 1, tzinfo=UTC)

_DELAY = re.compile(r"(\d{1,9}(?:\.\d{1,6})?)\s*(ms|s)?", re.IGNORECASE)
_NUMBER = r"(\d{1,9}(?:[.,]\d{1,9})?)"
_ISO_DURATION = re.compile(
    rf"P(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?",
    re.IGNORECASE,
)
_ISO_UNIT_SECONDS = (7 * 86_400, 86_400, 3_600, 60, 1)
_ISO_CALENDAR_UNITS = re.compile(r"P[^T]*[YM]", re.IGNORECASE)
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})"
)
_OFFSET = re.compile(r"[+-](\d{2}):(\d{2})$")
DELAY_FORMS = "milliseconds with at most 6 decimals (250 or 2.5), 250ms or 2s"


def parse_delay(text: str) -> float:
    """Return the delay of an `X-Mock-Delay` value, in seconds.

    A number without a unit is milliseconds. Negative values are invalid.
    """
    match = _DELAY.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text[:40]!r} is not a delay; use {DELAY_FORMS}")
    value = float(match.group(1))
    unit = (match.group(2) or "ms").lower()
    return value if unit == "s" else value / 1000


def parse_iso_duration(text: str) -> float:
    """Return the length of an ISO 8601 duration such as `PT1M30S`, in seconds.

    Weeks, days, hours, minutes and seconds are accepted, with a decimal
    fraction on any of them. Years and months are rejected because their
    length depends on the calendar, and so is a negative sign.
    """
    stripped = text.strip()
    if stripped.startswith("-"):
        raise ValueError(
            f"duration {stripped[:40]!r} is negative; the clock only moves forward"
        )
    if _ISO_CALENDAR_UNITS.match(stripped):
        raise ValueError(
            f"duration {stripped[:40]!r} uses years or months, which have no "
            "fixed length; use weeks, days, hours, minutes or seconds (P30D)"
        )
    match = _ISO_DURATION.fullmatch(stripped)
    if match is None or not any(match.groups()) or stripped.upper().endswith("T"):
        raise ValueError(
            f"{stripped[:40]!r} is not an ISO 8601 duration; use a form such as "
            "PT90S, PT1M30S or P1DT2H"
        )
    return sum(
        float(value.replace(",", ".")) * unit
        for value, unit in zip(match.groups(), _ISO_UNIT_SECONDS, strict=True)
        if value is not None
    )


def parse_instant(text: str) -> datetime:
    """Return the aware datetime of an RFC 3339 timestamp with a time zone."""
    stripped = text.strip()
    if not _RFC3339.fullmatch(stripped):
        hint = "2026-03-01T12:00:00Z or 2026-03-01T13:00:00+01:00"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt ][\d:.]+", stripped):
            raise ValueError(
                f"{stripped[:40]!r} has no time zone; add Z or an offset, as in {hint}"
            )
        raise ValueError(f"{stripped[:40]!r} is not an RFC 3339 time; use {hint}")
    offset = _OFFSET.search(stripped)
    if offset is not None and (int(offset[1]) > 23 or int(offset[2]) > 59):
        raise ValueError(
            f"time zone offset {offset[0]} is out of range; use -23:59 to +23:59"
        )
    try:
        return datetime.fromisoformat(stripped.upper().replace(" ", "T"))
    except ValueError as error:
        raise ValueError(f"{stripped[:40]!r} is not a valid time: {error}") from None


def check_clock_range(moment: datetime) -> datetime:
    """Return `moment` when the mock clock can show it; raise ValueError if not."""
    if not EARLIEST_INSTANT <= moment < LATEST_INSTANT:
        raise ValueError(
            f"{moment.isoformat()} is outside the clock's range; use a time from "
            f"{EARLIEST_INSTANT:%Y-%m-%d} up to {LATEST_INSTANT:%Y-%m-%d} (UTC)"
        )
    return moment


def format_instant(moment: datetime) -> str:
    """Write an aware datetime as RFC 3339 in UTC, to the millisecond."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")
