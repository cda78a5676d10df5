"""Simulated response delays, so clients can test their time-outs.

Delays are real time, never mock time: moving the mock clock does not
shorten them. They apply to the tracking endpoint only.
"""

from dataclasses import dataclass, field

from mockserver.durations import parse_delay

DELAY_HEADER = "X-Mock-Delay"


@dataclass(slots=True)
class Latency:
    """The delays the server adds to tracking responses, in seconds.

    `delay` applies to every response; `no_response_delay` to each
    CARRIER_NO_RESPONSE response, which waits the longer of the two. An
    `X-Mock-Delay` header replaces both for its request. No delay may
    exceed `max_seconds`.
    """

    max_seconds: float
    initial_delay: float = 0.0
    initial_no_response_delay: float = 0.0
    delay: float = field(init=False)
    no_response_delay: float = field(init=False)

    def __post_init__(self) -> None:
        self.delay = self._checked("delay", self.initial_delay)
        self.no_response_delay = self._checked(
            "no_response_delay", self.initial_no_response_delay
        )

    def configure(
        self, delay: float | None = None, no_response_delay: float | None = None
    ) -> None:
        """Change the delays that are given; raise ValueError over the maximum."""
        checked_delay = self._checked("delay", delay) if delay is not None else None
        checked_no_response = (
            self._checked("no_response_delay", no_response_delay)
            if no_response_delay is not None
            else None
        )
        if checked_delay is not None:
            self.delay = checked_delay
        if checked_no_response is not None:
            self.no_response_delay = checked_no_response

    def reset(self) -> None:
        """Return to the delays the server started with."""
        self.delay = self.initial_delay
        self.no_response_delay = self.initial_no_response_delay

    def read_header(self, value: str) -> float:
        """Return the delay of an `X-Mock-Delay` value, in seconds.

        Raises ValueError with the reason to send back when the value is
        not a delay or exceeds the maximum.
        """
        try:
            seconds = parse_delay(value)
        except ValueError as error:
            raise ValueError(f"{DELAY_HEADER} {error}") from None
        if seconds > self.max_seconds:
            raise ValueError(
                f"{DELAY_HEADER} {value.strip()[:40]!r} exceeds the maximum delay of "
                f"{self.max_seconds:g} s; ask for less, or start the server with a "
                "higher --max-delay"
            )
        return seconds

    def seconds_for(self, header_seconds: float | None, no_response: bool) -> float:
        """Return how long to hold one response."""
        if header_seconds is not None:
            return header_seconds
        if no_response:
            return max(self.delay, self.no_response_delay)
        return self.delay

    def _checked(self, name: str, seconds: float) -> float:
        if seconds < 0:
            raise ValueError(f"{name} is negative ({seconds:g} s); use 0 or more")
        if seconds > self.max_seconds:
            raise ValueError(
                f"{name} of {seconds:g} s exceeds the maximum delay of "
                f"{self.max_seconds:g} s; use less, or start the server with a "
                "higher --max-delay"
            )
        return seconds
