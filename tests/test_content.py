"""/api/v1/content: get, replace, update, by path, domains, search and count."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tpc_mock.auth.secrets import digest

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
RECORD_FIELDS = [
    "id", "createdAt", "updatedAt", "deletedAt", "filePath", "title", "content", "sourceUrl",
    "cssSelector", "sourceChecksum", "brandId", "cssExcludeSelector", "isManual", "lastIndexedAt",
    "canonicalUrl", "description", "image", "metaDescription", "metaTitle", "metadata", "noIndex",
    "ogDescription", "ogImage", "ogTitle", "twitterDescription", "twitterImage", "twitterTitle",
    "tiptapJson", "descriptionForAgent", "type", "tags", "currentDraftId", "publishedAt", "status",
    "priority", "promptId", "redirectToUrl",
]


def _key(app: Flask, scopes: list[str], org: str = "org_123") -> str:
    """Mint an API key with exactly these scopes."""
    key = "tpc_" + "c" * 60 + "".join(s[0] for s in scopes)[:4].ljust(4, "x")
    app.extensions["tpc_mock"].store.insert("apiKeys", {
        "id": "apikey_" + digest(key)[:10], "name": "narrow", "start": key[:6], "prefix": "tpc_",
        "hash": digest(key), "organizationId": org, "scopes": scopes, "enabled": True,
        "expiresAt": None})
    return key


def _get(client: FlaskClient, url: str, key: str, **params: Any) -> Any:
    return client.get(url, query_string=params, headers={"x-api-key": key})


def _send(client: FlaskClient, method: str, path: str, key: str, body: Any, **headers: str) -> Any:
    return client.open(path, method=method, json=body, headers={"x-api-key": key, **headers})


def _site_page(client: FlaskClient, key: str, page_id: str, product: str = "product_123") -> Any:
    items = _get(client, "/api/v1/site/pages", key, productId=product, pageSize=100,
                 archivedStatus="all").get_json()["data"]["items"]
    return next(i for i in items if i["id"] == page_id)


def _store(app: Flask) -> Any:
    return app.extensions["tpc_mock"].store


def _foreign_page(app: Flask, creds: dict[str, Any]) -> str:
    other_org = creds["apiKeys"][3]["organizationId"]
    return next(p["id"] for p in _store(app).find("pages", "organizationId", other_org))


# -- GET /content/{id} -----------------------------------------------------------
def test_get_content(client: FlaskClient, read_key: str) -> None:
    response = _get(client, "/api/v1/content/page_123", read_key)
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "data": {
        "id": "page_123", "title": "Pricing",
        "content": "# Pricing\n\nSimple plans for every team.\n"}}


def test_get_content_outside_the_org_or_unknown_is_404(
    app: Flask, client: FlaskClient, creds: dict[str, Any], full_key: str, other_org_key: str
) -> None:
    assert_error(_get(client, "/api/v1/content/page_123", other_org_key), 404, "NOT_FOUND",
                 "content not found")
    assert_error(_get(client, f"/api/v1/content/{_foreign_page(app, creds)}", full_key), 404,
                 "NOT_FOUND", "content not found")
    assert_error(_get(client, "/api/v1/content/page_nope", full_key), 404, "NOT_FOUND")


def test_deleted_content_is_404(client: FlaskClient, full_key: str) -> None:
    gone = _send(client, "DELETE", "/api/v1/site/pages", full_key,
                 {"productId": "product_123", "pageIds": ["page_123"]})
    assert gone.get_json()["data"]["deletedCount"] == 1
    assert_error(_get(client, "/api/v1/content/page_123", full_key), 404, "NOT_FOUND")


def test_get_content_needs_content_read(app: Flask, client: FlaskClient) -> None:
    key = _key(app, ["content:write"])
    body = assert_error(_get(client, "/api/v1/content/page_123", key), 403, "FORBIDDEN",
                        "insufficient_scope")
    assert body["details"] == {"requiredScopes": ["content:read"], "missingScopes": ["content:read"]}


# -- PUT /content/{id} -----------------------------------------------------------
def test_put_replaces_fields_visible_in_site_pages_and_md(client: FlaskClient, full_key: str) -> None:
    response = _send(client, "PUT", "/api/v1/content/page_123", full_key, {
        "title": "Plans", "content": "# Plans\n\nNew prices.", "filePath": "/plans/",
        "metaTitle": "Plans | Example", "description": None, "tags": ["pricing", "plans"],
        "priority": 42, "ogImage": "https://cdn.example.com/og.png", "noIndex": True})
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert list(data) == RECORD_FIELDS
    assert (data["title"], data["filePath"], data["content"]) == ("Plans", "plans", "# Plans\n\nNew prices.")
    assert (data["metaTitle"], data["description"], data["tags"]) == ("Plans | Example", None,
                                                                        ["pricing", "plans"])
    assert (data["priority"], data["noIndex"], data["image"]) == (42, True, "https://cdn.example.com/og.png")
    assert data["brandId"] == "brand_123" and data["sourceUrl"] == "https://docs.example.com/plans"
    assert ISO_MS.match(data["updatedAt"]) and data["updatedAt"] > data["createdAt"]
    listed = _site_page(client, full_key, "page_123")
    assert (listed["title"], listed["filePath"], listed["metaTitle"]) == ("Plans", "plans", "Plans | Example")
    assert listed["updatedAt"] == data["updatedAt"]
    md = _get(client, "/api/v1/md/page_123", full_key).get_json()["data"]
    assert (md["title"], md["content"], md["filePath"]) == ("Plans", "# Plans\n\nNew prices.", "plans")
    assert _get(client, "/api/v1/content/page_123", full_key).get_json()["data"]["title"] == "Plans"


def test_site_pages_edits_show_in_content(client: FlaskClient, full_key: str) -> None:
    changed = _send(client, "PATCH", "/api/v1/site/pages", full_key, {
        "productId": "product_123", "pages": [{"id": "page_123", "content": "# Changed"}]})
    assert changed.get_json()["data"]["updatedCount"] == 1
    assert _get(client, "/api/v1/content/page_123", full_key).get_json()["data"]["content"] == "# Changed"


def test_put_keeps_fields_left_out(client: FlaskClient, full_key: str) -> None:
    before = _get(client, "/api/v1/content/page_123", full_key).get_json()["data"]
    data = _send(client, "PUT", "/api/v1/content/page_123", full_key,
                 {"cssSelector": "main"}).get_json()["data"]
    assert (data["title"], data["content"], data["cssSelector"]) == (before["title"], before["content"], "main")


@pytest.mark.parametrize(("body", "path"), [
    ({"title": ""}, "title"),
    ({"title": None}, "title"),
    ({"filePath": ""}, "filePath"),
    ({"priority": 101}, "priority"),
    ({"priority": "5"}, "priority"),
    ({"noIndex": "yes"}, "noIndex"),
    ({"tags": ["ok", 3]}, "tags.1"),
    ({"content": 12}, "content"),
])
def test_put_validation(client: FlaskClient, full_key: str, body: dict[str, Any], path: str) -> None:
    error = assert_error(_send(client, "PUT", "/api/v1/content/page_123", full_key, body), 422,
                         "VALIDATION_ERROR", "validation failed")
    assert path in [i["path"] for i in error["details"]["issues"]]
    assert _get(client, "/api/v1/content/page_123", full_key).get_json()["data"]["title"] == "Pricing"


def test_put_to_a_taken_path_conflicts(client: FlaskClient, full_key: str) -> None:
    other = _send(client, "POST", "/api/v1/site/pages", full_key, {"productId": "product_123", "pages": [
        {"slug": "guides/setup", "title": "Setup", "content": "x"}]}).get_json()["data"]["created"][0]
    assert_error(_send(client, "PUT", f"/api/v1/content/{other['id']}", full_key,
                       {"filePath": "/pricing", "title": "Stolen"}), 409, "CONFLICT",
                 "a page with path 'pricing' already exists")
    assert _get(client, f"/api/v1/content/{other['id']}", full_key).get_json()["data"]["title"] == "Setup"


def test_put_outside_the_org_is_404(client: FlaskClient, other_org_key: str, full_key: str) -> None:
    assert_error(_send(client, "PUT", "/api/v1/content/page_123", other_org_key, {"title": "x"}),
                 404, "NOT_FOUND", "content not found")
    assert _get(client, "/api/v1/content/page_123", full_key).get_json()["data"]["title"] == "Pricing"


def test_put_needs_content_write(client: FlaskClient, read_key: str) -> None:
    body = assert_error(_send(client, "PUT", "/api/v1/content/page_123", read_key, {"title": "x"}),
                        403, "FORBIDDEN", "insufficient_scope")
    assert body["details"] == {"requiredScopes": ["content:write"], "missingScopes": ["content:write"]}


def test_put_is_idempotent(client: FlaskClient, full_key: str) -> None:
    first = _send(client, "PUT", "/api/v1/content/page_123", full_key, {"title": "Once"},
                  **{"Idempotency-Key": "put-1"})
    again = _send(client, "PUT", "/api/v1/content/page_123", full_key, {"title": "Once"},
                  **{"Idempotency-Key": "put-1"})
    assert again.status_code == 200 and again.headers["x-idempotent-replay"] == "true"
    assert again.get_json() == first.get_json()
    assert_error(_send(client, "PUT", "/api/v1/content/page_123", full_key, {"title": "Twice"},
                       **{"Idempotency-Key": "put-1"}), 409, "CONFLICT")


# -- PATCH /content/{id} ---------------------------------------------------------
def test_patch_sets_priority(client: FlaskClient, full_key: str) -> None:
    response = _send(client, "PATCH", "/api/v1/content/page_123", full_key, {"priority": 7})
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert list(data) == RECORD_FIELDS and data["priority"] == 7
    later = _send(client, "PUT", "/api/v1/content/page_123", full_key, {}).get_json()["data"]
    assert later["priority"] == 7


@pytest.mark.parametrize("priority", [-1, 100.5, "high", None])
def test_patch_validation(client: FlaskClient, full_key: str, priority: Any) -> None:
    error = assert_error(_send(client, "PATCH", "/api/v1/content/page_123", full_key,
                               {"priority": priority}), 422, "VALIDATION_ERROR")
    assert [i["path"] for i in error["details"]["issues"]] == ["priority"]


def test_patch_outside_the_org_and_scope(client: FlaskClient, other_org_key: str, read_key: str) -> None:
    assert_error(_send(client, "PATCH", "/api/v1/content/page_123", other_org_key, {"priority": 1}),
                 404, "NOT_FOUND")
    assert_error(_send(client, "PATCH", "/api/v1/content/page_123", read_key, {"priority": 1}),
                 403, "FORBIDDEN", "insufficient_scope")


# -- PATCH /content/{id}/domains -------------------------------------------------
def _www(app: Flask) -> str:
    return next(d["id"] for d in _store(app).find("domains", "productId", "product_123")
                if d["domain"] == "www.example.com")


def test_domains_attach_canonical_and_detach(app: Flask, client: FlaskClient, full_key: str) -> None:
    www = _www(app)
    response = _send(client, "PATCH", "/api/v1/content/page_123/domains", full_key,
                     {"attach": [www], "canonicalDomainId": www})
    assert response.status_code == 200
    assert response.get_json()["data"] == {"id": "page_123", "domains": [
        {"id": "domain_123", "domain": "docs.example.com", "isCanonical": False},
        {"id": www, "domain": "www.example.com", "isCanonical": True}]}
    listed = _site_page(client, full_key, "page_123")
    assert listed["sourceUrl"] == "https://www.example.com/pricing"
    assert [d["isCanonical"] for d in listed["domains"]] == [False, True]
    detached = _send(client, "PATCH", "/api/v1/content/page_123/domains", full_key,
                     {"detach": [www]}).get_json()["data"]
    assert detached["domains"] == [{"id": "domain_123", "domain": "docs.example.com",
                                    "isCanonical": False}]
    assert _site_page(client, full_key, "page_123")["sourceUrl"] == "https://example.tpc.page/pricing"


def test_domains_validation(app: Flask, client: FlaskClient, full_key: str, creds: dict[str, Any]) -> None:
    foreign = next(d["id"] for d in _store(app).all("domains") if d["productId"] != "product_123")
    cases = [({"attach": ["domain_nope"]}, "attach.0"), ({"attach": ["domain_123", foreign]}, "attach.1"),
             ({"canonicalDomainId": _www(app)}, "canonicalDomainId"), ({"attach": "domain_123"}, "attach"),
             ({"detach": [""]}, "detach.0")]
    for body, path in cases:
        error = assert_error(_send(client, "PATCH", "/api/v1/content/page_123/domains", full_key, body),
                             422, "VALIDATION_ERROR", "validation failed")
        assert [i["path"] for i in error["details"]["issues"]] == [path], body
    assert [d["id"] for d in _site_page(client, full_key, "page_123")["domains"]] == ["domain_123"]


def test_domains_outside_the_org_and_scope(client: FlaskClient, other_org_key: str, read_key: str) -> None:
    assert_error(_send(client, "PATCH", "/api/v1/content/page_123/domains", other_org_key,
                       {"detach": ["domain_123"]}), 404, "NOT_FOUND", "content not found")
    assert_error(_send(client, "PATCH", "/api/v1/content/page_123/domains", read_key,
                       {"detach": ["domain_123"]}), 403, "FORBIDDEN", "insufficient_scope")


# -- GET /content/by-path --------------------------------------------------------
@pytest.mark.parametrize("brand", ["brand_123", "product_123"])
def test_by_path(client: FlaskClient, read_key: str, brand: str) -> None:
    response = _get(client, "/api/v1/content/by-path", read_key, brandId=brand, path="/pricing/")
    assert response.status_code == 200
    assert response.get_json()["data"] == {
        "id": "page_123", "title": "Pricing", "content": "# Pricing\n\nSimple plans for every team.\n",
        "filePath": "pricing", "sourceUrl": "https://docs.example.com/pricing",
        "description": response.get_json()["data"]["description"]}
    assert isinstance(response.get_json()["data"]["description"], str)


def test_by_path_follows_a_rename(client: FlaskClient, full_key: str) -> None:
    _send(client, "PUT", "/api/v1/content/page_123", full_key, {"filePath": "plans"})
    assert_error(_get(client, "/api/v1/content/by-path", full_key, brandId="brand_123", path="pricing"),
                 404, "NOT_FOUND", "content not found")
    found = _get(client, "/api/v1/content/by-path", full_key, brandId="brand_123", path="plans")
    assert found.get_json()["data"]["id"] == "page_123"


def test_by_path_errors(client: FlaskClient, read_key: str, other_org_key: str) -> None:
    missing = assert_error(_get(client, "/api/v1/content/by-path", read_key, brandId="brand_123"),
                           422, "VALIDATION_ERROR")
    assert [i["path"] for i in missing["details"]["issues"]] == ["path"]
    empty = assert_error(_get(client, "/api/v1/content/by-path", read_key, brandId="", path="x"),
                         422, "VALIDATION_ERROR")
    assert [i["path"] for i in empty["details"]["issues"]] == ["brandId"]
    assert_error(_get(client, "/api/v1/content/by-path", other_org_key, brandId="brand_123",
                      path="pricing"), 404, "NOT_FOUND", "brand not found")


# -- POST /content/search/{orgId} ------------------------------------------------
def test_search_ranks_org_pages(app: Flask, client: FlaskClient, read_key: str) -> None:
    response = _send(client, "POST", "/api/v1/content/search/org_123", read_key, {"query": "Pricing"})
    assert response.status_code == 200
    data = response.get_json()["data"]
    ids, distances, metas = data["ids"][0], data["distances"][0], data["metadatas"][0]
    assert ids[0] == "page_123" and distances == sorted(distances) and 0 < len(ids) <= 10
    assert len(ids) == len(distances) == len(metas) == len(data["documents"][0]) == len(data["uris"][0])
    assert metas[0] | {"brandId": "brand_123"} == {
        "pageId": "page_123", "productId": "product_123", "brandId": "brand_123", "title": "Pricing",
        "filePath": "pricing", "sourceUrl": "https://docs.example.com/pricing", "status": "published"}
    assert {_store(app).get("pages", i)["organizationId"] for i in ids} == {"org_123"}
    assert data["included"] == ["distances", "documents", "metadatas", "uris"]


def test_search_sees_edits(client: FlaskClient, full_key: str) -> None:
    nothing = _send(client, "POST", "/api/v1/content/search/org_123", full_key, {"query": "zebracorn"})
    assert nothing.get_json()["data"]["ids"] == [[]]
    _send(client, "PUT", "/api/v1/content/page_123", full_key, {"title": "Zebracorn plans"})
    found = _send(client, "POST", "/api/v1/content/search/org_123", full_key, {"query": "zebracorn"})
    assert found.get_json()["data"]["ids"] == [["page_123"]]


def test_search_errors(app: Flask, client: FlaskClient, read_key: str, other_org_key: str) -> None:
    for body, path in (({"query": ""}, "query"), ({}, "query"), ({"query": 3}, "query")):
        error = assert_error(_send(client, "POST", "/api/v1/content/search/org_123", read_key, body),
                             422, "VALIDATION_ERROR")
        assert [i["path"] for i in error["details"]["issues"]] == [path]
    assert_error(_send(client, "POST", "/api/v1/content/search/org_123", other_org_key,
                       {"query": "pricing"}), 404, "NOT_FOUND", "organization not found")
    assert_error(_send(client, "POST", "/api/v1/content/search/org_nope", read_key,
                       {"query": "pricing"}), 404, "NOT_FOUND", "organization not found")
    narrow = _key(app, ["analytics:read"])
    error = assert_error(_send(client, "POST", "/api/v1/content/search/org_123", narrow,
                               {"query": "pricing"}), 403, "FORBIDDEN", "insufficient_scope")
    assert error["details"]["missingScopes"] == ["content:read"]


# -- GET /content/count/{orgId} --------------------------------------------------
def _active_pages(client: FlaskClient, key: str, creds: dict[str, Any], org: str) -> int:
    products = [p["id"] for p in creds["products"] if p["organizationId"] == org]
    return sum(_get(client, "/api/v1/site/pages", key, productId=p).get_json()["data"]["total"]
               for p in products)


def test_count_follows_creates_and_deletes(client: FlaskClient, full_key: str, creds: dict[str, Any]) -> None:
    response = _get(client, "/api/v1/content/count/org_123", full_key)
    assert response.status_code == 200
    count = response.get_json()["data"]["count"]
    assert count == _active_pages(client, full_key, creds, "org_123") > 0
    _send(client, "POST", "/api/v1/site/pages", full_key, {"productId": "product_123", "pages": [
        {"slug": "a-new-one", "title": "New", "content": "x"}]})
    assert _get(client, "/api/v1/content/count/org_123", full_key).get_json()["data"]["count"] == count + 1
    _send(client, "DELETE", "/api/v1/site/pages", full_key, {"productId": "product_123", "pageIds": ["page_123"]})
    assert _get(client, "/api/v1/content/count/org_123", full_key).get_json()["data"]["count"] == count


def test_count_of_another_org(client: FlaskClient, other_org_key: str, full_key: str,
                              creds: dict[str, Any]) -> None:
    other = creds["apiKeys"][3]["organizationId"]
    own = _get(client, f"/api/v1/content/count/{other}", other_org_key).get_json()["data"]["count"]
    assert own == _active_pages(client, other_org_key, creds, other)
    assert_error(_get(client, f"/api/v1/content/count/{other}", full_key), 404, "NOT_FOUND",
                 "organization not found")
    assert_error(_get(client, "/api/v1/content/count/org_123", other_org_key), 404, "NOT_FOUND")


def test_count_needs_content_read(app: Flask, client: FlaskClient) -> None:
    error = assert_error(_get(client, "/api/v1/content/count/org_123", _key(app, ["content:write"])),
                         403, "FORBIDDEN", "insufficient_scope")
    assert error["details"] == {"requiredScopes": ["content:read"], "missingScopes": ["content:read"]}


def test_bearer_reaches_every_org_of_its_user(client: FlaskClient, bearer: str, creds: dict[str, Any]) -> None:
    owner = next(u for u in creds["users"] if u["id"] == "user_owner")
    for membership in owner["memberships"]:
        response = client.get(f"/api/v1/content/count/{membership['organizationId']}",
                              headers={"Authorization": f"Bearer {bearer}"})
        assert response.status_code == 200
    outsider_org = creds["apiKeys"][3]["organizationId"]
    assert_error(client.get(f"/api/v1/content/count/{outsider_org}",
                            headers={"Authorization": f"Bearer {bearer}"}), 404, "NOT_FOUND")


def test_put_source_url_and_seo_fields(client: FlaskClient, full_key: str) -> None:
    data = _send(client, "PUT", "/api/v1/content/page_123", full_key, {
        "sourceUrl": "https://example.com/old-pricing", "canonicalUrl": "https://example.com/pricing",
        "twitterTitle": "Prices", "descriptionForAgent": "Plans and prices",
        "tiptapJson": {"type": "doc", "content": []}}).get_json()["data"]
    assert data["sourceUrl"] == "https://example.com/old-pricing"
    assert (data["canonicalUrl"], data["twitterTitle"], data["descriptionForAgent"]) == (
        "https://example.com/pricing", "Prices", "Plans and prices")
    assert data["tiptapJson"] == {"type": "doc", "content": []}
    found = _get(client, "/api/v1/content/by-path", full_key, brandId="brand_123", path="pricing")
    assert found.get_json()["data"]["sourceUrl"] == "https://example.com/old-pricing"
    cleared = _send(client, "PUT", "/api/v1/content/page_123", full_key, {"canonicalUrl": None})
    assert cleared.get_json()["data"]["canonicalUrl"] is None
    assert_error(_send(client, "PUT", "/api/v1/content/page_123", full_key, {"sourceUrl": None}),
                 422, "VALIDATION_ERROR")
