"""`Idempotency-Key` replay: same key, route, method and organization -> same answer."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from .clock import Clock

KEEP_SECONDS = 24 * 3600


@dataclass
class Entry:
    body_hash: str
    created: float
    status: int | None = None  # None while the first request is in flight
    response: Any = None


class IdempotencyCache:
    """Successful responses kept 24 h; failures are forgotten."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, ...], Entry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def body_hash(body: bytes) -> str:
        return hashlib.sha256(body).hexdigest()

    def begin(self, key: tuple[str, ...], body_hash: str) -> Entry | str:
        """Claim `key`: a stored Entry to replay, "conflict", or "new" (now in flight)."""
        now = self._clock.timestamp()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and now - entry.created > KEEP_SECONDS:
                entry = None
            if entry is None:
                self._entries[key] = Entry(body_hash=body_hash, created=now)
                return "new"
            if entry.status is None or entry.body_hash != body_hash:
                return "conflict"
            return entry

    def finish(self, key: tuple[str, ...], status: int, response: Any) -> None:
        """Store a success for replay, or drop the claim after a failure."""
        with self._lock:
            if 200 <= status < 300 and key in self._entries:
                entry = self._entries[key]
                entry.status, entry.response = status, response
            else:
                self._entries.pop(key, None)

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
