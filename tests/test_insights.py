"""Share of voice, agent-simulation runs, conversation queries and views."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tpc_mock.auth.secrets import digest

SOV = "/api/v1/analytics/sov"
RUNS = "/api/v1/agent-simulation/runs"
QUERIES = "/api/v1/conversation-queries"
VIEWS = "/api/v1/views"
RUN_FIELDS = ["id", "environmentId", "taskId", "organizationId", "status", "sandboxId",
              "sandboxSnapshot", "overallScore", "passed", "tokensUsed", "costUsd", "startedAt",
              "completedAt", "duration", "createdAt", "updatedAt", "deletedAt"]
QUERY_FIELDS = ["id", "promptId", "createdAt", "updatedAt", "deletedAt"]
VIEW_FIELDS = ["id", "name", "description", "brandId", "organizationId", "isDefault", "createdAt",
               "updatedAt", "deletedAt", "conversationCount", "brand"]


def _store(app: Flask) -> Any:
    return app.extensions["tpc_mock"].store


def _key(app: Flask, scopes: list[str]) -> str:
    """Mint an org_123 API key with exactly these scopes."""
    key = "tpc_" + "i" * 60 + str(len(scopes)).ljust(4, "q")
    _store(app).insert("apiKeys", {
        "id": "apikey_" + digest(key)[:10], "name": "narrow", "start": key[:6], "prefix": "tpc_",
        "hash": digest(key), "organizationId": "org_123", "scopes": scopes, "enabled": True,
        "expiresAt": None})
    return key


def _bearer(app: Flask, scopes: list[str]) -> dict[str, str]:
    """Mint a device-flow style bearer token for user_owner with these scopes."""
    token = "narrowbearer" + str(len(scopes)) + "x" * 20
    _store(app).insert("sessions", {
        "id": "session_" + digest(token)[:10], "userId": "user_owner", "tokenHash": digest(token),
        "expiresAt": "2099-12-31T23:59:59.000Z", "scopes": scopes, "clientId": "tpc-cli"})
    return {"Authorization": f"Bearer {token}"}


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


def _sov(client: FlaskClient, key: str, **params: Any) -> Any:
    params.setdefault("productId", "product_123")
    return client.get(SOV, query_string=params, headers={"x-api-key": key})


def _foreign_brand(app: Flask, creds: dict[str, Any]) -> dict[str, Any]:
    other = creds["apiKeys"][3]["organizationId"]
    brand: dict[str, Any] = _store(app).find("brands", "organizationId", other)[0]
    return brand


# -- GET /analytics/sov -----------------------------------------------------------
def test_sov_default_window_is_computed_from_the_seeded_days(
    app: Flask, client: FlaskClient, read_key: str
) -> None:
    response = _sov(client, read_key)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert list(data) == ["scope", "pagination", "sort", "timeSeries", "products", "rows"]
    assert data["scope"] == {"product": {"id": "product_123", "name": "Example Product", "slug": "example"}}
    assert data["sort"] == {"sortBy": "sov", "sortDirection": "desc",
                            "sortableDimensions": ["sov", "mentions", "runs", "label"]}
    days = [d["date"] for d in data["timeSeries"]]
    assert days == [(date(2025, 12, 6) + timedelta(days=i)).isoformat() for i in range(30)]
    stored = _store(app).find("sovSeries", "brandId", "brand_123")
    assert {s["firstDate"] for s in stored} == {"2025-12-06"}
    runs = sum(sum(s["runs"]) for s in stored)
    mentions = sum(sum(s["mentions"]["product_123"]) for s in stored)
    own = next(p for p in data["products"] if p["product_id"] == "product_123")
    assert own == {"product_id": "product_123", "product_name": "Example Product",
                   "sov": round(mentions / runs, 4), "mentions": mentions, "runs": runs}
    assert sum(d["mentions"] for d in data["timeSeries"]) == mentions
    for point in data["timeSeries"]:
        assert point["sov"] == round(point["mentions"] / point["runs"], 4)
    brand = _store(app).get("brands", "brand_123")
    assert {p["product_id"] for p in data["products"]} == {"product_123"} | {
        c["id"] for c in brand["competitors"]}
    assert [p["sov"] for p in data["products"]] == sorted((p["sov"] for p in data["products"]), reverse=True)
    assert [r["dimension"] for r in data["rows"]] == ["product"] * len(data["products"])
    assert [r["rank"] for r in data["rows"]] == list(range(1, len(data["rows"]) + 1))
    assert data["pagination"] == {"page": 1, "pageSize": 20, "total": len(data["products"]), "totalPages": 1}


@pytest.mark.parametrize("by", ["prompt", "topic", "engine"])
def test_sov_by_dimension_adds_up(client: FlaskClient, full_key: str, by: str) -> None:
    data = _sov(client, full_key, by=by).get_json()["data"]
    own = next(p for p in data["products"] if p["product_id"] == "product_123")
    assert {r["dimension"] for r in data["rows"]} == {by}
    assert sum(r["runs"] for r in data["rows"]) == own["runs"]
    assert sum(r["mentions"] for r in data["rows"]) == own["mentions"]
    assert data["rows"]
    assert all(r["label"] and r["label"] != r["key"] for r in data["rows"])
    assert [r["sov"] for r in data["rows"]] == sorted((r["sov"] for r in data["rows"]), reverse=True)


def test_sov_filters(client: FlaskClient, full_key: str) -> None:
    engines = _sov(client, full_key, by="engine").get_json()["data"]["rows"]
    chatgpt = next(r for r in engines if r["key"] == "chatgpt")
    only = _sov(client, full_key, engine="chatgpt").get_json()["data"]
    assert sum(d["runs"] for d in only["timeSeries"]) == chatgpt["runs"]
    prompts = _sov(client, full_key, by="prompt", sortBy="label", sortDirection="asc").get_json()["data"]["rows"]
    assert [r["label"].casefold() for r in prompts] == sorted(r["label"].casefold() for r in prompts)
    one = _sov(client, full_key, promptId=prompts[0]["key"]).get_json()["data"]
    assert sum(d["mentions"] for d in one["timeSeries"]) == prompts[0]["mentions"]
    topics = _sov(client, full_key, by="topic").get_json()["data"]["rows"]
    topic = _sov(client, full_key, topicId=topics[0]["key"], by="topic").get_json()["data"]
    assert [r["key"] for r in topic["rows"]] == [topics[0]["key"]]
    week = _sov(client, full_key, start="2025-12-19T22:00:00-05:00", end="2025-12-26T23:00:00Z").get_json()["data"]
    assert [d["date"] for d in week["timeSeries"]][::6] == ["2025-12-20", "2025-12-26"]
    assert len(week["timeSeries"]) == 7
    paged = _sov(client, full_key, by="prompt", pageSize=1, page=2).get_json()["data"]
    assert paged["rows"] == [prompts_by_sov(client, full_key)[1]]
    assert paged["pagination"] == {"page": 2, "pageSize": 1, "total": len(prompts), "totalPages": len(prompts)}


def prompts_by_sov(client: FlaskClient, key: str) -> list[dict[str, Any]]:
    return list(_sov(client, key, by="prompt").get_json()["data"]["rows"])


def test_sov_accepts_the_deprecated_brand_id(client: FlaskClient, full_key: str) -> None:
    by_product = _sov(client, full_key).get_json()
    client_params = {"brandId": "brand_123"}
    by_brand = client.get(SOV, query_string=client_params, headers={"x-api-key": full_key}).get_json()
    assert by_brand == by_product


@pytest.mark.parametrize(("params", "path"), [
    ({"by": "country"}, "by"), ({"pageSize": 101}, "pageSize"), ({"page": 0}, "page"),
    ({"sortBy": "name"}, "sortBy"), ({"start": "last week"}, "start"),
    ({"start": "2025-12-20junk"}, "start"), ({"end": "2025-13-01"}, "end"),
    ({"start": "2025-12-20", "end": "2025-12-01"}, "start"), ({"productId": None}, "productId"),
    ({"start": "2020-01-01", "end": "2025-12-01"}, "end"),
])
def test_sov_validation(client: FlaskClient, full_key: str, params: dict[str, Any], path: str) -> None:
    query = {"productId": "product_123", **params}
    query = {k: v for k, v in query.items() if v is not None}
    response = client.get(SOV, query_string=query, headers={"x-api-key": full_key})
    error = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
    assert [i["path"] for i in error["details"]["issues"]] == [path]


def test_sov_outside_the_org_is_404(app: Flask, client: FlaskClient, full_key: str, other_org_key: str,
                                    creds: dict[str, Any]) -> None:
    assert_error(_sov(client, other_org_key), 404, "NOT_FOUND", "product not found")
    foreign = _foreign_brand(app, creds)
    assert_error(_sov(client, full_key, productId=foreign["productId"]), 404, "NOT_FOUND")
    foreign_prompt = _store(app).find("prompts", "brandId", foreign["id"])[0]["id"]
    assert_error(_sov(client, full_key, promptId=foreign_prompt), 404, "NOT_FOUND", "prompt not found")
    assert_error(_sov(client, full_key, topicId="topic_nope"), 404, "NOT_FOUND", "topic not found")


def test_sov_needs_analytics_read(app: Flask, client: FlaskClient) -> None:
    error = assert_error(_sov(client, _key(app, ["content:read"])), 403, "FORBIDDEN", "insufficient_scope")
    assert error["details"] == {"requiredScopes": ["analytics:read"], "missingScopes": ["analytics:read"]}


# -- GET /agent-simulation/runs ----------------------------------------------------
def _runs(client: FlaskClient, key: str, **params: Any) -> Any:
    return client.get(RUNS, query_string=params, headers={"x-api-key": key})


def test_runs_list_the_orgs_runs_newest_first(app: Flask, client: FlaskClient, read_key: str) -> None:
    response = _runs(client, read_key, pageSize=100)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert list(data) == ["runs", "total"]
    stored = _store(app).find("simulationRuns", "organizationId", "org_123")
    assert data["total"] == len(stored) == len(data["runs"]) > 0
    for run in data["runs"]:
        assert set(RUN_FIELDS) <= set(run) and run["organizationId"] == "org_123"
        assert run["environment"]["id"] == run["environmentId"]
        assert run["task"] == {k: _store(app).get("simulationTasks", run["taskId"])[k]
                               for k in ("id", "name", "category")}
    created = [r["createdAt"] for r in data["runs"]]
    assert created == sorted(created, reverse=True)
    first = next(r for r in data["runs"] if r["id"] == "run_123")
    assert first["status"] == "completed" and first["passed"] == (first["overallScore"] >= 0.7)


def test_runs_filters_and_paging(app: Flask, client: FlaskClient, full_key: str) -> None:
    every = _runs(client, full_key, pageSize=100).get_json()["data"]["runs"]
    run = every[0]
    cases = {
        "environmentId": lambda r: r["environmentId"] == run["environmentId"],
        "taskId": lambda r: r["taskId"] == run["taskId"],
        "status": lambda r: r["status"] == run["status"],
        "experimentId": lambda r: r["metadata"]["experimentId"] == run["metadata"]["experimentId"],
        "iterationId": lambda r: r["metadata"]["iterationId"] == run["metadata"]["iterationId"],
    }
    for name, keep in cases.items():
        value = run.get(name) or run["metadata"][name]
        found = _runs(client, full_key, pageSize=100, **{name: value}).get_json()["data"]
        assert [r["id"] for r in found["runs"]] == [r["id"] for r in every if keep(r)], name
    env_name = run["environment"]["name"].upper()
    found = _runs(client, full_key, search=env_name, pageSize=100).get_json()["data"]["runs"]
    assert {r["environmentId"] for r in found} == {run["environmentId"]}
    second = _runs(client, full_key, page=2, pageSize=5).get_json()["data"]
    assert [r["id"] for r in second["runs"]] == [r["id"] for r in every[5:10]]
    assert second["total"] == len(every)


def test_runs_follow_the_store(app: Flask, client: FlaskClient, full_key: str) -> None:
    before = _runs(client, full_key).get_json()["data"]["total"]
    run = dict(_store(app).get("simulationRuns", "run_123"), id="run_new", status="queued",
               createdAt="2026-01-05T10:00:00.000Z")
    _store(app).insert("simulationRuns", run)
    data = _runs(client, full_key, status="queued").get_json()["data"]
    assert data["runs"][0]["id"] == "run_new"
    assert _runs(client, full_key).get_json()["data"]["total"] == before + 1


def test_runs_of_another_org(client: FlaskClient, full_key: str, other_org_key: str) -> None:
    theirs = _runs(client, other_org_key, pageSize=100).get_json()["data"]
    assert theirs["total"] > 0 and {r["organizationId"] for r in theirs["runs"]} != {"org_123"}
    assert_error(_runs(client, other_org_key, environmentId="env_123"), 404, "NOT_FOUND",
                 "environment not found")
    assert_error(_runs(client, other_org_key, taskId="task_123"), 404, "NOT_FOUND", "task not found")
    theirs_env = theirs["runs"][0]["environmentId"]
    assert_error(_runs(client, full_key, environmentId=theirs_env), 404, "NOT_FOUND")


def test_runs_validation_and_scope(app: Flask, client: FlaskClient, full_key: str) -> None:
    for params, path in (({"page": 0}, "page"), ({"pageSize": "many"}, "pageSize")):
        error = assert_error(_runs(client, full_key, **params), 422, "VALIDATION_ERROR")
        assert [i["path"] for i in error["details"]["issues"]] == [path]
    error = assert_error(_runs(client, _key(app, ["analytics:read"])), 403, "FORBIDDEN", "insufficient_scope")
    assert error["details"] == {"requiredScopes": ["simulations:read"], "missingScopes": ["simulations:read"]}


def test_runs_page_size_has_no_invented_upper_bound(client: FlaskClient, full_key: str) -> None:
    """TPC's document and docs bound neither; its own agent tooling sends pageSize=200."""
    response = _runs(client, full_key, pageSize=200)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert len(data["runs"]) == min(200, data["total"])


# -- GET /conversation-queries -------------------------------------------------------
def _queries(client: FlaskClient, headers: dict[str, str], **params: Any) -> Any:
    return client.get(QUERIES, query_string=params, headers=headers)


def test_queries_of_a_brand(app: Flask, client: FlaskClient, bearer: str) -> None:
    response = _queries(client, _auth(bearer), brandId="brand_123", limit=100)
    assert response.status_code == 200
    data = response.get_json()["data"]
    live = [q for q in _store(app).find("conversationQueries", "brandId", "brand_123") if not q["deletedAt"]]
    assert data["pagination"] == {"page": 1, "limit": 100, "total": len(live), "totalPages": 1}
    assert {q["id"] for q in data["data"]} == {q["id"] for q in live}
    for item in data["data"]:
        assert set(QUERY_FIELDS) <= set(item) and item["deletedAt"] is None
        prompt = _store(app).get("prompts", item["promptId"])
        assert item["prompt"] == {"id": prompt["id"], "message": prompt["message"]}
        assert item["userPersona"]["id"] == item["userPersonaId"]
    assert "cq_123" in {q["id"] for q in data["data"]}


def test_query_filters(app: Flask, client: FlaskClient, bearer: str) -> None:
    every = _queries(client, _auth(bearer), brandId="brand_123", limit=100).get_json()["data"]["data"]
    prompt = every[0]["promptId"]
    one = _queries(client, _auth(bearer), promptId=prompt).get_json()["data"]["data"]
    assert [q["id"] for q in one] == [q["id"] for q in every if q["promptId"] == prompt]
    two = {every[0]["promptId"], every[-1]["promptId"]}
    both = _queries(client, _auth(bearer), promptIds=",".join(two), limit=100).get_json()["data"]["data"]
    assert {q["promptId"] for q in both} == two
    persona = every[0]["userPersona"]["name"]
    found = _queries(client, _auth(bearer), brandId="brand_123", search=persona.lower()).get_json()["data"]
    assert {q["userPersona"]["name"] for q in found["data"]} == {persona}
    page = _queries(client, _auth(bearer), brandId="brand_123", pageSize=2, page=2).get_json()["data"]
    assert [q["id"] for q in page["data"]] == [q["id"] for q in every[2:4]]
    assert page["pagination"]["limit"] == 2 and page["pagination"]["totalPages"] == -(-len(every) // 2)


def test_queries_of_a_view(app: Flask, client: FlaskClient, bearer: str) -> None:
    views = _store(app).find("views", "brandId", "brand_123")
    custom = next(v for v in views if not v["isDefault"])
    held = _queries(client, _auth(bearer), brandId="brand_123", viewId=custom["id"]).get_json()["data"]
    assert {q["id"] for q in held["data"]} == set(custom["conversationQueryIds"])
    default = _queries(client, _auth(bearer), brandId="brand_123", viewId="view_123", limit=100)
    assert default.get_json()["data"]["pagination"]["total"] == _queries(
        client, _auth(bearer), brandId="brand_123").get_json()["data"]["pagination"]["total"]


@pytest.mark.parametrize(("params", "path"), [
    ({}, "brandId"), ({"viewId": "view_123", "promptId": "prompt_123"}, "viewId"),
    ({"brandId": "brand_123", "limit": 501}, "limit"), ({"brandId": "brand_123", "page": 0}, "page"),
])
def test_query_validation(client: FlaskClient, bearer: str, params: dict[str, Any], path: str) -> None:
    error = assert_error(_queries(client, _auth(bearer), **params), 422, "VALIDATION_ERROR")
    assert [i["path"] for i in error["details"]["issues"]] == [path]


def test_queries_outside_the_org_are_404(app: Flask, client: FlaskClient, bearer: str,
                                         creds: dict[str, Any]) -> None:
    foreign = _foreign_brand(app, creds)
    assert_error(_queries(client, _auth(bearer), brandId=foreign["id"]), 404, "NOT_FOUND", "brand not found")
    prompt = _store(app).find("prompts", "brandId", foreign["id"])[0]["id"]
    assert_error(_queries(client, _auth(bearer), promptId=prompt), 404, "NOT_FOUND", "prompt not found")
    assert_error(_queries(client, _auth(bearer), brandId="brand_123", viewId="view_nope"), 404,
                 "NOT_FOUND", "view not found")


def test_queries_refuse_api_keys_and_check_scope(app: Flask, client: FlaskClient, full_key: str) -> None:
    for headers in ({"x-api-key": full_key}, {"Authorization": full_key}):
        assert_error(_queries(client, headers, brandId="brand_123"), 403, "FORBIDDEN",
                     "auth_method_not_allowed")
    error = assert_error(_queries(client, _bearer(app, ["analytics:read"]), brandId="brand_123"),
                         403, "FORBIDDEN", "insufficient_scope")
    assert error["details"] == {"requiredScopes": ["prompts:read"], "missingScopes": ["prompts:read"]}


# -- GET/POST /views ---------------------------------------------------------------
def test_list_views(app: Flask, client: FlaskClient, bearer: str) -> None:
    response = client.get(VIEWS, query_string={"brandId": "brand_123"}, headers=_auth(bearer))
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert list(data) == ["data", "totalPages", "totalItems"]
    assert data["totalItems"] == 2 and data["totalPages"] == 1
    default, custom = data["data"]
    assert list(default) == VIEW_FIELDS and default["id"] == "view_123" and default["isDefault"] is True
    live = [q for q in _store(app).find("conversationQueries", "brandId", "brand_123") if not q["deletedAt"]]
    assert default["conversationCount"] == len(live)
    assert custom["conversationCount"] == 3 and custom["isDefault"] is False
    assert default["brand"] == {"id": "brand_123", "name": "Example Product", "slug": "example"}


def test_list_views_of_every_reached_brand(app: Flask, client: FlaskClient, bearer: str,
                                           creds: dict[str, Any]) -> None:
    data = client.get(VIEWS, query_string={"pageSize": 500}, headers=_auth(bearer)).get_json()["data"]
    orgs = {m["organizationId"] for u in creds["users"] if u["id"] == "user_owner" for m in u["memberships"]}
    assert {v["organizationId"] for v in data["data"]} == orgs
    found = client.get(VIEWS, query_string={"search": "PRICING"}, headers=_auth(bearer)).get_json()["data"]
    assert [v["name"] for v in found["data"]] == ["Pricing questions"]
    page = client.get(VIEWS, query_string={"pageSize": 1, "page": 2}, headers=_auth(bearer)).get_json()["data"]
    assert page["data"] == data["data"][1:2] and page["totalPages"] == data["totalItems"]


def test_create_view(app: Flask, client: FlaskClient, bearer: str) -> None:
    picked = [q["id"] for q in _queries(client, _auth(bearer), brandId="brand_123", limit=2)
              .get_json()["data"]["data"]]
    response = client.post(VIEWS, json={"name": "Recent", "description": "Two of them",
                                        "brandId": "brand_123", "conversationQueryIds": picked},
                           headers=_auth(bearer))
    assert response.status_code == 201
    view = response.get_json()["data"]
    assert list(view) == VIEW_FIELDS
    assert (view["name"], view["description"], view["isDefault"], view["conversationCount"]) == (
        "Recent", "Two of them", False, 2)
    assert view["organizationId"] == "org_123" and view["deletedAt"] is None
    listed = client.get(VIEWS, query_string={"brandId": "brand_123"}, headers=_auth(bearer)).get_json()
    assert view in listed["data"]["data"] and listed["data"]["totalItems"] == 3
    held = _queries(client, _auth(bearer), brandId="brand_123", viewId=view["id"]).get_json()["data"]
    assert sorted(q["id"] for q in held["data"]) == sorted(picked)


def test_create_view_with_a_session_cookie(app: Flask, client: FlaskClient, session_cookie: str) -> None:
    name, value = session_cookie.split("=", 1)
    client.set_cookie(name, value)
    response = client.post(VIEWS, json={"name": "Empty", "brandId": "product_123"},
                           headers={"Origin": "http://localhost:3000"})
    assert response.status_code == 201
    view = response.get_json()["data"]
    assert (view["brandId"], view["conversationCount"], view["description"]) == ("brand_123", 0, None)
    assert _store(app).get("views", view["id"])["conversationQueryIds"] == []


@pytest.mark.parametrize(("body", "path"), [
    ({"name": "", "brandId": "brand_123"}, "name"),
    ({"name": "x" * 101, "brandId": "brand_123"}, "name"),
    ({"name": "ok", "description": "d" * 501, "brandId": "brand_123"}, "description"),
    ({"name": "ok"}, "brandId"),
    ({"name": "ok", "brandId": "brand_123", "conversationQueryIds": ["cq_123", "cq_nope"]},
     "conversationQueryIds.1"),
    ({"name": "ok", "brandId": "brand_123", "conversationQueryIds": "cq_123"}, "conversationQueryIds"),
])
def test_create_view_validation(app: Flask, client: FlaskClient, bearer: str, body: dict[str, Any],
                                path: str) -> None:
    before = _store(app).count("views")
    error = assert_error(client.post(VIEWS, json=body, headers=_auth(bearer)), 422, "VALIDATION_ERROR")
    assert [i["path"] for i in error["details"]["issues"]] == [path]
    assert _store(app).count("views") == before


def test_create_view_outside_the_org(app: Flask, client: FlaskClient, bearer: str,
                                     creds: dict[str, Any]) -> None:
    foreign = _foreign_brand(app, creds)
    before = _store(app).count("views")
    assert_error(client.post(VIEWS, json={"name": "x", "brandId": foreign["id"]}, headers=_auth(bearer)),
                 404, "NOT_FOUND", "brand not found")
    theirs = _store(app).find("conversationQueries", "brandId", foreign["id"])[0]["id"]
    error = assert_error(client.post(VIEWS, json={"name": "x", "brandId": "brand_123",
                                                  "conversationQueryIds": [theirs]}, headers=_auth(bearer)),
                         422, "VALIDATION_ERROR")
    assert error["details"]["issues"][0]["path"] == "conversationQueryIds.0"
    assert_error(client.get(VIEWS, query_string={"brandId": foreign["id"]}, headers=_auth(bearer)),
                 404, "NOT_FOUND")
    assert _store(app).count("views") == before


def test_views_refuse_api_keys_and_check_scope(app: Flask, client: FlaskClient, full_key: str) -> None:
    before = _store(app).count("views")
    assert_error(client.get(VIEWS, headers={"x-api-key": full_key}), 403, "FORBIDDEN",
                 "auth_method_not_allowed")
    assert_error(client.post(VIEWS, json={"name": "x", "brandId": "brand_123"},
                             headers={"Authorization": f"Bearer {full_key}"}), 403, "FORBIDDEN",
                 "auth_method_not_allowed")
    narrow = _bearer(app, ["prompts:read"])
    for response in (client.get(VIEWS, headers=narrow),
                     client.post(VIEWS, json={"name": "x", "brandId": "brand_123"}, headers=narrow)):
        error = assert_error(response, 403, "FORBIDDEN", "insufficient_scope")
        assert error["details"] == {"requiredScopes": ["analytics:read"], "missingScopes": ["analytics:read"]}
    assert _store(app).count("views") == before


def test_openapi_lists_no_api_key_for_views(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["paths"]["/api/v1/views"]["post"]["security"] == [
        {"bearerAuth": ["analytics:read"]}, {"cookieAuth": []}]
    assert {"apiKeyAuth": ["analytics:read"]} in doc["paths"]["/api/v1/analytics/sov"]["get"]["security"]
