"""The mock clock that every time-dependent part of the server reads."""

import time
from datetime import UTC, datetime


class MockClock:
    """Real time by default; can be frozen at an instant and moved by hand.

    While frozen, time does not move until `advance()` moves it. While
    running, `advance()` adds an offset to real time.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._initial_frozen_at = frozen_at
        self._frozen: float | None = None
        self._offset = 0.0
        self.reset()

    def time(self) -> float:
        """Return the current mock time in seconds since the Unix epoch."""
        if self._frozen is not None:
            return self._frozen
        return time.time() + self._offset

    def now(self) -> datetime:
        """Return the current mock time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), UTC)

    @property
    def frozen(self) -> bool:
        """Whether the clock is frozen."""
        return self._frozen is not None

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock at `at` (an aware datetime), or at the current time."""
        if at is not None and at.tzinfo is None:
            raise ValueError("freeze needs a timezone-aware datetime")
        self._frozen = self.time() if at is None else at.timestamp()

    def advance(self, seconds: float) -> None:
        """Move the clock forward; a negative value raises ValueError."""
        if seconds < 0:
            raise ValueError(f"cannot move the clock backwards ({seconds} s)")
        if self._frozen is not None:
            self._frozen += seconds
        else:
            self._offset += seconds

    def release(self) -> None:
        """Let the clock run again from real time, dropping any offset."""
        self._frozen = None
        self._offset = 0.0

    def reset(self) -> None:
        """Return to the clock the server started with."""
        self.release()
        if self._initial_frozen_at is not None:
            self.freeze(self._initial_frozen_at)
