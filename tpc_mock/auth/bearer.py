"""better-auth's bearer plugin: `Authorization: Bearer` as the session, and `set-auth-token`.

A bearer value is the plain session token or the signed cookie value `token.signature`
(URL-encoded or not). On /api/auth a valid one stands in for the session cookie and an
invalid one is ignored (the cookie, if any, decides), as the plugin's before-hook does.
Every /api/auth response that sets a live session cookie also carries `set-auth-token`
(the cookie's value, decoded) and exposes it to browsers.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from flask import Response

from ..runtime import Runtime
from .secrets import unsign_bearer_value
from .sessions import HeaderLookup, cookie_name, cookie_token

SCHEME = "bearer "
AUTH_TOKEN_HEADER = "set-auth-token"


def bearer_value(headers: HeaderLookup) -> str | None:
    """The credential after `Bearer ` (scheme case-insensitive), or None."""
    authorization = headers.get("Authorization") or ""
    if authorization[:len(SCHEME)].lower() != SCHEME:
        return None
    return authorization[len(SCHEME):].strip() or None


def token_of_bearer(rt: Runtime, value: str) -> str | None:
    """The session token a bearer value names: plain as is, signed when the HMAC holds."""
    if "." not in value:
        return value
    return unsign_bearer_value(rt.config.secret, value)


def request_session_token(rt: Runtime, headers: HeaderLookup,
                          cookies: Mapping[str, str]) -> str | None:
    """The session token an /api/auth route sees: a valid bearer, else the signed cookie."""
    value = bearer_value(headers)
    token = token_of_bearer(rt, value) if value else None
    return token if token is not None else cookie_token(rt, cookies)


def add_auth_token(rt: Runtime, response: Response) -> Response:
    """`set-auth-token` for a response that sets a live session cookie, exposed through CORS."""
    name = cookie_name(rt)
    value = None
    for header in response.headers.getlist("Set-Cookie"):
        pair, *attributes = (part.strip() for part in header.split(";"))
        cookie, _, text = pair.partition("=")
        if cookie == name:  # the last one set wins, as in the response's cookie map
            expired = any(a.lower() == "max-age=0" for a in attributes)
            value = None if expired or not text else text
    if value is None:
        return response
    response.headers[AUTH_TOKEN_HEADER] = unquote(value)
    exposed = [h.strip() for h in response.headers.get("Access-Control-Expose-Headers", "")
               .split(",") if h.strip()]
    if AUTH_TOKEN_HEADER not in exposed:
        exposed.append(AUTH_TOKEN_HEADER)
    response.headers["Access-Control-Expose-Headers"] = ", ".join(exposed)
    return response
