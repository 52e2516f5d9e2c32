"""/__mock: the control API (fixtures, reset, clock, journal, faults, minted credentials)."""

from __future__ import annotations

import math
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .auth.minting import MintError, mint_api_key, mint_bearer_token
from .auth.sessions import cookie_name, session_cookie_value
from .clock import iso, parse_iso
from .envelope import ERROR_CODES, ApiError, NotFound, ValidationError, ok
from .explain import explain, public_entry
from .querystring import OptionalQueryInt
from .runtime import Fault, Runtime
from .storage import Tables
from .web import query_args, runtime, validate

# Snapshots live beside the runtime (in app.extensions), so a reset never deletes them.
SNAPSHOTS_KEY = "tpc_mock.snapshots"
MAX_SNAPSHOTS = 50
# status -> the first TPC code documented for it (422 -> UNPROCESSABLE_ENTITY, ...).
DEFAULT_CODES = {status: code for code, status in reversed(ERROR_CODES.items())}

CLOCK_MIN = datetime(1970, 1, 1, tzinfo=timezone.utc)
CLOCK_MAX = datetime(3000, 1, 1, tzinfo=timezone.utc)
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
    if body is None or body == {}:
        return iso(rt.clock.now())
    if not isinstance(body, dict):
        raise _clock_error("", "send a JSON object: {advance}, {set} or {reset}")
    if "advance" in body:
        seconds = body["advance"]
        if (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                or not math.isfinite(seconds) or abs(seconds) > 1e10
                or not _in_clock_range(rt.clock.now() + timedelta(seconds=seconds))):
            raise _clock_error("advance", "advance must be a number of seconds within "
                               "1970..2999")
        return iso(rt.clock.advance(float(seconds)))
    if "set" in body:
        try:
            when = parse_iso(str(body["set"]))
            if not _in_clock_range(when):
                raise ValueError("outside 1970..2999")
            return iso(rt.clock.set(when))
        except (ValueError, OverflowError) as exc:
            raise _clock_error("set", "set must be an ISO-8601 timestamp") from exc
    if body.get("reset"):
        return iso(rt.clock.reset())
    raise _clock_error("", "send one of advance, set or reset")


def _in_clock_range(when: datetime) -> bool:
    """Keep now far from datetime's limits, so now + any expiry still fits."""
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return CLOCK_MIN <= when < CLOCK_MAX


def _clock_error(path: str, message: str) -> ApiError:
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


# -- journal --------------------------------------------------------------
class JournalQuery(BaseModel):
    """Filters of GET /__mock/requests; `path` may end with `*` for a prefix."""

    model_config = ConfigDict(extra="forbid")
    method: str | None = Field(None, pattern=r"^[A-Za-z]{1,16}$")
    path: str | None = Field(None, min_length=1, max_length=2048)
    status: OptionalQueryInt = Field(None, ge=100, le=599)
    limit: OptionalQueryInt = Field(None, ge=1)
    explain: bool = False


def path_matches(pattern: str, path: str) -> bool:
    """Exact match, or a prefix match when `pattern` ends with `*`."""
    return path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern


def select_requests(entries: Iterable[dict[str, Any]], query: JournalQuery) -> list[dict[str, Any]]:
    """Journal entries matching the filters, newest last, at most the last `limit`."""
    found = [
        e for e in entries
        if (query.method is None or e["method"] == query.method.upper())
        and (query.path is None or path_matches(query.path, e["path"]))
        and (query.status is None or e["status"] == query.status)
    ]
    found = found[-query.limit:] if query.limit else found
    if not query.explain:
        return [public_entry(e) for e in found]
    return [{**public_entry(e), "explanation": explain(e)} for e in found]


@bp.get("/requests")
def list_requests() -> Any:
    query = query_args(JournalQuery)
    return ok(select_requests(runtime().journal.copy(), query))


@bp.delete("/requests")
def clear_requests() -> Any:
    rt = runtime()
    cleared = len(rt.journal)
    rt.journal.clear()
    return ok({"cleared": cleared})


# -- faults ---------------------------------------------------------------
class FaultIn(BaseModel):
    """POST /__mock/faults: fail (status) and/or stall (delayMs) the next matching requests."""

    model_config = ConfigDict(extra="forbid")
    method: str | None = Field(None, pattern=r"^[A-Za-z]{1,16}$")
    path: str = Field(pattern=r"^/", max_length=2048)
    status: int | None = None
    code: str | None = Field(None, pattern=r"^[A-Z][A-Z0-9_]{0,63}$")
    message: str | None = Field(None, min_length=1, max_length=500)
    times: int | None = Field(None, ge=1, le=1_000_000)
    delayMs: int = Field(0, ge=0, le=30_000)

    @model_validator(mode="after")
    def _does_something(self) -> FaultIn:
        if self.status and not 400 <= self.status <= 599:
            raise ValueError("status must be 400..599 (or 0/omitted for a stall only)")
        if not self.status and not self.delayMs:
            raise ValueError("send a status (400..599), a delayMs, or both")
        if not self.status and (self.code or self.message):
            raise ValueError("code and message need a status")
        return self


FAULT_RETRY_AFTER = "1"  # seconds; clients that honour it (TPC's SDK does) retry soon


@bp.after_app_request
def retry_after_on_injected_429(response: Response) -> Response:
    """An injected 429 carries `Retry-After` like the real limiter's 429."""
    if (response.status_code == 429 and g.get("tpc_reason") == "injected fault"
            and "Retry-After" not in response.headers):
        response.headers["Retry-After"] = FAULT_RETRY_AFTER
    return response


def default_code(status: int) -> str:
    """The TPC code a bare status stands for (418 -> BAD_REQUEST, 599 -> INTERNAL)."""
    return DEFAULT_CODES.get(status) or ("BAD_REQUEST" if status < 500 else "INTERNAL")


def add_fault(rt: Runtime, spec: FaultIn) -> Fault:
    """Register a fault; its code defaults from its status."""
    status = spec.status or 0
    code = spec.code or (default_code(status) if status else None)
    fault = Fault(path=spec.path, status=status, method=spec.method.upper() if spec.method else None,
                  code=code, message=spec.message, times=spec.times, delay_ms=spec.delayMs,
                  id="fault_" + uuid.uuid4().hex[:12])
    with rt.fault_lock:
        rt.faults.append(fault)
    return fault


@bp.post("/faults")
def create_fault() -> Any:
    rt = runtime()
    return ok(add_fault(rt, validate(FaultIn, _body())).to_dict()), 201


@bp.get("/faults")
def list_faults() -> Any:
    rt = runtime()
    with rt.fault_lock:
        return ok([f.to_dict() for f in rt.faults])


@bp.delete("/faults")
def clear_faults() -> Any:
    rt = runtime()
    with rt.fault_lock:
        cleared = len(rt.faults)
        rt.faults.clear()
    return ok({"cleared": cleared})


@bp.delete("/faults/<fault_id>")
def delete_fault(fault_id: str) -> Any:
    rt = runtime()
    with rt.fault_lock:
        fault = next((f for f in rt.faults if f.id == fault_id), None)
        if fault is None:
            raise NotFound("fault not found")
        rt.faults.remove(fault)
    return ok(fault.to_dict())


# -- snapshots ------------------------------------------------------------
class RestoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64)


def _snapshots() -> OrderedDict[str, Tables]:
    shelf: OrderedDict[str, Tables] = current_app.extensions.setdefault(SNAPSHOTS_KEY, OrderedDict())
    return shelf


@bp.post("/snapshot")
def take_snapshot() -> Any:
    shelf = _snapshots()
    snapshot_id = "snap_" + uuid.uuid4().hex[:12]
    shelf[snapshot_id] = runtime().store.snapshot()
    while len(shelf) > MAX_SNAPSHOTS:  # the oldest go first
        shelf.popitem(last=False)
    return ok({"id": snapshot_id}), 201


@bp.post("/restore")
def restore_snapshot() -> Any:
    wanted = validate(RestoreIn, _body())
    blob = _snapshots().get(wanted.id)
    if blob is None:
        raise NotFound("snapshot not found")
    runtime().store.restore(blob)
    return ok({"id": wanted.id, "restored": True})


@bp.get("/snapshots")
def list_snapshots() -> Any:
    return ok([{"id": snapshot_id} for snapshot_id in _snapshots()])


# -- minted credentials (the HTTP twins of the pytest handle's api_key / bearer_token) ----
class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scopes: list[str] | None = Field(None, max_length=64)
    organizationId: str = Field("org_123", min_length=1, max_length=200)
    name: str = Field("control key", min_length=1, max_length=200)
    expiresIn: float | None = Field(None, gt=0, le=10 * 365 * 86400)


class BearerTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scopes: list[str] | None = Field(None, max_length=64)
    userId: str = Field("user_owner", min_length=1, max_length=200)


def _mint_error(exc: MintError) -> ApiError:
    return ValidationError("validation failed", {"issues": [{"path": exc.field,
                                                             "message": str(exc)}]})


@bp.post("/api-keys")
def create_api_key() -> Any:
    spec = validate(ApiKeyIn, _body())
    try:
        minted = mint_api_key(runtime(), spec.scopes, spec.organizationId, name=spec.name,
                              expires_in=spec.expiresIn)
    except MintError as exc:
        raise _mint_error(exc) from exc
    record = minted.record
    return ok({"id": record["id"], "key": minted.key, "start": record["start"],
               "name": record["name"], "organizationId": record["organizationId"],
               "scopes": list(record["scopes"]), "expiresAt": record["expiresAt"]}), 201


@bp.post("/bearer-tokens")
def create_bearer_token() -> Any:
    spec = validate(BearerTokenIn, _body())
    try:
        token, record = mint_bearer_token(runtime(), spec.scopes, spec.userId)
    except MintError as exc:
        raise _mint_error(exc) from exc
    return ok({"token": token, "userId": record["userId"], "scopes": list(record["scopes"]),
               "expiresAt": record["expiresAt"]}), 201
