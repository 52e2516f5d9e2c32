"""The internal routes over the store: the caller, their organizations and products."""

from __future__ import annotations

from typing import Any

from ...auth.resolve import Caller
from ...auth.scopes import SCOPES
from ...envelope import not_found
from ...runtime import Runtime
from .schemas import Me, Membership, ProductSummary


def _memberships(rt: Runtime, user_id: str) -> list[dict[str, Any]]:
    return rt.store.find("members", "userId", user_id)


def organizations_of(rt: Runtime, user_id: str) -> list[Membership]:
    """The user's organizations with their role, by name."""
    found: list[Membership] = []
    for member in _memberships(rt, user_id):
        org = rt.store.get("organizations", member["organizationId"])
        if org:
            found.append({"id": org["id"], "name": org["name"], "slug": org["slug"],
                          "role": member["role"]})
    return sorted(found, key=lambda o: (o["name"], o["id"]))


def me(rt: Runtime, caller: Caller) -> Me:
    """What `tpc auth whoami` shows."""
    user = rt.store.get("users", caller.user_id or "") or {}
    orgs = organizations_of(rt, caller.user_id or "")
    active = None
    if caller.session_id:
        session = rt.store.get("sessions", caller.session_id)
        active = session.get("activeOrganizationId") if session else None
    if active is None and orgs:
        active = orgs[0]["id"]
    return {
        "user": {"id": user.get("id"), "email": user.get("email"), "name": user.get("name"),
                 "image": user.get("image"), "emailVerified": user.get("emailVerified", False),
                 "createdAt": user.get("createdAt")},
        "organizations": orgs,
        "activeOrganizationId": active,
        "callerKind": caller.kind,
        "scopes": list(caller.scopes) if caller.scopes is not None else list(SCOPES),
    }


def products_of(rt: Runtime, caller: Caller, organization_id: str | None
                ) -> list[ProductSummary]:
    """Products of one reachable organization, or of all of them."""
    if organization_id is not None and not caller.can_reach(organization_id):
        raise not_found("organization")
    org_ids = [organization_id] if organization_id else sorted(caller.org_ids)
    products = [p for org_id in org_ids for p in rt.store.find("products", "organizationId", org_id)]
    return [{"id": p["id"], "name": p["name"], "slug": p.get("slug"),
             "organizationId": p["organizationId"], "createdAt": p.get("createdAt")}
            for p in sorted(products, key=lambda p: (p["name"], p["id"]))]
