"""/api/v1/apps: apps, resources, app domains and app config."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error

APPS = "/api/v1/apps"
EXAMPLE = "/api/v1/apps/app_123"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
APP_FIELDS = ["id", "organizationId", "name", "slug", "metadata", "createdAt", "updatedAt",
              "deletedAt"]
CONFIG_FIELDS = ["id", "createdAt", "updatedAt", "deletedAt", "config", "organizationId",
                 "productId", "appId"]
RESOURCE_FIELDS = ["id", "appId", "resourceType", "resourceId", "createdAt", "updatedAt",
                   "deletedAt"]
DOMAIN_FIELDS = ["id", "createdAt", "updatedAt", "deletedAt", "domain", "scope", "productId",
                 "appId", "cloudflareId", "type", "origin"]
SECOND_PRODUCT = "product_mg787hnhrlyh3et1"  # org_123's other product
FOREIGN_PRODUCT = "product_lpmyqgp58mzpqz4z"  # the "Other org (dev)" organization's product


def h(key: str, **extra: str) -> dict[str, str]:
    return {"x-api-key": key, **extra}


def data(response: Any, status: int = 200) -> Any:
    body = response.get_json()
    assert response.status_code == status, (response.status_code, body)
    assert body["ok"] is True and list(body) == ["ok", "data"], body
    return body["data"]


def issue_paths(response: Any) -> list[str]:
    body = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
    return [issue["path"] for issue in body["details"]["issues"]]


def assert_insufficient(response: Any) -> None:
    body = assert_error(response, 403, "FORBIDDEN", "insufficient_scope")
    assert body["details"] == {"requiredScopes": ["content:write"],
                               "missingScopes": ["content:write"]}


def app_ids(client: FlaskClient, key: str) -> list[str]:
    return [a["id"] for a in data(client.get(APPS, headers=h(key)))]


def create(client: FlaskClient, key: str, **body: Any) -> dict[str, Any]:
    result: dict[str, Any] = data(client.post(APPS, json=body, headers=h(key)))
    return result


# -- list ----------------------------------------------------------------------
def test_list_shows_the_keys_organization_apps(client: FlaskClient, full_key: str) -> None:
    apps = data(client.get(APPS, headers=h(full_key)))
    assert [a["id"] for a in apps] == ["app_123"]
    example = apps[0]
    assert list(example) == APP_FIELDS
    assert (example["organizationId"], example["name"], example["slug"]) == (
        "org_123", "Example App", "example-app")
    assert example["deletedAt"] is None and ISO_MS.match(example["createdAt"])


def test_other_organization_sees_only_its_own_apps(
    client: FlaskClient, other_org_key: str, creds: dict[str, Any]
) -> None:
    apps = data(client.get(APPS, headers=h(other_org_key)))
    assert len(apps) == 1 and apps[0]["id"] != "app_123"
    assert apps[0]["organizationId"] == creds["apiKeys"][3]["organizationId"]


def test_list_with_a_session_uses_the_active_organization(
    client: FlaskClient, session_cookie: str, bearer: str
) -> None:
    name, value = session_cookie.split("=", 1)
    client.set_cookie(name, value)
    assert [a["id"] for a in data(client.get(APPS))] == ["app_123"]
    client.delete_cookie(name)
    bearer_apps = data(client.get(APPS, headers={"Authorization": f"Bearer {bearer}"}))
    assert [a["id"] for a in bearer_apps] == ["app_123"]


def test_organization_header_selects_or_refuses(
    client: FlaskClient, bearer: str, full_key: str, creds: dict[str, Any]
) -> None:
    auth = {"Authorization": f"Bearer {bearer}"}
    second = next(m["organizationId"] for u in creds["users"] if u["id"] == "user_owner"
                  for m in u["memberships"] if m["organizationId"] != "org_123")
    assert data(client.get(APPS, headers={**auth, "x-tpc-organization-id": second})) == []
    by_slug = client.get(APPS, headers={**auth, "x-tpc-organization-slug": "example-org"})
    assert [a["id"] for a in data(by_slug)] == ["app_123"]
    foreign = creds["apiKeys"][3]["organizationId"]
    assert_error(client.get(APPS, headers={**auth, "x-tpc-organization-id": foreign}),
                 404, "NOT_FOUND", "organization not found")
    assert_error(client.get(APPS, headers=h(full_key, **{"x-tpc-organization-id": second})),
                 404, "NOT_FOUND", "organization not found")


# -- create --------------------------------------------------------------------
def test_create_app_with_config(client: FlaskClient, full_key: str) -> None:
    app = create(client, full_key, name="Help Center", metadata={"team": "docs"},
                 config={"theme": {"primaryColor": "#000"}})
    assert list(app) == APP_FIELDS + ["appConfig"]
    assert app["id"].startswith("app_") and app["organizationId"] == "org_123"
    assert (app["name"], app["slug"], app["metadata"]) == ("Help Center", "help-center",
                                                          {"team": "docs"})
    assert app["createdAt"] == app["updatedAt"] and app["deletedAt"] is None
    config = app["appConfig"]
    assert list(config) == CONFIG_FIELDS
    assert (config["appId"], config["organizationId"], config["productId"]) == (
        app["id"], "org_123", None)
    assert config["config"] == {"theme": {"primaryColor": "#000"}}
    fetched = data(client.get(f"{APPS}/{app['id']}", headers=h(full_key)))
    assert fetched["resources"] == [] and fetched["appConfig"] == config
    assert app["id"] in app_ids(client, full_key)


def test_create_without_config_gets_an_empty_one(client: FlaskClient, full_key: str) -> None:
    app = create(client, full_key, name="Bare", slug="bare-app")
    assert app["slug"] == "bare-app" and app["metadata"] is None
    assert app["appConfig"]["config"] == {}


def test_explicit_duplicate_slug_conflicts(client: FlaskClient, full_key: str) -> None:
    before = app_ids(client, full_key)
    response = client.post(APPS, json={"name": "Again", "slug": "example-app"}, headers=h(full_key))
    assert_error(response, 409, "CONFLICT",
                 "an app with slug 'example-app' already exists in this organization")
    assert app_ids(client, full_key) == before


def test_derived_slug_gets_a_suffix(client: FlaskClient, full_key: str) -> None:
    assert create(client, full_key, name="Example App")["slug"] == "example-app-2"
    assert create(client, full_key, name="Example  App!")["slug"] == "example-app-3"


def test_same_slug_in_another_organization_is_fine(client: FlaskClient, other_org_key: str) -> None:
    assert create(client, other_org_key, name="X", slug="example-app")["slug"] == "example-app"


@pytest.mark.parametrize(("body", "path"), [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": 5}, "name"),
    ({"name": "A", "slug": "Bad Slug"}, "slug"),
    ({"name": "A", "slug": "trailing-"}, "slug"),
    ({"name": "A", "slug": "a" * 121}, "slug"),
    ({"name": "A", "metadata": "text"}, "metadata"),
    ({"name": "A", "config": []}, "config"),
    ({"name": "A", "config": None}, "config"),
])
def test_create_validation(client: FlaskClient, full_key: str, body: Any, path: str) -> None:
    before = app_ids(client, full_key)
    assert path in issue_paths(client.post(APPS, json=body, headers=h(full_key)))
    assert app_ids(client, full_key) == before


def test_create_needs_content_write(client: FlaskClient, read_key: str, full_key: str) -> None:
    assert_insufficient(client.post(APPS, json={"name": "Nope"}, headers=h(read_key)))
    assert app_ids(client, full_key) == ["app_123"]


def test_create_is_all_or_nothing(
    app: Flask, client: FlaskClient, full_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = app.extensions["tpc_mock"].store
    real_insert = store.insert

    def failing_insert(table: str, doc: Any) -> Any:
        if table == "appConfigs":
            raise RuntimeError("disk full")
        return real_insert(table, doc)

    monkeypatch.setattr(store, "insert", failing_insert)
    assert_error(client.post(APPS, json={"name": "Half"}, headers=h(full_key)),
                 500, "INTERNAL", "internal error")
    monkeypatch.undo()
    assert app_ids(client, full_key) == ["app_123"]
    assert not [a for a in store.all("apps") if a["name"] == "Half"]


def test_create_replays_with_idempotency_key(client: FlaskClient, full_key: str) -> None:
    headers = h(full_key, **{"Idempotency-Key": "create-once"})
    first = client.post(APPS, json={"name": "Once"}, headers=headers)
    second = client.post(APPS, json={"name": "Once"}, headers=headers)
    assert second.headers.get("x-idempotent-replay") == "true"
    assert data(first)["id"] == data(second)["id"]
    assert len(app_ids(client, full_key)) == 2


# -- get, update, delete -----------------------------------------------------
def test_get_app_with_resources_and_config(client: FlaskClient, full_key: str) -> None:
    app = data(client.get(EXAMPLE, headers=h(full_key)))
    assert list(app) == APP_FIELDS + ["resources", "appConfig"]
    [resource] = app["resources"]
    assert list(resource) == RESOURCE_FIELDS + ["product"]
    assert (resource["appId"], resource["resourceType"], resource["resourceId"]) == (
        "app_123", "product", "product_123")
    assert resource["product"] == {"id": "product_123", "name": "Example Product",
                                   "slug": "example"}
    assert app["appConfig"]["config"]["siteName"] == "Example App"


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_app_of_another_organization_is_not_found(
    client: FlaskClient, other_org_key: str, method: str
) -> None:
    response = getattr(client, method)(EXAMPLE, json={"name": "Mine"}, headers=h(other_org_key))
    assert_error(response, 404, "NOT_FOUND", "app not found")


def test_unknown_app_is_not_found(client: FlaskClient, full_key: str) -> None:
    assert_error(client.get(f"{APPS}/app_nope", headers=h(full_key)), 404, "NOT_FOUND",
                 "app not found")


def test_update_app(app: Flask, client: FlaskClient, full_key: str) -> None:
    before = data(client.get(EXAMPLE, headers=h(full_key)))
    app.extensions["tpc_mock"].clock.advance(60)
    changed = data(client.patch(EXAMPLE, json={"name": "Renamed", "slug": "renamed",
                                               "metadata": None}, headers=h(full_key)))
    assert list(changed) == APP_FIELDS
    assert (changed["name"], changed["slug"], changed["metadata"]) == ("Renamed", "renamed", None)
    assert changed["updatedAt"] > before["updatedAt"]
    assert changed["createdAt"] == before["createdAt"]
    again = data(client.get(EXAMPLE, headers=h(full_key)))
    assert (again["name"], again["slug"], again["metadata"]) == ("Renamed", "renamed", None)
    # Fields left out stay as they are.
    only = client.patch(EXAMPLE, json={"name": "Only"}, headers=h(full_key))
    assert data(only)["slug"] == "renamed"


def test_update_to_a_taken_slug_conflicts(client: FlaskClient, full_key: str) -> None:
    other = create(client, full_key, name="Other")
    response = client.patch(f"{APPS}/{other['id']}", json={"slug": "example-app"},
                            headers=h(full_key))
    assert_error(response, 409, "CONFLICT",
                 "an app with slug 'example-app' already exists in this organization")
    assert data(client.get(f"{APPS}/{other['id']}", headers=h(full_key)))["slug"] == "other"
    # Keeping its own slug is not a conflict.
    same = client.patch(EXAMPLE, json={"slug": "example-app"}, headers=h(full_key))
    assert data(same)["slug"] == "example-app"


@pytest.mark.parametrize(("body", "path"), [
    ({"name": ""}, "name"), ({"name": None}, "name"), ({"slug": "UPPER"}, "slug"),
    ({"metadata": [1]}, "metadata"),
])
def test_update_validation(client: FlaskClient, full_key: str, body: Any, path: str) -> None:
    assert path in issue_paths(client.patch(EXAMPLE, json=body, headers=h(full_key)))
    assert data(client.get(EXAMPLE, headers=h(full_key)))["name"] == "Example App"


def test_update_and_delete_need_content_write(
    client: FlaskClient, read_key: str, full_key: str
) -> None:
    assert_insufficient(client.patch(EXAMPLE, json={"name": "X"}, headers=h(read_key)))
    assert_insufficient(client.delete(EXAMPLE, headers=h(read_key)))
    assert data(client.get(EXAMPLE, headers=h(full_key)))["name"] == "Example App"


def test_delete_app_is_soft_and_releases_its_domains(
    app: Flask, client: FlaskClient, full_key: str
) -> None:
    assert data(client.delete(EXAMPLE, headers=h(full_key))) == {"id": "app_123"}
    assert_error(client.get(EXAMPLE, headers=h(full_key)), 404, "NOT_FOUND", "app not found")
    assert_error(client.delete(EXAMPLE, headers=h(full_key)), 404, "NOT_FOUND", "app not found")
    assert app_ids(client, full_key) == []
    record = app.extensions["tpc_mock"].store.get("apps", "app_123")
    assert ISO_MS.match(record["deletedAt"])
    other = create(client, full_key, name="Successor", slug="example-app")
    domain = data(client.post(f"{APPS}/{other['id']}/domains", json={"domain": "app.example.com"},
                              headers=h(full_key)))
    assert domain["domain"] == "app.example.com"


# -- resources -------------------------------------------------------------------
def resources(client: FlaskClient, key: str, app_id: str = "app_123") -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = data(client.get(f"{APPS}/{app_id}/resources", headers=h(key)))
    return result


def test_list_resources(client: FlaskClient, full_key: str) -> None:
    [resource] = resources(client, full_key)
    assert list(resource) == RESOURCE_FIELDS + ["product"]
    assert resource["resourceId"] == "product_123" and resource["deletedAt"] is None


def test_attach_resource(client: FlaskClient, full_key: str) -> None:
    attached = data(client.post(f"{EXAMPLE}/resources", json={"resourceId": SECOND_PRODUCT},
                                headers=h(full_key)))
    assert list(attached) == RESOURCE_FIELDS
    assert (attached["appId"], attached["resourceType"], attached["resourceId"]) == (
        "app_123", "product", SECOND_PRODUCT)
    assert [r["resourceId"] for r in resources(client, full_key)] == ["product_123", SECOND_PRODUCT]


def test_attach_twice_conflicts(client: FlaskClient, full_key: str) -> None:
    response = client.post(f"{EXAMPLE}/resources", json={"resourceType": "product",
                                                         "resourceId": "product_123"},
                           headers=h(full_key))
    assert_error(response, 409, "CONFLICT", "product product_123 is already attached to this app")
    assert len(resources(client, full_key)) == 1


@pytest.mark.parametrize("product_id", [FOREIGN_PRODUCT, "product_nope"])
def test_attach_unreachable_product_is_not_found(
    client: FlaskClient, full_key: str, product_id: str
) -> None:
    response = client.post(f"{EXAMPLE}/resources", json={"resourceId": product_id},
                           headers=h(full_key))
    assert_error(response, 404, "NOT_FOUND", "product not found")
    assert len(resources(client, full_key)) == 1


@pytest.mark.parametrize(("body", "path"), [
    ({}, "resourceId"), ({"resourceId": ""}, "resourceId"),
    ({"resourceId": "product_123", "resourceType": "page"}, "resourceType"),
])
def test_attach_validation(client: FlaskClient, full_key: str, body: Any, path: str) -> None:
    assert path in issue_paths(client.post(f"{EXAMPLE}/resources", json=body, headers=h(full_key)))


def test_resources_of_another_organization(client: FlaskClient, other_org_key: str) -> None:
    for response in (client.get(f"{EXAMPLE}/resources", headers=h(other_org_key)),
                     client.post(f"{EXAMPLE}/resources", json={"resourceId": FOREIGN_PRODUCT},
                                 headers=h(other_org_key)),
                     client.delete(f"{EXAMPLE}/resources", json={"resourceId": "product_123"},
                                   headers=h(other_org_key))):
        assert_error(response, 404, "NOT_FOUND", "app not found")


def test_resource_writes_need_content_write(
    client: FlaskClient, read_key: str, full_key: str
) -> None:
    assert_insufficient(client.post(f"{EXAMPLE}/resources", json={"resourceId": SECOND_PRODUCT},
                                    headers=h(read_key)))
    assert_insufficient(client.delete(f"{EXAMPLE}/resources", json={"resourceId": "product_123"},
                                      headers=h(read_key)))
    assert len(resources(client, full_key)) == 1


def routes_of(client: FlaskClient, key: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = data(client.get(f"{EXAMPLE}/routes", headers=h(key)))
    return result


def test_detach_with_dependent_routes_conflicts(client: FlaskClient, full_key: str) -> None:
    routes = routes_of(client, full_key)
    assert routes
    response = client.delete(f"{EXAMPLE}/resources", json={"resourceId": "product_123"},
                             headers=h(full_key))
    body = assert_error(response, 409, "CONFLICT")
    assert "deleteDependentRoutes" in body["message"]
    assert body["details"]["dependentRouteCount"] == len(routes)
    assert sorted(body["details"]["routeIds"]) == sorted(r["id"] for r in routes)
    assert len(resources(client, full_key)) == 1 and routes_of(client, full_key) == routes


def test_detach_deleting_dependent_routes(client: FlaskClient, full_key: str) -> None:
    count = len(routes_of(client, full_key))
    [resource] = resources(client, full_key)
    result = data(client.delete(f"{EXAMPLE}/resources", json={
        "resourceId": "product_123", "deleteDependentRoutes": True}, headers=h(full_key)))
    assert result == {"id": resource["id"], "deletedDependentRouteCount": count}
    assert resources(client, full_key) == [] and routes_of(client, full_key) == []
    assert data(client.get(EXAMPLE, headers=h(full_key)))["resources"] == []
    # Detached twice: nothing left to detach.
    assert_error(client.delete(f"{EXAMPLE}/resources", json={"resourceId": "product_123"},
                               headers=h(full_key)), 404, "NOT_FOUND", "resource not found")


def test_detach_without_routes_and_reattach(client: FlaskClient, full_key: str) -> None:
    data(client.post(f"{EXAMPLE}/resources", json={"resourceId": SECOND_PRODUCT},
                     headers=h(full_key)))
    detached = data(client.delete(f"{EXAMPLE}/resources", json={"resourceId": SECOND_PRODUCT},
                                  headers=h(full_key)))
    assert detached["deletedDependentRouteCount"] == 0
    assert [r["resourceId"] for r in resources(client, full_key)] == ["product_123"]
    again = data(client.post(f"{EXAMPLE}/resources", json={"resourceId": SECOND_PRODUCT},
                             headers=h(full_key)))
    assert again["id"] != detached["id"]


def test_detach_is_all_or_nothing(
    app: Flask, client: FlaskClient, full_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    routes = routes_of(client, full_key)
    store = app.extensions["tpc_mock"].store
    real_update = store.update

    def failing_update(table: str, doc_id: str, fields: Any) -> Any:
        if table == "appResources":
            raise RuntimeError("disk full")
        return real_update(table, doc_id, fields)

    monkeypatch.setattr(store, "update", failing_update)
    response = client.delete(f"{EXAMPLE}/resources", json={
        "resourceId": "product_123", "deleteDependentRoutes": True}, headers=h(full_key))
    assert_error(response, 500, "INTERNAL")
    monkeypatch.undo()
    assert routes_of(client, full_key) == routes and len(resources(client, full_key)) == 1


def test_detach_validation(client: FlaskClient, full_key: str) -> None:
    body = {"resourceId": "product_123", "deleteDependentRoutes": "yes"}
    assert "deleteDependentRoutes" in issue_paths(
        client.delete(f"{EXAMPLE}/resources", json=body, headers=h(full_key)))


# -- domains -----------------------------------------------------------------------
def domains(client: FlaskClient, key: str, app_id: str = "app_123") -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = data(client.get(f"{APPS}/{app_id}/domains", headers=h(key)))
    return result


def test_list_domains(client: FlaskClient, full_key: str) -> None:
    listed = domains(client, full_key)
    assert [d["domain"] for d in listed] == ["app.example.com", "metrics.example.com"]
    for domain in listed:
        assert list(domain) == DOMAIN_FIELDS
        assert (domain["scope"], domain["productId"], domain["appId"]) == ("app", None, "app_123")
    assert [d["type"] for d in listed] == ["web", "metric"]


def test_create_domain(client: FlaskClient, full_key: str) -> None:
    created = data(client.post(f"{EXAMPLE}/domains", json={
        "domain": "go.example.org", "type": "redirect", "origin": "https://example.org"},
        headers=h(full_key)))
    assert list(created) == DOMAIN_FIELDS
    assert (created["domain"], created["type"], created["origin"], created["scope"]) == (
        "go.example.org", "redirect", "https://example.org", "app")
    assert created["deletedAt"] is None and created["cloudflareId"] is None
    assert created["id"] in [d["id"] for d in domains(client, full_key)]
    plain = data(client.post(f"{EXAMPLE}/domains", json={"domain": "help.example.org"},
                             headers=h(full_key)))
    assert (plain["type"], plain["origin"]) == ("web", None)


@pytest.mark.parametrize("hostname", ["app.example.com", "docs.example.com"])
def test_create_domain_in_use_conflicts(client: FlaskClient, full_key: str, hostname: str) -> None:
    response = client.post(f"{EXAMPLE}/domains", json={"domain": hostname}, headers=h(full_key))
    assert_error(response, 409, "CONFLICT", f"domain {hostname} is already in use")
    assert len(domains(client, full_key)) == 2


@pytest.mark.parametrize(("body", "path"), [
    ({}, "domain"), ({"domain": "Not_A_Domain"}, "domain"), ({"domain": "localhost"}, "domain"),
    ({"domain": "UPPER.example.com"}, "domain"),
    ({"domain": "a.example.com", "type": "mail"}, "type"),
    ({"domain": "a.example.com", "origin": ""}, "origin"),
])
def test_create_domain_validation(client: FlaskClient, full_key: str, body: Any, path: str) -> None:
    assert path in issue_paths(client.post(f"{EXAMPLE}/domains", json=body, headers=h(full_key)))
    assert len(domains(client, full_key)) == 2


def test_delete_domain(client: FlaskClient, full_key: str) -> None:
    url = f"{EXAMPLE}/domains/appdomain_123"
    assert data(client.delete(url, headers=h(full_key))) == {"id": "appdomain_123"}
    assert [d["domain"] for d in domains(client, full_key)] == ["metrics.example.com"]
    assert_error(client.delete(url, headers=h(full_key)), 404, "NOT_FOUND", "domain not found")
    # The hostname is free again.
    again = client.post(f"{EXAMPLE}/domains", json={"domain": "app.example.com"},
                        headers=h(full_key))
    assert data(again)["id"] != "appdomain_123"


def test_delete_domain_of_another_app_is_not_found(client: FlaskClient, full_key: str) -> None:
    other = create(client, full_key, name="Other")
    response = client.delete(f"{APPS}/{other['id']}/domains/appdomain_123", headers=h(full_key))
    assert_error(response, 404, "NOT_FOUND", "domain not found")
    assert len(domains(client, full_key)) == 2


def test_domains_of_another_organization(client: FlaskClient, other_org_key: str) -> None:
    for response in (client.get(f"{EXAMPLE}/domains", headers=h(other_org_key)),
                     client.post(f"{EXAMPLE}/domains", json={"domain": "x.example.net"},
                                 headers=h(other_org_key)),
                     client.delete(f"{EXAMPLE}/domains/appdomain_123", headers=h(other_org_key))):
        assert_error(response, 404, "NOT_FOUND", "app not found")


def test_domain_writes_need_content_write(
    client: FlaskClient, read_key: str, full_key: str
) -> None:
    assert_insufficient(client.post(f"{EXAMPLE}/domains", json={"domain": "x.example.net"},
                                    headers=h(read_key)))
    assert_insufficient(client.delete(f"{EXAMPLE}/domains/appdomain_123", headers=h(read_key)))
    assert len(domains(client, full_key)) == 2


# -- app config ------------------------------------------------------------------
def test_get_app_config(client: FlaskClient, full_key: str, read_key: str) -> None:
    config = data(client.get(f"{EXAMPLE}/app-config", headers=h(read_key)))
    assert list(config) == CONFIG_FIELDS
    assert config["appId"] == "app_123" and config["organizationId"] == "org_123"
    assert config["config"] == {"siteName": "Example App", "defaultLocale": "en",
                                "theme": {"primaryColor": "#4f46e5", "darkMode": False}}


def test_patch_app_config_is_a_merge_patch(app: Flask, client: FlaskClient, full_key: str) -> None:
    before = data(client.get(f"{EXAMPLE}/app-config", headers=h(full_key)))
    app.extensions["tpc_mock"].clock.advance(5)
    patched = data(client.patch(f"{EXAMPLE}/app-config", json={"config": {
        "theme": {"darkMode": True}, "defaultLocale": None, "nav": ["docs", "blog"]}},
        headers=h(full_key)))
    assert list(patched) == CONFIG_FIELDS
    expected = {"siteName": "Example App", "nav": ["docs", "blog"],
                "theme": {"primaryColor": "#4f46e5", "darkMode": True}}
    assert patched["config"] == expected and patched["id"] == before["id"]
    assert patched["updatedAt"] > before["updatedAt"]
    assert data(client.get(f"{EXAMPLE}/app-config", headers=h(full_key)))["config"] == expected
    assert data(client.get(EXAMPLE, headers=h(full_key)))["appConfig"]["config"] == expected


@pytest.mark.parametrize("body", [{}, {"config": "dark"}, {"config": None}, {"config": [1]}])
def test_patch_app_config_validation(client: FlaskClient, full_key: str, body: Any) -> None:
    before = data(client.get(f"{EXAMPLE}/app-config", headers=h(full_key)))
    assert "config" in issue_paths(client.patch(f"{EXAMPLE}/app-config", json=body,
                                                headers=h(full_key)))
    assert data(client.get(f"{EXAMPLE}/app-config", headers=h(full_key))) == before


def test_app_config_scope_and_reach(client: FlaskClient, read_key: str, other_org_key: str) -> None:
    assert_insufficient(client.patch(f"{EXAMPLE}/app-config", json={"config": {}},
                                     headers=h(read_key)))
    for response in (client.get(f"{EXAMPLE}/app-config", headers=h(other_org_key)),
                     client.patch(f"{EXAMPLE}/app-config", json={"config": {}},
                                  headers=h(other_org_key))):
        assert_error(response, 404, "NOT_FOUND", "app not found")


def test_reads_work_with_the_read_only_key(client: FlaskClient, read_key: str) -> None:
    assert [a["id"] for a in data(client.get(APPS, headers=h(read_key)))] == ["app_123"]
    assert data(client.get(EXAMPLE, headers=h(read_key)))["id"] == "app_123"
    assert len(resources(client, read_key)) == 1 and len(domains(client, read_key)) == 2


def test_non_json_write_is_refused(client: FlaskClient, full_key: str) -> None:
    response = client.post(APPS, data="name=x", headers=h(full_key),
                           content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
