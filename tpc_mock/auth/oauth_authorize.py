"""The authorization step: /oauth2/authorize and /oauth2/consent, as oauth-provider runs them.

The authorize request travels to the sign-in and consent pages as a signed query (`exp`,
`sig`: HMAC under the server secret, ten minutes), which the consent call sends back as
`oauth_query`. Codes are single use, ten minutes on the emulator's clock, stored by digest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..clock import iso, parse_iso
from ..runtime import Runtime
from ..store import declare_index
from .oauth_common import (
    CODE_SECONDS,
    OFFLINE_ACCESS,
    OAuthError,
    issuer,
    resource_url,
)
from .secrets import digest, new_token

declare_index("oauthConsents", "userId")
QUERY_SECONDS = 600
LOGIN_PAGE = "/sign-in"
CONSENT_PAGE = "/consent"


# -- the signed query -----------------------------------------------------------
def _signature(rt: Runtime, pairs: list[tuple[str, str]]) -> str:
    canonical = urlencode(sorted(pairs))
    mac = hmac.new(rt.config.secret.encode(), canonical.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def sign_query(rt: Runtime, params: Mapping[str, str]) -> str:
    """`params` plus `exp` and `sig`, URL-encoded."""
    pairs = [(k, v) for k, v in params.items() if k not in ("exp", "sig")]
    pairs.append(("exp", str(int(rt.clock.now().timestamp()) + QUERY_SECONDS)))
    pairs.append(("sig", _signature(rt, pairs)))
    return urlencode(pairs)


def verify_query(rt: Runtime, query: str) -> dict[str, str] | None:
    """The parameters of an unexpired, untampered signed query, else None."""
    pairs = parse_qsl(query, keep_blank_values=True)
    sigs = [v for k, v in pairs if k == "sig"]
    rest = [(k, v) for k, v in pairs if k != "sig"]
    if len(sigs) != 1 or not hmac.compare_digest(sigs[0], _signature(rt, rest)):
        return None
    params = dict(rest)
    try:
        if int(params.get("exp", "0")) < rt.clock.now().timestamp():
            return None
    except ValueError:
        return None
    return {k: v for k, v in params.items() if k != "exp"}


# -- redirects ------------------------------------------------------------------
def error_page(rt: Runtime, error: str, description: str) -> str:
    """better-auth's own error page, for errors it cannot send to the client."""
    return f"{rt.config.public_url}/api/auth/error?" + urlencode(
        {"error": error, "error_description": description})


def client_redirect(rt: Runtime, redirect_uri: str, params: Mapping[str, str | None]) -> str:
    """`redirect_uri` with `params` (state and iss included) added to its query."""
    pairs = [(k, v) for k, v in params.items() if v is not None]
    pairs.append(("iss", issuer(rt)))
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return redirect_uri + separator + urlencode(pairs)


def error_redirect(rt: Runtime, query: Mapping[str, str], error: str, description: str) -> str:
    return client_redirect(rt, query["redirect_uri"], {
        "error": error, "error_description": description, "state": query.get("state")})


# -- authorize ------------------------------------------------------------------
def check_request(rt: Runtime, query: dict[str, str]) -> tuple[dict[str, Any] | None, str | None]:
    """(client, None) for an acceptable request, else (None, the URL to send the browser to)."""
    client = rt.store.get("oauthClients", query.get("client_id") or "")
    redirect_ok = client is not None and query.get("redirect_uri") in client["redirectUris"]
    method = query.get("code_challenge_method")
    if method is not None and method != "S256":  # the query schema refuses it first
        description = "code_challenge_method must be one of: S256"
        return None, (error_redirect(rt, query, "invalid_request", description) if redirect_ok
                      else error_page(rt, "invalid_request", description))
    if not query.get("response_type"):
        return None, (error_redirect(rt, query, "invalid_request", "response_type is required")
                      if redirect_ok else error_page(rt, "invalid_request",
                                                     "response_type is required"))
    if query["response_type"] != "code":
        return None, error_page(rt, "unsupported_response_type", "unsupported response type")
    if client is None:
        return None, error_page(rt, "invalid_client", "client_id is required")
    if client.get("disabled"):
        return None, error_page(rt, "client_disabled", "client is disabled")
    if not redirect_ok:
        return None, error_page(rt, "invalid_redirect", "invalid redirect uri")
    scopes = (query.get("scope") or "").split()
    invalid = [s for s in scopes if s not in client["scopes"]]
    if invalid:
        return None, error_redirect(rt, query, "invalid_scope",
                                    f"The following scopes are invalid: {', '.join(invalid)}")
    if not scopes:
        query["scope"] = " ".join(client["scopes"])
    resource = query.get("resource")
    if resource is not None and resource not in client["resources"]:
        return None, error_redirect(rt, query, "invalid_target",
                                    f"requested resource {resource} does not exist")
    if not (query.get("code_challenge") and method):
        return None, error_redirect(rt, query, "invalid_request", _pkce_reason(client, query))
    return client, None


def _pkce_reason(client: Mapping[str, Any], query: Mapping[str, str]) -> str:
    if client["tokenEndpointAuthMethod"] == "none":
        return "pkce is required for public clients"
    if OFFLINE_ACCESS in (query.get("scope") or "").split():
        return "pkce or OIDC nonce is required when requesting offline_access scope"
    return "pkce is required for this client"


def authorize(rt: Runtime, query: dict[str, str], user_id: str | None,
              session_id: str | None) -> str:
    """Where the browser goes next: the client (code or error), sign-in, or consent."""
    client, refused = check_request(rt, query)
    if refused is not None:
        return refused
    assert client is not None
    prompts = set((query.get("prompt") or "").split())
    if user_id is None or session_id is None or "login" in prompts:
        if "none" in prompts:
            return error_redirect(rt, query, "login_required", "authentication required")
        return LOGIN_PAGE + "?" + sign_query(rt, _without(query, "prompt"))
    if "consent" in prompts or not has_consent(rt, user_id, client["id"], query):
        if "none" in prompts:
            return error_redirect(rt, query, "consent_required", "End-User consent is required")
        return f"{rt.config.public_url}{CONSENT_PAGE}?" + sign_query(rt, _without(query, "prompt"))
    return issue_code(rt, query, user_id, session_id)


def _without(query: Mapping[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in query.items() if k != name}


def has_consent(rt: Runtime, user_id: str, client_id: str, query: Mapping[str, str]) -> bool:
    """A remembered consent covering the requested scopes and resource."""
    consent = find_consent(rt, user_id, client_id)
    if consent is None:
        return False
    wanted = (query.get("scope") or "").split()
    resource = query.get("resource")
    return set(wanted) <= set(consent["scopes"]) and (
        resource is None or resource in consent["resources"])


def find_consent(rt: Runtime, user_id: str, client_id: str) -> dict[str, Any] | None:
    return next((c for c in rt.store.find("oauthConsents", "userId", user_id)
                 if c["clientId"] == client_id), None)


def issue_code(rt: Runtime, query: Mapping[str, str], user_id: str, session_id: str) -> str:
    """Store a single-use code for this request; the client's redirect carrying it."""
    code = new_token(32)
    now = rt.clock.now()
    rt.store.insert("oauthCodes", {
        "id": digest(code), "clientId": query["client_id"], "userId": user_id,
        "sessionId": session_id, "scope": query.get("scope") or "",
        "redirectUri": query["redirect_uri"], "codeChallenge": query.get("code_challenge"),
        "codeChallengeMethod": query.get("code_challenge_method"),
        "resource": query.get("resource"), "createdAt": iso(now),
        "expiresAt": iso(now + timedelta(seconds=CODE_SECONDS))})
    return client_redirect(rt, query["redirect_uri"], {"code": code, "state": query.get("state")})


def consume_code(rt: Runtime, code: str) -> dict[str, Any] | None:
    """The unexpired code record, removed so that it works once; None when unknown."""
    with rt.store.lock:
        record = rt.store.get("oauthCodes", digest(code))
        if record is None:
            return None
        rt.store.remove("oauthCodes", record["id"])
    return record if parse_iso(record["expiresAt"]) > rt.clock.now() else None


# -- consent --------------------------------------------------------------------
def consent(rt: Runtime, user_id: str, session_id: str, oauth_query: Any, accept: Any,
            scope: Any) -> dict[str, Any]:
    """`{redirect: true, url}`: the code (accepted, and remembered) or access_denied."""
    if not isinstance(oauth_query, str) or not oauth_query:
        raise OAuthError("invalid_request", "missing oauth query", no_store=False)
    query = verify_query(rt, oauth_query.lstrip("?"))
    if query is None:
        raise OAuthError("invalid_signature", None, no_store=False)
    if not query.get("client_id"):
        raise OAuthError("invalid_client", "client_id is required", no_store=False)
    requested = (query.get("scope") or "").split()
    granted = scope.split() if isinstance(scope, str) else requested
    if not set(granted) <= set(requested):
        raise OAuthError("invalid_request", "Scope not originally requested", no_store=False)
    if accept is not True:
        return {"redirect": True, "url": error_redirect(rt, query, "access_denied",
                                                        "User denied access")}
    remember_consent(rt, user_id, query["client_id"], granted,
                     [query.get("resource") or resource_url(rt)])
    return {"redirect": True, "url": issue_code(rt, {**query, "scope": " ".join(granted)},
                                                user_id, session_id)}


def remember_consent(rt: Runtime, user_id: str, client_id: str, scopes: list[str],
                     resources: list[str]) -> None:
    now = iso(rt.clock.now())
    with rt.store.lock:
        found = find_consent(rt, user_id, client_id)
        if found is None:
            rt.store.insert("oauthConsents", {
                "id": "consent_" + new_token(16).lower(), "userId": user_id,
                "clientId": client_id, "scopes": scopes, "resources": resources,
                "createdAt": now, "updatedAt": now})
        else:
            rt.store.update("oauthConsents", found["id"], {
                "scopes": scopes, "resources": resources, "updatedAt": now})
