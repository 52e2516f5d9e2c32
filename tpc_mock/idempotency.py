"""`Idempotency-Key` replay: same key, route, method and organization -> same answer.

Bounded: entries leave 24 h after they were made (on the emulator's clock, swept as new
keys arrive, whether or not the same key comes back), and the cache never holds more
than MAX_ENTRIES answers or MAX_BYTES of answer bodies; past either bound the oldest go
first, and a key whose answer was dropped is treated as new.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from .clock import Clock

KEEP_SECONDS = 24 * 3600
MAX_ENTRIES = 10_000
MAX_BYTES = 64 * 1024 * 1024
Key = tuple[str, ...]


@dataclass
class Entry:
    body_hash: str
    created: float
    status: int | None = None  # None while the first request is in flight
    response: bytes = b""  # the JSON body as it was sent


class IdempotencyCache:
    """Successful responses kept 24 h (within the bounds above); failures are forgotten."""

    def __init__(self, clock: Clock, *, max_entries: int = MAX_ENTRIES,
                 max_bytes: int = MAX_BYTES) -> None:
        self._clock = clock
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[Key, Entry] = OrderedDict()  # oldest first
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def body_hash(body: bytes) -> str:
        return hashlib.sha256(body).hexdigest()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def stored_bytes(self) -> int:
        """Bytes of answer bodies held for replay."""
        return self._bytes

    def begin(self, key: Key, body_hash: str) -> Entry | str:
        """Claim `key`: a stored Entry to replay, "conflict", or "new" (now in flight)."""
        now = self._clock.timestamp()
        with self._lock:
            self._drop_expired(now)
            entry = self._entries.get(key)
            if entry is not None and now - entry.created > KEEP_SECONDS:
                self._pop(key)  # the clock moved back and forth: expired out of order
                entry = None
            if entry is None:
                self._entries[key] = Entry(body_hash=body_hash, created=now)
                self._drop_over_bounds()
                return "new"
            if entry.status is None or entry.body_hash != body_hash:
                return "conflict"
            return entry

    def finish(self, key: Key, status: int, response: bytes) -> None:
        """Store a success for replay, or drop the claim after a failure."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return  # dropped while in flight (bounds): nothing to keep
            if 200 <= status < 300:
                entry.status, entry.response = status, response
                self._bytes += len(response)
                self._drop_over_bounds()
            else:
                self._pop(key)

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _pop(self, key: Key) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.response)

    def _drop_expired(self, now: float) -> None:
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            if now - oldest.created <= KEEP_SECONDS:
                return
            self._pop(key)

    def _drop_over_bounds(self) -> None:
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            self._pop(next(iter(self._entries)))
