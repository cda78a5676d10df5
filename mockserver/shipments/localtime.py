"""Local wall-clock time in a time zone, with its UTC offsets cached.

A shipment reads about fifteen instants in local time and checks each one
for the repeated hour at the end of daylight saving time. Through datetime
objects and zoneinfo, that cost about 4 us per event (timeit, CPython 3.11
on a 2-core x86-64 machine). A ZoneClock reads from zoneinfo, once per span
of about 97 days, the offsets in force and the instants where they change.
It then computes each local time in that span with a bisection and integer
arithmetic.
"""

import bisect
import functools
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

DAY_SECONDS = 86_400
# Instants fall into spans of 2**23 s (about 97 days), found by a shift.
SPAN_BITS = 23
# The offset is sampled once a week and each change is then searched to the
# second. NOTE: two changes less than a week apart would go unseen. A scan
# every 6 hours from 1968 to 2100 found no changes closer than 21 days in
# the zones of the shipped ports.
SAMPLE_SECONDS = 7 * DAY_SECONDS
# A repeated hour lies within this distance of its transition, so each span
# also records the changes this far outside it.
MAX_FOLD_SECONDS = DAY_SECONDS
# Spans kept per zone, about 270 years. The cache is emptied when full.
MAX_CACHED_SPANS = 1024
# Instants that datetime can read in every zone: its year 1 to 9999 range,
# less two days for the largest UTC offsets.
_EARLIEST_SECONDS = -62_135_596_800 + 2 * DAY_SECONDS
_LATEST_SECONDS = 253_402_300_799 - 2 * DAY_SECONDS

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# " HH:MM:" for each minute of the day, and "SS" for each second.
_MINUTE_TEXTS = tuple(f" {m // 60:02d}:{m % 60:02d}:" for m in range(24 * 60))
_SECOND_TEXTS = tuple(f"{s:02d}" for s in range(60))


class _Span(NamedTuple):
    """The offsets of a zone around one span, in seconds.

    `offsets[i]` is in force before `transitions[i]`, and the last offset
    after the last transition. A local time read in `[start, end)` of a fold
    occurs twice.
    """

    transitions: tuple[int, ...]
    offsets: tuple[int, ...]
    folds: tuple[tuple[int, int], ...]


class ZoneClock:
    """The wall clock of one time zone, read at instants given in Unix seconds."""

    __slots__ = ("_spans", "zone")

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._spans: dict[int, _Span] = {}

    def offset(self, seconds: int) -> int:
        """Return the UTC offset in seconds in force at an instant."""
        span = self._spans.get(seconds >> SPAN_BITS) or self._load_span(seconds)
        return span.offsets[bisect.bisect_right(span.transitions, seconds)]

    def is_ambiguous(self, seconds: int) -> bool:
        """Tell whether the local time at an instant occurs twice that day.

        That is the case in the hour (or other step) that the clock repeats
        when daylight saving time ends, on both of its passes.
        """
        span = self._spans.get(seconds >> SPAN_BITS) or self._load_span(seconds)
        # Most spans have no fold, and then this loop costs almost nothing,
        # unlike any() over a generator.
        for start, end in span.folds:  # noqa: SIM110
            if start <= seconds < end:
                return True
        return False

    def local_text(self, seconds: int) -> str:
        """Format an instant as `YYYY-MM-DD HH:MM:SS` in local time.

        Raises ValueError for a local date past the year 9999.
        """
        span = self._spans.get(seconds >> SPAN_BITS) or self._load_span(seconds)
        local = seconds + span.offsets[bisect.bisect_right(span.transitions, seconds)]
        day, second = divmod(local, DAY_SECONDS)
        return (
            _date_text(day) + _MINUTE_TEXTS[second // 60] + _SECOND_TEXTS[second % 60]
        )

    def _load_span(self, seconds: int) -> _Span:
        """Read the offsets around the span of an instant from zoneinfo."""
        index = seconds >> SPAN_BITS
        start = max(_EARLIEST_SECONDS, (index << SPAN_BITS) - MAX_FOLD_SECONDS)
        end = min(_LATEST_SECONDS, ((index + 1) << SPAN_BITS) + MAX_FOLD_SECONDS)

        transitions: list[int] = []
        offsets = [self._utc_offset(start)]
        previous = start
        while previous < end:
            sample = min(previous + SAMPLE_SECONDS, end)
            offset = self._utc_offset(sample)
            if offset != offsets[-1]:
                transitions.append(self._find_change(previous, sample))
                offsets.append(offset)
            previous = sample

        changes = zip(transitions, offsets[:-1], offsets[1:], strict=True)
        folds = tuple(
            (instant - (before - after), instant + (before - after))
            for instant, before, after in changes
            if after < before
        )
        if len(self._spans) >= MAX_CACHED_SPANS:
            self._spans.clear()
        span = _Span(tuple(transitions), tuple(offsets), folds)
        self._spans[index] = span
        return span

    def _find_change(self, before: int, after: int) -> int:
        """Return the first instant in `(before, after]` with the offset of `after`."""
        old = self._utc_offset(before)
        while after - before > 1:
            middle = (before + after) // 2
            if self._utc_offset(middle) == old:
                before = middle
            else:
                after = middle
        return after

    def _utc_offset(self, seconds: int) -> int:
        offset = datetime.fromtimestamp(seconds, self.zone).utcoffset()
        assert offset is not None  # a ZoneInfo always gives an offset
        return int(offset.total_seconds())


@functools.cache
def zone_clock(name: str) -> ZoneClock:
    """Return the clock of an IANA time zone, shared by every port in it.

    Raises ZoneInfoNotFoundError for an unknown name.
    """
    return ZoneClock(ZoneInfo(name))


@functools.lru_cache(maxsize=4096)
def _date_text(day: int) -> str:
    """Return `YYYY-MM-DD` for a count of days since 1970-01-01."""
    return date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
