"""Managing organization API keys (create, list, get, update, revoke), as better-auth's
api-key plugin answers for organization-owned keys.

Who may do what (decided for the emulator, documented in the README):
- any member of the organization (owner, admin, member) may list and get its keys;
- owners and admins may create, update and delete (revoke) them;
- a user outside the organization gets 403 USER_NOT_MEMBER_OF_ORGANIZATION on create
  and list, and 404 KEY_NOT_FOUND for a key id of that organization (no leak).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from ..clock import iso
from ..runtime import Runtime
from .api_keys import public_api_key
from .scopes import unknown_scopes
from .secrets import API_KEY_PREFIX, digest, new_api_key, new_token
from .sessions import BetterAuthError

READ_ROLES = frozenset({"owner", "admin", "member"})
WRITE_ROLES = frozenset({"owner", "admin"})
NAME_MAX = 100
EXPIRES_MIN = 24 * 3600  # better-auth's keyExpiration.minExpiresIn: 1 day
EXPIRES_MAX = 365 * 24 * 3600  # ... and maxExpiresIn: 365 days


# The api-key plugin's error codes used here, one class each.
class KeyNotFound(BetterAuthError):
    status, code, message = 404, "KEY_NOT_FOUND", "API Key not found"


class NameRequired(BetterAuthError):
    status, code, message = 400, "NAME_REQUIRED", "API Key name is required."


class InvalidNameLength(BetterAuthError):
    status, code = 400, "INVALID_NAME_LENGTH"
    message = "The name length is either too large or too small."


class ExpiresInIsTooSmall(BetterAuthError):
    status, code = 400, "EXPIRES_IN_IS_TOO_SMALL"
    message = "The expiresIn is smaller than the predefined minimum value."


class ExpiresInIsTooLarge(BetterAuthError):
    status, code = 400, "EXPIRES_IN_IS_TOO_LARGE"
    message = "The expiresIn is larger than the predefined maximum value."


class NoValuesToUpdate(BetterAuthError):
    status, code, message = 400, "NO_VALUES_TO_UPDATE", "No values to update."


class OrganizationIdRequired(BetterAuthError):
    status, code = 400, "ORGANIZATION_ID_REQUIRED"
    message = "Organization ID is required for organization-owned API keys."


class UserNotMemberOfOrganization(BetterAuthError):
    status, code = 403, "USER_NOT_MEMBER_OF_ORGANIZATION"
    message = "You are not a member of the organization that owns this API key."


class InsufficientApiKeyPermissions(BetterAuthError):
    status, code = 403, "INSUFFICIENT_API_KEY_PERMISSIONS"
    message = "You do not have permission to perform this action on organization API keys."


def role_in(rt: Runtime, user_id: str, organization_id: str) -> str | None:
    """The user's role in the organization, or None when not a member."""
    for member in rt.store.find("members", "userId", user_id):
        if member["organizationId"] == organization_id:
            return str(member["role"])
    return None


def _require_role(rt: Runtime, user_id: str, organization_id: str | None, write: bool) -> None:
    if not organization_id:
        raise OrganizationIdRequired()
    role = role_in(rt, user_id, organization_id)
    if role is None:
        raise UserNotMemberOfOrganization(reason=f"{user_id} not in {organization_id}")
    if role not in (WRITE_ROLES if write else READ_ROLES):
        raise InsufficientApiKeyPermissions(reason=f"role {role} may not change keys")


def _key_of_reach(rt: Runtime, user_id: str, key_id: str, write: bool) -> dict[str, Any]:
    """The key record, when it belongs to one of the user's organizations (else 404)."""
    record = rt.store.get("apiKeys", key_id)
    if record is None or role_in(rt, user_id, record["organizationId"]) is None:
        raise KeyNotFound(reason=f"key {key_id!r} unknown or outside the user's organizations")
    _require_role(rt, user_id, record["organizationId"], write)
    return record


def _check_name(name: str | None) -> str:
    if not name:
        raise NameRequired()
    if len(name) > NAME_MAX:
        raise InvalidNameLength(reason=f"name is {len(name)} characters")
    return name


def _check_scopes(scopes: Sequence[str]) -> list[str]:
    """The scopes without duplicates; 422 SCOPE_INVALID naming unknown ones."""
    unknown = unknown_scopes(scopes)
    if unknown:
        raise BetterAuthError(422, "SCOPE_INVALID", "unknown scope: " + ", ".join(unknown))
    return list(dict.fromkeys(scopes))


def _check_expires_in(expires_in: int | None) -> timedelta | None:
    if expires_in is None:
        return None
    if expires_in < EXPIRES_MIN:
        raise ExpiresInIsTooSmall(reason=f"expiresIn {expires_in}s is under a day")
    if expires_in > EXPIRES_MAX:
        raise ExpiresInIsTooLarge(reason=f"expiresIn {expires_in}s is over 365 days")
    return timedelta(seconds=expires_in)


def create_api_key(
    rt: Runtime, user_id: str, *, name: str | None, organization_id: str | None,
    scopes: Sequence[str], expires_in: int | None = None,
) -> dict[str, Any]:
    """A new key: the public record plus `key`, the plaintext shown this once."""
    _require_role(rt, user_id, organization_id, write=True)
    name = _check_name(name)
    scopes = _check_scopes(scopes)
    lifetime = _check_expires_in(expires_in)
    key = new_api_key()
    now = rt.clock.now()
    record = rt.store.insert("apiKeys", {
        "id": "apikey_" + new_token(16).lower(), "name": name, "start": key[:6],
        "prefix": API_KEY_PREFIX, "hash": digest(key), "organizationId": organization_id,
        "userId": user_id, "scopes": scopes, "enabled": True,
        "expiresAt": iso(now + lifetime) if lifetime else None, "lastRequest": None,
        "rateLimitMax": None, "createdAt": iso(now), "updatedAt": iso(now),
    })
    return {**public_api_key(record), "key": key}


def list_api_keys(rt: Runtime, user_id: str, organization_id: str | None) -> dict[str, Any]:
    """`{apiKeys, total}` of one organization, newest first."""
    _require_role(rt, user_id, organization_id, write=False)
    records = rt.store.find("apiKeys", "organizationId", organization_id)
    records.sort(key=lambda r: (r.get("createdAt") or "", r["id"]), reverse=True)
    return {"apiKeys": [public_api_key(r) for r in records], "total": len(records)}


def get_api_key(rt: Runtime, user_id: str, key_id: str) -> dict[str, Any]:
    """One key's public record."""
    return public_api_key(_key_of_reach(rt, user_id, key_id, write=False))


def update_api_key(
    rt: Runtime, user_id: str, key_id: str, *, name: str | None = None,
    enabled: bool | None = None, scopes: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Rename, enable/disable or re-scope a key; returns the public record."""
    record = _key_of_reach(rt, user_id, key_id, write=True)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _check_name(name)
    if enabled is not None:
        changes["enabled"] = enabled
    if scopes is not None:
        changes["scopes"] = _check_scopes(scopes)
    if not changes:
        raise NoValuesToUpdate()
    changes["updatedAt"] = iso(rt.clock.now())
    return public_api_key(rt.store.update("apiKeys", record["id"], changes))


def delete_api_key(rt: Runtime, user_id: str, key_id: str) -> dict[str, Any]:
    """Revoke a key: its row is removed, so it stops working at once."""
    record = _key_of_reach(rt, user_id, key_id, write=True)
    rt.store.remove("apiKeys", record["id"])
    return {"success": True}
