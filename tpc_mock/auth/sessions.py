"""better-auth sessions: signed cookies, lookup, expiry and refresh."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..clock import iso, parse_iso
from ..runtime import Runtime
from .secrets import digest, new_token, sign_cookie_value, unsign_cookie_value

COOKIE_NAME = "better-auth.session_token"
SECURE_COOKIE_NAME = "__Secure-better-auth.session_token"
SESSION_SECONDS = 7 * 24 * 3600  # better-auth's default expiresIn
UPDATE_AGE_SECONDS = 24 * 3600  # refreshed when older than a day


def cookie_name(rt: Runtime) -> str:
    """`__Secure-` prefixed when the server's base URL is https."""
    return SECURE_COOKIE_NAME if rt.config.secure_cookies else COOKIE_NAME


def session_cookie_value(rt: Runtime, token: str) -> str:
    return sign_cookie_value(rt.config.secret, token)


def token_from_cookie(rt: Runtime, value: str) -> str | None:
    """The session token inside a signed cookie value, or None when tampered."""
    return unsign_cookie_value(rt.config.secret, value)


def find_live_session(rt: Runtime, token: str) -> dict[str, Any] | None:
    """The unexpired session whose token is `token`, or None."""
    record = rt.store.find_one("sessions", "tokenHash", digest(token))
    if record is None or parse_iso(record["expiresAt"]) <= rt.clock.now():
        return None
    return record


def create_session(
    rt: Runtime, user_id: str, *, ip: str | None = None, user_agent: str | None = None
) -> tuple[str, dict[str, Any]]:
    """A new session for `user_id`: (plaintext token, stored record)."""
    token = new_token(32)
    now = rt.clock.now()
    member = rt.store.find_one("members", "userId", user_id)
    record = {
        "id": "session_" + new_token(16).lower(),
        "userId": user_id,
        "tokenHash": digest(token),
        "expiresAt": iso(now + timedelta(seconds=SESSION_SECONDS)),
        "activeOrganizationId": member["organizationId"] if member else None,
        "ipAddress": ip,
        "userAgent": user_agent,
        "createdAt": iso(now),
        "updatedAt": iso(now),
    }
    rt.store.insert("sessions", record)
    return token, record


def refresh_if_due(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """Extend a session older than a day to a fresh 7 days, as better-auth does."""
    now = rt.clock.now()
    expires = parse_iso(record["expiresAt"])
    if expires - timedelta(seconds=SESSION_SECONDS - UPDATE_AGE_SECONDS) > now:
        return record
    return rt.store.update("sessions", record["id"], {
        "expiresAt": iso(now + timedelta(seconds=SESSION_SECONDS)),
        "updatedAt": iso(now),
    })
