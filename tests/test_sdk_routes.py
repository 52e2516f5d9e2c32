"""The SDK's remaining routes: analytics events, resource update, knowledge retrieve, 429s."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tpc_mock.auth.key_admin import create_api_key
from tpc_mock.runtime import Runtime

EVENTS = "/api/v1/analytics/events"
RESOURCE = "/api/v1/apps/app_123/resources/product_123"
KNOWLEDGE = "/api/v1/products/product_123/knowledge/retrieve"
VISIT = {"event": "page_visit", "page": {"href": "https://app.example.com/pricing"}}


def rt_of(app: Flask) -> Runtime:
    rt: Runtime = app.extensions["tpc_mock"]
    return rt


def key_with(app: Flask, scopes: list[str]) -> str:
    """Mint an org_123 API key with exactly these scopes (through the key admin model)."""
    created = create_api_key(rt_of(app), "user_owner", name="narrow", organization_id="org_123",
                             scopes=scopes, expires_in=None)
    return str(created["key"])


# -- POST /api/v1/analytics/events ----------------------------------------------------------
def test_an_event_is_accepted_as_the_sdk_reads_it(app: Flask, client: FlaskClient,
                                                 full_key: str) -> None:
    body = {**VISIT, "eventId": "x", "anonymousId": None, "occurredAt": "2019-12-27T18:11:19.117Z",
            "properties": {"foo": "string", "n": 1, "b": True, "none": None},
            "request": {"clientIp": "1.2.3.4", "method": "GET", "referrer": None,
                        "userAgent": "ua"},
            "sdk": {"name": "@promptingcompany/sdk", "runtime": "node", "version": "0.3.0"},
            "sessionId": "s1"}
    response = client.post(EVENTS, json=body, headers={"Authorization": full_key})
    assert response.status_code == 202, response.get_json()
    outer = response.get_json()
    assert outer["ok"] is True and outer["data"]["ok"] is True
    ack = outer["data"]["data"]
    assert (ack["accepted"], ack["eventId"], ack["status"]) == (True, "x", "accepted")
    assert ack["receivedAt"].endswith("Z")
    stored = rt_of(app).store.find("analyticsEvents", "organizationId", "org_123")
    assert [(e["eventId"], e["page"]["href"], e["sessionId"]) for e in stored] == [
        ("x", "https://app.example.com/pricing", "s1")]


def test_an_event_without_an_id_gets_one(app: Flask, client: FlaskClient, full_key: str) -> None:
    ack = client.post(EVENTS, json=VISIT, headers={"x-api-key": full_key}).get_json()["data"]["data"]
    assert ack["eventId"].startswith("evt_")
    stored = rt_of(app).store.find("analyticsEvents", "organizationId", "org_123")
    assert stored[0]["occurredAt"] == ack["receivedAt"]


@pytest.mark.parametrize("body,path", [
    ({"event": "click", "page": {"href": "https://x"}}, "event"),
    ({"event": "page_visit"}, "page"),
    ({"event": "page_visit", "page": {}}, "page.href"),
    ({**VISIT, "properties": {"nested": {"a": 1}}}, "properties.nested"),
])
def test_event_validation(app: Flask, client: FlaskClient, full_key: str, body: dict[str, Any],
                          path: str) -> None:
    error = assert_error(client.post(EVENTS, json=body, headers={"x-api-key": full_key}), 422,
                         "VALIDATION_ERROR")
    assert any(i["path"].startswith(path) for i in error["details"]["issues"]), error
    assert rt_of(app).store.find("analyticsEvents", "organizationId", "org_123") == []


def test_events_need_a_credential_and_the_analytics_scope(app: Flask,
                                                           client: FlaskClient) -> None:
    assert_error(client.post(EVENTS, json=VISIT), 401, "UNAUTHORIZED", "authentication required")
    key = key_with(app, ["content:read"])
    error = assert_error(client.post(EVENTS, json=VISIT, headers={"x-api-key": key}), 403,
                         "FORBIDDEN", "insufficient_scope")
    assert error["details"]["requiredScopes"] == ["analytics:read"]


# -- PATCH /api/v1/apps/{appId}/resources/{resourceId} --------------------------------------
def test_updating_a_resource_names_it(app: Flask, client: FlaskClient, full_key: str) -> None:
    rt_of(app).clock.advance(60)
    response = client.patch(RESOURCE, json={"displayName": "Docs"}, headers={"x-api-key": full_key})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert (data["appId"], data["resourceId"], data["resourceType"], data["displayName"]) == (
        "app_123", "product_123", "product", "Docs")
    assert data["updatedAt"] > data["createdAt"] and data["deletedAt"] is None
    assert rt_of(app).store.get("appResources", data["id"])["displayName"] == "Docs"
    by_own_id = client.patch(f"/api/v1/apps/app_123/resources/{data['id']}", json={},
                             headers={"x-api-key": full_key})
    assert by_own_id.get_json()["data"]["displayName"] == "Docs"


def test_updating_a_resource_refusals(client: FlaskClient, full_key: str, read_key: str,
                                      other_org_key: str) -> None:
    key = {"x-api-key": full_key}
    assert_error(client.patch("/api/v1/apps/app_123/resources/nope", json={}, headers=key), 404,
                 "NOT_FOUND")
    assert_error(client.patch(RESOURCE, json={}, headers={"x-api-key": other_org_key}), 404,
                 "NOT_FOUND")
    assert_error(client.patch(RESOURCE, json={"displayName": 5}, headers=key), 422,
                 "VALIDATION_ERROR")
    assert_error(client.patch(RESOURCE, json={}, headers={"x-api-key": read_key}), 403,
                 "FORBIDDEN", "insufficient_scope")


# -- POST /api/v1/products/{productId}/knowledge/retrieve -----------------------------------
def test_knowledge_retrieve_finds_the_pricing_page(client: FlaskClient, full_key: str) -> None:
    response = client.post(KNOWLEDGE, json={"query": "simple plans"},
                           headers={"x-api-key": full_key})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["warnings"] == []
    top = data["items"][0]
    assert top["source"]["documentId"] == "page_123" and top["score"] == 1.0
    assert top["title"] == "Pricing" and "Simple plans" in top["snippet"]
    assert set(top["source"]) == {"documentId", "sourceUrl", "documentType", "chunkId"}
    assert top["source"]["sourceUrl"].startswith("https://")
    assert data["items"]
    assert all(0 < i["score"] <= 1 for i in data["items"])
    scores = [i["score"] for i in data["items"]]
    assert scores == sorted(scores, reverse=True)


def test_knowledge_retrieve_with_no_match_or_no_documents(client: FlaskClient,
                                                         full_key: str) -> None:
    key = {"x-api-key": full_key}
    none = client.post(KNOWLEDGE, json={"query": "zzzyqx"}, headers=key).get_json()["data"]
    assert none == {"items": [], "warnings": []}
    code_only = client.post(KNOWLEDGE, json={"query": "pricing", "include": ["code"]},
                            headers=key).get_json()["data"]
    assert code_only["items"] == []


@pytest.mark.parametrize("body,path", [({}, "query"), ({"query": ""}, "query"),
                                       ({"query": "x" * 2001}, "query"),
                                       ({"query": "x", "include": []}, "include"),
                                       ({"query": "x", "include": ["a", "b", "c", "d"]},
                                        "include")])
def test_knowledge_validation(client: FlaskClient, full_key: str, body: dict[str, Any],
                              path: str) -> None:
    error = assert_error(client.post(KNOWLEDGE, json=body, headers={"x-api-key": full_key}), 422,
                         "VALIDATION_ERROR")
    assert [i["path"] for i in error["details"]["issues"]] == [path]


def test_knowledge_scope_and_reach(app: Flask, client: FlaskClient, other_org_key: str) -> None:
    key = key_with(app, ["content:read"])
    error = assert_error(client.post(KNOWLEDGE, json={"query": "x"}, headers={"x-api-key": key}),
                         403, "FORBIDDEN", "insufficient_scope")
    assert error["details"]["requiredScopes"] == ["products:read"]
    assert_error(client.post(KNOWLEDGE, json={"query": "x"}, headers={"x-api-key": other_org_key}),
                 404, "NOT_FOUND")


# -- injected 429 faults ----------------------------------------------------------------------
def test_an_injected_429_carries_retry_after(client: FlaskClient, full_key: str) -> None:
    client.post("/__mock/faults", json={"path": "/api/v1/site/pages", "status": 429, "times": 1})
    response = client.get("/api/v1/site/pages?productId=product_123",
                          headers={"x-api-key": full_key})
    assert_error(response, 429, "TOO_MANY_REQUESTS")
    assert response.headers["Retry-After"] == "1"
    again = client.get("/api/v1/site/pages?productId=product_123", headers={"x-api-key": full_key})
    assert again.status_code == 200 and "Retry-After" not in again.headers


def test_other_injected_faults_have_no_retry_after(client: FlaskClient, full_key: str) -> None:
    client.post("/__mock/faults", json={"path": "/api/v1/site/pages", "status": 503, "times": 1})
    response = client.get("/api/v1/site/pages?productId=product_123",
                          headers={"x-api-key": full_key})
    assert response.status_code == 503 and "Retry-After" not in response.headers


def test_the_openapi_document_lists_the_new_routes(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/analytics/events"]
    assert "patch" in paths["/api/v1/apps/{appId}/resources/{resourceId}"]
    retrieve = paths["/api/v1/products/{productId}/knowledge/retrieve"]["post"]
    assert retrieve["security"]  # an API key with products:read, or a bearer/session
