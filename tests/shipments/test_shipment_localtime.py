from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from mockserver.shipments.localtime import SPAN_BITS, ZoneClock, zone_clock
from mockserver.shipments.ports import PortTable

# Zones with daylight saving time in both hemispheres, a 30-minute change
# (Lord Howe) and a change suspended for Ramadan (Casablanca).
DST_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Africa/Casablanca",
)
HOUR = 3600


def utc_seconds(*fields: int) -> int:
    return int(datetime(*fields, tzinfo=UTC).timestamp())


def zoneinfo_text(seconds: int, zone: ZoneInfo) -> str:
    local = datetime.fromtimestamp(seconds, zone)
    return local.strftime("%Y-%m-%d %H:%M:%S")


def zoneinfo_ambiguous(seconds: int, zone: ZoneInfo) -> bool:
    local = datetime.fromtimestamp(seconds, zone)
    return local.utcoffset() != local.replace(fold=1 - local.fold).utcoffset()


def zoneinfo_transitions(zone: ZoneInfo, start: int, end: int) -> list[int]:
    """Find the hours in which the offset changes by asking zoneinfo hourly."""
    found = []
    previous = datetime.fromtimestamp(start, zone).utcoffset()
    for hour in range(start + HOUR, end, HOUR):
        offset = datetime.fromtimestamp(hour, zone).utcoffset()
        if offset != previous:
            found.append(hour)
        previous = offset
    return found


@pytest.mark.parametrize("name", DST_ZONES)
def test_clock_matches_zoneinfo_near_changes(name: str) -> None:
    zone = ZoneInfo(name)
    clock = ZoneClock(zone)
    changes = zoneinfo_transitions(
        zone, utc_seconds(2025, 1, 1), utc_seconds(2027, 1, 1)
    )
    assert len(changes) >= 2
    for change in changes:
        for seconds in range(change - 3 * HOUR, change + 3 * HOUR, 60):
            assert clock.local_text(seconds) == zoneinfo_text(seconds, zone)
            assert clock.is_ambiguous(seconds) == zoneinfo_ambiguous(seconds, zone)


def test_clock_matches_zoneinfo_at_span_edges() -> None:
    zone = ZoneInfo("America/New_York")
    clock = ZoneClock(zone)
    first_span = utc_seconds(2026, 1, 1) >> SPAN_BITS
    for span in range(first_span, first_span + 16):
        for seconds in (span << SPAN_BITS) - 1, span << SPAN_BITS:
            offset = datetime.fromtimestamp(seconds, zone).utcoffset()
            assert offset is not None
            assert clock.offset(seconds) == offset.total_seconds()
            assert clock.local_text(seconds) == zoneinfo_text(seconds, zone)


def test_repeated_hour_is_ambiguous() -> None:
    berlin = zone_clock("Europe/Berlin")
    # Summer time in the EU ended at 01:00 UTC on 2026-10-25, so local times
    # from 02:00 to 03:00 occurred first in CEST, then in CET.
    assert berlin.is_ambiguous(utc_seconds(2026, 10, 25, 0, 30))
    assert berlin.is_ambiguous(utc_seconds(2026, 10, 25, 1, 30))
    assert not berlin.is_ambiguous(utc_seconds(2026, 10, 24, 23, 59))
    assert not berlin.is_ambiguous(utc_seconds(2026, 10, 25, 2, 0))


def test_skipped_hour_is_not_ambiguous() -> None:
    berlin = zone_clock("Europe/Berlin")
    # On 2026-03-29 the clock jumped from 02:00 to 03:00 at 01:00 UTC.
    before = utc_seconds(2026, 3, 29, 0, 59)
    assert berlin.local_text(before) == "2026-03-29 01:59:00"
    assert berlin.local_text(before + 60) == "2026-03-29 03:00:00"
    assert not berlin.is_ambiguous(before + 60)


def test_text_before_1970_and_in_9999() -> None:
    tokyo = zone_clock("Asia/Tokyo")
    assert tokyo.local_text(-HOUR) == "1970-01-01 08:00:00"
    assert tokyo.local_text(utc_seconds(9999, 6, 1, 12)) == "9999-06-01 21:00:00"


def test_zone_clock_is_shared() -> None:
    assert zone_clock("Europe/Berlin") is zone_clock("Europe/Berlin")


def test_port_zones_match_zoneinfo(port_table: PortTable) -> None:
    # Every six hours over two years, so a change that the weekly sampling
    # missed would show as a wrong offset.
    start, end = utc_seconds(2025, 1, 1), utc_seconds(2027, 1, 1)
    for name in sorted({port.timezone for port in port_table.places}):
        zone = ZoneInfo(name)
        clock = ZoneClock(zone)
        for seconds in range(start, end, 6 * HOUR):
            offset = datetime.fromtimestamp(seconds, zone).utcoffset()
            assert offset is not None
            assert clock.offset(seconds) == offset.total_seconds(), (name, seconds)
