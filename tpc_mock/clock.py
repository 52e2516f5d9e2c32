"""The controllable clock: real time plus an offset that tests can move."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


class Clock:
    """Every expiry and rate window in tpc-mock reads `now()` from here."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The emulated current time, timezone-aware UTC."""
        offset = self._offset
        now = datetime.now(timezone.utc)
        return now + offset if offset else now

    @property
    def offset(self) -> timedelta:
        """How far the emulated time is from real time (zero unless moved)."""
        return self._offset

    def timestamp(self) -> float:
        """`now()` as POSIX seconds."""
        return time.time() + self._offset.total_seconds()

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward (or back, for a negative value)."""
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, when: datetime) -> datetime:
        """Move the clock so that now is `when`."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        with self._lock:
            self._offset = when - datetime.now(timezone.utc)
        return self.now()

    def reset(self) -> datetime:
        """Back to real time."""
        with self._lock:
            self._offset = timedelta()
        return self.now()


ONE_SECOND = timedelta(seconds=1)
_NEVER = datetime.max.replace(tzinfo=timezone.utc)
# The second last formatted: [start, end) and its text up to the milliseconds.
_SECOND: list[tuple[datetime, datetime, str]] = [(_NEVER, _NEVER, "")]


def iso(when: datetime | None) -> str | None:
    """ISO-8601 UTC with milliseconds and `Z`, as TPC writes timestamps.

    Every request stamps its journal entry (and an API key's lastRequest), so the
    formatted second is kept and only the milliseconds are added.
    """
    if when is None:
        return None
    if when.tzinfo is not timezone.utc:
        when = when.astimezone(timezone.utc)
    start, end, text = _SECOND[0]
    if not start <= when < end:
        start = when.replace(microsecond=0)
        text = start.strftime("%Y-%m-%dT%H:%M:%S.")
        _SECOND[0] = (start, start + ONE_SECOND, text)
    return f"{text}{when.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 timestamp (a trailing `Z` allowed) into aware UTC."""
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)
