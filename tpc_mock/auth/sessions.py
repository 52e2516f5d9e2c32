"""better-auth sessions: signed cookies, lookup, expiry and refresh."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from ..clock import iso, parse_iso
from ..envelope import BetterAuthError
from ..runtime import Runtime
from .secrets import (
    digest,
    hash_password,
    new_token,
    seal_token,
    sign_cookie_value,
    unsign_cookie_value,
    verify_password,
)

COOKIE_NAME = "better-auth.session_token"
SECURE_COOKIE_NAME = "__Secure-better-auth.session_token"
SESSION_DATA_NAME = "better-auth.session_data"
DONT_REMEMBER_NAME = "better-auth.dont_remember"
SESSION_SECONDS = 7 * 24 * 3600  # better-auth's default expiresIn
DONT_REMEMBER_SECONDS = 24 * 3600  # a rememberMe:false session lasts a day
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
    rt: Runtime, user_id: str, *, ip: str | None = None, user_agent: str | None = None,
    remember: bool = True,
) -> tuple[str, dict[str, Any]]:
    """A new session for `user_id`: (plaintext token, stored record).

    The row keeps its token sealed under the server secret (`tokenSealed`), so
    list-sessions can show it as better-auth does; lookups go through `tokenHash`.
    """
    token = new_token(32)
    now = rt.clock.now()
    member = rt.store.find_one("members", "userId", user_id)
    seconds = SESSION_SECONDS if remember else DONT_REMEMBER_SECONDS
    record = {
        "id": "session_" + new_token(16).lower(),
        "userId": user_id,
        "tokenHash": digest(token),
        "tokenSealed": seal_token(rt.config.secret, token, digest(token)),
        "expiresAt": iso(now + timedelta(seconds=seconds)),
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


# -- better-auth wire behaviour shared by the /api/auth routes and the dashboard ------------

# better-auth's BASE_ERROR_CODES used here, one class each (BetterAuthError is in envelope).
class InvalidEmailOrPassword(BetterAuthError):
    status, code, message = 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password"


class InvalidEmail(BetterAuthError):
    status, code, message = 400, "INVALID_EMAIL", "Invalid email"


class FailedToGetSession(BetterAuthError):
    status, code, message = 400, "FAILED_TO_GET_SESSION", "Failed to get session"


class InvalidOrigin(BetterAuthError):
    status, code, message = 403, "INVALID_ORIGIN", "Invalid origin"


class MissingOrNullOrigin(BetterAuthError):
    status, code, message = 403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin"


class CrossSiteNavigationLoginBlocked(BetterAuthError):
    status, code = 403, "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"
    message = "Cross-site navigation login blocked. This request appears to be a CSRF attack."


class AuthUnsupportedMediaType(BetterAuthError):
    status, code, message = 415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"


# zod's default email pattern (what better-auth checks sign-in emails with).
EMAIL_PATTERN = re.compile(
    r"^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$"
)


def user_payload(user: Mapping[str, Any]) -> dict[str, Any]:
    """A user as better-auth returns it (never the password hash)."""
    return {name: user.get(name) for name in (
        "id", "email", "name", "image", "emailVerified", "createdAt", "updatedAt")}


def session_payload(record: Mapping[str, Any], token: str) -> dict[str, Any]:
    """A session as better-auth's get-session returns it."""
    return {
        "id": record["id"], "token": token, "userId": record["userId"],
        "expiresAt": record["expiresAt"], "createdAt": record.get("createdAt"),
        "updatedAt": record.get("updatedAt"), "ipAddress": record.get("ipAddress"),
        "userAgent": record.get("userAgent"),
        "activeOrganizationId": record.get("activeOrganizationId"),
    }


def sign_in_email(
    rt: Runtime, email: str, password: str, *, ip: str | None, user_agent: str | None,
    remember: bool = True,
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Check an email and password and open a session: (token, session record, user)."""
    if not EMAIL_PATTERN.match(email):
        raise InvalidEmail()
    user = rt.store.find_one("users", "email", email.lower())
    if user is None or not user.get("passwordHash"):
        hash_password(password)  # spend the same time as a real check, as better-auth does
        raise InvalidEmailOrPassword(reason="unknown email")
    if not verify_password(user["passwordHash"], password):
        raise InvalidEmailOrPassword(reason="wrong password")
    token, record = create_session(rt, user["id"], ip=ip, user_agent=user_agent,
                                   remember=remember)
    return token, record, user


def cookie_token(rt: Runtime, cookies: Mapping[str, str]) -> str | None:
    """The session token of a correctly signed session cookie (either name), or None."""
    for name in (SECURE_COOKIE_NAME, COOKIE_NAME):
        if name in cookies:
            return token_from_cookie(rt, cookies[name])
    return None


def session_from_cookies(
    rt: Runtime, cookies: Mapping[str, str]
) -> tuple[str, dict[str, Any]] | None:
    """(token, live session record) for the request's session cookie, or None."""
    token = cookie_token(rt, cookies)
    if token is None:
        return None
    record = find_live_session(rt, token)
    return (token, record) if record is not None else None


def end_session(rt: Runtime, token: str) -> None:
    """Remove the session row of `token` (sign-out, or an expired session)."""
    record = rt.store.find_one("sessions", "tokenHash", digest(token))
    if record is not None:
        rt.store.remove("sessions", record["id"])


def refresh_session(rt: Runtime, record: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """`refresh_if_due`, also telling whether the session was extended."""
    refreshed = refresh_if_due(rt, record)
    return refreshed, refreshed["expiresAt"] != record["expiresAt"]


def seconds_left(rt: Runtime, record: Mapping[str, Any]) -> int:
    """Whole seconds until the session expires (the cookie's Max-Age)."""
    return max(0, int((parse_iso(record["expiresAt"]) - rt.clock.now()).total_seconds()))


def set_cookie_header(rt: Runtime, token: str, max_age: int | None = SESSION_SECONDS) -> str:
    """The Set-Cookie value better-auth sends for a session (attribute order included).

    `max_age=None` is a browser-session cookie (rememberMe: false).
    """
    return _cookie(rt, cookie_name(rt), session_cookie_value(rt, token), max_age)


def dont_remember_cookie_header(rt: Runtime) -> str:
    """better-auth's signed `dont_remember=true` cookie, set beside a rememberMe:false session."""
    return _cookie(rt, _prefixed(rt, DONT_REMEMBER_NAME), sign_cookie_value(rt.config.secret, "true"),
                   None)


def dont_remember(rt: Runtime, cookies: Mapping[str, str]) -> bool:
    """Whether the request carries a correctly signed dont_remember cookie."""
    value = cookies.get(_prefixed(rt, DONT_REMEMBER_NAME))
    return value is not None and unsign_cookie_value(rt.config.secret, value) is not None


def session_cookie_headers(rt: Runtime, token: str, *, remember: bool) -> list[str]:
    """What better-auth's setSessionCookie sends: the session cookie (+ dont_remember)."""
    if remember:
        return [set_cookie_header(rt, token)]
    return [set_cookie_header(rt, token, None), dont_remember_cookie_header(rt)]


def expired_cookie_header(rt: Runtime) -> str:
    """The Set-Cookie value that deletes the session cookie."""
    return _cookie(rt, cookie_name(rt), "", 0)


def expired_cookie_headers(rt: Runtime) -> list[str]:
    """better-auth's deleteSessionCookie: session_token, session_data and dont_remember."""
    return [_cookie(rt, _prefixed(rt, name), "", 0)
            for name in (COOKIE_NAME, SESSION_DATA_NAME, DONT_REMEMBER_NAME)]


def _prefixed(rt: Runtime, name: str) -> str:
    return "__Secure-" + name if rt.config.secure_cookies else name


def _cookie(rt: Runtime, name: str, value: str, max_age: int | None) -> str:
    secure = "; Secure" if rt.config.secure_cookies else ""
    age = "" if max_age is None else f"; Max-Age={max_age}"
    return f"{name}={value}{age}; Path=/; HttpOnly{secure}; SameSite=Lax"


class HeaderLookup(Protocol):
    """Anything with a `get` like request headers (a dict, or Werkzeug's Headers)."""

    def get(self, key: str) -> str | None: ...


def request_origin(headers: HeaderLookup) -> str:
    """`Origin`, else the origin of `Referer` (what better-auth compares), else ''."""
    origin = headers.get("Origin") or ""
    if origin:
        return origin
    referer = urlsplit(headers.get("Referer") or "")
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else ""


def check_origin(
    method: str, headers: HeaderLookup, trusted: set[str], *, sign_in: bool = False
) -> None:
    """better-auth's CSRF check for a state-changing /api/auth request.

    With any cookie the Origin must be trusted. Sign-in without cookies is checked
    only when the browser sent Fetch Metadata (Sec-Fetch-*), as better-auth's
    formCsrfMiddleware does; plain HTTP clients without cookies pass.
    """
    if method in ("GET", "HEAD", "OPTIONS"):
        return
    if not headers.get("Cookie"):
        if not sign_in:
            return
        site, mode = headers.get("Sec-Fetch-Site"), headers.get("Sec-Fetch-Mode")
        if not (site or mode or headers.get("Sec-Fetch-Dest")):
            return
        if site == "cross-site" and mode == "navigate":
            raise CrossSiteNavigationLoginBlocked()
    origin = request_origin(headers)
    if not origin or origin == "null":
        raise MissingOrNullOrigin()
    if origin.rstrip("/") not in trusted:
        raise InvalidOrigin(reason=f"untrusted origin {origin!r}")
