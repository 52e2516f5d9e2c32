"""/api/auth/device*: the RFC 8628 device authorization flow, as better-auth answers it.

Errors are `{"error", "error_description"}` with better-auth's messages. Only
digest(device_code) is stored. A signed-in `GET /api/auth/device` claims the
code for that user (approving an unclaimed code claims it too); only that user may
then approve or deny it.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from ..clock import iso, parse_iso
from ..runtime import Runtime
from ..web import error_response, runtime
from .resolve import Caller
from .scopes import SCOPES, unknown_scopes
from .secrets import digest, new_token
from .sessions import BetterAuthError, create_session
from .tokens import optional_user, request_params, signed_in_caller, text_param

bp = Blueprint("device", __name__)

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_SECONDS = 1800
INTERVAL_SECONDS = 5
GUESS_LIMIT = 10  # failed user-code lookups per client IP and window
GUESS_WINDOW_SECONDS = 60

INVALID_DEVICE_CODE = "Invalid device code"
EXPIRED_DEVICE_CODE = "Device code has expired"
EXPIRED_USER_CODE = "User code has expired"
AUTHORIZATION_PENDING = "Authorization pending"
ACCESS_DENIED = "Access denied"
INVALID_USER_CODE = "Invalid user code"
ALREADY_PROCESSED = "Device code already processed"
POLLING_TOO_FREQUENTLY = "Polling too frequently"
AUTHENTICATION_REQUIRED = "Authentication required"


class DeviceError(BetterAuthError):
    """An RFC 8628 error as better-auth's device plugin sends it."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(status, "DEVICE_" + error.upper(), description,
                         reason=f"{error}: {description}")
        self.error = error

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.message}

    def body_on(self, path: str) -> dict[str, Any]:
        return self.body()  # RFC 8628's shape on every path


def invalid_request(description: str) -> DeviceError:
    return DeviceError("invalid_request", description)


# -- codes --------------------------------------------------------------------
def normalize_user_code(text: str) -> str:
    """User codes compare ignoring case, dashes and spaces."""
    return "".join(ch for ch in text.upper() if ch not in "- \t")


def format_user_code(code: str) -> str:
    """`ABCDEFGH` -> `ABCD-EFGH`, for people to read."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def _new_user_code(rt: Runtime) -> str:
    while True:
        code = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
        if rt.store.find_one("deviceCodes", "userCode", code) is None:
            return code


def parse_scope(scope: str | None) -> list[str]:
    """Space-separated catalog scopes (all of them when omitted); invalid_scope otherwise."""
    if scope is None or not scope.strip():
        return list(SCOPES)
    wanted = list(dict.fromkeys(scope.split()))
    unknown = unknown_scopes(wanted)
    if unknown:
        raise DeviceError("invalid_scope", f"Unknown scope: {' '.join(unknown)}")
    return wanted


def issue_device_code(rt: Runtime, client_id: str, scope: str | None,
                      base_url: str | None = None) -> dict[str, Any]:
    """Store a pending code and answer RFC 8628 section 3.2 (URIs under `base_url`)."""
    scopes = parse_scope(scope)
    device_code = new_token(40)
    now = rt.clock.now()
    with rt.store.lock:
        user_code = _new_user_code(rt)
        rt.store.insert("deviceCodes", {
            "id": "devcode_" + new_token(16).lower(), "deviceCodeHash": digest(device_code),
            "userCode": user_code, "status": "pending", "userId": None, "scopes": scopes,
            "clientId": client_id, "interval": INTERVAL_SECONDS,
            "expiresAt": iso(now + timedelta(seconds=CODE_SECONDS)), "lastPolledAt": None,
            "createdAt": iso(now),
        })
    uri = f"{(base_url or rt.config.public_url).rstrip('/')}/device"
    return {"device_code": device_code, "user_code": user_code, "verification_uri": uri,
            "verification_uri_complete": f"{uri}?user_code={user_code}",
            "expires_in": CODE_SECONDS, "interval": INTERVAL_SECONDS}


# -- polling ------------------------------------------------------------------
def poll_token(rt: Runtime, device_code: str, client_id: str, *, ip: str | None = None,
               user_agent: str | None = None) -> dict[str, Any]:
    """One poll of the token endpoint (RFC 8628 section 3.5); the grant is single use."""
    with rt.store.lock:
        record = rt.store.find_one("deviceCodes", "deviceCodeHash", digest(device_code))
        if record is None:
            raise DeviceError("invalid_grant", INVALID_DEVICE_CODE)
        if record["clientId"] != client_id:
            raise DeviceError("invalid_grant", "Client ID mismatch")
        now = rt.clock.now()
        interval = int(record.get("interval") or INTERVAL_SECONDS)
        last = record.get("lastPolledAt")
        # As better-auth: the interval stays fixed and a too-early poll does not move the
        # window, so the next poll `interval` s after the last accepted one is answered.
        if last and (now - parse_iso(last)).total_seconds() < interval:
            raise DeviceError("slow_down", POLLING_TOO_FREQUENTLY)
        rt.store.touch("deviceCodes", record["id"], {"lastPolledAt": iso(now)})
        if parse_iso(record["expiresAt"]) <= now:
            rt.store.remove("deviceCodes", record["id"])
            raise DeviceError("expired_token", EXPIRED_DEVICE_CODE)
        if record["status"] == "pending":
            raise DeviceError("authorization_pending", AUTHORIZATION_PENDING)
        if record["status"] == "denied":
            rt.store.remove("deviceCodes", record["id"])
            raise DeviceError("access_denied", ACCESS_DENIED)
        return _grant(rt, record, ip=ip, user_agent=user_agent)


def _grant(rt: Runtime, record: dict[str, Any], *, ip: str | None,
           user_agent: str | None) -> dict[str, Any]:
    if rt.store.get("users", record.get("userId") or "") is None:
        raise DeviceError("server_error", "User not found", 500)
    with rt.store.transaction():
        rt.store.remove("deviceCodes", record["id"])
        token, session = create_session(rt, record["userId"], ip=ip, user_agent=user_agent)
        session = rt.store.update("sessions", session["id"],
                                  {"scopes": record["scopes"], "clientId": record["clientId"]})
    expires_in = math.floor((parse_iso(session["expiresAt"]) - rt.clock.now()).total_seconds())
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in,
            "scope": " ".join(record["scopes"])}


# -- user codes: brute-force guard, lookup, claim, decision ---------------------
def _guesses(rt: Runtime) -> dict[str, list[float]]:
    state: dict[str, Any] = rt.memory.setdefault("device", {})
    guesses: dict[str, list[float]] = state.setdefault("guesses", {})
    return guesses


def _check_guess_budget(rt: Runtime, ip: str) -> None:
    now = rt.clock.timestamp()
    entry = _guesses(rt).get(ip)
    if entry and now - entry[0] < GUESS_WINDOW_SECONDS and entry[1] >= GUESS_LIMIT:
        retry = max(1, math.ceil(entry[0] + GUESS_WINDOW_SECONDS - now))
        error = BetterAuthError(429, "TOO_MANY_REQUESTS",
                                "Too many requests. Please try again later.",
                                reason="too many failed user code attempts")
        error.headers.update({"Retry-After": str(retry), "X-Retry-After": str(retry)})
        raise error


def _record_failed_guess(rt: Runtime, ip: str) -> None:
    now = rt.clock.timestamp()
    guesses = _guesses(rt)
    entry = guesses.get(ip)
    if entry is None or now - entry[0] >= GUESS_WINDOW_SECONDS:
        guesses[ip] = [now, 1]
    else:
        entry[1] += 1


def find_user_code(rt: Runtime, user_code: str, ip: str) -> dict[str, Any]:
    """The unexpired code a person typed; unknown codes count against the IP's budget."""
    with rt.store.lock:
        _check_guess_budget(rt, ip)
        record = rt.store.find_one("deviceCodes", "userCode", normalize_user_code(user_code))
        if record is None:
            _record_failed_guess(rt, ip)
            raise invalid_request(INVALID_USER_CODE)
        if parse_iso(record["expiresAt"]) <= rt.clock.now():
            raise DeviceError("expired_token", EXPIRED_USER_CODE)
        return record


def verify_user_code(rt: Runtime, user_code: str, ip: str, user_id: str | None) -> dict[str, Any]:
    """GET /api/auth/device: the code's status; a signed-in caller claims a pending code."""
    with rt.store.lock:
        record = find_user_code(rt, user_code, ip)
        if user_id and not record.get("userId") and record["status"] == "pending":
            record = rt.store.update("deviceCodes", record["id"], {"userId": user_id})
        return record


def decide(rt: Runtime, user_code: str, ip: str, caller: Caller, *, approve: bool) -> None:
    """Approve or deny a code: one nobody claimed yet is claimed by the caller first.

    SPEC section 4 lets a signed-in user approve `{userCode}` directly; better-auth's
    own page claims through `GET /api/auth/device` first, which works the same here.
    """
    verb = "approve" if approve else "deny"
    with rt.store.lock:
        record = find_user_code(rt, user_code, ip)
        if record["status"] != "pending":
            raise invalid_request(ALREADY_PROCESSED)
        if record.get("userId") not in (None, caller.user_id):
            raise DeviceError("access_denied",
                              f"You are not authorized to {verb} this device authorization", 403)
        missing = [s for s in record["scopes"] if caller.scopes is not None
                   and s not in caller.scopes]
        if approve and missing:  # a scoped bearer cannot grant more than it holds
            raise DeviceError("access_denied", f"Your token lacks the scopes {' '.join(missing)}",
                              403)
        rt.store.update("deviceCodes", record["id"], {
            "userId": caller.user_id, "status": "approved" if approve else "denied",
            "decidedAt": iso(rt.clock.now())})


# -- views --------------------------------------------------------------------
@bp.errorhandler(DeviceError)
def _device_error(exc: DeviceError) -> Response:
    g.tpc_reason = exc.reason  # the journal keeps only the reason, not the error's fields
    return error_response(exc)


@bp.after_request
def _no_store(response: Response) -> Response:
    if request.path in ("/api/auth/device/code", "/api/auth/device/token"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def client_ip() -> str:
    """The address user-code guesses are counted against."""
    return request.remote_addr or "unknown"


@bp.post("/api/auth/device/code")
def device_code() -> Any:
    params = request_params(invalid_request)
    client_id = text_param(params, "client_id", invalid_request) or ""
    scope = text_param(params, "scope", invalid_request, required=False)
    rt = runtime()
    # Like better-auth without a configured baseURL: the address the client reached.
    base_url = rt.config.base_url or request.host_url
    return jsonify(issue_device_code(rt, client_id, scope, base_url))


@bp.post("/api/auth/device/token")
def device_token() -> Any:
    params = request_params(invalid_request)
    grant_type = text_param(params, "grant_type", invalid_request)
    if grant_type != DEVICE_CODE_GRANT:
        raise DeviceError("unsupported_grant_type", "Unsupported grant type")
    code = text_param(params, "device_code", invalid_request) or ""
    client_id = text_param(params, "client_id", invalid_request) or ""
    return jsonify(poll_token(runtime(), code, client_id, ip=request.remote_addr,
                              user_agent=request.headers.get("User-Agent")))


@bp.get("/api/auth/device")
def device_verify() -> Any:
    rt = runtime()
    user_code = text_param(request.args.to_dict(), "user_code", invalid_request) or ""
    caller = optional_user(rt)
    g.tpc_caller = caller
    record = verify_user_code(rt, user_code, client_ip(), caller.user_id if caller else None)
    return jsonify({"user_code": user_code, "status": record["status"]})


def _not_signed_in() -> DeviceError:
    return DeviceError("unauthorized", AUTHENTICATION_REQUIRED, 401)


def _decide_view(*, approve: bool) -> Any:
    caller = signed_in_caller(_not_signed_in)
    params = request_params(invalid_request)
    user_code = text_param(params, "userCode", invalid_request) or ""
    decide(runtime(), user_code, client_ip(), caller, approve=approve)
    return jsonify({"success": True})


@bp.post("/api/auth/device/approve")
def device_approve() -> Any:
    return _decide_view(approve=True)


@bp.post("/api/auth/device/deny")
def device_deny() -> Any:
    return _decide_view(approve=False)
