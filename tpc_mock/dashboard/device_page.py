"""GET /device: the HTML page where a signed-in user approves or denies a device code."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, make_response, render_template, request

from ..auth.device import DeviceError, find_user_code, format_user_code, normalize_user_code
from ..auth.resolve import Caller
from ..auth.scopes import SCOPE_DESCRIPTIONS
from ..auth.sessions import BetterAuthError
from ..auth.tokens import optional_user
from ..runtime import Runtime
from ..web import runtime

bp = Blueprint("device_page", __name__, template_folder="templates")

UNKNOWN_CODE = "We could not find that code. Check the code your device shows and try again."
EXPIRED_CODE = "This code has expired. Start the sign-in again on your device to get a new one."
TOO_MANY = "Too many attempts with unknown codes. Wait a minute, then try again."
DONE = {"approved": "This request was already approved. You can close this page.",
        "denied": "This request was already denied. Start again on your device if that was a mistake."}
OTHER_USER = "Another account is confirming this code. Sign in as that account to continue."


def sign_in_url(user_code: str) -> str:
    """/sign-in with `next` pointing back at this page (and its code)."""
    back = f"/device?user_code={quote(user_code, safe='')}" if user_code else "/device"
    return "/sign-in?next=" + quote(back, safe="")


def _lookup(rt: Runtime, raw: str, ip: str, caller: Caller) -> tuple[dict[str, Any], int]:
    """The part of the page about one code: the request to confirm, or why there is none."""
    try:
        record = find_user_code(rt, raw, ip)
    except DeviceError as exc:
        expired = exc.error == "expired_token"
        return {"error": EXPIRED_CODE if expired else UNKNOWN_CODE}, 410 if expired else 404
    except BetterAuthError:
        return {"error": TOO_MANY}, 429
    if record["status"] in DONE:
        return {"notice": DONE[record["status"]]}, 200
    if record.get("userId") and record["userId"] != caller.user_id:
        return {"error": OTHER_USER}, 403
    pending = {
        "user_code": record["userCode"], "display_code": format_user_code(record["userCode"]),
        "client_id": record["clientId"], "expires_at": record["expiresAt"],
        "scopes": [{"name": s, "description": SCOPE_DESCRIPTIONS.get(s, "")}
                   for s in record["scopes"]],
    }
    return {"pending": pending}, 200


def page_context(rt: Runtime, raw: str, ip: str, caller: Caller | None) -> tuple[dict[str, Any], int]:
    """Everything the template shows, and the page's status code."""
    context: dict[str, Any] = {"user_code": raw, "signed_in": caller is not None,
                               "sign_in_url": sign_in_url(normalize_user_code(raw)),
                               "pending": None, "error": None, "notice": None, "email": None}
    if caller is None:
        return context, 200
    user = rt.store.get("users", caller.user_id or "") or {}
    context["email"] = user.get("email")
    if not raw.strip():
        return context, 200
    part, status = _lookup(rt, raw, ip, caller)
    context.update(part)
    return context, status


@bp.get("/device")
def device_page() -> Any:
    rt = runtime()
    raw = (request.args.get("user_code") or "")[:64]
    context, status = page_context(rt, raw, request.remote_addr or "unknown", optional_user(rt))
    response = make_response(render_template("device.html", **context), status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"  # the Approve button must not be framed
    return response
