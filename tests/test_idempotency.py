"""Idempotency-Key edge cases: scopes on replay, in flight, organization slots, bodies."""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tpc_mock.server import LiveServer

PAGES = "/api/v1/site/pages"


def _body(slug: str, product: str = "product_123") -> dict[str, Any]:
    return {"productId": product, "pages": [{"slug": slug, "title": "t", "content": "c"}]}


def test_replay_is_scope_checked(client: FlaskClient, full_key: str, read_key: str) -> None:
    first = client.post(PAGES, json=_body("s1"), headers={"x-api-key": full_key,
                                                          "Idempotency-Key": "S1"})
    assert first.status_code == 200
    replay = client.post(PAGES, json=_body("s1"), headers={"x-api-key": read_key,
                                                           "Idempotency-Key": "S1"})
    body = assert_error(replay, 403, "FORBIDDEN", "insufficient_scope")
    assert body["details"]["missingScopes"] == ["content:write"]
    assert "x-idempotent-replay" not in replay.headers


def test_first_request_still_in_flight_is_conflict() -> None:
    with LiveServer() as server:
        key = requests.get(f"{server.url}/__mock/fixtures", timeout=10).json()["data"][
            "apiKeys"][0]["key"]
        requests.post(f"{server.url}/__mock/faults", timeout=10, json={
            "path": PAGES, "method": "POST", "delayMs": 800, "times": 1})
        headers = {"x-api-key": key, "Idempotency-Key": "k5"}
        results: list[requests.Response] = []

        def send() -> None:
            results.append(requests.post(server.url + PAGES, json=_body("k5"),
                                         headers=headers, timeout=10))

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
            time.sleep(0.3)  # the first one holds the key for 0.8 s
        for thread in threads:
            thread.join()
        assert sorted(r.status_code for r in results) == [200, 409]
        assert_error(next(r for r in results if r.status_code == 409), 409, "CONFLICT")
        assert not any("x-idempotent-replay" in r.headers for r in results)
        third = requests.post(server.url + PAGES, json=_body("k5"), headers=headers, timeout=10)
        assert third.headers.get("x-idempotent-replay") == "true"


def test_slots_are_per_target_organization(client: FlaskClient, app: Any, full_key: str,
                                           bearer: str) -> None:
    rt = app.extensions["tpc_mock"]
    other_org = next(m["organizationId"] for m in rt.store.find("members", "userId", "user_owner")
                     if m["organizationId"] != "org_123")
    other_product = rt.store.find("products", "organizationId", other_org)[0]["id"]
    auth = {"Authorization": f"Bearer {bearer}", "Idempotency-Key": "X1"}
    assert client.post(PAGES, json=_body("x1"), headers=auth).status_code == 200
    elsewhere = client.post(PAGES, json=_body("x1", other_product), headers=auth)
    assert elsewhere.status_code == 200 and "x-idempotent-replay" not in elsewhere.headers
    # The key of org_123 and a member's bearer share org_123's slot.
    shared = client.post(PAGES, json=_body("x1"), headers={"x-api-key": full_key,
                                                           "Idempotency-Key": "X1"})
    assert shared.headers.get("x-idempotent-replay") == "true"


def test_non_json_body_on_a_bodyless_write_is_415(client: FlaskClient, full_key: str) -> None:
    response = client.delete("/api/v1/apps/app_123", data="hello", content_type="text/plain",
                             headers={"x-api-key": full_key})
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    still = client.get("/api/v1/apps/app_123", headers={"x-api-key": full_key})
    assert still.status_code == 200 and still.get_json()["data"]["deletedAt"] is None


def test_non_json_body_without_credential_is_still_401(client: FlaskClient) -> None:
    response = client.delete("/api/v1/apps/app_123", data="hello", content_type="text/plain")
    assert_error(response, 401, "UNAUTHORIZED", "authentication required")


def test_fault_on_auth_routes_uses_better_auth_shape(client: FlaskClient) -> None:
    client.post("/__mock/faults", json={"path": "/api/auth/get-session", "status": 503})
    response = client.get("/api/auth/get-session")
    assert response.status_code == 503
    assert response.get_json() == {"code": "SERVICE_UNAVAILABLE",
                                   "message": "injected fault: service_unavailable"}


def test_every_write_operation_is_idempotent_and_knows_its_scopes(app: Flask) -> None:
    from tpc_mock.api.registry import OPERATIONS

    views = {endpoint.rsplit(".", 1)[-1]: view for endpoint, view in app.view_functions.items()}
    assert len(OPERATIONS) >= 45
    for op in OPERATIONS:
        view = views[op.operation_id]
        assert getattr(view, "tpc_idempotent", False) is (op.method != "GET"), op.operation_id
        assert view.tpc_scopes == op.scopes, op.operation_id
