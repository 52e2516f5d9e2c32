"""GET/POST/PATCH/DELETE /api/v1/site/pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_error

PAGES = "/api/v1/site/pages"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ITEM_FIELDS = ["id", "title", "filePath", "sourceUrl", "status", "type", "isManual", "metaTitle",
               "metaDescription", "publishedAt", "deletedAt", "createdAt", "updatedAt", "domains"]


def _list(client: FlaskClient, key: str, **params: Any) -> Any:
    params.setdefault("productId", "product_123")
    return client.get(PAGES, query_string=params, headers={"x-api-key": key})


def _all_items(client: FlaskClient, key: str, **params: Any) -> list[dict[str, Any]]:
    body = _list(client, key, pageSize=100, **params).get_json()
    assert body["ok"] is True, body
    return list(body["data"]["items"])


def test_quickstart_returns_documented_envelope(client: FlaskClient, full_key: str) -> None:
    response = _list(client, full_key, page=1, pageSize=10)
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["ok", "data"] and body["ok"] is True
    data = body["data"]
    assert data["scope"] == {
        "product": {"id": "product_123", "name": "Example Product", "slug": "example"},
        "organization": {"id": "org_123", "name": "Example Org", "slug": "example-org"},
    }
    assert (data["page"], data["pageSize"], data["archivedStatus"]) == (1, 10, "active")
    assert (data["orderBy"], data["orderByDirection"]) == ("createdAt", "desc")
    for echo in ("query", "status", "type", "isManual", "pathPrefix", "hasContent", "domainId",
                 "domain"):
        assert data[echo] is None
    assert data["totalPages"] == -(-data["total"] // 10)
    assert 0 < len(data["items"]) <= 10
    for item in data["items"]:
        assert list(item) == ITEM_FIELDS
        assert ISO_MS.match(item["createdAt"]) and ISO_MS.match(item["updatedAt"])
    created = [i["createdAt"] for i in data["items"]]
    assert created == sorted(created, reverse=True)


def test_pricing_page_is_seeded(client: FlaskClient, full_key: str) -> None:
    items = _all_items(client, full_key, query="pricing")
    pricing = next(i for i in items if i["id"] == "page_123")
    assert pricing["title"] == "Pricing"
    assert pricing["domains"] == [{"id": "domain_123", "domain": "docs.example.com",
                                   "isCanonical": True}]
    assert pricing["sourceUrl"] == "https://docs.example.com/pricing"


def test_paging_covers_every_item_once_and_past_end_is_empty(
    client: FlaskClient, full_key: str
) -> None:
    total = _list(client, full_key).get_json()["data"]["total"]
    seen: list[str] = []
    for page in range(1, -(-total // 7) + 1):
        seen += [i["id"] for i in _list(client, full_key, page=page, pageSize=7).get_json()["data"]["items"]]
    assert len(seen) == total == len(set(seen))
    past = _list(client, full_key, page=999, pageSize=7).get_json()["data"]
    assert past["items"] == [] and past["total"] == total


@pytest.mark.parametrize("field", ["createdAt", "updatedAt"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sorting(client: FlaskClient, full_key: str, field: str, direction: str) -> None:
    items = _all_items(client, full_key, orderBy=field, orderByDirection=direction)
    values = [i[field] for i in items]
    assert values == sorted(values, reverse=direction == "desc")


def test_filters(client: FlaskClient, full_key: str) -> None:
    everything = _all_items(client, full_key, archivedStatus="all")
    active = _all_items(client, full_key)
    archived = _all_items(client, full_key, archivedStatus="archived")
    assert len(active) + len(archived) == len(everything)
    assert active and all(i["deletedAt"] is None for i in active)
    assert archived and all(i["deletedAt"] for i in archived)
    drafts = _all_items(client, full_key, status="draft")
    assert drafts and all(i["status"] == "draft" for i in drafts)
    manual = _all_items(client, full_key, isManual="true")
    assert manual and all(i["isManual"] for i in manual)
    blog = _all_items(client, full_key, pathPrefix="blog/")
    assert blog and all(i["filePath"].startswith("blog/") for i in blog)
    typed = _all_items(client, full_key, type="page")
    assert typed and all(i["type"] == "page" for i in typed)
    by_domain = _all_items(client, full_key, domainId="domain_123")
    assert by_domain and all(any(d["id"] == "domain_123" for d in i["domains"]) for i in by_domain)
    by_name = _all_items(client, full_key, domain="docs.example.com")
    assert [i["id"] for i in by_name] == [i["id"] for i in by_domain]
    with_content = _all_items(client, full_key, hasContent="true")
    assert len(with_content) == len(active)
    assert _all_items(client, full_key, hasContent="false") == []
    found = _all_items(client, full_key, q="PRICING")
    assert "page_123" in [i["id"] for i in found]
    assert found and all("pricing" in (i["title"] + i["filePath"]).lower() for i in found)
    assert len(found) < len(active)


def test_filters_are_echoed(client: FlaskClient, full_key: str) -> None:
    data = _list(client, full_key, q="x", status="draft", isManual="false", hasContent="true",
                 pathPrefix="blog", domainId="d", domain="e.com", type="blog").get_json()["data"]
    assert (data["query"], data["status"], data["isManual"], data["hasContent"]) == (
        "x", "draft", False, True)
    assert (data["pathPrefix"], data["domainId"], data["domain"], data["type"]) == (
        "blog", "d", "e.com", "blog")


def test_product_slug_instead_of_id(client: FlaskClient, full_key: str) -> None:
    response = client.get(PAGES, query_string={"productSlug": "example"},
                          headers={"x-api-key": full_key})
    assert response.status_code == 200
    assert response.get_json()["data"]["scope"]["product"]["id"] == "product_123"


@pytest.mark.parametrize("params", [{}, {"productId": "product_123", "productSlug": "example"}])
def test_product_id_xor_slug(client: FlaskClient, full_key: str, params: dict[str, str]) -> None:
    response = client.get(PAGES, query_string=params, headers={"x-api-key": full_key})
    body = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
    assert body["details"]["issues"][0]["path"] == "productId"


@pytest.mark.parametrize(("param", "value"), [
    ("page", "0"), ("page", "abc"), ("pageSize", "0"), ("pageSize", "101"),
    ("orderBy", "title"), ("orderByDirection", "up"), ("status", "live"),
    ("isManual", "maybe"), ("archivedStatus", "gone"), ("page", "1" + "0" * 40),
])
def test_bad_parameters_are_422_with_issue_path(
    client: FlaskClient, full_key: str, param: str, value: str
) -> None:
    body = assert_error(_list(client, full_key, **{param: value}), 422, "VALIDATION_ERROR")
    assert body["details"]["issues"][0]["path"] == param
    assert body["details"]["issues"][0]["message"]


def test_product_outside_reach_is_404(client: FlaskClient, other_org_key: str,
                                      full_key: str) -> None:
    assert_error(_list(client, other_org_key), 404, "NOT_FOUND", "product not found")
    assert_error(_list(client, full_key, productId="product_nope"), 404, "NOT_FOUND",
                 "product not found")


def test_missing_scope_is_insufficient_scope(client: FlaskClient, app: Any) -> None:
    from tpc_mock.auth.secrets import digest

    rt = app.extensions["tpc_mock"]
    key = "tpc_" + "k" * 64
    rt.store.insert("apiKeys", {"id": "apikey_t", "name": "t", "start": key[:6], "prefix": "tpc_",
                                "hash": digest(key), "organizationId": "org_123",
                                "scopes": ["content:write"], "enabled": True, "expiresAt": None})
    body = assert_error(_list(client, key), 403, "FORBIDDEN", "insufficient_scope")
    assert body["details"] == {"requiredScopes": ["content:read"],
                               "missingScopes": ["content:read"]}


# -- writes ------------------------------------------------------------------
def _write(client: FlaskClient, method: str, key: str, body: Any, **headers: str) -> Any:
    return client.open(PAGES, method=method, json=body, headers={"x-api-key": key, **headers})


def _count(client: FlaskClient, key: str) -> int:
    return int(_list(client, key, archivedStatus="all").get_json()["data"]["total"])


def test_create_partial_success(client: FlaskClient, full_key: str) -> None:
    before = _count(client, full_key)
    response = _write(client, "POST", full_key, {"productId": "product_123", "pages": [
        {"slug": "/guides/new-page/", "title": "New page", "content": "# New",
         "domainIds": ["domain_123"], "canonicalDomainId": "domain_123"},
        {"slug": "pricing", "title": "Duplicate", "content": "x"},
        {"slug": "other", "title": "Bad domain", "content": "x", "domainIds": ["domain_nope"]},
        {"slug": "guides/new-page", "title": "Same batch duplicate", "content": "x"},
    ]})
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert (data["createdCount"], data["failedCount"]) == (1, 3)
    created = data["created"][0]
    assert created["slug"] == "guides/new-page"
    assert created["sourceUrl"] == "https://docs.example.com/guides/new-page"
    assert created["domains"] == [{"id": "domain_123", "domain": "docs.example.com",
                                   "isCanonical": True}]
    assert [f["slug"] for f in data["failed"]] == ["pricing", "other", "guides/new-page"]
    assert "already exists" in data["failed"][0]["message"]
    assert _count(client, full_key) == before + 1
    listed = _all_items(client, full_key, q="New page")
    assert [i["id"] for i in listed] == [created["id"]]


def test_schema_error_writes_nothing(client: FlaskClient, full_key: str) -> None:
    before = _count(client, full_key)
    pages = [{"slug": f"ok-{i}", "title": "t", "content": "c"} for i in range(3)]
    pages.append({"slug": "broken", "title": 5, "content": "c"})
    body = assert_error(_write(client, "POST", full_key, {"productId": "product_123",
                                                          "pages": pages}),
                        422, "VALIDATION_ERROR", "validation failed")
    assert body["details"]["issues"] == [{"path": "pages.3.title",
                                          "message": "Input should be a valid string"}]
    assert _count(client, full_key) == before


@pytest.mark.parametrize("count", [0, 26])
def test_batch_size_limits(client: FlaskClient, full_key: str, count: int) -> None:
    pages = [{"slug": f"p-{i}", "title": "t", "content": "c"} for i in range(count)]
    body = assert_error(_write(client, "POST", full_key, {"productId": "product_123", "pages": pages}),
                        422, "VALIDATION_ERROR")
    assert body["details"]["issues"][0]["path"] == "pages"


def test_update_partial_success(client: FlaskClient, full_key: str, other_org_key: str) -> None:
    response = _write(client, "PATCH", full_key, {"productId": "product_123", "pages": [
        {"id": "page_123", "title": "Pricing v2", "status": "draft",
         "detachDomainIds": ["domain_123"]},
        {"id": "page_nope", "title": "x"},
    ]})
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert (data["updatedCount"], data["failedCount"]) == (1, 1)
    updated = data["updated"][0]
    assert (updated["title"], updated["status"], updated["domains"]) == ("Pricing v2", "draft", [])
    assert data["failed"] == [{"id": "page_nope", "message": "page not found"}]
    item = _all_items(client, full_key, q="Pricing v2")[0]
    assert item["publishedAt"] is None and item["updatedAt"] > item["createdAt"]


def test_update_to_taken_path_fails_item(client: FlaskClient, full_key: str) -> None:
    other = next(i for i in _all_items(client, full_key) if i["id"] != "page_123")
    response = _write(client, "PATCH", full_key, {"productId": "product_123", "pages": [
        {"id": other["id"], "filePath": "pricing"}]})
    data = response.get_json()["data"]
    assert data["updatedCount"] == 0 and "already exists" in data["failed"][0]["message"]


def test_foreign_page_id_fails_item(client: FlaskClient, full_key: str, app: Any) -> None:
    foreign = next(p for p in app.extensions["tpc_mock"].store.all("pages")
                   if p["organizationId"] != "org_123")
    response = _write(client, "PATCH", full_key, {"productId": "product_123",
                                                  "pages": [{"id": foreign["id"], "title": "x"}]})
    assert response.get_json()["data"]["failed"] == [{"id": foreign["id"],
                                                      "message": "page not found"}]


def test_delete_is_soft_and_lists_as_archived(client: FlaskClient, full_key: str) -> None:
    response = _write(client, "DELETE", full_key, {"productId": "product_123",
                                                   "pageIds": ["page_123", "page_nope"]})
    data = response.get_json()["data"]
    assert data["deleted"] == [{"id": "page_123", "title": "Pricing"}]
    assert data["failed"] == [{"id": "page_nope", "message": "page not found"}]
    assert "page_123" not in [i["id"] for i in _all_items(client, full_key)]
    archived = {i["id"]: i for i in _all_items(client, full_key, archivedStatus="archived")}
    assert ISO_MS.match(archived["page_123"]["deletedAt"])
    again = _write(client, "DELETE", full_key, {"productId": "product_123", "pageIds": ["page_123"]})
    assert again.get_json()["data"]["failed"][0]["message"] == "page already deleted"


def test_delete_id_limit(client: FlaskClient, full_key: str) -> None:
    ids = [f"page_{i}" for i in range(51)]
    assert_error(_write(client, "DELETE", full_key, {"productId": "product_123", "pageIds": ids}),
                 422, "VALIDATION_ERROR")


def test_read_only_key_cannot_write(client: FlaskClient, read_key: str) -> None:
    body = assert_error(_write(client, "POST", read_key, {"productId": "product_123", "pages": [
        {"slug": "x", "title": "x", "content": "x"}]}), 403, "FORBIDDEN", "insufficient_scope")
    assert body["details"]["missingScopes"] == ["content:write"]


def test_write_to_foreign_product_is_404(client: FlaskClient, other_org_key: str) -> None:
    assert_error(_write(client, "POST", other_org_key, {"productId": "product_123", "pages": [
        {"slug": "x", "title": "x", "content": "x"}]}), 404, "NOT_FOUND", "product not found")


# -- idempotency ---------------------------------------------------------------
def test_idempotency_replays_and_conflicts(client: FlaskClient, full_key: str) -> None:
    body = {"productId": "product_123", "pages": [{"slug": "idem", "title": "t", "content": "c"}]}
    first = _write(client, "POST", full_key, body, **{"Idempotency-Key": "k1"})
    before = _count(client, full_key)
    replay = _write(client, "POST", full_key, body, **{"Idempotency-Key": "k1"})
    assert replay.status_code == 200
    assert replay.headers["x-idempotent-replay"] == "true"
    assert replay.get_json() == first.get_json()
    assert "x-idempotent-replay" not in first.headers
    assert _count(client, full_key) == before
    changed = dict(body, pages=[{"slug": "idem2", "title": "t", "content": "c"}])
    assert_error(_write(client, "POST", full_key, changed, **{"Idempotency-Key": "k1"}),
                 409, "CONFLICT")
    assert _count(client, full_key) == before


def test_idempotency_does_not_store_failures(client: FlaskClient, full_key: str) -> None:
    bad = {"productId": "product_123", "pages": []}
    assert_error(_write(client, "POST", full_key, bad, **{"Idempotency-Key": "k2"}), 422,
                 "VALIDATION_ERROR")
    good = {"productId": "product_123", "pages": [{"slug": "g", "title": "t", "content": "c"}]}
    response = _write(client, "POST", full_key, good, **{"Idempotency-Key": "k2"})
    assert response.status_code == 200 and "x-idempotent-replay" not in response.headers


def test_idempotency_expires_after_24h(client: FlaskClient, app: Any, full_key: str) -> None:
    body = {"productId": "product_123", "pages": [{"slug": "exp", "title": "t", "content": "c"}]}
    _write(client, "POST", full_key, body, **{"Idempotency-Key": "k3"})
    app.extensions["tpc_mock"].clock.advance(24 * 3600 + 1)
    again = _write(client, "POST", full_key, body, **{"Idempotency-Key": "k3"})
    assert "x-idempotent-replay" not in again.headers
    assert again.get_json()["data"]["failed"][0]["slug"] == "exp"  # already exists now


# -- rate limit -----------------------------------------------------------------
def test_rate_limit_fixed_window(full_key: str, fresh_app: AppFactory) -> None:

    app = fresh_app(rate_limit="3/60")
    client = app.test_client()
    for _ in range(3):
        assert _list(client, full_key).status_code == 200
    response = _list(client, full_key)
    body = assert_error(response, 429, "TOO_MANY_REQUESTS", "rate_limited")
    assert body["details"]["limit"] == 3 and ISO_MS.match(body["details"]["resetAt"])
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert not [h for h in response.headers.keys() if h.lower().startswith("x-ratelimit")]  # noqa: SIM118
    app.extensions["tpc_mock"].clock.advance(60)
    assert _list(client, full_key).status_code == 200


def test_rate_limit_default_is_300_per_minute(client: FlaskClient, full_key: str) -> None:
    statuses = [_list(client, full_key, pageSize=1).status_code for _ in range(301)]
    assert statuses[:300] == [200] * 300 and statuses[300] == 429


def test_rate_limit_off_and_sessions_unlimited(creds: dict[str, Any], full_key: str,
                                               fresh_app: AppFactory) -> None:

    client = fresh_app(rate_limit="0").test_client()
    assert all(_list(client, full_key, pageSize=1).status_code == 200 for _ in range(320))
    limited = fresh_app(rate_limit="1/60").test_client()
    bearer = {"Authorization": "Bearer " + creds["bearerTokens"][0]["token"]}
    assert all(limited.get(PAGES + "?productId=product_123", headers=bearer).status_code == 200
               for _ in range(3))


def test_key_with_lower_rate_limit_max(app: Any, client: FlaskClient, full_key: str) -> None:
    rt = app.extensions["tpc_mock"]
    record = rt.store.find("apiKeys", "organizationId", "org_123")[0]
    key_id = next(k["id"] for k in rt.credentials["apiKeys"] if k["key"] == full_key)
    assert record
    rt.store.update("apiKeys", key_id, {"rateLimitMax": 2})
    assert [_list(client, full_key).status_code for _ in range(3)] == [200, 200, 429]


def test_empty_page_id_breaks_the_schema(client: FlaskClient, full_key: str) -> None:
    body = assert_error(_write(client, "DELETE", full_key, {"productId": "product_123",
                                                           "pageIds": ["page_123", ""]}),
                        422, "VALIDATION_ERROR")
    assert body["details"]["issues"][0]["path"] == "pageIds.1"
    assert "page_123" in [i["id"] for i in _all_items(client, full_key)]


def test_rate_limited_request_is_journaled_with_its_key(full_key: str,
                                                        fresh_app: AppFactory) -> None:

    app = fresh_app(rate_limit="1/60")
    client = app.test_client()
    _list(client, full_key)
    assert _list(client, full_key).status_code == 429
    entry = app.extensions["tpc_mock"].journal[-1]
    assert (entry["status"], entry["callerKind"], entry["callerId"]) == (429, "apiKey", full_key[:6])
    assert entry["reason"] == "rate_limited"
