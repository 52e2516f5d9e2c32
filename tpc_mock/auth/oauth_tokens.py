"""The token endpoint: authorization_code (PKCE S256) and refresh_token (rotation), and the
access tokens themselves (EdDSA JWTs bound to the public API).

As oauth-provider does: a code works once, and a replayed one revokes the refresh tokens
issued from it; a rotated refresh token presented again within 30 s gets the same answer
again, later it revokes the client's whole family of refresh tokens for that user.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from ..clock import iso, parse_iso
from ..runtime import Runtime
from ..store import declare_index
from .jwt import sign_jwt, verify_jwt
from .oauth_authorize import consume_code
from .oauth_common import (
    ACCESS_TOKEN_SECONDS,
    OFFLINE_ACCESS,
    REFRESH_REUSE_SECONDS,
    REFRESH_TOKEN_SECONDS,
    OAuthError,
    issuer,
    resource_url,
)
from .scopes import SCOPES
from .secrets import digest, new_token, same_digest, seal_token, unseal_token

declare_index("oauthRefreshTokens", "authorizationCodeId", "clientId")


def _grant_error(description: str, error: str = "invalid_grant") -> OAuthError:
    return OAuthError(error, description)


# -- client authentication ------------------------------------------------------
class ClientAuth:
    """Who the token request says it is: id, secret and how it was sent."""

    def __init__(self, client_id: str | None, secret: str | None, method: str) -> None:
        self.client_id, self.secret, self.method = client_id, secret, method


def client_credentials(params: Mapping[str, str], authorization: str | None) -> ClientAuth:
    """HTTP Basic (client_secret_basic), else the form (client_secret_post, or none)."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip()).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as exc:
            raise _invalid_client("invalid authorization header", basic=True) from exc
        client_id, _, secret = decoded.partition(":")
        return ClientAuth(unquote(client_id), unquote(secret), "client_secret_basic")
    posted = params.get("client_secret") or None
    return ClientAuth(params.get("client_id") or None, posted,
                      "client_secret_post" if posted else "none")


def _invalid_client(description: str, *, basic: bool) -> OAuthError:
    """401 with a Basic challenge when Basic was tried, else 400 (as oauth-provider)."""
    error = OAuthError("invalid_client", description, 401 if basic else 400)
    if basic:
        error.headers["WWW-Authenticate"] = "Basic"
    return error


def authenticate_client(rt: Runtime, auth: ClientAuth, grant: str,
                        scopes: list[str] | None = None) -> dict[str, Any]:
    """validateClientCredentials: the client exists, uses its registered method and secret."""
    basic = auth.method == "client_secret_basic"
    client = rt.store.get("oauthClients", auth.client_id or "")
    if client is None:
        raise _invalid_client("missing client", basic=basic)
    if client.get("disabled"):
        raise _invalid_client("client is disabled", basic=basic)
    registered = client["tokenEndpointAuthMethod"]
    if auth.method != "none" and registered != auth.method:
        raise _invalid_client(f"client registered for {registered} cannot use {auth.method}",
                              basic=basic)
    if registered != "none" and not auth.secret:
        raise _invalid_client("client secret must be provided", basic=basic)
    if auth.secret and not client["clientSecretHash"]:
        raise _invalid_client("public client, client secret should not be received", basic=basic)
    if auth.secret and not same_digest(digest(auth.secret), client["clientSecretHash"]):
        raise _invalid_client("invalid client_secret", basic=basic)
    for scope in scopes or []:
        if scope not in client["scopes"]:
            raise OAuthError("invalid_scope", f"client does not allow scope {scope}")
    grants = client["grantTypes"] or ["authorization_code"]
    if grant not in grants and not (grant == "refresh_token" and "authorization_code" in grants):
        raise OAuthError("unauthorized_client",
                         f"client is not authorized to use grant type {grant}")
    return client


# -- grants ---------------------------------------------------------------------
def code_grant(rt: Runtime, params: Mapping[str, str], auth: ClientAuth) -> dict[str, Any]:
    """Exchange a code (bound to client, redirect URI and PKCE verifier) for tokens."""
    code, verifier = params.get("code"), params.get("code_verifier")
    client_id, secret = auth.client_id, auth.secret
    if not client_id:
        raise OAuthError("invalid_request", "client_id is required")
    if not code:
        raise OAuthError("invalid_request", "code is required")
    if not (secret or verifier):
        raise OAuthError("invalid_request", "Either code_verifier or client_secret is required")
    record = consume_code(rt, code)
    if record is None:
        revoke_code_family(rt, digest(code))
        raise _grant_error("invalid code")
    if record["clientId"] != client_id:
        raise _grant_error("invalid client_id")
    redirect_uri = params.get("redirect_uri")
    if not redirect_uri:
        raise OAuthError("invalid_request", "redirect_uri is required")
    if redirect_uri != record["redirectUri"]:
        raise _grant_error("redirect_uri mismatch")
    resource = params.get("resource")
    if resource and resource != (record.get("resource") or resource_url(rt)):
        raise _grant_error("requested resource not authorized", "invalid_target")
    authenticate_client(rt, auth, "authorization_code", record["scope"].split())
    _check_verifier(record, verifier)
    if rt.store.get("users", record["userId"]) is None:
        raise OAuthError("invalid_user", "missing user, user may have been deleted")
    session = rt.store.get("sessions", record["sessionId"])
    if session is None or parse_iso(session["expiresAt"]) <= rt.clock.now():
        raise OAuthError("invalid_request", "session no longer exists")
    return issue_tokens(rt, client_id, record["userId"], record["sessionId"],
                        record["scope"].split(), authorization_code_id=record["id"])


def _check_verifier(record: Mapping[str, Any], verifier: str | None) -> None:
    if not verifier:
        raise OAuthError("invalid_request",
                         "code_verifier required because PKCE was used in authorization", 401)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    if not hmac.compare_digest(challenge.decode().rstrip("="), record["codeChallenge"] or ""):
        raise OAuthError("invalid_request", "code verification failed", 401)


def refresh_grant(rt: Runtime, params: Mapping[str, str], auth: ClientAuth) -> dict[str, Any]:
    """A new access token and a rotated refresh token for a live refresh token."""
    token, client_id = params.get("refresh_token"), auth.client_id
    if not client_id:
        raise OAuthError("invalid_request", "Missing required client_id")
    if not token:
        raise OAuthError("invalid_request",
                         "Missing a required refresh_token for refresh_token grant")
    row = rt.store.get("oauthRefreshTokens", digest(token))
    if row is None:
        raise _grant_error("session not found")
    if row["clientId"] != client_id or parse_iso(row["expiresAt"]) <= rt.clock.now():
        raise _grant_error("invalid refresh token")
    resource = params.get("resource")
    if resource and resource not in row["resources"]:
        raise _grant_error("requested resource invalid", "invalid_target")
    requested = params["scope"].split() if params.get("scope") else None
    for scope in requested or []:
        if scope not in row["scopes"]:
            raise OAuthError("invalid_scope", f"unable to issue scope {scope}")
    authenticate_client(rt, auth, "refresh_token", requested or row["scopes"])
    if row.get("revokedAt"):
        return _replay_or_revoke(rt, row)
    if rt.store.get("users", row["userId"]) is None:
        raise OAuthError("invalid_request", "user not found")
    answer = issue_tokens(rt, client_id, row["userId"], row["sessionId"],
                          requested or row["scopes"],
                          authorization_code_id=row.get("authorizationCodeId"))
    rt.store.update("oauthRefreshTokens", row["id"], {
        "revokedAt": iso(rt.clock.now()),
        "replaySealed": seal_token(rt.config.secret, json.dumps(answer), row["id"])})
    return answer


def _replay_or_revoke(rt: Runtime, row: Mapping[str, Any]) -> dict[str, Any]:
    revoked = parse_iso(row["revokedAt"])
    sealed = row.get("replaySealed")
    if rt.clock.now() - revoked <= timedelta(seconds=REFRESH_REUSE_SECONDS) and sealed:
        replay = unseal_token(rt.config.secret, sealed, row["id"])
        if replay is not None:
            answer: dict[str, Any] = json.loads(replay)
            return answer
        raise _grant_error("invalid refresh token")
    for other in rt.store.find("oauthRefreshTokens", "clientId", row["clientId"]):
        if other["userId"] == row["userId"]:
            rt.store.remove("oauthRefreshTokens", other["id"])
    raise _grant_error("invalid refresh token")


def revoke_code_family(rt: Runtime, code_id: str) -> None:
    """A replayed code: the refresh tokens issued from it stop working."""
    for row in rt.store.find("oauthRefreshTokens", "authorizationCodeId", code_id):
        rt.store.remove("oauthRefreshTokens", row["id"])


# -- tokens ---------------------------------------------------------------------
def issue_tokens(rt: Runtime, client_id: str, user_id: str, session_id: str,
                 scopes: list[str], *, authorization_code_id: str | None) -> dict[str, Any]:
    """The token response: a JWT access token and, with offline_access, a refresh token."""
    now = rt.clock.now()
    iat = int(now.timestamp())
    resource = resource_url(rt)
    access = sign_jwt(rt, {
        "sub": user_id, "aud": resource, "client_id": client_id, "azp": client_id,
        "scope": " ".join(scopes), "sid": session_id, "iss": issuer(rt), "iat": iat,
        "exp": iat + ACCESS_TOKEN_SECONDS, "jti": new_token(32)})
    answer: dict[str, Any] = {"access_token": access, "expires_in": ACCESS_TOKEN_SECONDS,
                              "expires_at": iat + ACCESS_TOKEN_SECONDS, "token_type": "Bearer"}
    if OFFLINE_ACCESS in scopes:
        refresh = new_token(32)
        rt.store.insert("oauthRefreshTokens", {
            "id": digest(refresh), "clientId": client_id, "userId": user_id,
            "sessionId": session_id, "scopes": scopes, "resources": [resource],
            "authorizationCodeId": authorization_code_id, "revokedAt": None,
            "createdAt": iso(now), "expiresAt": iso(now + timedelta(seconds=REFRESH_TOKEN_SECONDS))})
        answer["refresh_token"] = refresh
    answer["scope"] = " ".join(scopes)
    return answer


def access_token_claims(rt: Runtime, token: str) -> dict[str, Any] | None:
    """The claims of a live access token for this server's API, else None."""
    claims = verify_jwt(rt, token)
    if claims is None or claims.get("iss") != issuer(rt):
        return None
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    exp = claims.get("exp")
    if resource_url(rt) not in audiences or not isinstance(exp, (int, float)) \
            or exp <= rt.clock.now().timestamp() or not isinstance(claims.get("sub"), str):
        return None
    return claims


def token_scopes(claims: Mapping[str, Any]) -> tuple[str, ...]:
    """The catalog scopes an access token carries (offline_access grants no API access)."""
    granted = str(claims.get("scope") or "").split()
    return tuple(s for s in SCOPES if s in granted)
