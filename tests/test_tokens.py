"""Device-granted bearer tokens on /api/v1, and /api/auth/list-sessions|revoke-session."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_auth_error, assert_error
from tests.test_device import ORIGIN, grant_token, sign_in
from tpc_mock.auth.secrets import digest
from tpc_mock.auth.sessions import (
    COOKIE_NAME,
    SESSION_SECONDS,
    create_session,
    session_cookie_value,
)
from tpc_mock.runtime import Runtime

PAGES = "/api/v1/site/pages?productId=product_123"
UNAUTHORIZED_BODY = {"ok": False, "code": "UNAUTHORIZED", "message": "authentication required"}


def runtime_of(app: Flask) -> Runtime:
    rt: Runtime = app.extensions["tpc_mock"]
    return rt


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def session_id_of(rt: Runtime, token: str) -> str:
    row = rt.store.find_one("sessions", "tokenHash", digest(token))
    assert row is not None
    return str(row["id"])


# -- the bearer on the public API ------------------------------------------------------
def test_content_read_grant_lists_pages_but_cannot_write(client: FlaskClient, app: Flask) -> None:
    token = grant_token(app, "content:read")
    listed = client.get(PAGES, headers=bearer(token))
    assert listed.status_code == 200 and listed.get_json()["ok"] is True
    assert listed.get_json()["data"]["scope"]["product"]["id"] == "product_123"
    before = runtime_of(app).store.count("pages")
    refused = client.post("/api/v1/site/pages?productId=product_123", headers=bearer(token),
                          json={"pages": [{"title": "New", "filePath": "/new"}]})
    body = assert_error(refused, 403, "FORBIDDEN", "insufficient_scope")
    assert body["details"] == {"requiredScopes": ["content:write"],
                               "missingScopes": ["content:write"]}
    assert runtime_of(app).store.count("pages") == before


def test_me_shows_the_granted_scopes(client: FlaskClient, app: Flask) -> None:
    token = grant_token(app, "content:read prompts:read")
    data = client.get("/api/v1/me", headers=bearer(token)).get_json()["data"]
    assert (data["callerKind"], data["scopes"]) == ("bearer", ["content:read", "prompts:read"])
    assert data["user"]["email"] == "owner@example.com"


def test_a_token_past_its_session_expiry_is_refused(client: FlaskClient, app: Flask) -> None:
    token = grant_token(app, "content:read")
    rt = runtime_of(app)
    rt.clock.advance(SESSION_SECONDS - 60)
    assert client.get(PAGES, headers=bearer(token)).status_code == 200
    rt.clock.advance(61)
    response = client.get(PAGES, headers=bearer(token))
    assert_error(response, 401, "UNAUTHORIZED", "authentication required")
    assert response.get_json() == UNAUTHORIZED_BODY


# -- list-sessions ------------------------------------------------------------------------
def test_list_sessions_shows_device_tokens_with_their_token(client: FlaskClient,
                                                             app: Flask) -> None:
    """better-auth's rows carry `token` (what revoke-session takes), never a digest."""
    token = grant_token(app, "content:read")
    rt = runtime_of(app)
    sessions = client.get("/api/auth/list-sessions", headers=bearer(token)).get_json()
    granted = next(s for s in sessions if s["id"] == session_id_of(rt, token))
    assert (granted["clientId"], granted["scopes"], granted["userId"], granted["token"]) == (
        "tpc-cli", ["content:read"], "user_owner", token)
    assert {"createdAt", "expiresAt", "userAgent"} <= set(granted)
    text = str(sessions)
    assert "tokenHash" not in text and "tokenSealed" not in text
    assert sessions
    assert all(s["userId"] == "user_owner" and s["token"] for s in sessions)
    assert token not in str(rt.store.get("sessions", granted["id"])), "stored sealed only"


def test_list_sessions_shows_the_seeded_tokens(client: FlaskClient, app: Flask,
                                               creds: dict[str, Any]) -> None:
    token = grant_token(app, "content:read")
    rows = client.get("/api/auth/list-sessions", headers=bearer(token)).get_json()
    seeded = {creds["sessions"][0]["token"], creds["bearerTokens"][0]["token"]}
    assert seeded <= {row["token"] for row in rows}


def test_list_sessions_needs_a_fresh_session(client: FlaskClient, app: Flask) -> None:
    """freshSessionMiddleware: a session a day old or more is 403 SESSION_NOT_FRESH."""
    token = grant_token(app, "content:read")
    runtime_of(app).clock.advance(24 * 3600)
    body = assert_auth_error(client.get("/api/auth/list-sessions", headers=bearer(token)),
                             403, "SESSION_NOT_FRESH")
    assert body["message"] == "Session is not fresh"


def test_list_sessions_leaves_out_expired_ones(client: FlaskClient, app: Flask) -> None:
    rt = runtime_of(app)
    sign_in(client, rt)
    _, old = create_session(rt, "user_owner")
    rt.store.update("sessions", old["id"], {"expiresAt": "2000-01-01T00:00:00.000Z"})
    ids = [s["id"] for s in client.get("/api/auth/list-sessions").get_json()]
    assert old["id"] not in ids and ids


def test_list_sessions_needs_a_user(client: FlaskClient, full_key: str) -> None:
    assert_auth_error(client.get("/api/auth/list-sessions"), 401, "UNAUTHORIZED")
    assert_auth_error(client.get("/api/auth/list-sessions", headers={"x-api-key": full_key}),
                      401, "UNAUTHORIZED")


# -- revoke-session ------------------------------------------------------------------------
def test_revoking_with_the_listed_token_ends_a_device_token(client: FlaskClient,
                                                            app: Flask) -> None:
    token = grant_token(app, "content:read")
    rt = runtime_of(app)
    sign_in(client, rt)
    rows = client.get("/api/auth/list-sessions").get_json()
    listed = next(r["token"] for r in rows if r["id"] == session_id_of(rt, token))
    response = client.post("/api/auth/revoke-session", json={"token": listed},
                           headers={"Origin": ORIGIN})
    assert response.get_json() == {"status": True}
    assert "Set-Cookie" not in response.headers  # not the caller's own session
    assert rt.store.find_one("sessions", "tokenHash", digest(token)) is None
    refused = app.test_client().get(PAGES, headers=bearer(token))
    assert_error(refused, 401, "UNAUTHORIZED", "authentication required")
    assert refused.get_json() == UNAUTHORIZED_BODY


def test_revoking_ones_own_session_expires_the_cookies(client: FlaskClient, app: Flask) -> None:
    rt = runtime_of(app)
    own, _ = create_session(rt, "user_owner")
    client.set_cookie(COOKIE_NAME, session_cookie_value(rt, own))
    response = client.post("/api/auth/revoke-session", json={"token": own},
                           headers={"Origin": ORIGIN})
    assert response.get_json() == {"status": True}
    assert [c.split(";")[0] for c in response.headers.getlist("Set-Cookie")] == [
        "better-auth.session_token=", "better-auth.session_data=", "better-auth.dont_remember="]
    assert rt.store.find_one("sessions", "tokenHash", digest(own)) is None


def test_revoking_by_token_as_better_auth_does(client: FlaskClient, app: Flask) -> None:
    token = grant_token(app, "content:read")
    response = client.post("/api/auth/revoke-session", json={"token": token}, headers=bearer(token))
    assert response.get_json() == {"status": True}
    assert_error(client.get(PAGES, headers=bearer(token)), 401, "UNAUTHORIZED",
                 "authentication required")


def test_another_users_session_cannot_be_revoked(client: FlaskClient, app: Flask) -> None:
    rt = runtime_of(app)
    other_token, other = create_session(rt, "user_admin")
    sign_in(client, rt, "user_owner")
    by_token = client.post("/api/auth/revoke-session", json={"token": other_token},
                           headers={"Origin": ORIGIN})
    assert by_token.status_code == 200 and by_token.get_json() == {"status": True}  # 1.7.25
    by_id = client.post("/api/auth/revoke-session", json={"id": other["id"]},
                        headers={"Origin": ORIGIN})
    body = assert_auth_error(by_id, 400, "VALIDATION_ERROR")
    assert body["message"] == "[body.token] Invalid input: expected string, received undefined"
    assert rt.store.get("sessions", other["id"]) is not None


def test_revoke_session_needs_a_token_and_a_trusted_origin(client: FlaskClient,
                                                                 app: Flask) -> None:
    rt = runtime_of(app)
    sign_in(client, rt)
    missing: Any = client.post("/api/auth/revoke-session", json={}, headers={"Origin": ORIGIN})
    assert_auth_error(missing, 400, "VALIDATION_ERROR")
    unknown = client.post("/api/auth/revoke-session", json={"token": "nope"},
                          headers={"Origin": ORIGIN})
    assert unknown.status_code == 200 and unknown.get_json() == {"status": True}  # 1.7.25
    victim_token, victim = create_session(rt, "user_owner")
    forged = client.post("/api/auth/revoke-session", json={"token": victim_token},
                         headers={"Origin": "https://evil.example"})
    assert_auth_error(forged, 403, "INVALID_ORIGIN")
    assert rt.store.get("sessions", victim["id"]) is not None
    assert_auth_error(app.test_client().post("/api/auth/revoke-session", json={"id": victim["id"]}),
                      401, "UNAUTHORIZED")
