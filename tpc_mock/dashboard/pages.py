"""The dashboard's HTML pages: /sign-in and /{orgSlug}/settings/api-keys."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from flask import Blueprint, redirect, render_template, request
from werkzeug.wrappers import Response

from ..auth.key_admin import WRITE_ROLES
from ..auth.scopes import SCOPE_DESCRIPTIONS, SCOPES
from ..auth.sessions import session_from_cookies
from ..runtime import Runtime
from ..web import runtime

bp = Blueprint("dashboard", __name__, template_folder="templates")

# A same-site path: one leading slash, no scheme, no backslash or control characters.
SAFE_NEXT = re.compile(r"^/(?![/\\])[^\\\x00-\x1f\x7f]*$")


def safe_next(value: str | None) -> str | None:
    """`value` when it is a relative path on this site, else None (no open redirect)."""
    return value if value and SAFE_NEXT.match(value) else None


def _sign_in_redirect() -> Response:
    target = request.full_path if request.query_string else request.path
    return redirect("/sign-in?next=" + quote(target, safe="/"))


def _signed_in_user(rt: Runtime) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(user, session record) for a valid session cookie, else None."""
    found = session_from_cookies(rt, request.cookies)
    if found is None:
        return None
    user = rt.store.get("users", found[1]["userId"])
    return (user, found[1]) if user else None


def _organizations(rt: Runtime, user_id: str) -> list[dict[str, Any]]:
    """The user's organizations (with their role), by name."""
    found = []
    for member in rt.store.find("members", "userId", user_id):
        org = rt.store.get("organizations", member["organizationId"])
        if org:
            found.append({**org, "role": member["role"]})
    return sorted(found, key=lambda o: (o["name"], o["id"]))


def _not_found(message: str) -> tuple[str, int]:
    return render_template("base.html", title="Not found", heading="Not found",
                           message=message), 404


@bp.get("/sign-in")
def sign_in_page() -> str:
    """The sign-in form; it posts to /api/auth/sign-in/email and then follows `next`.

    Sent here by /api/auth/oauth2/authorize (a signed query), it goes back there after.
    """
    if "sig" in request.args and "client_id" in request.args:
        return render_template("sign_in.html", title="Sign in", next=safe_next(
            "/api/auth/oauth2/authorize?" + request.query_string.decode()))
    return render_template("sign_in.html", title="Sign in",
                           next=safe_next(request.args.get("next")))


@bp.get("/settings/api-keys")
def api_keys_home() -> Response | tuple[str, int]:
    """Send a signed-in user to the API-key settings of their first organization."""
    rt = runtime()
    signed_in = _signed_in_user(rt)
    if signed_in is None:
        return _sign_in_redirect()
    user, session = signed_in
    orgs = _organizations(rt, user["id"])
    active = [o for o in orgs if o["id"] == session.get("activeOrganizationId")]
    if not (active or orgs):
        return _not_found("You are not a member of any organization.")
    return redirect(f"/{(active or orgs)[0]['slug']}/settings/api-keys")


@bp.get("/<org_slug>/settings/api-keys")
def api_keys_page(org_slug: str) -> Response | tuple[str, int] | str:
    """List, create, rotate and revoke the organization's API keys."""
    rt = runtime()
    signed_in = _signed_in_user(rt)
    if signed_in is None:
        return _sign_in_redirect()
    user, _session = signed_in
    org = next((o for o in _organizations(rt, user["id"]) if o["slug"] == org_slug), None)
    if org is None:  # unknown, or not the user's: the same page either way
        return _not_found(f"No organization {org_slug!r} among yours.")
    page = {
        "organizationId": org["id"], "organizationSlug": org["slug"],
        "canWrite": org["role"] in WRITE_ROLES,
        "scopes": [{"name": s, "description": SCOPE_DESCRIPTIONS.get(s, "")} for s in SCOPES],
    }
    return render_template("api_keys.html", title=f"API keys · {org['name']}", org=org,
                           user=user, page=page)
