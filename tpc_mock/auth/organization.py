"""/api/auth/organization/*: better-auth's organization plugin over the seeded organizations.

list, set-active, get-full-organization, list-members and get-active-member answer with
the plugin's shapes and errors (1.7.25). The caller is a session cookie or a bearer
token; an API key is no user session (401 UNAUTHORIZED), as on the other session routes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ..clock import iso
from ..runtime import Runtime
from ..web import runtime
from .bearer import request_session_token
from .resolve import Caller
from .routes import Field, check_body, read_body
from .sessions import BetterAuthError, dont_remember, session_cookie_headers
from .tokens import signed_in_caller

bp = Blueprint("organization", __name__, url_prefix="/api/auth/organization")

MEMBERSHIP_LIMIT = 100  # the plugin's default membershipLimit


# The organization plugin's error codes used here, one class each.
class OrganizationNotFound(BetterAuthError):
    status, code, message = 400, "ORGANIZATION_NOT_FOUND", "Organization not found"


class UserIsNotAMemberOfTheOrganization(BetterAuthError):
    status, code = 403, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION"
    message = "User is not a member of the organization"


class YouAreNotAMemberOfThisOrganization(BetterAuthError):
    status, code = 403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION"
    message = "You are not a member of this organization"


class NoActiveOrganization(BetterAuthError):
    status, code, message = 400, "NO_ACTIVE_ORGANIZATION", "No active organization"


class MemberNotFound(BetterAuthError):
    status, code, message = 400, "MEMBER_NOT_FOUND", "Member not found"


SET_ACTIVE = (Field("organizationId", "string", required=False, nullable=True),
              Field("organizationSlug", "string", required=False))
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
    "lt": lambda a, b: a is not None and a < b, "lte": lambda a, b: a is not None and a <= b,
    "gt": lambda a, b: a is not None and a > b, "gte": lambda a, b: a is not None and a >= b,
    "in": lambda a, b: a in (b if isinstance(b, list) else [b]),
    "not_in": lambda a, b: a not in (b if isinstance(b, list) else [b]),
    "contains": lambda a, b: isinstance(a, str) and str(b) in a,
    "starts_with": lambda a, b: isinstance(a, str) and a.startswith(str(b)),
    "ends_with": lambda a, b: isinstance(a, str) and a.endswith(str(b)),
}


# -- model --------------------------------------------------------------------
def organization_payload(org: Mapping[str, Any]) -> dict[str, Any]:
    """An organization row as the plugin returns it."""
    return {"id": org["id"], "name": org["name"], "slug": org.get("slug"),
            "logo": org.get("logo"), "createdAt": org.get("createdAt"),
            "metadata": org.get("metadata")}


def member_payload(rt: Runtime, member: Mapping[str, Any]) -> dict[str, Any]:
    """A member row with the plugin's `user {id, name, email, image}`."""
    user = rt.store.get("users", member["userId"]) or {}
    return {"id": member["id"], "organizationId": member["organizationId"],
            "userId": member["userId"], "role": member["role"],
            "createdAt": member.get("createdAt"),
            "user": {"id": member["userId"], "name": user.get("name"),
                     "email": user.get("email"), "image": user.get("image")}}


def find_organization(rt: Runtime, key: str, *, by_slug: bool) -> dict[str, Any] | None:
    return rt.store.find_one("organizations", "slug", key) if by_slug else rt.store.get(
        "organizations", key)


def membership(rt: Runtime, user_id: str, organization_id: str) -> dict[str, Any] | None:
    return next((m for m in rt.store.find("members", "userId", user_id)
                 if m["organizationId"] == organization_id), None)


def members_of(rt: Runtime, organization_id: str) -> list[dict[str, Any]]:
    rows = list(rt.store.find("members", "organizationId", organization_id))
    rows.sort(key=lambda m: (m.get("createdAt") or "", m["id"]))
    return rows


def set_active(rt: Runtime, caller: Caller, organization_id: str | None) -> dict[str, Any]:
    """Point the caller's session at `organization_id` (None clears it)."""
    return rt.store.update("sessions", caller.session_id or "", {
        "activeOrganizationId": organization_id, "updatedAt": iso(rt.clock.now())})


def active_organization_id(rt: Runtime, caller: Caller) -> str | None:
    row = rt.store.get("sessions", caller.session_id or "")
    return row.get("activeOrganizationId") if row else None


def _refuse_non_member(rt: Runtime, caller: Caller) -> BetterAuthError:
    """403, and the session loses its active organization, as the plugin does."""
    set_active(rt, caller, None)
    return UserIsNotAMemberOfTheOrganization()


def select_members(rows: list[dict[str, Any]], args: Mapping[str, str]) -> list[dict[str, Any]]:
    """list-members' filterField/filterValue/filterOperator and sortBy/sortDirection."""
    field, operator = args.get("filterField"), args.get("filterOperator") or "eq"
    if field:
        test = OPERATORS.get(operator)
        if test is None:
            raise BetterAuthError(400, "VALIDATION_ERROR",
                                  "[query.filterOperator] Invalid option")
        values = request.args.getlist("filterValue")
        value: Any = values if len(values) > 1 else args.get("filterValue")
        rows = [r for r in rows if test(r.get(field), value)]
    sort_by = args.get("sortBy")
    if sort_by:
        direction = args.get("sortDirection") or "asc"
        if direction not in ("asc", "desc"):
            raise BetterAuthError(400, "VALIDATION_ERROR", "[query.sortDirection] Invalid option:"
                                  ' expected one of "asc"|"desc"')
        rows = sorted(rows, key=lambda r: (r.get(sort_by) is None, str(r.get(sort_by) or "")),
                      reverse=direction == "desc")
    return rows


def _number(args: Mapping[str, str], name: str) -> int:
    """`Number(text)` as the plugin reads limit/offset; anything not a finite number is 0."""
    try:
        value = float(args.get(name) or 0)
    except ValueError:
        return 0
    return max(0, int(value)) if math.isfinite(value) else 0


# -- views --------------------------------------------------------------------
@bp.get("/list")
def list_organizations() -> Response:
    caller = signed_in_caller()
    rt = runtime()
    ids = [m["organizationId"] for m in rt.store.find("members", "userId", caller.user_id or "")]
    orgs = [o for o in (rt.store.get("organizations", i) for i in dict.fromkeys(ids)) if o]
    return jsonify([organization_payload(o) for o in orgs])


@bp.post("/set-active")
def set_active_organization() -> Response:
    raw = read_body()
    body = check_body(raw, SET_ACTIVE)
    caller = signed_in_caller()
    rt = runtime()
    organization_id, slug = body["organizationId"], body["organizationSlug"]
    if isinstance(raw, dict) and "organizationId" in raw and organization_id is None:
        if not active_organization_id(rt, caller):
            return jsonify(None)
        set_active(rt, caller, None)
        return _with_session_cookie(rt, jsonify(None))
    if not organization_id and not slug:
        organization_id = active_organization_id(rt, caller)
        if not organization_id:
            return jsonify(None)
    if slug and not organization_id:
        found = find_organization(rt, slug, by_slug=True)
        if found is None:
            raise OrganizationNotFound()
        organization_id = found["id"]
    if membership(rt, caller.user_id or "", organization_id or "") is None:
        raise _refuse_non_member(rt, caller)
    org = rt.store.get("organizations", organization_id or "")
    if org is None:
        raise OrganizationNotFound()
    set_active(rt, caller, org["id"])
    return _with_session_cookie(rt, jsonify(organization_payload(org)))


def _with_session_cookie(rt: Runtime, response: Response) -> Response:
    """setSessionCookie: the session cookie again (and so `set-auth-token`)."""
    token = request_session_token(rt, request.headers, request.cookies)
    if token is not None:
        remember = not dont_remember(rt, request.cookies)
        for cookie in session_cookie_headers(rt, token, remember=remember):
            response.headers.add("Set-Cookie", cookie)
    return response


@bp.get("/get-full-organization")
def get_full_organization() -> Response:
    caller = signed_in_caller()
    rt = runtime()
    slug, given = request.args.get("organizationSlug"), request.args.get("organizationId")
    key = slug or given or active_organization_id(rt, caller)
    if not key:
        return jsonify(None)
    org = find_organization(rt, key, by_slug=bool(slug))
    if org is None:
        raise OrganizationNotFound()
    if membership(rt, caller.user_id or "", org["id"]) is None:
        raise _refuse_non_member(rt, caller)
    limit = _number(request.args, "membersLimit") or MEMBERSHIP_LIMIT
    members = [member_payload(rt, m) for m in members_of(rt, org["id"])[:limit]]
    return jsonify({**organization_payload(org), "invitations": [], "members": members})


@bp.get("/list-members")
def list_members() -> Response:
    caller = signed_in_caller()
    rt = runtime()
    organization_id = request.args.get("organizationId") or active_organization_id(rt, caller)
    slug = request.args.get("organizationSlug")
    if slug:
        found = find_organization(rt, slug, by_slug=True)
        if found is None:
            raise OrganizationNotFound()
        organization_id = found["id"]
    if not organization_id:
        raise NoActiveOrganization()
    if membership(rt, caller.user_id or "", organization_id) is None:
        raise YouAreNotAMemberOfThisOrganization()
    rows = select_members(members_of(rt, organization_id), request.args)
    offset = _number(request.args, "offset")
    limit = _number(request.args, "limit") or MEMBERSHIP_LIMIT
    page = [member_payload(rt, m) for m in rows[offset:offset + limit]]
    return jsonify({"members": page, "total": len(rows)})


@bp.get("/get-active-member")
def get_active_member() -> Response:
    caller = signed_in_caller()
    rt = runtime()
    organization_id = active_organization_id(rt, caller)
    if not organization_id:
        raise NoActiveOrganization()
    member = membership(rt, caller.user_id or "", organization_id)
    if member is None:
        raise MemberNotFound()
    return jsonify(member_payload(rt, member))
