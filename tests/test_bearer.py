"""better-auth 1.7.25's bearer plugin, rememberMe:false and sign-out, as its clients see them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote, unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tests.test_device import poll, start
from tests.test_device import sign_in as cookie_sign_in
from tpc_mock.auth.secrets import digest, sign_cookie_value
from tpc_mock.auth.sessions import COOKIE_NAME
from tpc_mock.clock import parse_iso
from tpc_mock.runtime import Runtime

ORIGIN = "http://localhost:3000"
DAY = 24 * 3600


def rt_of(app: Flask) -> Runtime:
    rt: Runtime = app.extensions["tpc_mock"]
    return rt


def password(creds: dict[str, Any], user_id: str = "user_owner") -> str:
    return str(next(u for u in creds["users"] if u["id"] == user_id)["password"])


def sign_in(client: FlaskClient, creds: dict[str, Any], **extra: Any) -> Any:
    body = {"email": "owner@example.com", "password": password(creds), **extra}
    response = client.post("/api/auth/sign-in/email", json=body)
    assert response.status_code == 200, response.get_json()
    return response


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


# -- set-auth-token -------------------------------------------------------------------------
def test_sign_in_sends_set_auth_token(app: Flask, creds: dict[str, Any]) -> None:
    response = sign_in(app.test_client(), creds)
    token = response.get_json()["token"]
    signed = unquote(sign_cookie_value(rt_of(app).config.secret, token))
    assert response.headers["set-auth-token"] == signed  # token.signature, not URL-encoded
    assert "%" not in response.headers["set-auth-token"] and signed.startswith(token + ".")
    assert response.headers["Access-Control-Expose-Headers"] == "set-auth-token"


def test_set_auth_token_joins_the_cors_exposed_headers(app: Flask, creds: dict[str, Any]) -> None:
    response = app.test_client().post("/api/auth/sign-in/email", headers={"Origin": ORIGIN},
                                      json={"email": "owner@example.com",
                                            "password": password(creds)})
    exposed = [h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")]
    assert {"x-request-id", "retry-after", "x-idempotent-replay", "set-auth-token"} <= set(exposed)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_no_set_auth_token_without_a_live_session_cookie(app: Flask, client: FlaskClient) -> None:
    """Sign-out expires the cookie (Max-Age=0); the device token sets none at all."""
    out = client.post("/api/auth/sign-out")
    assert "set-auth-token" not in out.headers
    _, granted = device_grant(app)
    assert granted.status_code == 200
    assert "set-auth-token" not in granted.headers and "Set-Cookie" not in granted.headers


def device_grant(app: Flask) -> tuple[FlaskClient, Any]:
    """A CLI's client and the token answer after a signed-in browser approved its code."""
    device = app.test_client()
    code = start(device, "content:read")
    browser = app.test_client()
    cookie_sign_in(browser, rt_of(app))
    browser.get(f"/api/auth/device?user_code={code['user_code']}")
    browser.post("/api/auth/device/approve", json={"userCode": code["user_code"]},
                 headers={"Origin": ORIGIN})
    return device, poll(device, code["device_code"])


# -- get-session and the public API with a bearer -------------------------------------------
def test_get_session_answers_the_bearer(app: Flask, creds: dict[str, Any]) -> None:
    signed_in = sign_in(app.test_client(), creds)
    token, signed = signed_in.get_json()["token"], signed_in.headers["set-auth-token"]
    for value in (token, signed, quote(signed, safe="")):
        body = app.test_client().get("/api/auth/get-session", headers=bearer(value)).get_json()
        assert body is not None, value
        assert (body["session"]["token"], body["user"]["id"]) == (token, "user_owner")
    lower = app.test_client().get("/api/auth/get-session",
                                  headers={"Authorization": f"bearer {token}"})
    assert lower.get_json()["session"]["token"] == token


def test_a_forged_signature_is_no_session(app: Flask, creds: dict[str, Any]) -> None:
    token = sign_in(app.test_client(), creds).get_json()["token"]
    forged = f"{token}.{'A' * 43}="
    response = app.test_client().get("/api/auth/get-session", headers=bearer(forged))
    assert response.status_code == 200 and response.get_json() is None
    assert_error(app.test_client().get("/api/v1/me", headers=bearer(forged)), 401,
                 "UNAUTHORIZED", "authentication required")


def test_the_signed_form_works_on_the_public_api(app: Flask, creds: dict[str, Any]) -> None:
    signed = sign_in(app.test_client(), creds).headers["set-auth-token"]
    me = app.test_client().get("/api/v1/me", headers=bearer(signed))
    assert me.status_code == 200 and me.get_json()["data"]["callerKind"] == "bearer"
    pages = app.test_client().get("/api/v1/site/pages?productId=product_123",
                                  headers=bearer(quote(signed, safe="")))
    assert pages.status_code == 200


def test_a_cli_gets_its_session_after_the_device_flow(app: Flask) -> None:
    """better-auth's device-authorization docs: getSession with the granted bearer."""
    device, granted = device_grant(app)
    access = granted.get_json()["access_token"]
    session = device.get("/api/auth/get-session", headers=bearer(access)).get_json()
    assert session["session"]["token"] == access and session["user"]["id"] == "user_owner"


def test_sign_out_with_a_bearer_ends_that_session(app: Flask, creds: dict[str, Any]) -> None:
    token = sign_in(app.test_client(), creds).get_json()["token"]
    out = app.test_client().post("/api/auth/sign-out", headers=bearer(token))
    assert out.status_code == 200 and out.get_json() == {"success": True}
    assert rt_of(app).store.find_one("sessions", "tokenHash", digest(token)) is None
    assert app.test_client().get("/api/auth/get-session", headers=bearer(token)).get_json() is None


def test_a_refresh_through_the_bearer_sends_set_auth_token(app: Flask,
                                                          creds: dict[str, Any]) -> None:
    token = sign_in(app.test_client(), creds).get_json()["token"]
    rt_of(app).clock.advance(DAY + 60)
    response = app.test_client().get("/api/auth/get-session", headers=bearer(token))
    assert response.headers["set-auth-token"].startswith(token + ".")
    assert response.headers["Cache-Control"] == "no-store"


# -- rememberMe: false -----------------------------------------------------------------------
def test_remember_me_false_cookies(app: Flask, creds: dict[str, Any]) -> None:
    rt = rt_of(app)
    response = sign_in(app.test_client(), creds, rememberMe=False)
    token = response.get_json()["token"]
    attributes = "; Path=/; HttpOnly; SameSite=Lax"
    assert response.headers.getlist("Set-Cookie") == [
        f"{COOKIE_NAME}={sign_cookie_value(rt.config.secret, token)}{attributes}",
        f"better-auth.dont_remember={sign_cookie_value(rt.config.secret, 'true')}{attributes}"]
    assert response.headers["set-auth-token"].startswith(token + ".")
    row = rt.store.find_one("sessions", "tokenHash", digest(token))
    assert row is not None
    assert parse_iso(row["expiresAt"]) - rt.clock.now() <= timedelta(days=1)
    assert parse_iso(row["expiresAt"]) - rt.clock.now() > timedelta(hours=23)


def test_remember_me_false_lasts_a_day_and_is_never_extended(app: Flask,
                                                            creds: dict[str, Any]) -> None:
    rt = rt_of(app)
    client = app.test_client()
    sign_in(client, creds, rememberMe=False)
    rt.clock.advance(DAY - 120)
    kept = client.get("/api/auth/get-session")
    assert kept.get_json()["session"]["userId"] == "user_owner"
    assert "Set-Cookie" not in kept.headers  # no refresh for a session not remembered
    rt.clock.advance(180)
    assert client.get("/api/auth/get-session").get_json() is None


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_remember_me_must_be_a_boolean(client: FlaskClient, creds: dict[str, Any],
                                       value: Any) -> None:
    response = client.post("/api/auth/sign-in/email", json={
        "email": "owner@example.com", "password": password(creds), "rememberMe": value})
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION_ERROR"
    assert response.get_json()["message"].startswith(
        "[body.rememberMe] Invalid input: expected boolean")
