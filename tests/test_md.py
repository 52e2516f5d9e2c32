"""/api/v1/md: published markdown by id and by path, tenant headers, key placement."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers import assert_error

MD_FIELDS = ["id", "createdAt", "updatedAt", "deletedAt", "filePath", "title", "content",
             "sourceUrl", "isManual", "productId", "contentType"]


@pytest.mark.parametrize("header", ["x-api-key", "Authorization", "Authorization-Bearer"])
def test_markdown_by_id_with_key_in_any_header(client: FlaskClient, full_key: str,
                                               header: str) -> None:
    headers = ({"Authorization": "Bearer " + full_key} if header == "Authorization-Bearer"
               else {header: full_key})
    response = client.get("/api/v1/md/page_123", headers=headers)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert list(data) == MD_FIELDS
    assert (data["title"], data["contentType"], data["productId"]) == (
        "Pricing", "markdown", "product_123")
    assert data["content"].startswith("# Pricing")


def test_markdown_by_id_tenant_headers_must_match(client: FlaskClient, full_key: str) -> None:
    ok_headers = {"x-api-key": full_key, "x-tpc-organization-slug": "example-org",
                  "x-tpc-product-id": "product_123"}
    assert client.get("/api/v1/md/page_123", headers=ok_headers).status_code == 200
    wrong = {"x-api-key": full_key, "x-tpc-product-slug": "another"}
    assert_error(client.get("/api/v1/md/page_123", headers=wrong), 404, "NOT_FOUND",
                 "document not found")


def test_markdown_by_path(client: FlaskClient, full_key: str) -> None:
    headers = {"x-api-key": full_key, "x-tpc-product-id": "product_123"}
    for path in ("pricing", "pricing.md", "pricing/"):
        response = client.get(f"/api/v1/md/by-path/{path}", headers=headers)
        assert response.status_code == 200, path
        assert response.get_json()["data"]["id"] == "page_123"
    by_slug = {"x-api-key": full_key, "x-tpc-product-slug": "example"}
    assert client.get("/api/v1/md/by-path/pricing", headers=by_slug).status_code == 200


def test_markdown_by_path_needs_product(client: FlaskClient, full_key: str) -> None:
    response = client.get("/api/v1/md/by-path/pricing", headers={"x-api-key": full_key})
    assert_error(response, 400, "BAD_REQUEST",
                 "x-tpc-product-id or x-tpc-product-slug header is required")


def test_root_markdown_not_found_without_index(client: FlaskClient, full_key: str) -> None:
    headers = {"x-api-key": full_key, "x-tpc-product-id": "product_123"}
    assert_error(client.get("/api/v1/md/by-path", headers=headers), 404, "NOT_FOUND",
                 "document not found")


def test_root_markdown_serves_index_page(client: FlaskClient, full_key: str) -> None:
    client.post("/api/v1/site/pages", headers={"x-api-key": full_key}, json={
        "productId": "product_123", "pages": [{"slug": "index", "title": "Home", "content": "# Hi"}]})
    headers = {"x-api-key": full_key, "x-tpc-product-id": "product_123"}
    response = client.get("/api/v1/md/by-path", headers=headers)
    assert response.status_code == 200 and response.get_json()["data"]["title"] == "Home"


def test_unpublished_deleted_and_foreign_are_404(client: FlaskClient, app: Any, full_key: str,
                                                 other_org_key: str) -> None:
    assert_error(client.get("/api/v1/md/page_123", headers={"x-api-key": other_org_key}),
                 404, "NOT_FOUND", "document not found")
    rt = app.extensions["tpc_mock"]
    rt.store.update("pages", "page_123", {"status": "draft"})
    assert_error(client.get("/api/v1/md/page_123", headers={"x-api-key": full_key}), 404,
                 "NOT_FOUND")
    rt.store.update("pages", "page_123", {"status": "published", "deletedAt": "2026-01-01T00:00:00.000Z"})
    assert_error(client.get("/api/v1/md/page_123", headers={"x-api-key": full_key}), 404,
                 "NOT_FOUND")


def test_markdown_needs_content_read(client: FlaskClient, revoked_key: str) -> None:
    assert_error(client.get("/api/v1/md/page_123", headers={"x-api-key": revoked_key}), 401,
                 "UNAUTHORIZED", "invalid api key")
    assert_error(client.get("/api/v1/md/page_123"), 401, "UNAUTHORIZED", "authentication required")
