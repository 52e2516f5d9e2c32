"""/api/v1/domain/{id}/routing: get, save and publish, validate, republish, reset."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tests.test_apps import assert_insufficient, data, h, issue_paths

DOCS = "/api/v1/domain/domain_123/routing"  # docs.example.com, a product web domain
APP_DOMAIN = "/api/v1/domain/appdomain_123/routing"  # app.example.com, app_123's web domain
STATE_FIELDS = ["config", "publishedAt", "publishedHash", "publishStatus", "publishError"]
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DOCS_APP: dict[str, Any] = {
    "mode": "path_routing", "fallbackOrigin": {"url": "https://origin.example.com"},
    "paths": [{"id": "docs", "pathPrefix": "/docs",
               "destination": {"type": "app", "appId": "app_123"}}]}


def sha(config: dict[str, Any]) -> str:
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default(hostname: str) -> dict[str, Any]:
    return {"config": {"version": 1, "hostname": hostname, "mode": "full_shadow", "paths": []},
            "publishedAt": None, "publishedHash": None, "publishStatus": None,
            "publishError": None}


def www_domain(app: Flask) -> str:
    store = app.extensions["tpc_mock"].store
    return str(store.find_one("domains", "domain", "www.example.com")["id"])


def test_unconfigured_domain_answers_the_default(client: FlaskClient, read_key: str) -> None:
    assert data(client.get(DOCS, headers=h(read_key))) == default("docs.example.com")
    assert data(client.get(APP_DOMAIN, headers=h(read_key))) == default("app.example.com")


def test_seeded_routing_is_published(app: Flask, client: FlaskClient, full_key: str) -> None:
    url = f"/api/v1/domain/{www_domain(app)}/routing"
    state = data(client.get(url, headers=h(full_key)))
    assert list(state) == STATE_FIELDS
    path = {"id": "docs", "pathPrefix": "/docs", "preservePathPrefix": True,
            "destination": {"type": "app", "appId": "app_123"}}
    assert state["config"] == {"version": 1, "hostname": "www.example.com", **DOCS_APP,
                               "paths": [path]}
    assert (state["publishStatus"], state["publishError"]) == ("published", None)
    assert state["publishedHash"] == sha(state["config"]) and ISO_MS.match(state["publishedAt"])
    checked = data(client.post(url + "/validate", json=DOCS_APP, headers=h(full_key)))
    assert checked["configHash"] == state["publishedHash"]


def test_put_saves_and_publishes(app: Flask, client: FlaskClient, full_key: str) -> None:
    body = {"mode": "path_routing", "paths": [
        {"pathPrefix": "/docs", "destination": {"type": "app", "appId": "app_123"}},
        {"id": "shop", "pathPrefix": "/shop", "destination": {"type": "product",
                                                              "productId": "product_123"},
         "preservePathPrefix": True}]}
    state = data(client.put(DOCS, json=body, headers=h(full_key)))
    assert list(state) == STATE_FIELDS
    config = state["config"]
    assert (config["version"], config["hostname"], config["mode"]) == (1, "docs.example.com",
                                                                       "path_routing")
    assert "fallbackOrigin" not in config
    generated, shop = config["paths"]
    assert generated["id"] and shop["id"] == "shop"
    assert generated["destination"] == {"type": "app", "appId": "app_123"}
    assert shop["destination"] == {"type": "product", "productId": "product_123"}
    assert generated["preservePathPrefix"] is True and shop["preservePathPrefix"] is True
    assert (state["publishStatus"], state["publishError"]) == ("published", None)
    assert state["publishedHash"] == sha(config) and ISO_MS.match(state["publishedAt"])
    assert data(client.get(DOCS, headers=h(full_key))) == state
    # The same body gives the same canonical config (generated ids are stable).
    app.extensions["tpc_mock"].clock.advance(10)
    again = data(client.put(DOCS, json=body, headers=h(full_key)))
    assert again["publishedHash"] == state["publishedHash"]
    assert again["publishedAt"] > state["publishedAt"]


def test_put_on_an_app_domain(client: FlaskClient, full_key: str) -> None:
    state = data(client.put(APP_DOMAIN, json={"mode": "full_shadow"}, headers=h(full_key)))
    assert state["config"] == {"version": 1, "hostname": "app.example.com", "mode": "full_shadow",
                               "paths": []}
    assert state["publishStatus"] == "published"


def test_routing_of_a_non_web_domain_is_refused(client: FlaskClient, full_key: str) -> None:
    listed = data(client.get("/api/v1/apps/app_123/domains", headers=h(full_key)))
    metric = next(d for d in listed if d["type"] == "metric")
    url = f"/api/v1/domain/{metric['id']}/routing"
    for response in (client.get(url, headers=h(full_key)),
                     client.put(url, json={"mode": "full_shadow"}, headers=h(full_key))):
        assert_error(response, 422, "BUSINESS_LOGIC_ERROR",
                     "routing is only available for web domains")


@pytest.mark.parametrize(("body", "path"), [
    ({}, "mode"), ({"mode": "mirror"}, "mode"),
    ({"mode": "path_routing", "paths": [{"pathPrefix": "docs", "destination": {
        "type": "app", "appId": "app_123"}}]}, "paths.0.pathPrefix"),
    ({"mode": "path_routing", "paths": [{"pathPrefix": "/a b", "destination": {
        "type": "app", "appId": "app_123"}}]}, "paths.0.pathPrefix"),
    ({"mode": "path_routing", "paths": [{"pathPrefix": "/docs", "destination": {
        "type": "site", "appId": "app_123"}}]}, "paths.0.destination"),
    ({"mode": "path_routing", "paths": [{"pathPrefix": "/docs", "destination": {
        "type": "app"}}]}, "paths.0.destination.app.appId"),
    ({"mode": "path_routing", "paths": [{"pathPrefix": "/docs"}]}, "paths.0.destination"),
    ({"mode": "path_routing", "paths": [{"pathPrefix": "/docs", "preservePathPrefix": False,
                                         "destination": {"type": "app", "appId": "app_123"}}]},
     "paths.0.preservePathPrefix"),
    ({"mode": "path_routing", "paths": [{"id": "x" * 129, "pathPrefix": "/docs", "destination": {
        "type": "app", "appId": "app_123"}}]}, "paths.0.id"),
    ({"mode": "full_shadow", "fallbackOrigin": {"url": "ftp://files.example.com"}},
     "fallbackOrigin.url"),
    ({"mode": "full_shadow", "fallbackOrigin": {}}, "fallbackOrigin.url"),
    ({"mode": "path_routing", "paths": [
        {"pathPrefix": f"/p{i}", "destination": {"type": "app", "appId": "app_123"}}
        for i in range(101)]}, "paths"),
])
@pytest.mark.parametrize("suffix", ["", "/validate"])
def test_schema_validation(client: FlaskClient, full_key: str, body: Any, path: str,
                           suffix: str) -> None:
    method = client.put if not suffix else client.post
    assert path in issue_paths(method(DOCS + suffix, json=body, headers=h(full_key)))
    assert data(client.get(DOCS, headers=h(full_key))) == default("docs.example.com")


def test_business_validation(app: Flask, client: FlaskClient, full_key: str,
                             creds: dict[str, Any]) -> None:
    foreign_org = creds["apiKeys"][3]["organizationId"]
    store = app.extensions["tpc_mock"].store
    foreign_app = store.find_one("apps", "organizationId", foreign_org)["id"]
    foreign_product = store.find_one("products", "organizationId", foreign_org)["id"]
    body = {"mode": "path_routing", "paths": [
        {"pathPrefix": "/a", "destination": {"type": "app", "appId": "app_nope"}},
        {"pathPrefix": "/b", "destination": {"type": "app", "appId": foreign_app}},
        {"pathPrefix": "/c", "destination": {"type": "product", "productId": foreign_product}},
        {"id": "same", "pathPrefix": "/d", "destination": {"type": "app", "appId": "app_123"}},
        {"id": "same", "pathPrefix": "/d", "destination": {"type": "app", "appId": "app_123"}}]}
    for response in (client.put(DOCS, json=body, headers=h(full_key)),
                     client.post(DOCS + "/validate", json=body, headers=h(full_key))):
        error = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
        issues = error["details"]["issues"]
        assert issues == [
            {"path": "paths.0.destination.appId", "message": "app not found"},
            {"path": "paths.1.destination.appId", "message": "app not found"},
            {"path": "paths.2.destination.productId", "message": "product not found"},
            {"path": "paths.4.pathPrefix", "message": "duplicate pathPrefix"},
            {"path": "paths.4.id", "message": "duplicate path id"}]
    empty = client.put(DOCS, json={"mode": "path_routing", "paths": []}, headers=h(full_key))
    assert issue_paths(empty) == ["paths"]
    assert data(client.get(DOCS, headers=h(full_key))) == default("docs.example.com")


def test_validate_checks_without_saving(client: FlaskClient, full_key: str) -> None:
    result = data(client.post(DOCS + "/validate", json=DOCS_APP, headers=h(full_key)))
    assert list(result) == ["valid", "config", "configHash", "kvKey"]
    assert result["valid"] is True and result["kvKey"] == "routing:v1:docs.example.com"
    assert result["config"]["hostname"] == "docs.example.com"
    assert result["config"]["fallbackOrigin"] == {"url": "https://origin.example.com"}
    assert result["configHash"] == sha(result["config"])
    assert data(client.get(DOCS, headers=h(full_key))) == default("docs.example.com")
    saved = data(client.put(DOCS, json=DOCS_APP, headers=h(full_key)))
    assert saved["publishedHash"] == result["configHash"]


def test_publish_republishes_the_saved_config(
    app: Flask, client: FlaskClient, full_key: str
) -> None:
    assert_error(client.post(DOCS + "/publish", headers=h(full_key)), 422, "BUSINESS_LOGIC_ERROR",
                 "no routing config is saved for this domain; PUT one first")
    saved = data(client.put(DOCS, json=DOCS_APP, headers=h(full_key)))
    app.extensions["tpc_mock"].clock.advance(60)
    published = data(client.post(DOCS + "/publish", headers=h(full_key)))
    assert published["config"] == saved["config"]
    assert published["publishedHash"] == saved["publishedHash"]
    assert published["publishedAt"] > saved["publishedAt"]
    assert data(client.get(DOCS, headers=h(full_key))) == published


def test_publish_fails_when_a_destination_is_gone(client: FlaskClient, full_key: str) -> None:
    saved = data(client.put(DOCS, json=DOCS_APP, headers=h(full_key)))
    data(client.delete("/api/v1/apps/app_123", headers=h(full_key)))
    failed = data(client.post(DOCS + "/publish", headers=h(full_key)))
    assert failed["publishStatus"] == "failed"
    assert failed["publishError"] == "paths.0.destination.appId: app not found"
    assert (failed["publishedAt"], failed["publishedHash"], failed["config"]) == (
        saved["publishedAt"], saved["publishedHash"], saved["config"])
    assert data(client.get(DOCS, headers=h(full_key))) == failed


def test_delete_resets_to_the_default(app: Flask, client: FlaskClient, full_key: str) -> None:
    url = f"/api/v1/domain/{www_domain(app)}/routing"
    assert data(client.delete(url, headers=h(full_key))) == default("www.example.com")
    assert data(client.get(url, headers=h(full_key))) == default("www.example.com")
    assert_error(client.post(url + "/publish", headers=h(full_key)), 422, "BUSINESS_LOGIC_ERROR")
    # Resetting an unconfigured domain is harmless.
    assert data(client.delete(DOCS, headers=h(full_key))) == default("docs.example.com")


def test_deleting_an_app_domain_drops_its_routing(
    app: Flask, client: FlaskClient, full_key: str
) -> None:
    data(client.put(APP_DOMAIN, json={"mode": "full_shadow"}, headers=h(full_key)))
    data(client.delete("/api/v1/apps/app_123/domains/appdomain_123", headers=h(full_key)))
    assert_error(client.get(APP_DOMAIN, headers=h(full_key)), 404, "NOT_FOUND", "domain not found")
    assert app.extensions["tpc_mock"].store.get("routingConfigs", "appdomain_123") is None


@pytest.mark.parametrize("url", [DOCS, APP_DOMAIN, "/api/v1/domain/domain_nope/routing"])
def test_domain_outside_reach_is_not_found(client: FlaskClient, other_org_key: str, full_key: str,
                                           url: str) -> None:
    key = full_key if "nope" in url else other_org_key
    for response in (client.get(url, headers=h(key)),
                     client.put(url, json={"mode": "full_shadow"}, headers=h(key)),
                     client.delete(url, headers=h(key)),
                     client.post(url + "/validate", json={"mode": "full_shadow"}, headers=h(key)),
                     client.post(url + "/publish", headers=h(key))):
        assert_error(response, 404, "NOT_FOUND", "domain not found")
    assert data(client.get(DOCS, headers=h(full_key))) == default("docs.example.com")


def test_routing_writes_need_content_write(
    client: FlaskClient, read_key: str, full_key: str
) -> None:
    for response in (client.put(DOCS, json={"mode": "full_shadow"}, headers=h(read_key)),
                     client.delete(DOCS, headers=h(read_key)),
                     client.post(DOCS + "/validate", json={"mode": "full_shadow"},
                                 headers=h(read_key)),
                     client.post(DOCS + "/publish", headers=h(read_key))):
        assert_insufficient(response)
    assert data(client.get(DOCS, headers=h(full_key))) == default("docs.example.com")


def test_put_replays_with_idempotency_key(app: Flask, client: FlaskClient, full_key: str) -> None:
    headers = h(full_key, **{"Idempotency-Key": "routing-1"})
    first = data(client.put(DOCS, json=DOCS_APP, headers=headers))
    app.extensions["tpc_mock"].clock.advance(5)
    replay = client.put(DOCS, json=DOCS_APP, headers=headers)
    assert replay.headers.get("x-idempotent-replay") == "true" and data(replay) == first
    other = client.put(DOCS, json={"mode": "full_shadow"}, headers=headers)
    assert_error(other, 409, "CONFLICT")
    assert data(client.get(DOCS, headers=h(full_key))) == first
