"""App routes, route candidates, import preview, batch creation and llms.txt."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tests.test_apps import assert_insufficient, data, h, issue_paths

EXAMPLE = "/api/v1/apps/app_123"
ROUTES = EXAMPLE + "/routes"
ROUTE_FIELDS = ["id", "appId", "path", "targetType", "targetId", "createdAt", "updatedAt",
                "target", "product"]
TARGET_FIELDS = ["id", "title", "filePath", "sourceUrl", "status", "type", "redirectToUrl",
                 "productId"]
CANDIDATE_FIELDS = ["targetType", "targetId", "suggestedPath", "pathStatus", "existingRoute",
                    "pathConflict", "target", "product"]
PREVIEW_FIELDS = ["input", "action", "issues", "existingRoute", "pathConflict", "target", "product"]
EXAMPLE_PRODUCT = {"id": "product_123", "name": "Example Product", "slug": "example"}
SECOND_PRODUCT = "product_mg787hnhrlyh3et1"
DELETED_PAGE = "page_3shawfxdmia3hmmn"  # a soft-deleted page of product_123


def pages_of(app: Flask, product_id: str, status: str = "published") -> list[dict[str, Any]]:
    pages = app.extensions["tpc_mock"].store.find("pages", "productId", product_id)
    return [p for p in pages if p["status"] == status and not p["deletedAt"]]


def routes(client: FlaskClient, key: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = data(client.get(ROUTES, headers=h(key)))
    return result


def unrouted(
    app: Flask, client: FlaskClient, key: str, status: str = "published"
) -> list[dict[str, Any]]:
    routed = {r["targetId"] for r in routes(client, key)}
    return sorted((p for p in pages_of(app, "product_123", status) if p["id"] not in routed),
                  key=lambda p: p["filePath"])


def foreign_page(app: Flask, creds: dict[str, Any]) -> str:
    org = creds["apiKeys"][3]["organizationId"]
    store = app.extensions["tpc_mock"].store
    return str(next(p["id"] for p in store.all("pages") if p["organizationId"] == org))


# -- list, create, update, delete ---------------------------------------------
def test_list_routes(client: FlaskClient, read_key: str) -> None:
    listed = routes(client, read_key)
    assert len(listed) == 6 and [r["path"] for r in listed] == sorted(r["path"] for r in listed)
    pricing = next(r for r in listed if r["path"] == "/pricing")
    assert list(pricing) == ROUTE_FIELDS
    assert (pricing["appId"], pricing["targetType"], pricing["targetId"]) == (
        "app_123", "product_document", "page_123")
    assert list(pricing["target"]) == TARGET_FIELDS
    assert pricing["target"]["sourceUrl"] == "https://docs.example.com/pricing"
    target = pricing["target"]
    assert (target["title"], target["productId"]) == ("Pricing", "product_123")
    assert pricing["product"] == EXAMPLE_PRODUCT


def test_create_route_normalizes_the_path(app: Flask, client: FlaskClient, full_key: str) -> None:
    page = unrouted(app, client, full_key)[0]
    created = data(client.post(ROUTES, json={"path": "learn//" + page["filePath"] + "/",
                                             "targetId": page["id"]}, headers=h(full_key)))
    assert list(created) == ROUTE_FIELDS
    assert created["path"] == "/learn/" + page["filePath"]
    assert (created["targetId"], created["target"]["id"], created["product"]) == (
        page["id"], page["id"], EXAMPLE_PRODUCT)
    assert created["createdAt"] == created["updatedAt"]
    assert created in routes(client, full_key)


def test_create_route_on_a_taken_path_conflicts(
    app: Flask, client: FlaskClient, full_key: str
) -> None:
    page = unrouted(app, client, full_key)[0]
    for target in (page["id"], "page_123"):
        response = client.post(ROUTES, json={"path": "/pricing", "targetId": target},
                               headers=h(full_key))
        assert_error(response, 409, "CONFLICT",
                     "a route with path '/pricing' already exists in this app")
    assert len(routes(client, full_key)) == 6


def test_create_route_to_unreachable_target(app: Flask, client: FlaskClient, full_key: str,
                                            creds: dict[str, Any]) -> None:
    for target in ("page_nope", DELETED_PAGE, foreign_page(app, creds)):
        response = client.post(ROUTES, json={"path": "/x", "targetId": target}, headers=h(full_key))
        assert_error(response, 404, "NOT_FOUND", "target not found")
    assert len(routes(client, full_key)) == 6


def test_create_route_to_a_product_not_attached(
    app: Flask, client: FlaskClient, full_key: str
) -> None:
    page = pages_of(app, SECOND_PRODUCT)[0]
    response = client.post(ROUTES, json={"path": "/x", "targetId": page["id"]}, headers=h(full_key))
    body = assert_error(response, 422, "BUSINESS_LOGIC_ERROR",
                        "the target page's product is not attached to this app")
    assert body["details"]["issues"] == [{"path": "targetId", "message": "product_not_available"}]
    assert len(routes(client, full_key)) == 6


@pytest.mark.parametrize(("body", "path"), [
    ({"targetId": "page_123"}, "path"), ({"path": "", "targetId": "page_123"}, "path"),
    ({"path": "/a b", "targetId": "page_123"}, "path"),
    ({"path": "/a?b", "targetId": "page_123"}, "path"),
    ({"path": "/" + "a" * 2048, "targetId": "page_123"}, "path"), ({"path": "/x"}, "targetId"),
    ({"path": "/x", "targetId": ""}, "targetId"),
    ({"path": "/x", "targetId": "page_123", "targetType": "page"}, "targetType"),
])
def test_create_route_validation(client: FlaskClient, full_key: str, body: Any, path: str) -> None:
    assert path in issue_paths(client.post(ROUTES, json=body, headers=h(full_key)))
    assert len(routes(client, full_key)) == 6


def test_update_route(app: Flask, client: FlaskClient, full_key: str) -> None:
    route = next(r for r in routes(client, full_key) if r["path"] == "/pricing")
    page = unrouted(app, client, full_key)[0]
    app.extensions["tpc_mock"].clock.advance(30)
    moved = data(client.patch(f"{ROUTES}/{route['id']}", json={"path": "plans"},
                              headers=h(full_key)))
    assert list(moved) == ROUTE_FIELDS
    assert (moved["path"], moved["targetId"]) == ("/plans", "page_123")
    assert moved["updatedAt"] > route["updatedAt"] and moved["createdAt"] == route["createdAt"]
    retargeted = data(client.patch(f"{ROUTES}/{route['id']}", json={
        "targetId": page["id"], "targetType": "product_document"}, headers=h(full_key)))
    assert (retargeted["path"], retargeted["targetId"], retargeted["target"]["title"]) == (
        "/plans", page["id"], page["title"])
    assert retargeted in routes(client, full_key)


def test_update_route_errors(app: Flask, client: FlaskClient, full_key: str) -> None:
    first, second = routes(client, full_key)[:2]
    url = f"{ROUTES}/{first['id']}"
    assert_error(client.patch(url, json={"path": second["path"]}, headers=h(full_key)),
                 409, "CONFLICT",
                 f"a route with path '{second['path']}' already exists in this app")
    assert_error(client.patch(url, json={"targetId": DELETED_PAGE}, headers=h(full_key)),
                 404, "NOT_FOUND", "target not found")
    assert_error(client.patch(url, json={"targetId": pages_of(app, SECOND_PRODUCT)[0]["id"]},
                              headers=h(full_key)), 422, "BUSINESS_LOGIC_ERROR")
    assert "path" in issue_paths(client.patch(url, json={"path": "/a b"}, headers=h(full_key)))
    assert "targetId" in issue_paths(client.patch(url, json={"targetId": 7}, headers=h(full_key)))
    assert_error(client.patch(f"{ROUTES}/route_nope", json={"path": "/y"}, headers=h(full_key)),
                 404, "NOT_FOUND", "route not found")
    assert routes(client, full_key)[0] == first


def test_route_of_another_app_is_not_found(client: FlaskClient, full_key: str) -> None:
    other = data(client.post("/api/v1/apps", json={"name": "Other"}, headers=h(full_key)))
    route_id = routes(client, full_key)[0]["id"]
    url = f"/api/v1/apps/{other['id']}/routes/{route_id}"
    assert_error(client.patch(url, json={"path": "/y"}, headers=h(full_key)), 404, "NOT_FOUND",
                 "route not found")
    assert_error(client.delete(url, headers=h(full_key)), 404, "NOT_FOUND", "route not found")
    assert len(routes(client, full_key)) == 6


def test_delete_route(client: FlaskClient, full_key: str) -> None:
    route = routes(client, full_key)[0]
    deleted = client.delete(f"{ROUTES}/{route['id']}", headers=h(full_key))
    assert data(deleted) == {"id": route["id"]}
    assert route["id"] not in [r["id"] for r in routes(client, full_key)]
    assert_error(client.delete(f"{ROUTES}/{route['id']}", headers=h(full_key)), 404, "NOT_FOUND",
                 "route not found")


def test_route_writes_need_content_write(client: FlaskClient, read_key: str, full_key: str) -> None:
    route_id = routes(client, full_key)[0]["id"]
    batch = {"routes": [{"path": "/x", "targetId": "page_123"}]}
    for response in (
        client.post(ROUTES, json={"path": "/x", "targetId": "page_123"}, headers=h(read_key)),
        client.patch(f"{ROUTES}/{route_id}", json={"path": "/x"}, headers=h(read_key)),
        client.delete(f"{ROUTES}/{route_id}", headers=h(read_key)),
        client.post(f"{ROUTES}/import-preview", json=batch, headers=h(read_key)),
        client.post(f"{ROUTES}/batch", json=batch, headers=h(read_key)),
    ):
        assert_insufficient(response)
    assert len(routes(client, full_key)) == 6


def test_routes_of_another_organization(
    client: FlaskClient, other_org_key: str, full_key: str
) -> None:
    route_id = routes(client, full_key)[0]["id"]
    batch = {"routes": [{"path": "/x", "targetId": "page_123"}]}
    for response in (
        client.get(ROUTES, headers=h(other_org_key)),
        client.post(ROUTES, json={"path": "/x", "targetId": "page_123"}, headers=h(other_org_key)),
        client.patch(f"{ROUTES}/{route_id}", json={"path": "/x"}, headers=h(other_org_key)),
        client.delete(f"{ROUTES}/{route_id}", headers=h(other_org_key)),
        client.get(f"{EXAMPLE}/route-candidates", headers=h(other_org_key)),
        client.post(f"{ROUTES}/import-preview", json=batch, headers=h(other_org_key)),
        client.post(f"{ROUTES}/batch", json=batch, headers=h(other_org_key)),
        client.get(f"{EXAMPLE}/llms-txt", headers=h(other_org_key)),
    ):
        assert_error(response, 404, "NOT_FOUND", "app not found")
    assert len(routes(client, full_key)) == 6


# -- candidates ------------------------------------------------------------------
def candidates(client: FlaskClient, key: str, **query: Any) -> dict[str, Any]:
    result: dict[str, Any] = data(client.get(f"{EXAMPLE}/route-candidates", query_string=query,
                                             headers=h(key)))
    return result


def test_candidates_are_the_unrouted_published_pages(
    app: Flask, client: FlaskClient, read_key: str
) -> None:
    result = candidates(client, read_key)
    expected = unrouted(app, client, read_key)
    assert result["appId"] == "app_123" and result["candidateCount"] == len(expected) > 0
    assert [c["targetId"] for c in result["candidates"]] == [p["id"] for p in expected]
    for candidate, page in zip(result["candidates"], expected):
        assert list(candidate) == CANDIDATE_FIELDS
        assert (candidate["targetType"], candidate["suggestedPath"], candidate["pathStatus"]) == (
            "product_document", "/" + page["filePath"], "available")
        assert candidate["existingRoute"] is None and candidate["pathConflict"] is None
        assert list(candidate["target"]) == TARGET_FIELDS
        assert candidate["product"] == EXAMPLE_PRODUCT


def test_candidates_follow_the_routes(app: Flask, client: FlaskClient, full_key: str) -> None:
    first, second = unrouted(app, client, full_key)[:2]
    route = data(client.post(ROUTES, json={"path": first["filePath"], "targetId": first["id"]},
                             headers=h(full_key)))
    clash = data(client.post(ROUTES, json={"path": "/" + second["filePath"],
                                           "targetId": "page_123"},
                             headers=h(full_key)))
    result = candidates(client, full_key)
    by_id = {c["targetId"]: c for c in result["candidates"]}
    assert first["id"] not in by_id
    assert by_id[second["id"]]["pathStatus"] == "path_conflict"
    assert by_id[second["id"]]["pathConflict"] == {
        "id": clash["id"], "path": clash["path"], "targetType": "product_document",
        "targetId": "page_123"}
    everything = candidates(client, full_key, includeRouted="true")["candidates"]
    routed = {c["targetId"]: c for c in everything}
    assert routed[first["id"]]["pathStatus"] == "already_routed"
    assert routed[first["id"]]["existingRoute"] == {"id": route["id"], "path": route["path"]}
    assert routed["page_123"]["pathStatus"] == "already_routed"
    assert len(routed) == len(pages_of(app, "product_123"))


def test_candidates_by_status_and_product(app: Flask, client: FlaskClient, full_key: str) -> None:
    drafts = candidates(client, full_key, status="draft", productId="product_123")
    assert {c["targetId"] for c in drafts["candidates"]} == {
        p["id"] for p in pages_of(app, "product_123", "draft")}
    assert {c["target"]["status"] for c in drafts["candidates"]} == {"draft"}
    assert_error(client.get(f"{EXAMPLE}/route-candidates",
                            query_string={"productId": SECOND_PRODUCT},
                            headers=h(full_key)), 404, "NOT_FOUND", "product not found")
    data(client.post(f"{EXAMPLE}/resources", json={"resourceId": SECOND_PRODUCT},
                     headers=h(full_key)))
    second = candidates(client, full_key, productId=SECOND_PRODUCT)
    expected = {p["id"] for p in pages_of(app, SECOND_PRODUCT)}
    assert {c["targetId"] for c in second["candidates"]} == expected


@pytest.mark.parametrize(("query", "path"), [
    ({"status": "archived"}, "status"), ({"includeRouted": "maybe"}, "includeRouted"),
    ({"productId": ""}, "productId"),
])
def test_candidates_validation(client: FlaskClient, read_key: str, query: Any, path: str) -> None:
    response = client.get(f"{EXAMPLE}/route-candidates", query_string=query, headers=h(read_key))
    assert path in issue_paths(response)


# -- import preview and batch ----------------------------------------------------
def mixed_import(
    app: Flask, client: FlaskClient, key: str, creds: dict[str, Any]
) -> list[dict[str, Any]]:
    fresh = unrouted(app, client, key)
    existing = next(r for r in routes(client, key) if r["path"] != "/pricing")
    return [
        {"path": fresh[0]["filePath"], "targetId": fresh[0]["id"]},  # create
        {"path": "/pricing", "targetId": "page_123"},  # skip: already routed
        {"path": existing["path"], "targetId": fresh[1]["id"]},  # path_conflict
        {"path": "/" + fresh[0]["filePath"], "targetId": fresh[2]["id"]},  # duplicate input
        {"path": "/ghost", "targetId": foreign_page(app, creds)},  # target_not_found
        {"path": "/other", "targetId": pages_of(app, SECOND_PRODUCT)[0]["id"]},  # not attached
    ]


def test_import_preview_classifies_every_route(app: Flask, client: FlaskClient, full_key: str,
                                               creds: dict[str, Any]) -> None:
    before = routes(client, full_key)
    inputs = mixed_import(app, client, full_key, creds)
    result = data(client.post(f"{ROUTES}/import-preview", json={"routes": inputs},
                              headers=h(full_key)))
    assert (result["appId"], result["valid"]) == ("app_123", False)
    assert (result["createCount"], result["skipCount"], result["conflictCount"]) == (1, 1, 4)
    rows = result["routes"]
    for row, given in zip(rows, inputs):
        assert list(row) == PREVIEW_FIELDS
        assert row["input"] == {**given, "targetType": "product_document"}
    assert [(r["action"], r["issues"]) for r in rows] == [
        ("create", []), ("skip", ["already_routed"]), ("conflict", ["path_conflict"]),
        ("conflict", ["duplicate_input_path"]), ("conflict", ["target_not_found"]),
        ("conflict", ["product_not_available"])]
    pricing = next(r for r in before if r["path"] == "/pricing")
    assert rows[1]["existingRoute"] == {"id": pricing["id"], "path": "/pricing"}
    clash = next(r for r in before if r["path"] == inputs[2]["path"])
    assert rows[2]["pathConflict"] == {"id": clash["id"], "path": clash["path"],
                                       "targetType": "product_document",
                                       "targetId": clash["targetId"]}
    assert rows[2]["existingRoute"] is None
    assert rows[0]["target"]["id"] == inputs[0]["targetId"]
    assert rows[0]["product"] == EXAMPLE_PRODUCT
    assert rows[4]["target"] is None and rows[4]["product"] is None
    assert rows[5]["product"]["id"] == SECOND_PRODUCT
    assert routes(client, full_key) == before  # a preview writes nothing


def test_import_preview_of_a_clean_import_is_valid(
    app: Flask, client: FlaskClient, full_key: str
) -> None:
    page = unrouted(app, client, full_key)[0]
    result = data(client.post(f"{ROUTES}/import-preview", json={"routes": [
        {"path": "/a", "targetId": page["id"]}]}, headers=h(full_key)))
    assert (result["valid"], result["createCount"], result["conflictCount"]) == (True, 1, 0)


@pytest.mark.parametrize("url", [f"{ROUTES}/import-preview", f"{ROUTES}/batch"])
@pytest.mark.parametrize(("body", "path"), [
    ({}, "routes"), ({"routes": []}, "routes"),
    ({"routes": [{"path": f"/p{i}", "targetId": "page_123"} for i in range(101)]}, "routes"),
    ({"routes": [{"path": "/a b", "targetId": "page_123"}]}, "routes.0.path"),
    ({"routes": [{"path": "/a"}]}, "routes.0.targetId"),
])
def test_import_validation(
    client: FlaskClient, full_key: str, url: str, body: Any, path: str
) -> None:
    assert path in issue_paths(client.post(url, json=body, headers=h(full_key)))
    assert len(routes(client, full_key)) == 6


def test_batch_creates_and_skips(app: Flask, client: FlaskClient, full_key: str) -> None:
    fresh = unrouted(app, client, full_key)[:2]
    body = {"routes": [{"path": p["filePath"], "targetId": p["id"]} for p in fresh]
            + [{"path": "/pricing", "targetId": "page_123"}]}
    result = data(client.post(f"{ROUTES}/batch", json=body, headers=h(full_key)))
    assert result["createdCount"] == 2 and len(result["routes"]) == 2
    for route, page in zip(result["routes"], fresh):
        assert list(route) == ROUTE_FIELDS
        assert (route["path"], route["targetId"]) == ("/" + page["filePath"], page["id"])
    listed = routes(client, full_key)
    assert len(listed) == 8 and all(r in listed for r in result["routes"])


def test_batch_with_a_conflict_writes_nothing(app: Flask, client: FlaskClient, full_key: str,
                                              creds: dict[str, Any]) -> None:
    before = routes(client, full_key)
    inputs = mixed_import(app, client, full_key, creds)
    response = client.post(f"{ROUTES}/batch", json={"routes": inputs}, headers=h(full_key))
    body = assert_error(response, 409, "CONFLICT",
                        "4 route(s) cannot be created; nothing was written")
    assert body["details"]["conflictCount"] == 4
    assert body["details"]["issues"] == [
        {"path": "routes.2.path", "message": "path_conflict"},
        {"path": "routes.3.path", "message": "duplicate_input_path"},
        {"path": "routes.4.targetId", "message": "target_not_found"},
        {"path": "routes.5.targetId", "message": "product_not_available"}]
    assert routes(client, full_key) == before


def test_batch_is_all_or_nothing(app: Flask, client: FlaskClient, full_key: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    before = routes(client, full_key)
    fresh = unrouted(app, client, full_key)[:3]
    store = app.extensions["tpc_mock"].store
    real_insert, calls = store.insert, []

    def failing_insert(table: str, doc: Any) -> Any:
        calls.append(table)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_insert(table, doc)

    monkeypatch.setattr(store, "insert", failing_insert)
    body = {"routes": [{"path": p["filePath"], "targetId": p["id"]} for p in fresh]}
    assert_error(client.post(f"{ROUTES}/batch", json=body, headers=h(full_key)), 500, "INTERNAL")
    monkeypatch.undo()
    assert calls == ["appRoutes"] * 3 and routes(client, full_key) == before


# -- llms.txt ----------------------------------------------------------------------
def llms(client: FlaskClient, key: str, **query: Any) -> str:
    response = client.get(f"{EXAMPLE}/llms-txt", query_string=query, headers=h(key))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    return response.get_data(as_text=True)


def test_llms_txt_lists_the_routed_pages(app: Flask, client: FlaskClient, read_key: str) -> None:
    text = llms(client, read_key)
    lines = text.splitlines()
    assert lines[:3] == ["# Example App", "",
                         "> Example Product's pricing, docs and guides, served by TPC."]
    links = [line for line in lines if line.startswith("- [")]
    assert len(links) == len(routes(client, read_key))
    assert "- [Pricing](https://app.example.com/pricing)" in text
    assert lines.index("## Pages") < lines.index("## Guides")
    for route in routes(client, read_key):
        assert f"(https://app.example.com{route['path']})" in text


def test_llms_txt_path_prefix_and_drafts(app: Flask, client: FlaskClient, full_key: str) -> None:
    guides = [r for r in routes(client, full_key) if r["path"].startswith("/guides/")]
    text = llms(client, full_key, pathPrefix="guides")
    assert sum(1 for line in text.splitlines() if line.startswith("- [")) == len(guides) > 0
    assert "## Pages" not in text and "/pricing" not in text
    draft = pages_of(app, "product_123", "draft")[0]
    data(client.post(ROUTES, json={"path": "/guides/draft", "targetId": draft["id"]},
                     headers=h(full_key)))
    assert "/guides/draft" not in llms(client, full_key)


def test_llms_txt_without_a_web_domain_links_the_source(client: FlaskClient, full_key: str) -> None:
    data(client.delete(f"{EXAMPLE}/domains/appdomain_123", headers=h(full_key)))
    assert "- [Pricing](https://docs.example.com/pricing)" in llms(client, full_key)


def test_llms_txt_of_an_app_without_routes(client: FlaskClient, full_key: str) -> None:
    app_id = data(client.post("/api/v1/apps", json={"name": "Empty"}, headers=h(full_key)))["id"]
    response = client.get(f"/api/v1/apps/{app_id}/llms-txt", headers=h(full_key))
    assert response.get_data(as_text=True) == "# Empty\n\n> Empty: 0 published pages.\n"


def test_llms_txt_errors_use_the_envelope(client: FlaskClient, full_key: str) -> None:
    response = client.get("/api/v1/apps/app_nope/llms-txt", headers=h(full_key))
    assert response.headers["Content-Type"] == "application/json"
    assert_error(response, 404, "NOT_FOUND", "app not found")
    assert_error(client.get(f"{EXAMPLE}/llms-txt"), 401, "UNAUTHORIZED", "authentication required")
