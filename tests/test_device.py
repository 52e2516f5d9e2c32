"""The device authorization flow (RFC 8628) in better-auth's wire format."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_auth_error
from tpc_mock.auth.scopes import SCOPES
from tpc_mock.auth.secrets import digest
from tpc_mock.auth.sessions import COOKIE_NAME, create_session, session_cookie_value
from tpc_mock.clock import parse_iso
from tpc_mock.runtime import Runtime
from tpc_mock.server import LiveServer

GRANT = "urn:ietf:params:oauth:grant-type:device_code"
ORIGIN = "http://localhost:3000"


def assert_device_error(response: Any, status: int, error: str,
                        description: str | None = None) -> dict[str, Any]:
    """Assert RFC 8628's `{error, error_description}` body with this status."""
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    assert response.status_code == status, (response.status_code, body)
    assert body["error"] == error, body
    assert isinstance(body["error_description"], str), body
    if description is not None:
        assert body["error_description"] == description, body
    assert set(body) == {"error", "error_description"}, body
    return dict(body)


@pytest.fixture
def rt(app: Flask) -> Runtime:
    runtime: Runtime = app.extensions["tpc_mock"]
    return runtime


def start(client: FlaskClient, scope: str | None = None, client_id: str = "tpc-cli") -> dict[str, Any]:
    """POST /api/auth/device/code and return its JSON."""
    body = {"client_id": client_id, **({"scope": scope} if scope is not None else {})}
    response = client.post("/api/auth/device/code", json=body)
    assert response.status_code == 200, response.get_json()
    data: dict[str, Any] = response.get_json()
    return data


def poll(client: FlaskClient, device_code: str, client_id: str = "tpc-cli") -> Any:
    return client.post("/api/auth/device/token", data={
        "grant_type": GRANT, "device_code": device_code, "client_id": client_id})


def sign_in(client: FlaskClient, rt: Runtime, user_id: str = "user_owner") -> None:
    """Give `client` a session cookie for `user_id` (a fresh session row)."""
    token, _ = create_session(rt, user_id)
    client.set_cookie(COOKIE_NAME, session_cookie_value(rt, token))


def approve(client: FlaskClient, user_code: str, action: str = "approve") -> Any:
    """Claim the code for the signed-in user, then approve (or deny) it."""
    assert client.get(f"/api/auth/device?user_code={user_code}").status_code == 200
    return client.post(f"/api/auth/device/{action}", json={"userCode": user_code},
                       headers={"Origin": ORIGIN})


def grant_token(app: Flask, scope: str | None = None, user_id: str = "user_owner") -> str:
    """A whole flow on fresh clients: the bearer token it grants."""
    rt: Runtime = app.extensions["tpc_mock"]
    device, browser = app.test_client(), app.test_client()
    code = start(device, scope)
    sign_in(browser, rt, user_id)
    assert approve(browser, code["user_code"]).get_json() == {"success": True}
    response = poll(device, code["device_code"])
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["access_token"])


def row(rt: Runtime, user_code: str) -> dict[str, Any] | None:
    return rt.store.find_one("deviceCodes", "userCode", user_code)


# -- device/code ------------------------------------------------------------------
def test_device_code_answers_rfc_8628_and_stores_only_a_digest(client: FlaskClient, rt: Runtime) -> None:
    response = client.post("/api/auth/device/code", json={"client_id": "tpc-cli"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert re.fullmatch(r"[A-Za-z0-9]{40}", body["device_code"])
    assert re.fullmatch(r"[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}", body["user_code"])
    assert body["verification_uri"] == "http://localhost/device"  # the address the client used
    assert body["verification_uri_complete"] == f"{body['verification_uri']}?user_code={body['user_code']}"
    assert (body["expires_in"], body["interval"]) == (1800, 5)
    stored = row(rt, body["user_code"])
    assert stored is not None
    assert stored["deviceCodeHash"] == digest(body["device_code"])
    assert body["device_code"] not in json.dumps(stored)
    assert (stored["status"], stored["userId"], stored["clientId"]) == ("pending", None, "tpc-cli")
    assert stored["scopes"] == list(SCOPES)
    lifetime = parse_iso(stored["expiresAt"]) - rt.clock.now()
    assert 1790 < lifetime.total_seconds() <= 1800


def test_verification_uri_follows_the_configured_base_url(fresh_app: AppFactory) -> None:
    app = fresh_app(base_url="https://tpc.example.test/")
    body = start(app.test_client())
    assert body["verification_uri"] == "https://tpc.example.test/device"
    assert body["verification_uri_complete"] == (
        f"https://tpc.example.test/device?user_code={body['user_code']}")


def test_device_code_accepts_a_form_body_with_scopes(client: FlaskClient, rt: Runtime) -> None:
    response = client.post("/api/auth/device/code",
                           data={"client_id": "my-tool", "scope": "content:read  prompts:read"})
    assert response.status_code == 200
    stored = row(rt, response.get_json()["user_code"])
    assert stored is not None
    assert (stored["scopes"], stored["clientId"]) == (["content:read", "prompts:read"], "my-tool")


def test_unknown_scope_is_invalid_scope_and_stores_nothing(client: FlaskClient, rt: Runtime) -> None:
    response = client.post("/api/auth/device/code",
                           json={"client_id": "tpc-cli", "scope": "content:read admin:all"})
    assert_device_error(response, 400, "invalid_scope", "Unknown scope: admin:all")
    assert rt.store.count("deviceCodes") == 0


@pytest.mark.parametrize("kwargs", [
    {"json": {}},
    {"json": {"client_id": ""}},
    {"json": {"client_id": 7}},
    {"json": ["tpc-cli"]},
    {"data": "{not json", "content_type": "application/json"},
    {"data": "client_id=x", "content_type": "text/plain"},
])
def test_device_code_without_a_usable_client_id_is_invalid_request(
        client: FlaskClient, rt: Runtime, kwargs: dict[str, Any]) -> None:
    response = client.post("/api/auth/device/code", **kwargs)
    assert_device_error(response, 400, "invalid_request")
    assert response.headers["Cache-Control"] == "no-store"
    assert rt.store.count("deviceCodes") == 0


# -- device/token -------------------------------------------------------------------
def test_polling_pending_then_slow_down_keeps_the_interval(client: FlaskClient, rt: Runtime) -> None:
    code = start(client)
    response = poll(client, code["device_code"])
    assert_device_error(response, 400, "authorization_pending", "Authorization pending")
    assert response.headers["Cache-Control"] == "no-store"
    rt.clock.advance(2)
    assert_device_error(poll(client, code["device_code"]), 400, "slow_down", "Polling too frequently")
    assert row(rt, code["user_code"])["interval"] == 5  # type: ignore[index]
    rt.clock.advance(2.5)  # 4.5 s after the last accepted poll: still too early
    assert_device_error(poll(client, code["device_code"]), 400, "slow_down")
    rt.clock.advance(0.5)  # 5 s after the last accepted poll
    assert_device_error(poll(client, code["device_code"]), 400, "authorization_pending")


def test_approval_grants_a_scoped_session_token_exactly_once(client: FlaskClient, app: Flask,
                                                            rt: Runtime) -> None:
    code = start(client, "content:read")
    assert_device_error(poll(client, code["device_code"]), 400, "authorization_pending")
    browser = app.test_client()
    sign_in(browser, rt)
    assert approve(browser, code["user_code"]).get_json() == {"success": True}
    assert row(rt, code["user_code"])["status"] == "approved"  # type: ignore[index]
    rt.clock.advance(5)
    response = poll(client, code["device_code"])
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert (body["token_type"], body["scope"]) == ("Bearer", "content:read")
    session = rt.store.find_one("sessions", "tokenHash", digest(body["access_token"]))
    assert session is not None
    assert (session["userId"], session["scopes"], session["clientId"]) == (
        "user_owner", ["content:read"], "tpc-cli")
    to_expiry = (parse_iso(session["expiresAt"]) - rt.clock.now()).total_seconds()
    assert abs(body["expires_in"] - to_expiry) <= 1 and body["expires_in"] > 600000
    assert row(rt, code["user_code"]) is None  # consumed
    rt.clock.advance(5)
    assert_device_error(poll(client, code["device_code"]), 400, "invalid_grant", "Invalid device code")


def test_denial_is_access_denied_then_the_code_is_gone(client: FlaskClient, app: Flask,
                                                      rt: Runtime) -> None:
    code = start(client)
    browser = app.test_client()
    sign_in(browser, rt)
    assert approve(browser, code["user_code"], "deny").get_json() == {"success": True}
    assert row(rt, code["user_code"])["status"] == "denied"  # type: ignore[index]
    assert_device_error(poll(client, code["device_code"]), 400, "access_denied", "Access denied")
    rt.clock.advance(5)
    assert_device_error(poll(client, code["device_code"]), 400, "invalid_grant")
    assert rt.store.count("sessions") == len(rt.seed["tables"]["sessions"]) + 1  # browser only


def test_expired_code_is_expired_token_for_device_and_browser(client: FlaskClient, app: Flask,
                                                             rt: Runtime) -> None:
    code = start(client)
    browser = app.test_client()
    sign_in(browser, rt)
    assert browser.get(f"/api/auth/device?user_code={code['user_code']}").status_code == 200
    rt.clock.advance(1801)
    assert_device_error(browser.get(f"/api/auth/device?user_code={code['user_code']}"),
                        400, "expired_token", "User code has expired")
    assert_device_error(browser.post("/api/auth/device/approve", json={"userCode": code["user_code"]},
                                     headers={"Origin": ORIGIN}), 400, "expired_token")
    assert_device_error(poll(client, code["device_code"]), 400, "expired_token",
                        "Device code has expired")
    assert row(rt, code["user_code"]) is None


def test_another_clients_code_is_invalid_grant(client: FlaskClient, rt: Runtime) -> None:
    code = start(client, client_id="tpc-cli")
    assert_device_error(poll(client, code["device_code"], client_id="other-app"),
                        400, "invalid_grant", "Client ID mismatch")
    # The refused poll did not count as the owner's poll: no slow_down for it.
    assert_device_error(poll(client, code["device_code"]), 400, "authorization_pending")


@pytest.mark.parametrize(("form", "error"), [
    ({"grant_type": "authorization_code", "device_code": "x", "client_id": "tpc-cli"},
     "unsupported_grant_type"),
    ({"device_code": "x", "client_id": "tpc-cli"}, "invalid_request"),
    ({"grant_type": GRANT, "client_id": "tpc-cli"}, "invalid_request"),
    ({"grant_type": GRANT, "device_code": "x"}, "invalid_request"),
    ({"grant_type": GRANT, "device_code": "no-such-code", "client_id": "tpc-cli"}, "invalid_grant"),
])
def test_bad_token_requests(client: FlaskClient, form: dict[str, str], error: str) -> None:
    response = client.post("/api/auth/device/token", data=form)
    assert_device_error(response, 400, error)
    assert response.headers["Cache-Control"] == "no-store"


# -- verification: lookup, claim, approve, deny --------------------------------------
def test_user_codes_compare_ignoring_case_and_dashes(client: FlaskClient, app: Flask,
                                                    rt: Runtime) -> None:
    code = start(client)["user_code"]
    typed = f"{code[:4].lower()}-{code[4:].lower()}"
    response = client.get(f"/api/auth/device?user_code={typed}")
    assert response.get_json() == {"user_code": typed, "status": "pending"}
    browser = app.test_client()
    sign_in(browser, rt)
    assert browser.get(f"/api/auth/device?user_code= {typed} ").status_code == 200
    response = browser.post("/api/auth/device/approve", json={"userCode": typed},
                            headers={"Origin": ORIGIN})
    assert response.get_json() == {"success": True}
    assert row(rt, code)["status"] == "approved"  # type: ignore[index]


def test_anonymous_lookup_does_not_claim_and_approval_claims(
        client: FlaskClient, rt: Runtime) -> None:
    code = start(client)["user_code"]
    assert client.get(f"/api/auth/device?user_code={code}").get_json()["status"] == "pending"
    assert row(rt, code)["userId"] is None  # type: ignore[index]
    sign_in(client, rt)
    response = client.post("/api/auth/device/approve", json={"userCode": code},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 200 and response.get_json() == {"success": True}
    record = row(rt, code)
    assert record is not None
    assert (record["status"], record["userId"]) == ("approved", "user_owner")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-real-token"}])
def test_approve_and_deny_need_a_signed_in_user(client: FlaskClient, rt: Runtime,
                                                headers: dict[str, str]) -> None:
    code = start(client)["user_code"]
    for action in ("approve", "deny"):
        response = client.post(f"/api/auth/device/{action}", json={"userCode": code},
                               headers=headers)
        assert_device_error(response, 401, "unauthorized", "Authentication required")
    assert row(rt, code)["status"] == "pending"  # type: ignore[index]


@pytest.mark.parametrize(("origin", "code"), [
    (None, "MISSING_OR_NULL_ORIGIN"), ("null", "MISSING_OR_NULL_ORIGIN"),
    ("https://evil.example", "INVALID_ORIGIN"),
])
def test_cookie_approval_needs_a_trusted_origin(client: FlaskClient, rt: Runtime,
                                                origin: str | None, code: str) -> None:
    user_code = start(client)["user_code"]
    sign_in(client, rt)
    client.get(f"/api/auth/device?user_code={user_code}")
    headers = {"Origin": origin} if origin else {}
    response = client.post("/api/auth/device/approve", json={"userCode": user_code},
                           headers=headers)
    assert_auth_error(response, 403, code)
    assert row(rt, user_code)["status"] == "pending"  # type: ignore[index]


def test_the_server_itself_is_a_trusted_origin(client: FlaskClient, rt: Runtime) -> None:
    user_code = start(client)["user_code"]
    sign_in(client, rt)
    client.get(f"/api/auth/device?user_code={user_code}")
    response = client.post("/api/auth/device/deny", json={"userCode": user_code},
                           headers={"Origin": rt.config.public_url})
    assert response.get_json() == {"success": True}


def test_only_the_claiming_user_may_decide(client: FlaskClient, app: Flask, rt: Runtime) -> None:
    user_code = start(client)["user_code"]
    owner, admin = app.test_client(), app.test_client()
    sign_in(owner, rt, "user_owner")
    sign_in(admin, rt, "user_admin")
    owner.get(f"/api/auth/device?user_code={user_code}")
    admin.get(f"/api/auth/device?user_code={user_code}")  # too late: already claimed
    assert row(rt, user_code)["userId"] == "user_owner"  # type: ignore[index]
    for action in ("approve", "deny"):
        response = admin.post(f"/api/auth/device/{action}", json={"userCode": user_code},
                              headers={"Origin": ORIGIN})
        assert_device_error(response, 403, "access_denied",
                            f"You are not authorized to {action} this device authorization")
    assert row(rt, user_code)["status"] == "pending"  # type: ignore[index]


def test_a_decided_code_cannot_be_decided_again(client: FlaskClient, rt: Runtime) -> None:
    user_code = start(client)["user_code"]
    sign_in(client, rt)
    assert approve(client, user_code).get_json() == {"success": True}
    for action in ("approve", "deny"):
        response = client.post(f"/api/auth/device/{action}", json={"userCode": user_code},
                               headers={"Origin": ORIGIN})
        assert_device_error(response, 400, "invalid_request", "Device code already processed")
    assert row(rt, user_code)["status"] == "approved"  # type: ignore[index]


def test_a_bearer_approves_without_origin_but_only_scopes_it_holds(
        client: FlaskClient, app: Flask, rt: Runtime, bearer: str) -> None:
    narrow = grant_token(app, "content:read")
    wide = start(client, "content:read content:write")["user_code"]
    auth = {"Authorization": f"Bearer {narrow}"}
    assert client.get(f"/api/auth/device?user_code={wide}", headers=auth).status_code == 200
    response = client.post("/api/auth/device/approve", json={"userCode": wide}, headers=auth)
    assert_device_error(response, 403, "access_denied", "Your token lacks the scopes content:write")
    assert row(rt, wide)["status"] == "pending"  # type: ignore[index]
    full = {"Authorization": f"Bearer {bearer}"}  # the seed's token carries the whole catalog
    other = start(client, "content:write")["user_code"]
    client.get(f"/api/auth/device?user_code={other}", headers=full)
    response = client.post("/api/auth/device/approve", json={"userCode": other}, headers=full)
    assert response.get_json() == {"success": True}


def test_unknown_user_code_is_invalid_request(client: FlaskClient) -> None:
    assert_device_error(client.get("/api/auth/device?user_code=ZZZZZZZZ"), 400, "invalid_request",
                        "Invalid user code")
    assert_device_error(client.get("/api/auth/device"), 400, "invalid_request",
                        "user_code is required")


# -- brute force ----------------------------------------------------------------------
def test_user_code_guessing_is_limited_per_ip_and_window(client: FlaskClient, app: Flask,
                                                         rt: Runtime) -> None:
    real = start(client)["user_code"]
    sign_in(client, rt)
    for n in range(10):
        if n % 2:
            response = client.get(f"/api/auth/device?user_code=GUESS{n:03d}")
        else:
            response = client.post("/api/auth/device/approve", json={"userCode": f"GUESS{n:03d}"},
                                   headers={"Origin": ORIGIN})
        assert_device_error(response, 400, "invalid_request", "Invalid user code")
    blocked = client.get(f"/api/auth/device?user_code={real}")  # even a real code
    body = assert_auth_error(blocked, 429, "TOO_MANY_REQUESTS")
    assert body["message"] == "Too many requests. Please try again later."
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    assert row(rt, real)["userId"] is None  # type: ignore[index]  # the blocked lookup did nothing
    elsewhere = app.test_client()
    response = elsewhere.get(f"/api/auth/device?user_code={real}",
                             environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.get_json() == {"user_code": real, "status": "pending"}
    rt.clock.advance(60)
    assert client.get(f"/api/auth/device?user_code={real}").status_code == 200


def test_reset_clears_the_guess_counter(client: FlaskClient) -> None:
    for n in range(10):
        client.get(f"/api/auth/device?user_code=GUESS{n:03d}")
    assert_auth_error(client.get("/api/auth/device?user_code=GUESS999"), 429, "TOO_MANY_REQUESTS")
    assert client.post("/__mock/reset").status_code == 200
    assert_device_error(client.get("/api/auth/device?user_code=GUESS999"), 400, "invalid_request")


# -- an independent OAuth client ------------------------------------------------------
def test_authlib_completes_the_device_flow() -> None:
    from authlib.integrations.base_client.errors import OAuthError
    from authlib.integrations.requests_client import OAuth2Session

    with LiveServer() as server:
        rt: Runtime = server.runtime
        code = requests.post(f"{server.url}/api/auth/device/code",
                             data={"client_id": "authlib-cli", "scope": "content:read"},
                             timeout=10).json()
        oauth = OAuth2Session(client_id="authlib-cli", token_endpoint_auth_method="none")
        token_url = f"{server.url}/api/auth/device/token"
        with pytest.raises(OAuthError) as pending:
            oauth.fetch_token(token_url, grant_type=GRANT, device_code=code["device_code"])
        assert pending.value.error == "authorization_pending"
        browser = requests.Session()
        token, _ = create_session(rt, "user_owner")
        browser.cookies.set(COOKIE_NAME, session_cookie_value(rt, token))
        browser.get(f"{server.url}/api/auth/device", params={"user_code": code["user_code"]},
                    timeout=10)
        approved = browser.post(f"{server.url}/api/auth/device/approve",
                                json={"userCode": code["user_code"]},
                                headers={"Origin": server.url}, timeout=10)
        assert approved.json() == {"success": True}
        assert code["verification_uri"] == f"{server.url}/device"
        rt.clock.advance(5)
        granted = oauth.fetch_token(token_url, grant_type=GRANT, device_code=code["device_code"])
        assert (granted["token_type"], granted["scope"]) == ("Bearer", "content:read")
        pages = oauth.get(f"{server.url}/api/v1/site/pages", params={"productId": "product_123"},
                          timeout=10)
        assert pages.status_code == 200 and pages.json()["ok"] is True
        oauth.close()
        browser.close()


@pytest.mark.parametrize(("origin", "code"), [(None, "MISSING_OR_NULL_ORIGIN"),
                                              ("http://evil.test", "INVALID_ORIGIN")])
def test_cookie_carrying_device_requests_need_a_trusted_origin(
        client: FlaskClient, rt: Runtime, origin: str | None, code: str) -> None:
    started = start(client)
    sign_in(client, rt)
    headers = {"Origin": origin} if origin else {}
    for path, body in (("/api/auth/device/code", {"client_id": "tpc-cli"}),
                       ("/api/auth/device/token", {"grant_type": GRANT, "client_id": "tpc-cli",
                                                   "device_code": started["device_code"]})):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 403, (path, response.get_json())
        assert response.get_json()["code"] == code
    assert rt.store.count("deviceCodes") == 1, "the refused /device/code wrote nothing"
