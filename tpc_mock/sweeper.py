"""Expired device codes, sessions and OAuth codes and refresh tokens leave the store: at
start, then every few emulated minutes.

A request checks only whether a sweep is due (one clock read); the sweep itself reads the
tables at most once per SWEEP_SECONDS of the emulator's clock, and deletes in one
transaction (one durable write). Moving the clock by more than that makes the next
request sweep, so `POST /__mock/clock {advance}` frees what it expired.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from .clock import Clock, parse_iso
from .store import Store

SWEEP_SECONDS = 600
# A device code stays an hour past its expiry, so a late poll still hears `expired_token`.
GRACE_SECONDS = {"deviceCodes": 3600, "sessions": 0, "oauthCodes": 0, "oauthRefreshTokens": 0}


class Sweeper:
    """Deletes records whose `expiresAt` (plus the table's grace) has passed."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store, self._clock = store, clock
        self._last: float | None = None
        self._lock = threading.Lock()

    def due(self) -> bool:
        """True when the last sweep is SWEEP_SECONDS away (either way: the clock may go back)."""
        last = self._last
        return last is None or abs(self._clock.timestamp() - last) >= SWEEP_SECONDS

    def before_request(self) -> None:
        """The app's hook: sweep when due, else nothing."""
        if self.due():
            self.sweep()

    def restart(self) -> None:
        """Count the next interval from now (after a reset: the seed is fresh)."""
        self._last = self._clock.timestamp()

    def sweep(self) -> dict[str, int]:
        """Delete what has expired now; how many records per table."""
        with self._lock:
            now = self._clock.now()
            self._last = now.timestamp()
            removed = {}
            with self._store.transaction():
                for table, grace in GRACE_SECONDS.items():
                    cutoff = now - timedelta(seconds=grace)
                    expired = [r["id"] for r in self._store.all(table) if _expired(r, cutoff)]
                    for record_id in expired:
                        self._store.remove(table, record_id)
                    removed[table] = len(expired)
            return removed


def _expired(record: Mapping[str, Any], cutoff: datetime) -> bool:
    expires = record.get("expiresAt")
    if not isinstance(expires, str):
        return False
    try:
        return parse_iso(expires) <= cutoff
    except ValueError:
        return False
