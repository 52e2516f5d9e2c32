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
from .secrets import digest
from .sessions import BetterAuthError

bp = Blueprint("tokens", __name__)

# What list-sessions shows of a session row: never the token or its hash.
PUBLIC_SESSION_FIELDS = (
    "id", "userId", "createdAt", "updatedAt", "expiresAt", "ipAddress", "userAgent",
    "activeOrganizationId", "clientId", "scopes",
)


def unauthorized(reason: str | None = None) -> ApiError:
    """better-auth's answer when a route needs a signed-in user and there is none."""
    return BetterAuthError(401, "UNAUTHORIZED", "Unauthorized", reason=reason)


def session_not_found() -> ApiError:
    return BetterAuthError(400, "SESSION_NOT_FOUND", "Session not found")


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
def live_sessions(rt: Runtime, user_id: str) -> list[dict[str, Any]]:
    """The user's unexpired sessions and bearer tokens, oldest first, without secrets."""
    now = rt.clock.now()
    rows = [s for s in rt.store.find("sessions", "userId", user_id)
            if parse_iso(s["expiresAt"]) > now]
    rows.sort(key=lambda s: (s.get("createdAt") or "", s["id"]))
    return [{name: row.get(name) for name in PUBLIC_SESSION_FIELDS} for row in rows]


def revoke_session(rt: Runtime, user_id: str, *, token: str | None, session_id: str | None) -> None:
    """Delete one of the user's sessions, named by its token (better-auth) or its id."""
    with rt.store.lock:
        if token is not None:
            row = rt.store.find_one("sessions", "tokenHash", digest(token))
            if row is None:
                raise session_not_found()
            if row["userId"] != user_id:
                raise unauthorized("session belongs to another user")
        else:
            row = rt.store.get("sessions", session_id or "")
            if row is None or row["userId"] != user_id:  # another user's id: not found
                raise session_not_found()
        rt.store.remove("sessions", row["id"])


# -- views --------------------------------------------------------------------
def _validation_error(message: str) -> ApiError:
    return BetterAuthError(400, "VALIDATION_ERROR", message)


@bp.get("/api/auth/list-sessions")
def list_sessions() -> Any:
    caller = signed_in_caller()
    return jsonify(live_sessions(runtime(), caller.user_id or ""))


@bp.post("/api/auth/revoke-session")
def revoke_session_view() -> Any:
    caller = signed_in_caller()
    params = request_params(_validation_error)
    token = text_param(params, "token", _validation_error, required=False)
    session_id = text_param(params, "id", _validation_error, required=False)
    if token is None and session_id is None:
        raise _validation_error("token or id is required")
    revoke_session(runtime(), caller.user_id or "", token=token, session_id=session_id)
    return jsonify({"status": True})
