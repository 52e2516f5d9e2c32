"""Hostile JSON: nesting too deep for the parser and numbers JSON cannot carry.

Every caller kind gets the same 400 for a body too deep to parse (with or without an
`Idempotency-Key`), `NaN`/`Infinity` are refused on every route, and a data file that
already holds them still loads and serves valid JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from tpc_mock.app import create_app

from .helpers import AppFactory, assert_auth_error, assert_error
from .hostile_helpers import JSON, METHODS, VALID, Api, assert_safe

DEEP = "[" * 100_000 + "]" * 100_000
NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e309", "-1e400"]
SEEDED = {"appId": "app_123", "productId": "product_123", "orgId": "org_123", "id": "page_123",
          "domainId": "x", "routeId": "x"}


def _write_routes() -> list[tuple[str, str]]:
    """Every /api/v1 write, its path parameters filled with seeded ids."""
    routes = set()
    for rule in create_app({"in_memory": True}).url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SEEDED.get(m.group(1), "x"), rule.rule)
            routes |= {(m, path) for m in (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}}
    return sorted(routes)


def _callers(client: FlaskClient) -> dict[str, dict[str, str]]:
    """Headers per caller kind; the client carries the session cookie (the last to decide)."""
    data = client.get("/__mock/fixtures").get_json()["data"]
    name, _, value = data["sessions"][0]["cookie"].partition("=")
    client.set_cookie(name, value)
    key = next(k["key"] for k in data["apiKeys"] if k["enabled"] and k["organizationId"] == "org_123")
    return {"apiKey": {"x-api-key": key},
            "bearer": {"Authorization": f"Bearer {data['bearerTokens'][0]['token']}"},
            "cookie": {"Origin": "http://localhost:3000"}}


@pytest.fixture(scope="module")
def shared() -> tuple[FlaskClient, dict[str, dict[str, str]]]:
    client = create_app({"in_memory": True, "rate_limit": "0"}).test_client()
    return client, _callers(client)


@pytest.mark.parametrize(("method", "path"), _write_routes())
def test_deep_nesting_answers_every_caller_alike(method: str, path: str,
                                                 fresh_app: AppFactory) -> None:
    """Bearer and cookie callers with an Idempotency-Key used to get a 500 (RecursionError)."""
    app = fresh_app(rate_limit="0")
    client = app.test_client()
    callers = _callers(client)
    store = app.extensions["tpc_mock"].store
    seeded = store.snapshot()
    answers = {}
    for kind, headers in callers.items():
        for idempotency in ({}, {"Idempotency-Key": f"deep-{kind}-{method}-{path}"}):
            store.restore(seeded)  # a route that ignores its body (DELETE an app) did its work
            response = client.open(path, method=method, data=DEEP, content_type=JSON,
                                   headers={**headers, **idempotency})
            assert_safe(response, path)
            answers[kind, bool(idempotency)] = response.status_code, response.get_json().get("code")
    assert answers["bearer", True] == answers["bearer", False]
    assert answers["cookie", True] == answers["cookie", False] == answers["bearer", False]
    if answers["apiKey", False] != (403, "FORBIDDEN"):  # routes an API key may not call
        assert answers["apiKey", True] == answers["apiKey", False] == answers["bearer", False]


def test_deep_nesting_with_idempotency_key_is_the_api_key_callers_400(
        shared: tuple[FlaskClient, dict[str, dict[str, str]]]) -> None:
    client, callers = shared
    for kind in ("apiKey", "bearer", "cookie"):
        response = client.post("/api/v1/site/pages", data=DEEP, content_type=JSON,
                                          headers={**callers[kind], "Idempotency-Key": kind})
        assert_error(response, 400, "BAD_REQUEST", "malformed JSON body")


@pytest.mark.parametrize("number", NON_FINITE)
def test_non_finite_config_value_is_refused(
        shared: tuple[FlaskClient, dict[str, dict[str, str]]], number: str) -> None:
    client, callers = shared
    path = "/api/v1/apps/app_123/app-config"
    before = client.get(path, headers=callers["apiKey"]).get_data()
    response = client.patch(path, data='{"config":{"x":' + number + "}}", content_type=JSON,
                            headers=callers["apiKey"])
    assert_error(response, 400, "BAD_REQUEST", "malformed JSON body")
    assert client.get(path, headers=callers["apiKey"]).get_data() == before


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("number", NON_FINITE)
def test_non_finite_numbers_in_page_bodies_are_400(method: str, number: str) -> None:
    raw = json.dumps(VALID[method]).replace('"product_123"', number, 1)
    Api().rejected(method, 400, "BAD_REQUEST", "malformed JSON body", raw=raw)


@pytest.mark.parametrize(("method", "path"), _write_routes())
def test_no_write_route_stores_a_non_finite_number(method: str, path: str,
                                                   fresh_app: AppFactory) -> None:
    """Routes that read a body answer 400; those that ignore it (DELETE an app) store nothing."""
    app = fresh_app(rate_limit="0")
    client = app.test_client()
    callers = _callers(client)
    for headers in callers.values():
        for raw in ('{"x":NaN}', '{"config":{"x":Infinity},"name":-Infinity}', "[NaN]",
                    '{"productId":"product_123","pages":[{"slug":"n","title":NaN}]}'):
            response = client.open(path, method=method, data=raw, content_type=JSON, headers=headers)
            assert_safe(response, path)
            json.loads(response.get_data(), parse_constant=lambda name: pytest.fail(name))
    stored = app.extensions["tpc_mock"].store.snapshot()
    json.dumps(stored, allow_nan=False)  # ValueError if anything non-finite got in


@pytest.mark.parametrize("path", ["/api/auth/sign-in/email", "/api/auth/device/code"])
def test_auth_routes_refuse_non_finite_numbers(path: str, fresh_app: AppFactory) -> None:
    client = fresh_app().test_client()
    response = client.post(path, data='{"email":NaN,"password":Infinity,"client_id":NaN}',
                           content_type=JSON, headers={"Origin": "http://localhost:3000"})
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert "code" in body or "error" in body


def test_control_api_refuses_non_finite_numbers(fresh_app: AppFactory) -> None:
    client = fresh_app().test_client()
    response = client.post("/__mock/clock", data='{"advance":NaN}', content_type=JSON)
    assert_error(response, 400, "BAD_REQUEST", "malformed JSON body")


def test_a_data_file_holding_nan_still_loads_and_serves_valid_json(tmp_path: Any) -> None:
    path = tmp_path / "db.json"
    first = create_app({"data": path})
    key = first.test_client().get("/__mock/fixtures").get_json()["data"]["apiKeys"][0]["key"]
    data = json.loads(path.read_text())
    config = next(iter(data["appConfigs"].values()))
    config["config"] = {"x": float("nan"), "y": [float("inf"), -float("inf"), 1.5]}
    path.write_text(json.dumps(data))  # Python writes NaN / Infinity, as older versions did
    assert "NaN" in path.read_text()
    app = create_app({"data": path})
    response = app.test_client().get(f"/api/v1/apps/{config['appId']}/app-config",
                                     headers={"x-api-key": key})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    parsed = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in {text}"))
    assert parsed["data"]["config"] == {"x": None, "y": [None, None, 1.5]}


def test_better_auth_routes_keep_their_shape_for_deep_bodies(fresh_app: AppFactory) -> None:
    client = fresh_app().test_client()
    response = client.post("/api/auth/device/token", data=DEEP, content_type=JSON)
    body = response.get_json()
    assert response.status_code == 400 and body["error"] == "invalid_request", body
    response = client.post("/api/auth/api-key/create", data=DEEP, content_type=JSON,
                           headers={"Origin": "http://localhost:3000"})
    assert_auth_error(response, 401, "UNAUTHORIZED_SESSION") if response.status_code == 401 else \
        assert_safe(response, "/api/auth/api-key/create")
