"""Organization API keys: lookup by digest, validity, and the public record shape."""

from __future__ import annotations

from typing import Any

from ..clock import parse_iso
from ..runtime import Runtime
from .secrets import API_KEY_PREFIX, digest, same_digest

PUBLIC_FIELDS = (
    "id", "name", "start", "prefix", "organizationId", "scopes", "enabled",
    "expiresAt", "lastRequest", "createdAt", "updatedAt",
)


def looks_like_api_key(value: str) -> bool:
    """True for a `tpc_...` credential (whatever follows the prefix)."""
    return value.startswith(API_KEY_PREFIX)


_DIGESTS: dict[str, str] = {}  # a presented key -> its digest (every request asks)
DIGESTS_KEPT = 256


def _digest_of(key: str) -> str:
    known = _DIGESTS.get(key)
    if known is None:
        if len(_DIGESTS) >= DIGESTS_KEPT:  # keys guessed at random must not grow it
            _DIGESTS.clear()
        known = _DIGESTS[key] = digest(key)
    return known


def find_valid_api_key(rt: Runtime, key: str) -> dict[str, Any] | None:
    """The stored record of a usable key, or None (unknown, disabled or expired)."""
    wanted = _digest_of(key)
    record = rt.store.find_one("apiKeys", "hash", wanted)
    if record is None or not same_digest(record["hash"], wanted):
        return None
    if not record.get("enabled", True):
        return None
    expires = record.get("expiresAt")
    if expires and parse_iso(expires) <= rt.clock.now():
        return None
    return record


def public_api_key(record: dict[str, Any]) -> dict[str, Any]:
    """A key record as clients see it: never the key or its hash."""
    return {name: record.get(name) for name in PUBLIC_FIELDS}
