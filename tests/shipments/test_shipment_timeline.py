import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from mockserver.shipments.localtime import zone_clock
from mockserver.shipments.timeline import place_on_clock

BERLIN = ZoneInfo("Europe/Berlin")
BERLIN_CLOCK = zone_clock("Europe/Berlin")


class FixedPhase(random.Random):
    """A random source whose every draw is 0, to pin the journey start."""

    def getrandbits(self, k: int, /) -> int:
        return 0


def test_event_leaves_repeated_hour() -> None:
    # A schedule that spans over a year always crosses the end of summer time.
    span_minutes = 400 * 24 * 60
    anchor = datetime(2031, 1, 1, tzinfo=UTC)
    probe = place_on_clock(
        FixedPhase(), [[0, span_minutes]], [BERLIN_CLOCK] * 2, anchor
    )
    start = probe[0][0]

    year = datetime.fromtimestamp(start, UTC).year
    fall_backs = [datetime(y, 10, 31, tzinfo=UTC) for y in (year, year + 1)]
    fall_backs = [d - timedelta(days=(d.weekday() + 1) % 7) for d in fall_backs]
    # Summer time in the EU ends at 01:00 UTC, so 00:30 UTC is 02:30 local,
    # a wall time that occurs twice.
    repeated = next(
        int(d.timestamp()) + 30 * 60
        for d in fall_backs
        if start < int(d.timestamp()) + 30 * 60 < start + span_minutes * 60
    )
    local = datetime.fromtimestamp(repeated, BERLIN)
    assert local.utcoffset() != local.replace(fold=1).utcoffset()

    middle = (repeated - start) // 60
    times = place_on_clock(
        FixedPhase(), [[0, middle, span_minutes]], [BERLIN_CLOCK] * 3, anchor
    )[0]
    moved = datetime.fromtimestamp(times[1], BERLIN)
    assert moved.utcoffset() == moved.replace(fold=1 - moved.fold).utcoffset()
    assert times[0] < times[1] < times[2]
    assert times[1] >= repeated + 3600


def test_no_event_in_hour_after_anchor() -> None:
    anchor = datetime(2026, 5, 1, 10, tzinfo=UTC)
    for seed in range(300):
        times = place_on_clock(
            random.Random(seed), [[0, 45, 90, 600]], [BERLIN_CLOCK] * 4, anchor
        )[0]
        for time in times:
            assert not anchor.timestamp() <= time < anchor.timestamp() + 3600
        assert times == sorted(times)


def test_local_time_text_format() -> None:
    moment = int(datetime(2026, 7, 1, 12, 5, 9, tzinfo=UTC).timestamp())
    assert BERLIN_CLOCK.local_text(moment) == "2026-07-01 14:05:09"
    assert zone_clock("America/Los_Angeles").local_text(moment) == "2026-07-01 05:05:09"
