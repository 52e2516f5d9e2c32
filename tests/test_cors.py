"""CORS for browser front ends (SPEC section 5): allowed origins echoed with credentials."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_auth_error, assert_error
from tpc_mock.config import DEFAULT_CORS_ORIGINS

PAGES = "/api/v1/site/pages?productId=product_123"
REQUESTED_HEADERS = ["content-type", "x-api-key", "authorization", "idempotency-key",
                     "x-request-id", "x-tpc-organization-id", "x-tpc-product-slug"]
EXPOSED = {"x-request-id", "retry-after", "x-idempotent-replay"}


def listed(value: str | None) -> set[str]:
    return {part.strip().lower() for part in (value or "").split(",") if part.strip()}


def cors_headers(response: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()
            if k.lower().startswith("access-control-")}


def preflight(client: FlaskClient, path: str, origin: str, method: str = "POST",
              headers: list[str] | None = None) -> Any:
    return client.options(path, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": ", ".join(headers or REQUESTED_HEADERS)})


def assert_allowed(response: Any, origin: str, *, vary: bool = True) -> None:
    assert response.headers["Access-Control-Allow-Origin"] == origin, "echoed, never *"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    if vary:
        assert "origin" in listed(response.headers.get("Vary"))
    assert listed(response.headers.get("Access-Control-Expose-Headers")) >= EXPOSED


@pytest.mark.parametrize("origin", DEFAULT_CORS_ORIGINS)
def test_default_origins_are_echoed(client: FlaskClient, full_key: str, origin: str) -> None:
    response = client.get(PAGES, headers={"Origin": origin, "x-api-key": full_key})
    assert response.status_code == 200
    assert_allowed(response, origin)


def test_errors_carry_cors_headers_too(client: FlaskClient) -> None:
    response = client.get(PAGES, headers={"Origin": "http://localhost:5173"})
    assert_error(response, 401, "UNAUTHORIZED", "authentication required")
    assert_allowed(response, "http://localhost:5173")


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
def test_preflight_allows_methods_and_headers(client: FlaskClient, method: str) -> None:
    response = preflight(client, "/api/v1/site/pages", "http://127.0.0.1:3000", method)
    assert response.status_code == 200
    assert_allowed(response, "http://127.0.0.1:3000")
    assert method in {m.upper() for m in listed(response.headers["Access-Control-Allow-Methods"])}
    assert listed(response.headers["Access-Control-Allow-Headers"]) >= set(REQUESTED_HEADERS)


def test_preflight_drops_headers_outside_the_list(client: FlaskClient) -> None:
    response = preflight(client, "/api/v1/site/pages", "http://localhost:3000",
                         headers=["content-type", "x-evil", "x-tpc-organization-slug"])
    allowed = listed(response.headers["Access-Control-Allow-Headers"])
    assert {"content-type", "x-tpc-organization-slug"} <= allowed and "x-evil" not in allowed


@pytest.mark.parametrize("origin", ["http://evil.test", "http://localhost:3001", "null",
                                    "http://localhost:3000.evil.test"])
def test_other_origins_get_no_cors_headers(client: FlaskClient, full_key: str,
                                           origin: str) -> None:
    response = client.get(PAGES, headers={"Origin": origin, "x-api-key": full_key})
    assert response.status_code == 200 and cors_headers(response) == {}
    assert cors_headers(preflight(client, "/api/v1/site/pages", origin)) == {}


def test_no_origin_no_cors_headers(client: FlaskClient, full_key: str) -> None:
    assert cors_headers(client.get(PAGES, headers={"x-api-key": full_key})) == {}


def test_cors_origin_replaces_the_defaults(creds: dict[str, Any], fresh_app: AppFactory) -> None:
    app = fresh_app(cors_origins=["http://x.test:1"])
    client = app.test_client()
    key = creds["apiKeys"][0]["key"]
    assert_allowed(client.get(PAGES, headers={"Origin": "http://x.test:1", "x-api-key": key}),
                   "http://x.test:1")
    for origin in DEFAULT_CORS_ORIGINS:
        response = client.get(PAGES, headers={"Origin": origin, "x-api-key": key})
        assert cors_headers(response) == {}


def test_a_single_cors_origin_still_varies_on_origin(full_key: str, fresh_app: AppFactory) -> None:
    client = fresh_app(cors_origins=["http://x.test:1"]).test_client()
    response = client.get(PAGES, headers={"Origin": "http://x.test:1", "x-api-key": full_key})
    assert "origin" in listed(response.headers.get("Vary"))


def test_auth_routes_have_cors(app: Flask, creds: dict[str, Any]) -> None:
    client = app.test_client()
    origin = "http://localhost:5173"
    response = preflight(client, "/api/auth/sign-in/email", origin, headers=["content-type"])
    assert_allowed(response, origin)
    password = next(u for u in creds["users"] if u["id"] == "user_admin")["password"]
    signed = client.post("/api/auth/sign-in/email", headers={"Origin": origin},
                         json={"email": "admin@example.com", "password": password})
    assert signed.status_code == 200 and "Set-Cookie" in signed.headers
    assert_allowed(signed, origin)
    failed = client.post("/api/auth/sign-out", headers={"Origin": "http://evil.test"})
    assert_auth_error(failed, 403, "INVALID_ORIGIN")
    assert cors_headers(failed) == {}
    session = client.get("/api/auth/get-session", headers={"Origin": origin})
    assert session.get_json()["user"]["id"] == "user_admin"
    assert_allowed(session, origin)


def test_cors_origins_are_trusted_for_cookie_writes(creds: dict[str, Any],
                                                    fresh_app: AppFactory) -> None:
    app = fresh_app(cors_origins=["http://x.test:1"])
    client = app.test_client()
    password = next(u for u in creds["users"] if u["id"] == "user_admin")["password"]
    client.post("/api/auth/sign-in/email", json={"email": "admin@example.com",
                                                 "password": password})
    refused = client.post("/api/auth/sign-out", headers={"Origin": "http://localhost:3000"})
    assert_auth_error(refused, 403, "INVALID_ORIGIN")
    assert client.post("/api/auth/sign-out",
                       headers={"Origin": "http://x.test:1"}).get_json() == {"success": True}


def test_html_pages_and_control_api_have_no_cors(client: FlaskClient) -> None:
    for path in ("/sign-in", "/__mock/fixtures"):
        response = client.get(path, headers={"Origin": "http://localhost:3000"})
        assert response.status_code == 200 and cors_headers(response) == {}


def test_preflight_lists_every_allowed_header_and_asked_x_tpc(client: FlaskClient) -> None:
    response = client.options(PAGES, headers={
        "Origin": "http://localhost:5173", "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "content-type, x-tpc-product-slug, x-evil"})
    allowed = listed(response.headers.get("Access-Control-Allow-Headers"))
    assert {"content-type", "x-api-key", "authorization", "idempotency-key", "x-request-id",
            "x-tpc-product-slug"} <= allowed
    assert "x-evil" not in allowed


def test_vary_origin_is_sent_once(client: FlaskClient, full_key: str) -> None:
    response = client.get(PAGES, headers={"Origin": "http://localhost:3000", "x-api-key": full_key})
    assert response.headers.getlist("Vary") == ["Origin"]
