"""The console's routes (/__mock/console) and the minting control routes it uses."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_error
from tests.test_control import data
from tpc_mock.auth.scopes import SCOPES

PAGES = "/api/v1/site/pages?productId=product_123"
INVALID_KEY = {"ok": False, "code": "UNAUTHORIZED", "message": "invalid api key"}


# -- POST /__mock/api-keys and /__mock/bearer-tokens --------------------------------------
def test_mint_an_api_key_with_defaults(app: Flask, client: FlaskClient) -> None:
    minted = data(client.post("/__mock/api-keys", json={}), 201)
    assert re.fullmatch(r"tpc_[A-Za-z]{64}", minted["key"])
    assert (minted["organizationId"], minted["scopes"], minted["start"]) == (
        "org_123", list(SCOPES), minted["key"][:6])
    stored = app.extensions["tpc_mock"].store.get("apiKeys", minted["id"])
    assert stored["userId"] == "user_owner" and minted["key"] not in str(stored)
    listed = client.get(PAGES, headers={"x-api-key": minted["key"]})
    assert listed.status_code == 200 and listed.get_json()["ok"] is True


def test_a_minted_key_keeps_its_scopes_and_expiry(client: FlaskClient) -> None:
    minted = data(client.post("/__mock/api-keys", json={
        "scopes": ["content:read"], "name": "reader", "expiresIn": 60}), 201)
    assert minted["name"] == "reader" and minted["expiresAt"]
    assert_error(client.post("/api/v1/site/pages", json={}, headers={"x-api-key": minted["key"]}),
                 403, "FORBIDDEN", "insufficient_scope")
    client.post("/__mock/clock", json={"advance": 61})
    response = client.get(PAGES, headers={"x-api-key": minted["key"]})
    assert response.status_code == 401 and response.get_json() == INVALID_KEY


@pytest.mark.parametrize(("body", "path"), [
    ({"scopes": ["content:read", "nope"]}, "scopes"),
    ({"organizationId": "org_missing"}, "organizationId"),
    ({"expiresIn": 0}, "expiresIn"),
    ({"scopes": "content:read"}, "scopes"),
    ({"colour": "red"}, "colour"),
])
def test_mint_key_bad_input_is_422(client: FlaskClient, body: dict[str, Any], path: str) -> None:
    error = assert_error(client.post("/__mock/api-keys", json=body), 422, "VALIDATION_ERROR",
                         "validation failed")
    assert error["details"]["issues"][0]["path"] == path


def test_mint_a_bearer_token(client: FlaskClient) -> None:
    minted = data(client.post("/__mock/bearer-tokens", json={"scopes": ["content:read"],
                                                             "userId": "user_admin"}), 201)
    assert (minted["userId"], minted["scopes"]) == ("user_admin", ["content:read"])
    auth = {"Authorization": "Bearer " + minted["token"]}
    assert client.get(PAGES, headers=auth).status_code == 200
    assert data(client.get("/api/v1/me", headers=auth))["user"]["id"] == "user_admin"
    assert_error(client.post("/api/v1/site/pages", json={}, headers=auth), 403, "FORBIDDEN",
                 "insufficient_scope")


def test_mint_bearer_for_an_unknown_user_is_422(client: FlaskClient) -> None:
    error = assert_error(client.post("/__mock/bearer-tokens", json={"userId": "user_nobody"}),
                         422, "VALIDATION_ERROR", "validation failed")
    assert error["details"]["issues"] == [{"path": "userId",
                                           "message": "unknown user 'user_nobody'"}]


def test_minting_is_guarded_like_the_rest_of_mock(client: FlaskClient) -> None:
    assert_error(client.post("/__mock/api-keys", data="{}", content_type="text/plain"),
                 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_error(client.post("/__mock/bearer-tokens", json={},
                             headers={"Origin": "http://evil.example"}),
                 403, "FORBIDDEN", "invalid_origin")


def test_snapshots_are_listed(client: FlaskClient) -> None:
    assert data(client.get("/__mock/snapshots")) == []
    taken = data(client.post("/__mock/snapshot"), 201)
    assert data(client.get("/__mock/snapshots")) == [{"id": taken["id"]}]


# -- the console page ------------------------------------------------------------------
def test_console_page_has_every_panel_and_no_network_assets(client: FlaskClient) -> None:
    response = client.get("/__mock/console")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for panel in ("Requests", "Data", "Credentials", "Clock, faults, state"):
        assert f">{panel}</button>" in html
    assert 'name="viewport"' in html and "prefers-color-scheme: dark" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith(("/", "#")) for a in assets), assets
    script = client.get("/__mock/console/static/console.js")
    try:
        assert script.status_code == 200 and "https://" not in script.get_data(as_text=True)
    finally:
        script.close()


def test_console_is_guarded_like_the_control_api(client: FlaskClient) -> None:
    assert_error(client.get("/__mock/console", headers={"Origin": "http://evil.example"}),
                 403, "FORBIDDEN", "invalid_origin")
    assert_error(client.get("/__mock/console/feed", headers={"Host": "evil.example:8765"}),
                 400, "BAD_REQUEST", "invalid host header")
    own = client.get("/__mock/console/feed", headers={"Origin": "http://localhost"})
    assert own.status_code == 200, "the page's own script calls from the same origin"


def test_console_is_absent_without_control(fresh_app: AppFactory) -> None:
    client = fresh_app(control=False).test_client()
    assert client.get("/__mock/console").status_code == 404
    assert client.get("/__mock/console/feed").status_code == 404
    assert "/__mock/console" not in client.get("/").get_data(as_text=True)


def test_landing_page_links_the_console(client: FlaskClient) -> None:
    assert 'href="/__mock/console"' in client.get("/").get_data(as_text=True)


# -- the feed and the data browser -------------------------------------------------------
def test_feed_is_newest_first_filtered_and_explained(client: FlaskClient, full_key: str) -> None:
    client.get(PAGES, headers={"x-api-key": full_key})
    client.get(PAGES)
    client.post("/api/v1/site/pages", json={}, headers={"x-api-key": full_key})
    feed = data(client.get("/__mock/console/feed"))
    assert [(e["method"], e["status"]) for e in feed["entries"]] == [
        ("POST", 422), ("GET", 401), ("GET", 200)]
    assert feed["total"] == 3 and feed["offset"] == 0 and feed["now"].endswith("Z")
    assert feed["entries"][1]["explanation"].startswith("No credential was sent")

    def statuses(query: str) -> list[int]:
        return [e["status"] for e in data(client.get("/__mock/console/feed?" + query))["entries"]]

    assert statuses("status=4xx") == [422, 401]
    assert statuses("caller=apiKey") == [422, 200]
    assert statuses("caller=none&method=get") == [401]
    assert statuses("path=/api/v1/site") == [422, 401, 200]
    assert statuses("path=/api/v2") == []
    assert statuses("limit=1") == [422]
    assert_error(client.get("/__mock/console/feed?status=4"), 422, "VALIDATION_ERROR")
    assert_error(client.get("/__mock/console/feed?caller=robot"), 422, "VALIDATION_ERROR")


def test_request_detail_shows_the_answer(client: FlaskClient) -> None:
    client.get(PAGES, headers={"x-request-id": "req-detail"})
    entry = data(client.get("/__mock/console/feed"))["entries"][0]
    assert entry["hasAnswer"] is True
    detail = data(client.get(f"/__mock/console/requests/{entry['handle']}"))
    assert detail["requestId"] == "req-detail"
    assert '"authentication required"' in detail["answer"]["body"]
    assert_error(client.get("/__mock/console/requests/123"), 404, "NOT_FOUND")


def test_tables_are_listed_with_counts(client: FlaskClient) -> None:
    tables = {t["name"]: t["count"] for t in data(client.get("/__mock/console/tables"))}
    assert tables["pages"] == 60 and tables["apiKeys"] == 3 and "sessions" in tables


def test_a_table_pages_and_filters(client: FlaskClient) -> None:
    first = data(client.get("/__mock/console/tables/pages?pageSize=25"))
    second = data(client.get("/__mock/console/tables/pages?pageSize=25&page=3"))
    assert (first["total"], first["totalPages"], len(first["items"])) == (60, 3, 25)
    assert len(second["items"]) == 10
    found = data(client.get("/__mock/console/tables/pages?q=PRICING"))
    assert "page_123" in [p["id"] for p in found["items"]]
    assert found["items"]
    assert all("pricing" in str(p).lower() for p in found["items"])
    assert data(client.get("/__mock/console/tables/pages?page=9"))["items"] == []
    assert_error(client.get("/__mock/console/tables/nothing"), 404, "NOT_FOUND", "table not found")
    assert_error(client.get("/__mock/console/tables/pages?page=0"), 422, "VALIDATION_ERROR")


def test_the_data_browser_hides_secrets(client: FlaskClient, creds: dict[str, Any]) -> None:
    keys = data(client.get("/__mock/console/tables/apiKeys"))["items"]
    assert keys
    assert all(k["hash"] == "(hidden)" and k["start"].startswith("tpc_") for k in keys)
    text = str(data(client.get("/__mock/console/tables/sessions"))) + str(keys) + str(
        data(client.get("/__mock/console/tables/users")))
    for secret in [k["key"] for k in creds["apiKeys"]] + [s["token"] for s in creds["sessions"]]:
        assert secret not in text
    assert "passwordHash': '(hidden)" in text and "tokenHash': '(hidden)" in text
    stored = client.application.extensions["tpc_mock"].store.all("apiKeys")[0]["hash"]
    assert data(client.get(f"/__mock/console/tables/apiKeys?q={stored[:12]}"))["total"] == 0
