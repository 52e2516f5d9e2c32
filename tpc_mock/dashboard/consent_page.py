"""GET /consent (the OAuth consent page) and GET /api/auth/error (where unusable authorize
requests land), server-rendered and without network assets."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, redirect, render_template, request
from werkzeug.wrappers import Response

from ..auth.oauth_authorize import verify_query
from ..auth.scopes import SCOPE_DESCRIPTIONS
from ..auth.sessions import session_from_cookies
from ..web import runtime

bp = Blueprint("consent_page", __name__, template_folder="templates")
OFFLINE = "Stay signed in: refresh its access without asking you again"


@bp.get("/consent")
def consent_page() -> Response | tuple[str, int]:
    """The client's name and the scopes it asks for; Allow or Deny."""
    rt = runtime()
    query_string = request.query_string.decode()
    if session_from_cookies(rt, request.cookies) is None:
        return redirect("/sign-in?next=" + quote("/consent?" + query_string, safe="/"))
    query = verify_query(rt, query_string)
    if query is None:
        return render_template("base.html", title="Consent", heading="This request expired",
                               message="Start again from the application that sent you here."), 400
    client = rt.store.get("oauthClients", query.get("client_id") or "")
    if client is None:
        return render_template("base.html", title="Consent", heading="Unknown application",
                               message="This application is not registered."), 404
    scopes = [{"name": s, "description": OFFLINE if s == "offline_access"
               else SCOPE_DESCRIPTIONS.get(s, "")} for s in (query.get("scope") or "").split()]
    return render_template("consent.html", title="Authorize", client_name=client.get("name")
                           or client["id"], scopes=scopes, redirect_host=query["redirect_uri"]), 200


@bp.get("/api/auth/error")
def error_page() -> tuple[str, int]:
    """better-auth's error page: the error and its description."""
    return render_template("base.html", title="Error", heading="Authorization error",
                           message=f"{request.args.get('error', 'unknown_error')}: "
                                   f"{request.args.get('error_description', '')}"), 200
