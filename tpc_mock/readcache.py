"""Answers of read operations, reused until the store changes.

A cached answer is the JSON body a view returned with 200, keyed by everything that
decides it (operation, URL, the organizations the caller reaches, tenant headers) and
tagged with the store's version; any write moves the version and the cache empties.
Only the view's work is saved: the caller is still resolved (scopes, lastRequest, rate
limit), faults still apply, and the journal and headers are written as for any answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

MAX_ENTRIES = 512
MAX_BYTES = 16 * 1024 * 1024


def read_key(endpoint: str | None, query_string: bytes, view_args: Mapping[str, Any] | None,
             org_ids: frozenset[str], environ: Mapping[str, Any]) -> Hashable:
    """Everything a read operation's answer depends on: the operation, its path values and
    query, the organizations the caller reaches, and the tenant (`X-TPC-*`) headers."""
    tenant = [(k, v) for k, v in environ.items() if k[:11] == "HTTP_X_TPC_"]
    return (endpoint, query_string, tuple(sorted(view_args.items())) if view_args else (),
            org_ids, tuple(sorted(tenant)) if tenant else ())


class ReadCache:
    """At most MAX_ENTRIES bodies and MAX_BYTES, least recently used out first."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._version = -1
        self._bytes = 0
        self._max_entries, self._max_bytes = max_entries, max_bytes
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int) -> bytes | None:
        with self._lock:
            if version != self._version:
                return None
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: Hashable, version: int, body: bytes) -> None:
        if len(body) > self._max_bytes // 16:
            return  # a huge answer would push out everything else
        with self._lock:
            if version != self._version:
                if version < self._version:
                    return  # computed before a write that a newer entry already saw
                self._entries.clear()
                self._version, self._bytes = version, 0
            old = self._entries.pop(key, None)
            self._bytes += len(body) - (len(old) if old is not None else 0)
            self._entries[key] = body
            while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._version, self._bytes = -1, 0

    def __len__(self) -> int:
        return len(self._entries)
