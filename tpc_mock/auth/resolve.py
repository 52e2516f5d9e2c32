"""resolve_caller: x-api-key, then Authorization, then the session cookie; first one decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..clock import iso
from ..envelope import (
    ApiError,
    Forbidden,
    TooManyRequests,
    authentication_required,
    invalid_api_key,
    not_found,
)
from ..runtime import Runtime
from .api_keys import find_valid_api_key, looks_like_api_key
from .bearer import token_of_bearer
from .jwt import looks_like_jwt
from .oauth_tokens import access_token_claims, token_scopes
from .scopes import SCOPES, check_scopes
from .sessions import COOKIE_NAME, SECURE_COOKIE_NAME, find_live_session, token_from_cookie


@dataclass
class Caller:
    """Who is calling, as resolved from the deciding credential."""

    kind: str  # apiKey | bearer | session | none
    id: str | None = None
    user_id: str | None = None
    organization_id: str | None = None  # API keys are bound to one organization
    scopes: tuple[str, ...] | None = None  # None: unscoped (cookie sessions)
    key_start: str | None = None
    session_id: str | None = None
    org_ids: frozenset[str] = field(default_factory=frozenset)

    def can_reach(self, organization_id: str) -> bool:
        return organization_id in self.org_ids


def _user_orgs(rt: Runtime, user_id: str) -> frozenset[str]:
    return frozenset(m["organizationId"] for m in rt.store.find("members", "userId", user_id))


def _api_key_caller(rt: Runtime, key: str) -> Caller:
    record = find_valid_api_key(rt, key)
    if record is None:
        raise invalid_api_key()
    now = iso(rt.clock.now())
    if record.get("lastRequest") != now:  # requests in the same millisecond: already so
        rt.store.touch("apiKeys", record["id"], {"lastRequest": now})
    caller = Caller(
        kind="apiKey", id=record["id"], user_id=record.get("userId"),
        organization_id=record["organizationId"], scopes=tuple(record.get("scopes") or ()),
        key_start=record.get("start"), org_ids=frozenset([record["organizationId"]]),
    )
    try:
        _enforce_rate_limit(rt, record)
    except ApiError as exc:
        exc.caller = caller  # the journal still names the key that was refused
        raise
    return caller


def _enforce_rate_limit(rt: Runtime, record: Mapping[str, object]) -> None:
    if rt.config.rate_limit is None:
        return
    limit, seconds = rt.config.rate_limit
    own = record.get("rateLimitMax")
    if isinstance(own, int) and own > 0:
        limit = min(limit, own)
    verdict = rt.limiter.hit(str(record["id"]), limit, seconds)
    if not verdict.allowed:
        reset_at = datetime.fromtimestamp(verdict.reset_at, timezone.utc)
        raise TooManyRequests(
            "rate_limited",
            {"limit": limit, "resetAt": iso(reset_at)},
            headers={"Retry-After": str(verdict.retry_after)},
        )


def _oauth_caller(rt: Runtime, value: str) -> Caller:
    """An OAuth access token (JWT) for this API: its user, with the catalog scopes it holds."""
    claims = access_token_claims(rt, value)
    if claims is None:
        raise authentication_required("access token invalid, expired or for another resource")
    return Caller(
        kind="bearer", id=f"oauth:{claims.get('client_id')}", user_id=claims["sub"],
        scopes=token_scopes(claims), org_ids=_user_orgs(rt, claims["sub"]),
    )


def _bearer_caller(rt: Runtime, value: str) -> Caller:
    if looks_like_jwt(value):
        return _oauth_caller(rt, value)
    token = token_of_bearer(rt, value)  # plain, or better-auth's signed `token.signature`
    if token is None:
        raise authentication_required("bearer token signature is invalid")
    session = find_live_session(rt, token)
    if session is None:
        raise authentication_required("unknown, expired or revoked bearer token")
    # Device-flow grants carry their scopes; a sign-in session token gets the catalog.
    scopes = session.get("scopes")
    return Caller(
        kind="bearer", id=session["id"], user_id=session["userId"],
        scopes=tuple(scopes) if isinstance(scopes, list) else SCOPES,
        session_id=session["id"], org_ids=_user_orgs(rt, session["userId"]),
    )


def _cookie_caller(rt: Runtime, value: str) -> Caller:
    token = token_from_cookie(rt, value)
    if token is None:
        raise authentication_required("session cookie signature is invalid")
    session = find_live_session(rt, token)
    if session is None:
        raise authentication_required("session unknown or expired")
    return Caller(
        kind="session", id=session["id"], user_id=session["userId"], scopes=None,
        session_id=session["id"], org_ids=_user_orgs(rt, session["userId"]),
    )


# The credentials resolve_caller looks at, in its order, as WSGI environ keys.
CREDENTIAL_HEADERS = (("x-api-key", "HTTP_X_API_KEY"), ("authorization", "HTTP_AUTHORIZATION"))
SESSION_COOKIE_MARK = COOKIE_NAME + "="  # also the tail of the __Secure- name


def presented_credentials(environ: Mapping[str, Any]) -> tuple[str, ...]:
    """Which credentials a request carries, in precedence order: the first one decides.

    Names only (`x-api-key`, `authorization`, `cookie`), never values: for the journal.
    """
    found = tuple(name for name, key in CREDENTIAL_HEADERS if key in environ)
    if SESSION_COOKIE_MARK in environ.get("HTTP_COOKIE", ""):
        found += ("cookie",)
    return found


def resolve_caller(rt: Runtime, headers: Mapping[str, str] | Any,
                   cookies: Mapping[str, str] | Any) -> Caller:
    """Resolve the first present credential; an invalid one never falls through."""
    api_key = headers.get("x-api-key")
    if api_key is not None:
        return _api_key_caller(rt, api_key.strip())
    authorization = headers.get("authorization")
    if authorization is not None:
        value = authorization.strip()
        scheme, _, rest = value.partition(" ")
        if looks_like_api_key(value):
            return _api_key_caller(rt, value)
        if scheme.lower() == "bearer" and looks_like_api_key(rest.strip()):
            return _api_key_caller(rt, rest.strip())
        if scheme.lower() == "bearer" and rest.strip():
            return _bearer_caller(rt, rest.strip())
        raise authentication_required("authorization header is not a bearer token")
    for name in (SECURE_COOKIE_NAME, COOKIE_NAME):
        if name in cookies:
            return _cookie_caller(rt, cookies[name])
    raise authentication_required("no credential")


def require(caller: Caller, scopes: Iterable[str] = ()) -> Caller:
    """Check the caller's scopes for a route (cookie sessions are unscoped)."""
    check_scopes(caller.scopes, scopes)
    return caller


def reject_api_keys(caller: Caller, code: str = "public_api_only") -> None:
    """Internal routes (and routes whose security excludes keys) refuse API keys."""
    if caller.kind == "apiKey":
        details: dict[str, str] | None = {} if code == "public_api_only" else None
        raise Forbidden(code, details)


def require_reach(caller: Caller, organization_id: str, what: str) -> None:
    """404 (never 403) for anything outside the caller's organizations."""
    if not caller.can_reach(organization_id):
        raise not_found(what)


__all__ = ["ApiError", "Caller", "presented_credentials", "reject_api_keys", "require",
           "require_reach", "resolve_caller"]
