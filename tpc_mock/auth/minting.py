"""Credentials minted for tests: API keys and bearer tokens, without the dashboard or a login.

The pytest handle (`api_key()`, `bearer_token()`) and the control API
(`POST /__mock/api-keys`, `POST /__mock/bearer-tokens`) both mint through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..clock import iso
from ..runtime import Runtime
from .scopes import SCOPES, unknown_scopes
from .secrets import digest, new_api_key, new_token
from .sessions import create_session

DEFAULT_ORGANIZATION = "org_123"
DEFAULT_USER = "user_owner"
BEARER_CLIENT_ID = "tpc-mock-pytest"


class MintError(ValueError):
    """A request to mint that cannot be met; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class MintedKey:
    """A new API key: its plaintext (shown this once) and the stored record."""

    key: str
    record: dict[str, Any]


def checked_scopes(scopes: Sequence[str] | None) -> list[str]:
    """The scopes asked for (all of the catalog when None); MintError for unknown ones."""
    chosen = list(SCOPES if scopes is None else scopes)
    unknown = unknown_scopes(chosen)
    if unknown:
        raise MintError("scopes", f"unknown scopes {unknown}; the catalog is {list(SCOPES)}")
    return chosen


def _iso_after(now: datetime, seconds: float | None) -> str | None:
    return None if seconds is None else iso(now + timedelta(seconds=seconds))


def mint_api_key(rt: Runtime, scopes: Sequence[str] | None = None,
                 organization_id: str = DEFAULT_ORGANIZATION, *, name: str = "pytest key",
                 user_id: str | None = None, expires_in: float | None = None,
                 rate_limit_max: int | None = None) -> MintedKey:
    """Store a real, enabled API key of the organization (owned by its first owner)."""
    if rt.store.get("organizations", organization_id) is None:
        raise MintError("organizationId", f"unknown organization {organization_id!r}")
    if user_id is not None and rt.store.get("users", user_id) is None:
        raise MintError("userId", f"unknown user {user_id!r}")
    chosen = checked_scopes(scopes)
    owners = [m["userId"] for m in rt.store.find("members", "organizationId", organization_id)
              if m.get("role") == "owner"]
    key, now = new_api_key(), rt.clock.now()
    record = rt.store.insert("apiKeys", {
        "id": "apikey_" + new_token(16).lower(), "name": name, "start": key[:6],
        "prefix": "tpc_", "hash": digest(key), "organizationId": organization_id,
        "userId": user_id or (owners[0] if owners else None),
        "scopes": chosen, "enabled": True,
        "expiresAt": _iso_after(now, expires_in), "lastRequest": None,
        "rateLimitMax": rate_limit_max, "createdAt": iso(now), "updatedAt": iso(now),
    })
    return MintedKey(key, record)


def mint_bearer_token(rt: Runtime, scopes: Sequence[str] | None = None,
                      user_id: str = DEFAULT_USER) -> tuple[str, dict[str, Any]]:
    """A bearer token: a session row carrying `scopes`, as the device flow grants one."""
    if rt.store.get("users", user_id) is None:
        raise MintError("userId", f"unknown user {user_id!r}")
    chosen = checked_scopes(scopes)
    token, record = create_session(rt, user_id, ip="127.0.0.1", user_agent="tpc-mock pytest")
    record = rt.store.update("sessions", record["id"], {"scopes": chosen,
                                                        "clientId": BEARER_CLIENT_ID})
    return token, record
