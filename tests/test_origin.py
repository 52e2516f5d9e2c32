"""Cookie-decided writes under /api/v1 need a trusted Origin; keys and bearers do not."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_error
from tpc_mock.auth.sessions import COOKIE_NAME

BODY = {"productId": "product_123", "pages": [{"slug": "origin-test", "title": "t", "content": "c"}]}


def _signed_in(client: FlaskClient, session_cookie: str) -> FlaskClient:
    client.set_cookie(COOKIE_NAME, session_cookie.split("=", 1)[1])
    return client


@pytest.mark.parametrize("origin", [None, "null", "http://evil.test", "http://localhost:3001"])
def test_untrusted_origin_is_refused_and_nothing_written(
    client: FlaskClient, session_cookie: str, full_key: str, origin: str | None
) -> None:
    headers = {"Origin": origin} if origin else {}
    response = _signed_in(client, session_cookie).post("/api/v1/site/pages", json=BODY,
                                                       headers=headers)
    assert_error(response, 403, "FORBIDDEN", "invalid_origin")
    listed = client.get("/api/v1/site/pages", query_string={"productId": "product_123",
                                                            "q": "origin-test"},
                        headers={"x-api-key": full_key}).get_json()["data"]
    assert listed["total"] == 0


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:3000",
                                    "http://localhost"])
def test_trusted_and_own_origin_pass(client: FlaskClient, session_cookie: str, origin: str) -> None:
    response = _signed_in(client, session_cookie).post("/api/v1/site/pages", json=BODY,
                                                       headers={"Origin": origin})
    assert response.status_code == 200
    assert response.get_json()["data"]["createdCount"] == 1


def test_configured_cors_origin_replaces_defaults(session_cookie: str,
                                                  fresh_app: AppFactory) -> None:

    client = fresh_app(cors_origins=["http://app.test:1234"]).test_client()
    _signed_in(client, session_cookie)
    denied = client.post("/api/v1/site/pages", json=BODY, headers={"Origin": "http://localhost:5173"})
    assert_error(denied, 403, "FORBIDDEN", "invalid_origin")
    allowed = client.post("/api/v1/site/pages", json=BODY, headers={"Origin": "http://app.test:1234"})
    assert allowed.status_code == 200


def test_get_with_cookie_needs_no_origin(client: FlaskClient, session_cookie: str) -> None:
    response = _signed_in(client, session_cookie).get("/api/v1/site/pages?productId=product_123")
    assert response.status_code == 200


@pytest.mark.parametrize("credential", ["key", "bearer"])
def test_key_and_bearer_writes_skip_origin_check(
    client: FlaskClient, session_cookie: str, full_key: str, bearer: str, credential: str
) -> None:
    headers: dict[str, Any] = ({"x-api-key": full_key} if credential == "key"
                               else {"Authorization": f"Bearer {bearer}"})
    headers["Origin"] = "http://evil.test"
    response = _signed_in(client, session_cookie).post("/api/v1/site/pages", json=BODY,
                                                       headers=headers)
    assert response.status_code == 200
