"""/api/auth: better-auth's sign-in, sign-out, get-session and API-key routes.

Bodies are JSON or form-encoded and checked the way better-call checks them with zod
(400 VALIDATION_ERROR, `[body.field] Invalid input: expected string, received undefined`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, g, jsonify, request

from ..envelope import ApiError
from ..jsonbody import loads_body
from ..web import runtime, trusted_origins
from . import key_admin
from .api_keys import looks_like_api_key
from .bearer import add_auth_token, request_session_token
from .resolve import Caller, resolve_caller
from .scopes import check_scopes
from .sessions import (
    AuthUnsupportedMediaType,
    BetterAuthError,
    check_origin,
    dont_remember,
    end_session,
    expired_cookie_headers,
    find_live_session,
    refresh_session,
    seconds_left,
    session_cookie_headers,
    session_payload,
    set_cookie_header,
    sign_in_email,
    user_payload,
)

bp = Blueprint("auth_routes", __name__, url_prefix="/api/auth")

UNDEFINED: Any = object()  # a body or field that was not sent at all (zod's `undefined`)


class UnauthorizedSession(BetterAuthError):
    status, code, message = 401, "UNAUTHORIZED_SESSION", "Unauthorized or invalid session"


KEY_MANAGER_SCOPE = "products:write"  # what a bearer token needs to manage keys


@dataclass(frozen=True)
class Field:
    """One expected body field: kind is string | boolean | int | strings (a string array)."""

    name: str
    kind: str
    required: bool = True
    nullable: bool = False
    min: int | None = None


SIGN_IN = (Field("email", "string"), Field("password", "string"),
           Field("callbackURL", "string", required=False),
           Field("rememberMe", "boolean", required=False))
CREATE_KEY = (Field("name", "string", required=False), Field("organizationId", "string", False),
              Field("scopes", "strings", min=1),
              Field("expiresIn", "int", required=False, nullable=True, min=1))
UPDATE_KEY = (Field("keyId", "string"), Field("name", "string", required=False),
              Field("enabled", "boolean", required=False),
              Field("scopes", "strings", required=False, min=1))
DELETE_KEY = (Field("keyId", "string"),)
GET_KEY = (Field("id", "string"),)
EXPECTED = {"string": "string", "boolean": "boolean", "int": "number", "strings": "array"}


def _js_type(value: Any) -> str:
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    for kind, name in ((bool, "boolean"), ((int, float), "number"), (str, "string"),
                       (list, "array"), (dict, "object")):
        if isinstance(value, kind):  # type: ignore[arg-type]
            return name
    return "unknown"


def _field_issues(field: Field, value: Any, where: str) -> list[str]:
    path = f"[{where}.{field.name}]"
    if (value is UNDEFINED and not field.required) or (value is None and field.nullable):
        return []
    received = _js_type(value)
    if received != EXPECTED[field.kind]:
        return [f"{path} Invalid input: expected {EXPECTED[field.kind]}, received {received}"]
    if field.kind == "int" and not float(value).is_integer():
        return [f"{path} Invalid input: expected int, received number"]
    if field.kind == "int" and field.min is not None and value < field.min:
        return [f"{path} Too small: expected number to be >={field.min}"]
    if field.kind != "strings":
        return []
    issues = [f"[{where}.{field.name}.{i}] Invalid input: expected string, received {_js_type(v)}"
              for i, v in enumerate(value) if not isinstance(v, str)]
    if field.min is not None and len(value) < field.min:
        issues.append(f"{path} Too small: expected array to have >={field.min} items")
    return issues


def check_body(body: Any, fields: tuple[Field, ...], where: str = "body") -> dict[str, Any]:
    """The expected fields of `body` (None when absent); 400 VALIDATION_ERROR like zod."""
    if not isinstance(body, dict):
        raise BetterAuthError(400, "VALIDATION_ERROR",
                              f"[{where}] Invalid input: expected object, received {_js_type(body)}")
    issues = [i for f in fields for i in _field_issues(f, body.get(f.name, UNDEFINED), where)]
    if issues:
        raise BetterAuthError(400, "VALIDATION_ERROR", "; ".join(issues))
    values = {f.name: body.get(f.name) for f in fields}
    if "expiresIn" in values and values["expiresIn"] is not None:
        values["expiresIn"] = int(values["expiresIn"])
    return values


def read_body() -> Any:
    """The request body as better-call reads it: JSON or form-encoded, else 415."""
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.form.to_dict()
    raw = request.get_data(cache=True)
    if not raw:
        return UNDEFINED
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise AuthUnsupportedMediaType(reason=f"content type {request.mimetype!r}")
    try:
        return loads_body(raw)
    except (ValueError, RecursionError):
        return UNDEFINED


@bp.before_app_request
def enforce_trusted_origin() -> None:
    """better-auth's origin check for every state-changing /api/auth route (device flow too)."""
    if not request.path.startswith("/api/auth/"):
        return
    check_origin(request.method, request.headers, trusted_origins(runtime()),
                 sign_in=request.endpoint == "auth_routes.sign_in")


def _json(body: Any, *cookies: str) -> Response:
    response = jsonify(body)
    for cookie in cookies:
        response.headers.add("Set-Cookie", cookie)
    return response


@bp.post("/sign-in/email")
def sign_in() -> Response:
    rt = runtime()
    body = check_body(read_body(), SIGN_IN)
    callback = body["callbackURL"]
    if callback is not None and not _trusted_callback(callback):
        raise BetterAuthError(403, "INVALID_CALLBACK_URL", "Invalid callbackURL")
    remember = body["rememberMe"] is not False  # better-auth's default is true
    token, _record, user = sign_in_email(rt, body["email"], body["password"],
                                         ip=request.remote_addr,
                                         user_agent=request.headers.get("User-Agent"),
                                         remember=remember)
    payload: dict[str, Any] = {"redirect": bool(callback), "token": token}
    if callback:
        payload["url"] = callback
    payload["user"] = user_payload(user)
    response = _json(payload, *session_cookie_headers(rt, token, remember=remember))
    if callback:
        response.headers["Location"] = callback
    return response


def _trusted_callback(url: str) -> bool:
    """A relative path, or a URL on a trusted origin (better-auth's callbackURL check)."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return True
    parts = urlsplit(url)
    return bool(parts.scheme and parts.netloc) and (
        f"{parts.scheme}://{parts.netloc}" in trusted_origins(runtime()))


@bp.post("/sign-out")
def sign_out() -> Response:
    """1.7.25: always 200 `{success:true}` and expired cookies, with or without a session."""
    rt = runtime()
    token = request_session_token(rt, request.headers, request.cookies)
    if token is not None:
        end_session(rt, token)
    return _json({"success": True}, *expired_cookie_headers(rt))


@bp.get("/get-session")
def get_session() -> Response:
    rt = runtime()
    token = request_session_token(rt, request.headers, request.cookies)
    if token is None:  # no credential, or a tampered cookie
        return _no_store(_json(None))
    record = find_live_session(rt, token)
    user = rt.store.get("users", record["userId"]) if record else None
    if record is None or user is None:  # expired or signed out: clean up, as better-auth does
        end_session(rt, token)
        return _no_store(_json(None, *expired_cookie_headers(rt)))
    if dont_remember(rt, request.cookies):  # rememberMe:false sessions are never extended
        refreshed = False
    else:
        record, refreshed = refresh_session(rt, record)
    body = {"session": session_payload(record, token), "user": user_payload(user)}
    if refreshed:
        return _no_store(_json(body, set_cookie_header(rt, token, seconds_left(rt, record))))
    return _no_store(_json(body))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.after_app_request
def expose_auth_token(response: Response) -> Response:
    """The bearer plugin's after-hook, on every /api/auth answer."""
    if request.path.startswith("/api/auth/"):
        return add_auth_token(runtime(), response)
    return response


def _sends_api_key() -> bool:
    authorization = (request.headers.get("Authorization") or "").strip()
    scheme, _, rest = authorization.partition(" ")
    return (request.headers.get("x-api-key") is not None or looks_like_api_key(authorization)
            or (scheme.lower() == "bearer" and looks_like_api_key(rest.strip())))


def key_manager() -> Caller:
    """The caller of a key-management route: a session, or a bearer with products:write."""
    if _sends_api_key():
        raise UnauthorizedSession(reason="API keys cannot manage API keys")
    try:
        caller = resolve_caller(runtime(), request.headers, request.cookies)
    except ApiError as exc:
        if exc.status != 401:
            raise
        raise UnauthorizedSession(reason=exc.reason) from exc
    g.tpc_caller = caller
    if caller.kind == "bearer":
        check_scopes(caller.scopes, [KEY_MANAGER_SCOPE])
    return caller


@bp.post("/api-key/create")
def create_api_key() -> Response:
    body = check_body(read_body(), CREATE_KEY)
    caller = key_manager()
    return _json(key_admin.create_api_key(
        runtime(), caller.user_id or "", name=body["name"],
        organization_id=body["organizationId"], scopes=body["scopes"],
        expires_in=body["expiresIn"]))


@bp.get("/api-key/list")
def list_api_keys() -> Response:
    caller = key_manager()
    organization_id = request.args.get("organizationId")
    return _json(key_admin.list_api_keys(runtime(), caller.user_id or "", organization_id))


@bp.get("/api-key/get")
def get_api_key() -> Response:
    query = check_body(request.args.to_dict(), GET_KEY, where="query")
    caller = key_manager()
    return _json(key_admin.get_api_key(runtime(), caller.user_id or "", query["id"]))


@bp.post("/api-key/update")
def update_api_key() -> Response:
    body = check_body(read_body(), UPDATE_KEY)
    caller = key_manager()
    return _json(key_admin.update_api_key(
        runtime(), caller.user_id or "", body["keyId"], name=body["name"],
        enabled=body["enabled"], scopes=body["scopes"]))


@bp.post("/api-key/delete")
def delete_api_key() -> Response:
    body = check_body(read_body(), DELETE_KEY)
    caller = key_manager()
    return _json(key_admin.delete_api_key(runtime(), caller.user_id or "", body["keyId"]))
