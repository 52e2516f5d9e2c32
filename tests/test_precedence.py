"""TPC's credential precedence: x-api-key, then Authorization, then the cookie; no fallback."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_error
from tpc_mock.auth.sessions import COOKIE_NAME, SECURE_COOKIE_NAME

PAGES = "/api/v1/site/pages?productId=product_123"
STATES = ("absent", "valid", "invalid")


def _send(client: FlaskClient, creds: dict[str, Any], key: str, bearer: str, cookie: str) -> Any:
    headers = {}
    if key != "absent":
        headers["x-api-key"] = creds["apiKeys"][0]["key"] if key == "valid" else "tpc_" + "x" * 64
    if bearer != "absent":
        token = creds["bearerTokens"][0]["token"] if bearer == "valid" else "not-a-real-token"
        headers["Authorization"] = f"Bearer {token}"
    if cookie != "absent":
        value = creds["sessions"][0]["cookie"].split("=", 1)[1]
        if cookie == "invalid":
            value = value[:-6] + "AAAA%3D"
        client.set_cookie(COOKIE_NAME, value)
    return client.get(PAGES, headers=headers)


def _expected(key: str, bearer: str, cookie: str) -> tuple[int, str | None, str | None]:
    """(status, message, callerKind) per the docs: the first present credential decides."""
    for state, kind, refusal in ((key, "apiKey", "invalid api key"),
                                 (bearer, "bearer", "authentication required"),
                                 (cookie, "session", "authentication required")):
        if state == "valid":
            return 200, None, kind
        if state == "invalid":
            return 401, refusal, None
    return 401, "authentication required", None


@pytest.mark.parametrize(("key", "bearer", "cookie"), list(itertools.product(STATES, repeat=3)))
def test_precedence_matrix(client: FlaskClient, app: Any, creds: dict[str, Any],
                           key: str, bearer: str, cookie: str) -> None:
    response = _send(client, creds, key, bearer, cookie)
    status, message, kind = _expected(key, bearer, cookie)
    journal = app.extensions["tpc_mock"].journal
    if status == 200:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["ok"] is True
        assert journal[-1]["callerKind"] == kind
    else:
        assert_error(response, 401, "UNAUTHORIZED", message)
        assert journal[-1]["callerKind"] == "none"


def test_invalid_api_key_body_is_exact(client: FlaskClient, revoked_key: str) -> None:
    response = client.get(PAGES, headers={"x-api-key": revoked_key})
    assert response.status_code == 401
    assert response.get_json() == {"ok": False, "code": "UNAUTHORIZED", "message": "invalid api key"}


@pytest.mark.parametrize("scheme", ["", "Bearer ", "bearer "])
def test_api_key_in_authorization_header_is_an_api_key(
    client: FlaskClient, app: Any, full_key: str, scheme: str
) -> None:
    response = client.get(PAGES, headers={"Authorization": scheme + full_key})
    assert response.status_code == 200
    assert app.extensions["tpc_mock"].journal[-1]["callerKind"] == "apiKey"


def test_unknown_api_key_in_authorization_is_refused_as_api_key(client: FlaskClient) -> None:
    response = client.get(PAGES, headers={"Authorization": "tpc_" + "Q" * 64})
    assert_error(response, 401, "UNAUTHORIZED", "invalid api key")


def test_api_key_in_authorization_is_rate_limited_like_x_api_key(full_key: str,
                                                                 fresh_app: AppFactory) -> None:

    client = fresh_app(rate_limit="2/60").test_client()
    for _ in range(2):
        assert client.get(PAGES, headers={"Authorization": full_key}).status_code == 200
    assert_error(client.get(PAGES, headers={"x-api-key": full_key}), 429, "TOO_MANY_REQUESTS",
                 "rate_limited")


def test_non_bearer_authorization_scheme_decides_and_fails(
    client: FlaskClient, creds: dict[str, Any]
) -> None:
    client.set_cookie(COOKIE_NAME, creds["sessions"][0]["cookie"].split("=", 1)[1])
    response = client.get(PAGES, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_error(response, 401, "UNAUTHORIZED", "authentication required")


def test_secure_cookie_name_is_accepted(client: FlaskClient, creds: dict[str, Any]) -> None:
    client.set_cookie(SECURE_COOKIE_NAME, creds["sessions"][0]["cookie"].split("=", 1)[1])
    assert client.get(PAGES).status_code == 200


def test_session_token_as_bearer_gets_full_catalog(client: FlaskClient, creds: dict[str, Any]) -> None:
    token = creds["sessions"][0]["token"]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["callerKind"] == "bearer"
    assert len(data["scopes"]) == 10


def test_cookie_signed_with_another_secret_is_refused(creds: dict[str, Any],
                                                      fresh_app: AppFactory) -> None:

    client = fresh_app(secret="another-secret").test_client()
    client.set_cookie(COOKIE_NAME, creds["sessions"][0]["cookie"].split("=", 1)[1])
    assert_error(client.get(PAGES), 401, "UNAUTHORIZED", "authentication required")
