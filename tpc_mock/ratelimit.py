"""Per-API-key fixed-window rate limiting on the controllable clock."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from .clock import Clock


@dataclass
class Window:
    started: float
    count: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    reset_at: float
    retry_after: int


class RateLimiter:
    """Fixed windows that start at the first request of each window."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._windows: dict[str, Window] = {}
        self._lock = threading.Lock()

    def hit(self, key_id: str, limit: int, seconds: int) -> Verdict:
        """Count one request for `key_id` and say whether it is within the limit."""
        now = self._clock.timestamp()
        with self._lock:
            window = self._windows.get(key_id)
            if window is None or now >= window.started + seconds or now < window.started:
                window = self._windows[key_id] = Window(started=now, count=0)
            window.count += 1
            reset_at = window.started + seconds
            allowed = window.count <= limit
        return Verdict(allowed, limit, reset_at, max(1, math.ceil(reset_at - now)))

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()
