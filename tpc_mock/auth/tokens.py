"""/api/auth/list-sessions and /api/auth/revoke-session: a user's sessions and bearer tokens.

Also the request glue the device routes share: a body read as JSON or form, and
the signed-in caller (session cookie with a trusted Origin, or a bearer token).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, jsonify, request

from ..clock import parse_iso
from ..envelope import ApiError
from ..jsonbody import loads_body
from ..runtime import Runtime
from ..web import runtime
from .resolve import Caller, resolve_caller
from .secrets import digest, unseal_token
from .sessions import BetterAuthError, expired_cookie_headers

bp = Blueprint("tokens", __name__)

# What list-sessions shows of a session row besides its token: never the token's hash.
PUBLIC_SESSION_FIELDS = (
    "id", "token", "userId", "createdAt", "updatedAt", "expiresAt", "ipAddress", "userAgent",
    "activeOrganizationId", "clientId", "scopes",
)
FRESH_AGE_SECONDS = 24 * 3600  # better-auth's session.freshAge default


class SessionNotFresh(BetterAuthError):
    status, code, message = 403, "SESSION_NOT_FRESH", "Session is not fresh"


def unauthorized(reason: str | None = None) -> ApiError:
    """better-auth's answer when a route needs a signed-in user and there is none."""
    return BetterAuthError(401, "UNAUTHORIZED", "Unauthorized", reason=reason)


def request_params(bad_request: Callable[[str], ApiError]) -> dict[str, Any]:
    """The body as a flat mapping: JSON object or application/x-www-form-urlencoded."""
    raw = request.get_data(cache=True)
    if request.is_json:
        try:
            data = loads_body(raw) if raw else {}
        except (ValueError, RecursionError) as exc:
            raise bad_request("Malformed JSON body") from exc
        if not isinstance(data, dict):
            raise bad_request("The body must be a JSON object")
        return data
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.to_dict()
    if not raw:
        return {}
    raise bad_request("Send application/json or application/x-www-form-urlencoded")


def text_param(params: dict[str, Any], name: str, bad_request: Callable[[str], ApiError],
               *, required: bool = True) -> str | None:
    """One string parameter: missing (when required) or not a string is a bad request."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(f"{name} is required")
        return None
    if not isinstance(value, str) or len(value) > 512:
        raise bad_request(f"{name} must be a string")
    return value


def _resolve(rt: Runtime) -> Caller:
    return resolve_caller(rt, request.headers, request.cookies)


def signed_in_caller(not_signed_in: Callable[[], ApiError] = unauthorized) -> Caller:
    """The user behind the session cookie or bearer token; API keys are no user session.

    The trusted-Origin check already ran for every /api/auth write (routes.py).
    """
    rt = runtime()
    try:
        caller = _resolve(rt)
    except ApiError as exc:
        g.tpc_reason = exc.reason
        raise not_signed_in() from exc
    g.tpc_caller = caller
    if caller.kind not in ("session", "bearer") or not caller.user_id:
        raise not_signed_in()
    return caller


def optional_user(rt: Runtime) -> Caller | None:
    """The signed-in user if any credential resolves to one, else None (never raises)."""
    try:
        caller = _resolve(rt)
    except ApiError:
        return None
    if caller.kind not in ("session", "bearer") or not caller.user_id:
        return None
    return caller


# -- model --------------------------------------------------------------------
def session_token(rt: Runtime, row: dict[str, Any]) -> str | None:
    """A session row's token: unsealed, or (seeded rows) from the seed's credentials."""
    sealed = row.get("tokenSealed")
    token = unseal_token(rt.config.secret, sealed, row["tokenHash"]) if sealed else None
    if token is not None and digest(token) == row["tokenHash"]:
        return token
    for kind in ("sessions", "bearerTokens"):
        for cred in rt.credentials.get(kind, []):
            if digest(cred["token"]) == row["tokenHash"]:
                return str(cred["token"])
    return None


def check_fresh(rt: Runtime, caller: Caller) -> None:
    """better-auth's freshSessionMiddleware: the session must be under a day old."""
    row = rt.store.get("sessions", caller.session_id or "")
    created = row.get("createdAt") if row else None
    if created and (rt.clock.now() - parse_iso(created)).total_seconds() >= FRESH_AGE_SECONDS:
        raise SessionNotFresh()


def live_sessions(rt: Runtime, user_id: str) -> list[dict[str, Any]]:
    """The user's unexpired sessions and bearer tokens, oldest first, with their tokens."""
    now = rt.clock.now()
    rows = [s for s in rt.store.find("sessions", "userId", user_id)
            if parse_iso(s["expiresAt"]) > now]
    rows.sort(key=lambda s: (s.get("createdAt") or "", s["id"]))
    return [{name: (session_token(rt, row) if name == "token" else row.get(name))
             for name in PUBLIC_SESSION_FIELDS} for row in rows]


def revoke_session(rt: Runtime, user_id: str, token: str) -> str | None:
    """Delete the user's session named by `token` (its id); anything else is a no-op.

    better-auth 1.7.25 answers `{status:true}` for an unknown token or another user's.
    """
    with rt.store.lock:
        row = rt.store.find_one("sessions", "tokenHash", digest(token))
        if row is None or row["userId"] != user_id:
            return None
        rt.store.remove("sessions", row["id"])
        return str(row["id"])


# -- views --------------------------------------------------------------------
def _validation_error(message: str) -> ApiError:
    return BetterAuthError(400, "VALIDATION_ERROR", message)


@bp.get("/api/auth/list-sessions")
def list_sessions() -> Any:
    caller = signed_in_caller()
    check_fresh(runtime(), caller)
    return jsonify(live_sessions(runtime(), caller.user_id or ""))


@bp.post("/api/auth/revoke-session")
def revoke_session_view() -> Any:
    caller = signed_in_caller()
    params = request_params(_validation_error)
    token = params.get("token")
    if not isinstance(token, str):
        received = "undefined" if "token" not in params else type_name(token)
        raise _validation_error(
            f"[body.token] Invalid input: expected string, received {received}")
    rt = runtime()
    removed = revoke_session(rt, caller.user_id or "", token)
    response = jsonify({"status": True})
    if removed is not None and removed == caller.session_id:
        for cookie in expired_cookie_headers(rt):  # revoking one's own session signs out
            response.headers.add("Set-Cookie", cookie)
    return response


def type_name(value: Any) -> str:
    """The JavaScript type name zod reports for a JSON value."""
    if value is None:
        return "null"
    for kind, name in ((bool, "boolean"), ((int, float), "number"), (list, "array"),
                       (dict, "object")):
        if isinstance(value, kind):  # type: ignore[arg-type]
            return name
    return "string"
