"""Internal routes: /api/v1/me, /organizations, /products (no API keys)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tpc_mock.auth.sessions import COOKIE_NAME


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/organizations", "/api/v1/products"])
def test_api_key_gets_public_api_only(client: FlaskClient, full_key: str, path: str) -> None:
    body = assert_error(client.get(path, headers={"x-api-key": full_key}), 403, "FORBIDDEN",
                        "public_api_only")
    assert body["details"] == {}


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/organizations", "/api/v1/products"])
def test_no_credential_is_401(client: FlaskClient, path: str) -> None:
    assert_error(client.get(path), 401, "UNAUTHORIZED", "authentication required")


def test_me_with_cookie(client: FlaskClient, session_cookie: str) -> None:
    client.set_cookie(COOKIE_NAME, session_cookie.split("=", 1)[1])
    data = client.get("/api/v1/me").get_json()["data"]
    assert data["user"]["id"] == "user_owner" and data["user"]["email"] == "owner@example.com"
    assert data["callerKind"] == "session" and data["activeOrganizationId"] == "org_123"
    assert {o["id"] for o in data["organizations"]} >= {"org_123"}
    assert next(o for o in data["organizations"] if o["id"] == "org_123")["role"] == "owner"


def test_me_with_bearer_shows_granted_scopes(client: FlaskClient, app: Any, bearer: str) -> None:
    rt = app.extensions["tpc_mock"]
    from tpc_mock.auth.secrets import digest

    session = rt.store.find_one("sessions", "tokenHash", digest(bearer))
    rt.store.update("sessions", session["id"], {"scopes": ["content:read"]})
    data = client.get("/api/v1/me", headers={"Authorization": "Bearer " + bearer}).get_json()["data"]
    assert data["callerKind"] == "bearer" and data["scopes"] == ["content:read"]


def test_organizations_and_products(client: FlaskClient, bearer: str, creds: dict[str, Any]) -> None:
    headers = {"Authorization": "Bearer " + bearer}
    orgs = client.get("/api/v1/organizations", headers=headers).get_json()["data"]["organizations"]
    owner = next(u for u in creds["users"] if u["id"] == "user_owner")
    assert {o["id"] for o in orgs} == {m["organizationId"] for m in owner["memberships"]}
    products = client.get("/api/v1/products?organizationId=org_123",
                          headers=headers).get_json()["data"]["products"]
    assert "product_123" in {p["id"] for p in products}
    assert {p["organizationId"] for p in products} == {"org_123"}
    every = client.get("/api/v1/products", headers=headers).get_json()["data"]["products"]
    assert len(every) > len(products)


def test_products_of_foreign_org_is_404(client: FlaskClient, bearer: str,
                                        creds: dict[str, Any]) -> None:
    outsider_org = next(u for u in creds["users"] if u["id"] == "user_outsider")["memberships"][0]
    response = client.get(f"/api/v1/products?organizationId={outsider_org['organizationId']}",
                          headers={"Authorization": "Bearer " + bearer})
    assert_error(response, 404, "NOT_FOUND", "organization not found")


def test_openapi_document_lists_served_operations(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    ops = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    assert {("GET", "/api/v1/site/pages"), ("POST", "/api/v1/site/pages"),
            ("GET", "/api/v1/md/{id}"), ("GET", "/api/v1/md/by-path/{path}"),
            ("GET", "/api/v1/me")} <= ops
    get_pages = doc["paths"]["/api/v1/site/pages"]["get"]
    names = {p["name"] for p in get_pages["parameters"]}
    assert {"productId", "page", "pageSize", "orderBy", "archivedStatus"} <= names
    post_schema = doc["paths"]["/api/v1/site/pages"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert post_schema["properties"]["pages"]["maxItems"] == 25


def test_openapi_document_declares_text_responses(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    llms = doc["paths"]["/api/v1/apps/{appId}/llms-txt"]["get"]["responses"]["200"]["content"]
    assert llms == {"text/plain": {"schema": {"type": "string"}}}


def test_openapi_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    from openapi_spec_validator import OpenAPIV31SpecValidator

    doc = client.get("/api/v1/openapi.json").get_json()
    errors = [str(e).splitlines()[0] for e in OpenAPIV31SpecValidator(doc).iter_errors()]
    assert errors == []
    assert len([m for item in doc["paths"].values() for m in item]) >= 45
