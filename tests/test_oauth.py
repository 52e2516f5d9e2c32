"""OAuth 2.1 for MCP clients, driven by a real third-party client (authlib's OAuth2Session)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from tests.helpers import assert_error
from tpc_mock.server import LiveServer

REDIRECT = "http://127.0.0.1:33418/callback"
SCOPE = "content:read offline_access"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer() as live:
        yield live


@pytest.fixture(autouse=True)
def _reset(server: LiveServer) -> None:
    server.runtime.reset()


def password(server: LiveServer, user_id: str = "user_owner") -> str:
    creds = requests.get(f"{server.url}/__mock/fixtures", timeout=10).json()["data"]
    return str(next(u for u in creds["users"] if u["id"] == user_id)["password"])


def register(server: LiveServer, **metadata: Any) -> requests.Response:
    body = {"redirect_uris": [REDIRECT], "client_name": "Claude Code", "application_type": "native",
            "token_endpoint_auth_method": "none", "grant_types": ["authorization_code",
                                                                   "refresh_token"],
            "response_types": ["code"], **metadata}
    return requests.post(f"{server.url}/api/auth/oauth2/register", json=body, timeout=10)


def new_client(server: LiveServer) -> OAuth2Session:
    client_id = register(server).json()["client_id"]
    return OAuth2Session(client_id, redirect_uri=REDIRECT, scope=SCOPE,
                         code_challenge_method="S256", token_endpoint_auth_method="none")


def browse_to_callback(server: LiveServer, url: str, browser: requests.Session) -> str:
    """What a person does in the browser: sign in, consent; the callback URL it lands on."""
    response = browser.get(url, allow_redirects=False)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    if location.startswith("/sign-in?"):
        page = browser.get(server.url + location)
        assert page.status_code == 200 and "Sign in" in page.text
        signed_in = browser.post(f"{server.url}/api/auth/sign-in/email", json={
            "email": "owner@example.com", "password": password(server)})
        assert signed_in.status_code == 200
        query = location.split("?", 1)[1]
        location = browser.get(f"{server.url}/api/auth/oauth2/authorize?{query}",
                               allow_redirects=False).headers["Location"]
    if location.startswith(f"{server.url}/consent?"):
        page = browser.get(location)
        assert page.status_code == 200 and "Claude Code" in page.text and "content:read" in page.text
        decided = browser.post(f"{server.url}/api/auth/oauth2/consent", headers={
            "Origin": server.url}, json={"accept": True, "oauth_query": location.split("?", 1)[1]})
        assert decided.status_code == 200, decided.text
        assert decided.json()["redirect"] is True
        location = decided.json()["url"]
    return location


def authorize(server: LiveServer, client: OAuth2Session,
              browser: requests.Session) -> tuple[str, str]:
    verifier = generate_token(48)
    url, _state = client.create_authorization_url(f"{server.url}/api/auth/oauth2/authorize",
                                                  code_verifier=verifier,
                                                  resource=f"{server.url}/api/v1")
    return browse_to_callback(server, url, browser), verifier


def fetch_token(server: LiveServer, client: OAuth2Session, callback: str,
                verifier: str) -> dict[str, Any]:
    token: dict[str, Any] = client.fetch_token(f"{server.url}/api/auth/oauth2/token",
                                               authorization_response=callback,
                                               code_verifier=verifier)
    return token


def jwt_part(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


# -- discovery ----------------------------------------------------------------------------------
def test_metadata_documents(server: LiveServer) -> None:
    base = server.url
    for path in ("/.well-known/oauth-authorization-server/api/auth",
                 "/api/auth/.well-known/oauth-authorization-server"):
        meta = requests.get(base + path, timeout=10).json()
        assert meta["issuer"] == f"{base}/api/auth"
        assert meta["authorization_endpoint"] == f"{base}/api/auth/oauth2/authorize"
        assert meta["registration_endpoint"] == f"{base}/api/auth/oauth2/register"
        assert meta["code_challenge_methods_supported"] == ["S256"]
        assert meta["authorization_response_iss_parameter_supported"] is True
    assert requests.get(f"{base}/.well-known/oauth-authorization-server",
                        timeout=10).status_code == 404
    resource = requests.get(f"{base}/.well-known/oauth-protected-resource/api/v1", timeout=10)
    assert resource.json()["resource"] == f"{base}/api/v1"
    assert resource.json()["authorization_servers"] == [f"{base}/api/auth"]
    assert "offline_access" not in resource.json()["scopes_supported"]
    keys = requests.get(f"{base}/api/auth/jwks", timeout=10).json()["keys"]
    assert [(k["kty"], k["crv"], k["alg"]) for k in keys] == [("OKP", "Ed25519", "EdDSA")]


# -- registration -------------------------------------------------------------------------------
def test_registration_of_a_native_public_client(server: LiveServer) -> None:
    response = register(server)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert "client_secret" not in body
    assert (body["redirect_uris"], body["token_endpoint_auth_method"], body["application_type"],
            body["resources"]) == ([REDIRECT], "none", "native", [f"{server.url}/api/v1"])


@pytest.mark.parametrize("metadata,description", [
    ({"application_type": "web"},
     f"web clients require https redirect URIs on non-loopback hosts: {REDIRECT}"),
    ({"redirect_uris": ["http://example.com/cb"]},
     "redirect_uris[0]: Redirect URI must use HTTPS (HTTP allowed only for loopback hosts)"),
    ({"redirect_uris": []},
     "Redirect URIs are required for authorization_code and implicit grant types"),
])
def test_registration_refusals(server: LiveServer, metadata: dict[str, Any],
                               description: str) -> None:
    response = register(server, **metadata)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_redirect_uri", "error_description": description}


# -- the whole flow -----------------------------------------------------------------------------
def test_authlib_completes_the_flow_and_calls_the_api(server: LiveServer) -> None:
    client = new_client(server)
    with requests.Session() as browser:
        callback, verifier = authorize(server, client, browser)
        params = parse_qs(urlsplit(callback).query)
        assert params["iss"] == [f"{server.url}/api/auth"]
        token = fetch_token(server, client, callback, verifier)
        assert token["token_type"] == "Bearer" and token["scope"] == SCOPE
        assert token["expires_in"] == 3600 and isinstance(token["expires_at"], int)
        header, claims = jwt_part(token["access_token"], 0), jwt_part(token["access_token"], 1)
        assert (header["typ"], header["alg"]) == ("at+jwt", "EdDSA")
        assert (claims["aud"], claims["sub"], claims["iss"]) == (
            f"{server.url}/api/v1", "user_owner", f"{server.url}/api/auth")
        pages = client.get(f"{server.url}/api/v1/site/pages", params={"productId": "product_123"})
        assert pages.status_code == 200 and pages.json()["ok"] is True
        refused = client.post(f"{server.url}/api/v1/site/pages",
                              params={"productId": "product_123"},
                              json={"pages": [{"title": "x", "filePath": "/x"}]})
        assert_error(refused, 403, "FORBIDDEN", "insufficient_scope")
        me = client.get(f"{server.url}/api/v1/me").json()["data"]
        assert (me["callerKind"], me["scopes"]) == ("bearer", ["content:read"])
        old_refresh = token["refresh_token"]
        renewed = client.refresh_token(f"{server.url}/api/auth/oauth2/token")
        assert renewed["refresh_token"] != old_refresh and renewed["access_token"]
        again = client.get(f"{server.url}/api/v1/site/pages", params={"productId": "product_123"})
        assert again.status_code == 200
        # consent is remembered: the next authorize goes straight back with a code
        second, _ = authorize(server, client, browser)
        assert "code" in parse_qs(urlsplit(second).query)


def test_the_sign_in_page_continues_the_authorization(server: LiveServer) -> None:
    client = new_client(server)
    url, _ = client.create_authorization_url(f"{server.url}/api/auth/oauth2/authorize",
                                             code_verifier=generate_token(48))
    with requests.Session() as browser:
        location = browser.get(url, allow_redirects=False).headers["Location"]
        page = browser.get(server.url + location).text
        assert 'data-next="/api/auth/oauth2/authorize?' in page.replace("&amp;", "&")


# -- unhappy paths ------------------------------------------------------------------------------
def _code_and_verifier(server: LiveServer) -> tuple[OAuth2Session, str, str]:
    client = new_client(server)
    with requests.Session() as browser:
        callback, verifier = authorize(server, client, browser)
    return client, callback, verifier


def _exchange(server: LiveServer, client_id: str, callback: str, verifier: str) -> requests.Response:
    code = parse_qs(urlsplit(callback).query)["code"][0]
    return requests.post(f"{server.url}/api/auth/oauth2/token", data={
        "grant_type": "authorization_code", "code": code, "client_id": client_id,
        "redirect_uri": REDIRECT, "code_verifier": verifier}, timeout=10)


def test_a_wrong_verifier_is_refused(server: LiveServer) -> None:
    client, callback, _verifier = _code_and_verifier(server)
    response = _exchange(server, client.client_id, callback, "wrong-" * 8)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_request",
                               "error_description": "code verification failed"}


def test_a_reused_code_is_refused_and_revokes_its_refresh_tokens(server: LiveServer) -> None:
    client, callback, verifier = _code_and_verifier(server)
    first = _exchange(server, client.client_id, callback, verifier)
    assert first.status_code == 200
    replay = _exchange(server, client.client_id, callback, verifier)
    assert replay.status_code == 400
    assert replay.json() == {"error": "invalid_grant", "error_description": "invalid code"}
    refresh = requests.post(f"{server.url}/api/auth/oauth2/token", data={
        "grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"],
        "client_id": client.client_id}, timeout=10)
    assert refresh.status_code == 400
    assert refresh.json() == {"error": "invalid_grant", "error_description": "session not found"}


def test_an_expired_code_is_refused(server: LiveServer) -> None:
    client, callback, verifier = _code_and_verifier(server)
    server.runtime.clock.advance(601)
    response = _exchange(server, client.client_id, callback, verifier)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_an_unregistered_redirect_uri_goes_to_the_error_page(server: LiveServer) -> None:
    client = new_client(server)
    url, _ = client.create_authorization_url(f"{server.url}/api/auth/oauth2/authorize",
                                             code_verifier=generate_token(48),
                                             redirect_uri="http://127.0.0.1:9/evil")
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == (f"{server.url}/api/auth/error?error=invalid_redirect"
                                            "&error_description=invalid+redirect+uri")
    assert requests.get(response.headers["Location"], timeout=10).status_code == 200


@pytest.mark.parametrize("extra,description", [
    ({"code_challenge": "x", "code_challenge_method": "plain"},
     "code_challenge_method must be one of: S256"),
    ({}, "pkce is required for public clients"),
])
def test_pkce_s256_only(server: LiveServer, extra: dict[str, str], description: str) -> None:
    client_id = register(server).json()["client_id"]
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT,
              "scope": "content:read", "state": "st1", **extra}
    response = requests.get(f"{server.url}/api/auth/oauth2/authorize", params=params,
                            allow_redirects=False, timeout=10)
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert response.headers["Location"].startswith(REDIRECT + "?")
    assert (query["error"], query["error_description"], query["state"], query["iss"]) == (
        ["invalid_request"], [description], ["st1"], [f"{server.url}/api/auth"])


def test_an_expired_access_token_is_refused(server: LiveServer) -> None:
    client, callback, verifier = _code_and_verifier(server)
    token = _exchange(server, client.client_id, callback, verifier).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    pages = f"{server.url}/api/v1/site/pages?productId=product_123"
    assert requests.get(pages, headers=headers, timeout=10).status_code == 200
    server.runtime.clock.advance(3601)
    assert_error(requests.get(pages, headers=headers, timeout=10), 401, "UNAUTHORIZED",
                 "authentication required")


def test_denied_consent_and_a_tampered_query(server: LiveServer) -> None:
    client = new_client(server)
    verifier = generate_token(48)
    url, _ = client.create_authorization_url(f"{server.url}/api/auth/oauth2/authorize",
                                             code_verifier=verifier, state="st9")
    with requests.Session() as browser:
        location = browser.get(url, allow_redirects=False).headers["Location"]
        browser.post(f"{server.url}/api/auth/sign-in/email", json={
            "email": "owner@example.com", "password": password(server)})
        consent = browser.get(f"{server.url}/api/auth/oauth2/authorize?{location.split('?', 1)[1]}",
                              allow_redirects=False).headers["Location"]
        query = consent.split("?", 1)[1]
        tampered = browser.post(f"{server.url}/api/auth/oauth2/consent",
                                headers={"Origin": server.url},
                                json={"accept": True, "oauth_query": query.replace(
                                    "content%3Aread", "products%3Awrite")})
        assert tampered.status_code == 400 and tampered.json() == {"error": "invalid_signature"}
        denied = browser.post(f"{server.url}/api/auth/oauth2/consent",
                              headers={"Origin": server.url},
                              json={"accept": False, "oauth_query": query}).json()
    params = parse_qs(urlsplit(denied["url"]).query)
    assert (params["error"], params["error_description"], params["state"]) == (
        ["access_denied"], ["User denied access"], ["st9"])


def test_the_token_endpoint_takes_forms_only(server: LiveServer) -> None:
    response = requests.post(f"{server.url}/api/auth/oauth2/token",
                             json={"grant_type": "refresh_token"}, timeout=10)
    assert response.status_code == 415
    assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
    grant = requests.post(f"{server.url}/api/auth/oauth2/token",
                          data={"grant_type": "password", "client_id": "x"}, timeout=10)
    assert grant.status_code == 400 and grant.json() == {
        "error": "unsupported_grant_type", "error_description": "unsupported grant_type password"}


def test_code_challenge_is_s256_of_the_verifier() -> None:
    """The helper the flow relies on: base64url(SHA-256(verifier)) without padding."""
    verifier = "verifier-verifier-verifier-verifier-verifier-0123"
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).decode().rstrip("=") == (
        "NAlM6ihqPlS_acC7V-TtCTWHs5D5eDpQI3Mh3JoLJcc")


def test_a_confidential_client_authenticates_with_its_secret(server: LiveServer) -> None:
    registered = register(server, token_endpoint_auth_method="client_secret_basic").json()
    assert registered["client_secret"] and registered["client_secret_expires_at"] == 0
    client = OAuth2Session(registered["client_id"], registered["client_secret"],
                           redirect_uri=REDIRECT, scope=SCOPE, code_challenge_method="S256")
    with requests.Session() as browser:
        callback, verifier = authorize(server, client, browser)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "code_verifier": verifier}
    wrong = requests.post(f"{server.url}/api/auth/oauth2/token", data=form, timeout=10,
                          auth=(registered["client_id"], "not-the-secret"))
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Basic"
    assert wrong.json() == {"error": "invalid_client", "error_description": "invalid client_secret"}
    with requests.Session() as browser:
        callback, verifier = authorize(server, client, browser)
    token = fetch_token(server, client, callback, verifier)  # authlib sends HTTP Basic
    assert token["refresh_token"] and token["scope"] == SCOPE


def test_refresh_rotation_replays_briefly_then_revokes_the_family(server: LiveServer) -> None:
    client, callback, verifier = _code_and_verifier(server)
    first = _exchange(server, client.client_id, callback, verifier).json()

    def refresh(token: str) -> requests.Response:
        return requests.post(f"{server.url}/api/auth/oauth2/token", data={
            "grant_type": "refresh_token", "refresh_token": token,
            "client_id": client.client_id}, timeout=10)

    rotated = refresh(first["refresh_token"])
    assert rotated.status_code == 200 and rotated.json()["refresh_token"] != first["refresh_token"]
    assert refresh(first["refresh_token"]).json() == rotated.json()  # a retry within 30 s
    server.runtime.clock.advance(31)
    stale = refresh(first["refresh_token"])
    assert stale.status_code == 400 and stale.json() == {
        "error": "invalid_grant", "error_description": "invalid refresh token"}
    assert refresh(rotated.json()["refresh_token"]).json()["error_description"] == (
        "session not found")  # the whole family went with it


def test_unused_codes_are_swept_once_expired(server: LiveServer) -> None:
    _code_and_verifier(server)
    rt = server.runtime
    assert rt.store.count("oauthCodes") == 1
    rt.clock.advance(601)
    assert rt.sweeper.sweep()["oauthCodes"] == 1 and rt.store.count("oauthCodes") == 0
