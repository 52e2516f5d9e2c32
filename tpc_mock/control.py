"""/__mock: the control API (fixtures, reset, clock, journal, faults)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from .auth.sessions import cookie_name, session_cookie_value
from .clock import iso, parse_iso
from .envelope import ValidationError, ok
from .runtime import Runtime
from .web import runtime

bp = Blueprint("control", __name__, url_prefix="/__mock")


def fixtures(rt: Runtime) -> dict[str, Any]:
    """The dev world and its credentials in plaintext, as SPEC section 6 lists them."""
    creds = rt.credentials
    passwords = {u["id"]: u["password"] for u in creds.get("users", [])}
    tables = rt.seed["tables"]
    members: dict[str, list[dict[str, str]]] = {}
    for member in tables.get("members", {}).values():
        members.setdefault(member["userId"], []).append(
            {"organizationId": member["organizationId"], "role": member["role"]})
    name = cookie_name(rt)
    return {
        "organizations": [{"id": o["id"], "name": o["name"], "slug": o["slug"]}
                          for o in tables.get("organizations", {}).values()],
        "products": [{"id": p["id"], "name": p["name"], "slug": p.get("slug"),
                      "organizationId": p["organizationId"]}
                     for p in tables.get("products", {}).values()],
        "users": [{"id": u["id"], "email": u["email"], "name": u["name"],
                   "password": passwords.get(u["id"]), "memberships": members.get(u["id"], [])}
                  for u in tables.get("users", {}).values()],
        "apiKeys": [{k: key[k] for k in ("id", "name", "organizationId", "scopes", "key", "enabled")}
                    for key in creds.get("apiKeys", [])],
        "bearerTokens": [dict(t) for t in creds.get("bearerTokens", [])],
        "sessions": [{"userId": s["userId"], "token": s["token"],
                      "cookie": f"{name}={session_cookie_value(rt, s['token'])}"}
                     for s in creds.get("sessions", [])],
    }


def move_clock(rt: Runtime, body: Any) -> str | None:
    """Apply `{advance}` | `{set}` | `{reset}` and return the new now."""
    if not isinstance(body, dict) or not body:
        return iso(rt.clock.now())
    if "advance" in body:
        seconds = body["advance"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or abs(seconds) > 1e10:
            raise _clock_error("advance", "advance must be a number of seconds")
        return iso(rt.clock.advance(float(seconds)))
    if "set" in body:
        try:
            return iso(rt.clock.set(parse_iso(str(body["set"]))))
        except (ValueError, OverflowError) as exc:
            raise _clock_error("set", "set must be an ISO-8601 timestamp") from exc
    if body.get("reset"):
        return iso(rt.clock.reset())
    raise _clock_error("", "send one of advance, set or reset")


def _clock_error(path: str, message: str) -> ValidationError:
    return ValidationError("validation failed", {"issues": [{"path": path, "message": message}]})


def _body() -> Any:
    from .web import json_body

    return json_body() if request.get_data(cache=True) else None


@bp.get("/fixtures")
def get_fixtures() -> Any:
    return ok(fixtures(runtime()))


@bp.post("/reset")
def reset_state() -> Any:
    rt = runtime()
    rt.reset()
    return ok({"reset": True, "now": iso(rt.clock.now())})


@bp.route("/clock", methods=["GET", "POST"])
def clock() -> Any:
    rt = runtime()
    if request.method == "GET":
        return ok({"now": iso(rt.clock.now())})
    return ok({"now": move_clock(rt, _body())})
