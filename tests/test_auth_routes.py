"""/api/auth sign-in, sign-out and get-session in better-auth's wire format, and /sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_auth_error, assert_error
from tpc_mock.auth.secrets import digest, sign_cookie_value
from tpc_mock.auth.sessions import COOKIE_NAME, SECURE_COOKIE_NAME
from tpc_mock.clock import parse_iso
from tpc_mock.server import LiveServer

ORIGIN = "http://localhost:3000"  # one of the default CORS origins, so trusted
DAY = 24 * 3600
USER_FIELDS = {"id", "email", "name", "image", "emailVerified", "createdAt", "updatedAt"}
SESSION_FIELDS = {"id", "token", "userId", "expiresAt", "createdAt", "updatedAt", "ipAddress",
                  "userAgent", "activeOrganizationId"}


def password_of(creds: dict[str, Any], user_id: str) -> str:
    return str(next(u for u in creds["users"] if u["id"] == user_id)["password"])


def sign_in(client: FlaskClient, email: str, password: str, **kwargs: Any) -> Any:
    return client.post("/api/auth/sign-in/email", json={"email": email, "password": password},
                       **kwargs)


@pytest.fixture
def owner_password(creds: dict[str, Any]) -> str:
    return password_of(creds, "user_owner")


@pytest.fixture
def signed_in(app: Flask, owner_password: str) -> tuple[FlaskClient, str]:
    """A fresh client holding the owner's new session cookie, and the session token."""
    client = app.test_client()
    response = sign_in(client, "owner@example.com", owner_password)
    assert response.status_code == 200
    return client, str(response.get_json()["token"])


def sessions_of(app: Flask, user_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = app.extensions["tpc_mock"].store.find("sessions", "userId",
                                                                          user_id)
    return found


# -- sign-in ---------------------------------------------------------------------------------

def test_sign_in_answers_like_better_auth(app: Flask, owner_password: str) -> None:
    before = len(sessions_of(app, "user_owner"))
    response = sign_in(app.test_client(), "owner@example.com", owner_password)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"redirect", "token", "user"} and body["redirect"] is False
    assert set(body["user"]) == USER_FIELDS and body["user"]["id"] == "user_owner"
    token = body["token"]
    secret = app.extensions["tpc_mock"].config.secret
    value = sign_cookie_value(secret, token)
    assert response.headers.getlist("Set-Cookie") == [
        f"{COOKIE_NAME}={value}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"]
    stored = sessions_of(app, "user_owner")
    assert len(stored) == before + 1
    assert any(s["tokenHash"] == digest(token) for s in stored)
    assert all(token not in str(s) for s in stored), "only the token's digest is stored"


def test_sign_in_accepts_a_form_body_and_any_email_case(app: Flask, owner_password: str) -> None:
    response = app.test_client().post("/api/auth/sign-in/email",
                                      data={"email": "Owner@Example.com", "password": owner_password})
    assert response.status_code == 200 and response.get_json()["user"]["id"] == "user_owner"


@pytest.mark.parametrize("email,password", [("owner@example.com", "wrong-password"),
                                            ("nobody@example.com", "whatever")])
def test_wrong_email_or_password_is_401(app: Flask, email: str, password: str) -> None:
    before = len(app.extensions["tpc_mock"].store.all("sessions"))
    response = sign_in(app.test_client(), email, password)
    body = assert_auth_error(response, 401, "INVALID_EMAIL_OR_PASSWORD")
    assert body == {"code": "INVALID_EMAIL_OR_PASSWORD", "message": "Invalid email or password"}
    assert "Set-Cookie" not in response.headers
    assert len(app.extensions["tpc_mock"].store.all("sessions")) == before


@pytest.mark.parametrize("kwargs,status,code,message", [
    ({"json": {}}, 400, "VALIDATION_ERROR",
     ("[body.email] Invalid input: expected string, received undefined; "
      "[body.password] Invalid input: expected string, received undefined")),
    ({"json": {"email": 7, "password": "x"}}, 400, "VALIDATION_ERROR",
     "[body.email] Invalid input: expected string, received number"),
    ({"json": ["owner@example.com"]}, 400, "VALIDATION_ERROR",
     "[body] Invalid input: expected object, received array"),
    ({}, 400, "VALIDATION_ERROR", "[body] Invalid input: expected object, received undefined"),
    ({"json": {"email": "not-an-email", "password": "x"}}, 400, "INVALID_EMAIL", "Invalid email"),
    ({"data": "email=a", "content_type": "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE",
     "Unsupported media type"),
])
def test_bad_sign_in_bodies(client: FlaskClient, kwargs: dict[str, Any], status: int, code: str,
                            message: str) -> None:
    body = assert_auth_error(client.post("/api/auth/sign-in/email", **kwargs), status, code)
    assert body["message"] == message


def test_https_base_url_uses_the_secure_cookie(owner_password: str, fresh_app: AppFactory) -> None:
    app = fresh_app(base_url="https://tpc.example")
    client = app.test_client()
    response = sign_in(client, "owner@example.com", owner_password)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(SECURE_COOKIE_NAME + "=")
    assert cookie.endswith("; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax")
    other = app.test_client()
    other.set_cookie(SECURE_COOKIE_NAME, cookie.split(";")[0].split("=", 1)[1])
    assert other.get("/api/auth/get-session").get_json()["user"]["id"] == "user_owner"


# -- sign-in and the Origin (better-auth's formCsrfMiddleware) -------------------------------

def test_sign_in_without_cookies_or_fetch_metadata_skips_the_origin(
        app: Flask, owner_password: str) -> None:
    # better-auth: "should allow untrusted origin if they don't contain cookies".
    response = sign_in(app.test_client(), "owner@example.com", owner_password,
                       headers={"Origin": "http://evil.test"})
    assert response.status_code == 200


@pytest.mark.parametrize("headers,code", [
    ({"Origin": "http://evil.test", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"},
     "INVALID_ORIGIN"),
    ({"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}, "MISSING_OR_NULL_ORIGIN"),
    ({"Origin": "null", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"},
     "MISSING_OR_NULL_ORIGIN"),
    ({"Origin": "http://evil.test", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"},
     "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"),
])
def test_browser_sign_in_from_an_untrusted_origin_is_refused(
        app: Flask, owner_password: str, headers: dict[str, str], code: str) -> None:
    before = len(sessions_of(app, "user_owner"))
    response = sign_in(app.test_client(), "owner@example.com", owner_password, headers=headers)
    assert_auth_error(response, 403, code)
    assert len(sessions_of(app, "user_owner")) == before


def test_browser_sign_in_from_a_trusted_origin_works(app: Flask, owner_password: str) -> None:
    headers = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}
    response = sign_in(app.test_client(), "owner@example.com", owner_password, headers=headers)
    assert response.status_code == 200


def test_sign_in_carrying_any_cookie_needs_a_trusted_origin(app: Flask,
                                                            owner_password: str) -> None:
    client = app.test_client()
    client.set_cookie("theme", "dark")
    body = assert_auth_error(sign_in(client, "owner@example.com", owner_password,
                                     headers={"Origin": "http://evil.test"}), 403, "INVALID_ORIGIN")
    assert body["message"] == "Invalid origin"
    assert_auth_error(sign_in(client, "owner@example.com", owner_password), 403,
                      "MISSING_OR_NULL_ORIGIN")
    assert sign_in(client, "owner@example.com", owner_password,
                   headers={"Origin": ORIGIN}).status_code == 200


# -- get-session -------------------------------------------------------------------------------

def test_get_session_returns_session_and_user(signed_in: tuple[FlaskClient, str]) -> None:
    client, token = signed_in
    response = client.get("/api/auth/get-session")
    body = response.get_json()
    assert response.status_code == 200 and set(body) == {"session", "user"}
    assert set(body["session"]) == SESSION_FIELDS and set(body["user"]) == USER_FIELDS
    assert body["session"]["token"] == token and body["session"]["userId"] == "user_owner"
    assert body["user"]["email"] == "owner@example.com"
    assert "Set-Cookie" not in response.headers, "a fresh session is not refreshed"


def test_get_session_without_cookie_is_null(client: FlaskClient) -> None:
    response = client.get("/api/auth/get-session")
    assert response.status_code == 200 and response.get_data(as_text=True).strip() == "null"


def test_tampered_cookie_is_null(app: Flask, signed_in: tuple[FlaskClient, str]) -> None:
    _client, token = signed_in
    forged = app.test_client()
    forged.set_cookie(COOKIE_NAME, sign_cookie_value("some-other-secret", token))
    response = forged.get("/api/auth/get-session")
    assert response.status_code == 200 and response.get_json() is None
    assert any(s["tokenHash"] == digest(token) for s in sessions_of(app, "user_owner"))


def test_expired_session_is_null_and_cleaned_up(app: Flask,
                                                signed_in: tuple[FlaskClient, str]) -> None:
    client, token = signed_in
    app.extensions["tpc_mock"].clock.advance(7 * DAY + 1)
    response = client.get("/api/auth/get-session")
    assert response.status_code == 200 and response.get_json() is None
    assert response.headers["Set-Cookie"] == (
        f"{COOKIE_NAME}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
    assert not any(s["tokenHash"] == digest(token) for s in sessions_of(app, "user_owner"))


def test_session_is_refreshed_after_a_day(app: Flask, signed_in: tuple[FlaskClient, str]) -> None:
    client, token = signed_in
    rt = app.extensions["tpc_mock"]
    first = client.get("/api/auth/get-session").get_json()["session"]["expiresAt"]
    rt.clock.advance(DAY - 60)
    response = client.get("/api/auth/get-session")
    assert "Set-Cookie" not in response.headers
    assert response.get_json()["session"]["expiresAt"] == first
    rt.clock.advance(120)
    response = client.get("/api/auth/get-session")
    session = response.get_json()["session"]
    assert parse_iso(session["expiresAt"]) - parse_iso(first) > timedelta(hours=23)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}={sign_cookie_value(rt.config.secret, token)}; ")
    assert any(f"Max-Age={age};" in cookie for age in (604799, 604800)), cookie
    stored = rt.store.find_one("sessions", "tokenHash", digest(token))
    assert stored["expiresAt"] == session["expiresAt"]


# -- sign-out ----------------------------------------------------------------------------------

def test_sign_out_removes_the_session(app: Flask, signed_in: tuple[FlaskClient, str]) -> None:
    client, token = signed_in
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie is not None
    response = client.post("/api/auth/sign-out", headers={"Origin": ORIGIN})
    assert response.status_code == 200 and response.get_json() == {"success": True}
    assert response.headers["Set-Cookie"] == (
        f"{COOKIE_NAME}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
    assert not any(s["tokenHash"] == digest(token) for s in sessions_of(app, "user_owner"))
    replay = app.test_client()
    replay.set_cookie(COOKIE_NAME, cookie.value)
    assert replay.get("/api/auth/get-session").get_json() is None
    assert_error(replay.get("/api/v1/me"), 401, "UNAUTHORIZED", "authentication required")


def test_sign_out_without_a_session_cookie(client: FlaskClient) -> None:
    """better-auth 1.7.25: 200 `{success:true}` and the session cookies expired anyway."""
    response = client.post("/api/auth/sign-out")
    assert response.status_code == 200 and response.get_json() == {"success": True}
    assert response.headers.getlist("Set-Cookie") == [
        f"{COOKIE_NAME}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
        "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
        "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"]
    assert "set-auth-token" not in response.headers


@pytest.mark.parametrize("headers,code", [
    ({}, "MISSING_OR_NULL_ORIGIN"),
    ({"Origin": "null"}, "MISSING_OR_NULL_ORIGIN"),
    ({"Origin": "http://evil.test"}, "INVALID_ORIGIN"),
    ({"Origin": "http://localhost:3000.evil.test"}, "INVALID_ORIGIN"),
    ({"Referer": "http://evil.test/page"}, "INVALID_ORIGIN"),
])
def test_cookie_writes_need_a_trusted_origin(app: Flask, signed_in: tuple[FlaskClient, str],
                                             headers: dict[str, str], code: str) -> None:
    client, token = signed_in
    assert_auth_error(client.post("/api/auth/sign-out", headers=headers), 403, code)
    assert any(s["tokenHash"] == digest(token) for s in sessions_of(app, "user_owner"))


@pytest.mark.parametrize("headers", [{"Origin": "http://127.0.0.1:8765"},
                                     {"Referer": "http://localhost:5173/settings"},
                                     {"Origin": "http://localhost"}])
def test_trusted_origins_pass(signed_in: tuple[FlaskClient, str], headers: dict[str, str]) -> None:
    """The server's base URL, a CORS origin (also via Referer), and the request's own origin."""
    client, _token = signed_in
    assert client.post("/api/auth/sign-out", headers=headers).get_json() == {"success": True}


# -- the cookie against the public API, over real HTTP ------------------------------------------

def test_signed_in_cookie_reads_site_pages_over_http(creds: dict[str, Any]) -> None:
    with LiveServer() as server, requests.Session() as http:
        response = http.post(server.url + "/api/auth/sign-in/email",
                             json={"email": "admin@example.com",
                                   "password": password_of(creds, "user_admin")}, timeout=10)
        assert response.status_code == 200 and COOKIE_NAME in http.cookies
        pages = http.get(server.url + "/api/v1/site/pages?productId=product_123", timeout=10)
        assert pages.status_code == 200 and pages.json()["ok"] is True
        assert pages.json()["data"]["scope"]["product"]["id"] == "product_123"
        assert server.runtime.journal[-1]["callerKind"] == "session"


# -- the /sign-in page ---------------------------------------------------------------------------

def test_sign_in_page_is_an_accessible_form(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert '<label for="email">' in html and '<label for="password">' in html
    assert 'id="email"' in html and 'type="password"' in html and "<h1>Sign in</h1>" in html
    assert "/api/auth/sign-in/email" in html and 'credentials: "include"' in html
    assert "<link" not in html and "src=" not in html, "no external assets"


@pytest.mark.parametrize("next_path,kept", [
    ("/device?user_code=ABCD-EFGH", True),
    ("/example-org/settings/api-keys", True),
    ("//evil.test/x", False),
    ("https://evil.test/", False),
    ("/\\evil.test", False),
    ("javascript:alert(1)", False),
])
def test_sign_in_page_keeps_only_relative_next(client: FlaskClient, next_path: str,
                                               kept: bool) -> None:
    html = client.get("/sign-in", query_string={"next": next_path}).get_data(as_text=True)
    if kept:
        assert f'data-next="{next_path}"' in html
    else:
        assert 'data-next=""' in html


def test_settings_without_a_session_redirects_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/settings/api-keys")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/settings/api-keys"


@pytest.mark.parametrize("callback", ["/dashboard", "http://localhost:3000/after"])
def test_sign_in_with_trusted_callback_redirects(client: FlaskClient, creds: dict[str, Any],
                                                 callback: str) -> None:
    owner = next(u for u in creds["users"] if u["id"] == "user_owner")
    response = client.post("/api/auth/sign-in/email", json={
        "email": owner["email"], "password": owner["password"], "callbackURL": callback})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["redirect"], body["url"]) == (True, callback)
    assert response.headers["Location"] == callback
    assert "better-auth.session_token=" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("callback", ["https://evil.test/x", "//evil.test/x"])
def test_sign_in_with_untrusted_callback_is_refused(client: FlaskClient, creds: dict[str, Any],
                                                    app: Any, callback: str) -> None:
    owner = next(u for u in creds["users"] if u["id"] == "user_owner")
    before = app.extensions["tpc_mock"].store.count("sessions")
    response = client.post("/api/auth/sign-in/email", json={
        "email": owner["email"], "password": owner["password"], "callbackURL": callback})
    assert_auth_error(response, 403, "INVALID_CALLBACK_URL")
    assert "Set-Cookie" not in response.headers
    assert app.extensions["tpc_mock"].store.count("sessions") == before
