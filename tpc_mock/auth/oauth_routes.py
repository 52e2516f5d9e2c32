"""OAuth 2.1 for MCP clients: `@better-auth/mcp` on `@better-auth/oauth-provider` + jwt.

Discovery (RFC 8414 metadata, RFC 9728 protected-resource metadata, JWKS), RFC 7591
registration, authorize (PKCE S256), consent and token. Only what is served is advertised.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from ..runtime import Runtime
from ..web import error_response, runtime
from . import oauth_authorize, oauth_clients, oauth_tokens
from .bearer import request_session_token
from .jwt import public_jwks
from .oauth_common import NO_STORE, OAuthError, issuer, resource_url, supported_scopes
from .routes import read_body
from .sessions import AuthUnsupportedMediaType, find_live_session
from .tokens import signed_in_caller

bp = Blueprint("oauth", __name__)
METADATA_CACHE = "public, max-age=15, stale-while-revalidate=15, stale-if-error=86400"
FORM = "application/x-www-form-urlencoded"


@bp.errorhandler(OAuthError)
def _oauth_error(exc: OAuthError) -> Response:
    g.tpc_reason = exc.reason  # the journal keeps only the reason, not the error's fields
    return error_response(exc)


def _metadata(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.headers["Cache-Control"] = METADATA_CACHE
    return response


def authorization_server_metadata(rt: Runtime) -> dict[str, Any]:
    """RFC 8414 metadata for what this emulator serves."""
    base = issuer(rt)
    return {
        "scopes_supported": list(supported_scopes()), "issuer": base,
        "authorization_endpoint": f"{base}/oauth2/authorize",
        "token_endpoint": f"{base}/oauth2/token", "jwks_uri": f"{base}/jwks",
        "registration_endpoint": f"{base}/oauth2/register",
        "response_types_supported": ["code"], "response_modes_supported": ["query"],
        "grant_types_supported": list(oauth_clients.GRANT_TYPES),
        "token_endpoint_auth_methods_supported": list(oauth_clients.AUTH_METHODS),
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,
    }


@bp.get("/.well-known/oauth-authorization-server/api/auth")
@bp.get("/api/auth/.well-known/oauth-authorization-server")
def get_authorization_server_metadata() -> Response:
    return _metadata(authorization_server_metadata(runtime()))


@bp.get("/.well-known/oauth-protected-resource")
@bp.get("/.well-known/oauth-protected-resource/api/v1")
def get_protected_resource_metadata() -> Response:
    rt = runtime()
    return _metadata({"resource": resource_url(rt), "authorization_servers": [issuer(rt)],
                      "bearer_methods_supported": ["header"],
                      "scopes_supported": [s for s in supported_scopes()
                                           if s != "offline_access"]})


@bp.get("/api/auth/jwks")
def get_jwks() -> Response:
    return jsonify(public_jwks(runtime()))


@bp.post("/api/auth/oauth2/register")
def register_client() -> Response:
    body = read_body()
    response = jsonify(oauth_clients.register_client(runtime(), body))
    response.status_code = 201
    response.headers.update(NO_STORE)
    return response


def _session() -> tuple[str, str] | None:
    """(user id, session id) of the browser's session (cookie, or bearer), else None."""
    rt = runtime()
    token = request_session_token(rt, request.headers, request.cookies)
    record = find_live_session(rt, token) if token else None
    return (record["userId"], record["id"]) if record else None


@bp.get("/api/auth/oauth2/authorize")
def authorize() -> Response:
    query = {k: v for k, v in request.args.items(multi=False)}
    signed = oauth_authorize.verify_query(runtime(), request.query_string.decode()) \
        if "sig" in query else None
    if signed is not None:  # the login page sends the signed query back
        query = signed
    else:
        query.pop("sig", None)
        query.pop("exp", None)
    session = _session()
    target = oauth_authorize.authorize(runtime(), query, *(session or (None, None)))
    # better-call's redirect: 302, `Location`, a JSON content type and no body
    return Response(b"", status=302, headers={"Location": target}, mimetype="application/json")


@bp.post("/api/auth/oauth2/consent")
def consent() -> Response:
    body = read_body()
    caller = signed_in_caller()
    params = body if isinstance(body, dict) else {}
    return jsonify(oauth_authorize.consent(
        runtime(), caller.user_id or "", caller.session_id or "", params.get("oauth_query"),
        params.get("accept"), params.get("scope")))


@bp.post("/api/auth/oauth2/token")
def token() -> Response:
    if request.mimetype != FORM:
        raise AuthUnsupportedMediaType(message=f'Content-Type "{request.mimetype}" is not '
                                               f"allowed. Allowed types: {FORM}")
    params = request.form.to_dict()
    auth = oauth_tokens.client_credentials(params, request.headers.get("Authorization"))
    grant = params.get("grant_type")
    rt = runtime()
    if grant == "authorization_code":
        answer = oauth_tokens.code_grant(rt, params, auth)
    elif grant == "refresh_token":
        answer = oauth_tokens.refresh_grant(rt, params, auth)
    else:
        raise OAuthError("unsupported_grant_type", f"unsupported grant_type {grant}")
    response = jsonify(answer)
    response.headers.update(NO_STORE)
    return response
