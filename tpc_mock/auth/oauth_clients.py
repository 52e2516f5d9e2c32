"""RFC 7591 dynamic client registration, as `@better-auth/oauth-provider` checks it.

Registration is open to unauthenticated callers (TPC's MCP server allows it). Public
clients (`token_endpoint_auth_method: "none"`) get no secret; confidential ones get a
`client_secret`, shown once and stored only as its digest.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from ..runtime import Runtime
from .oauth_common import OAuthError, resource_url, supported_scopes
from .secrets import digest, new_token

AUTH_METHODS = ("none", "client_secret_basic", "client_secret_post")
GRANT_TYPES = ("authorization_code", "refresh_token")
FORBIDDEN_NATIVE_SCHEMES = {"javascript", "data", "file", "vbscript", "blob", "about"}


def _invalid_redirect(description: str, *, no_store: bool = True) -> OAuthError:
    return OAuthError("invalid_redirect_uri", description, no_store=no_store)


def _metadata_error(description: str) -> OAuthError:
    return OAuthError("invalid_client_metadata", description)


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_schema(uris: Any) -> list[str]:
    """The body schema's own check: a list of URLs, `http` only on loopback hosts."""
    if uris is None:
        return []
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise _invalid_redirect("redirect_uris must be an array of strings")
    for index, uri in enumerate(uris):
        parts = urlsplit(uri)
        if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
            raise _invalid_redirect(f"redirect_uris[{index}]: Redirect URI must use HTTPS "
                                    "(HTTP allowed only for loopback hosts)", no_store=False)
    return list(uris)


def check_redirect_uri(uri: str, application_type: str) -> None:
    """validateClientRedirectUri: web clients https off loopback; native http on loopback."""
    parts = urlsplit(uri)
    if not parts.scheme or (parts.scheme in ("http", "https") and not parts.netloc):
        raise _invalid_redirect(f"redirect URI must be an absolute URI: {uri}")
    if "#" in uri or "@" in parts.netloc:
        raise _invalid_redirect(f"redirect URI must not include credentials or a fragment: {uri}")
    host = parts.hostname or ""
    loopback = is_loopback(host)
    if application_type == "web":
        if parts.scheme != "https" or loopback:
            raise _invalid_redirect(
                f"web clients require https redirect URIs on non-loopback hosts: {uri}")
        return
    if parts.scheme == "https":
        if loopback:
            raise _invalid_redirect(f"native clients must not use https loopback redirect URIs: {uri}")
        return
    if parts.scheme == "http":
        if parts.netloc.rsplit(":", 1)[0] not in ("localhost", "127.0.0.1", "[::1]"):
            raise _invalid_redirect("native clients may use http only on the exact loopback "
                                    f"hosts localhost, 127.0.0.1, or [::1]: {uri}")
        return
    if parts.scheme in FORBIDDEN_NATIVE_SCHEMES or "." not in parts.scheme or parts.netloc:
        raise _invalid_redirect(
            "native private-use redirect URI schemes must be well-formed reverse-domain names, "
            f"omit the naming authority, and must not use a reserved scheme: {uri}")


def _list_of_strings(body: dict[str, Any], name: str, default: list[str]) -> list[str]:
    value = body.get(name, default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _metadata_error(f"{name} must be an array of strings")
    return list(value)


def register_client(rt: Runtime, body: Any) -> dict[str, Any]:
    """Check the metadata as better-auth does and store the client; the 201 body."""
    if not isinstance(body, dict):
        raise OAuthError("invalid_request", "body must be a JSON object")
    uris = _check_schema(body.get("redirect_uris"))
    method = body.get("token_endpoint_auth_method") or "client_secret_basic"
    if method not in AUTH_METHODS:
        raise _metadata_error(f"unsupported token_endpoint_auth_method {method}")
    grants = _list_of_strings(body, "grant_types", ["authorization_code"])
    responses = _list_of_strings(body, "response_types", ["code"])
    application_type = body.get("application_type") or "web"
    if application_type not in ("web", "native"):
        raise _metadata_error("application_type must be web or native")
    if "authorization_code" in grants and not uris:
        raise _invalid_redirect(
            "Redirect URIs are required for authorization_code and implicit grant types")
    for uri in uris:
        check_redirect_uri(uri, application_type)
    if "client_credentials" in grants:
        raise _metadata_error("client_credentials grant requires authenticated registration")
    for grant in grants:
        if grant not in GRANT_TYPES:
            raise _metadata_error(f"unsupported grant_type {grant}")
    if "authorization_code" in grants and "code" not in responses:
        raise _metadata_error(
            "When 'authorization_code' grant type is used, 'code' response type must be included")
    if "authorization_code" not in grants and "code" in responses:
        raise _metadata_error(
            "When 'code' response type is used, 'authorization_code' grant type must be included")
    scope = body.get("scope")
    allowed = supported_scopes()
    for requested in (scope.split() if isinstance(scope, str) else []):
        if requested not in allowed:
            raise OAuthError("invalid_scope", f"cannot request scope {requested}")
    if body.get("require_pkce") is False:
        raise _metadata_error("pkce is required for registered clients.")
    return _store_client(rt, body, uris, method, grants, responses, application_type)


def _store_client(rt: Runtime, body: dict[str, Any], uris: list[str], method: str,
                  grants: list[str], responses: list[str], application_type: str) -> dict[str, Any]:
    client_id = new_token(32)
    secret = new_token(32) if method != "none" else None
    issued = int(rt.clock.now().timestamp())
    name = body.get("client_name") if isinstance(body.get("client_name"), str) else None
    scopes = list(supported_scopes())
    record: dict[str, Any] = {
        "id": client_id, "clientSecretHash": digest(secret) if secret else None,
        "name": name, "redirectUris": uris, "tokenEndpointAuthMethod": method,
        "grantTypes": grants, "responseTypes": responses, "applicationType": application_type,
        "scopes": scopes, "resources": [resource_url(rt)],
        "issuedAt": issued, "disabled": False,
    }
    rt.store.insert("oauthClients", record)
    answer: dict[str, Any] = {"client_id": client_id}
    if secret:
        answer.update(client_secret=secret, client_secret_expires_at=0)
    answer.update(scope=" ".join(scopes), client_id_issued_at=issued)
    if name is not None:
        answer["client_name"] = name
    answer.update(redirect_uris=uris, token_endpoint_auth_method=method, grant_types=grants,
                  response_types=responses, application_type=application_type,
                  disabled=False, dpop_bound_access_tokens=False,
                  resources=record["resources"])
    return answer
