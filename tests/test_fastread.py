"""fastread: a cached read answered in front of Flask is the answer Flask gives, in every way
a client or the journal can see; everything it does not handle reaches Flask exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tpc_mock.app import create_app
from tpc_mock.explain import ANSWER
from tpc_mock.fastread import FastRead, known_hooks

PAGES = "/api/v1/site/pages"
QUERY = {"productId": "product_123", "pageSize": 3}
MD = "/api/v1/md/page_123"
VARYING = ("requestId", "at", "durationMs")  # differ between any two requests


class Spy:
    """Counts the requests FastRead hands to Flask."""

    def __init__(self, fast: FastRead) -> None:
        self.fast, self.flask, self.calls = fast, fast.flask, 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.calls += 1
        return self.flask(environ, start_response)


@pytest.fixture
def spy(app: Flask) -> Iterator[Spy]:
    fast = app.wsgi_app
    assert isinstance(fast, FastRead)
    watcher = Spy(fast)
    fast.flask = watcher  # type: ignore[assignment]
    try:
        yield watcher
    finally:
        fast.flask = watcher.flask


def rt_of(app: Flask) -> Any:
    return app.extensions["tpc_mock"]


def last_entry(app: Flask) -> dict[str, Any]:
    entry: dict[str, Any] = rt_of(app).journal[-1]
    return {k: v for k, v in entry.items() if k not in VARYING}


def test_it_serves_the_apps_known_hooks(app: Flask) -> None:
    assert isinstance(app.wsgi_app, FastRead) and app.wsgi_app.enabled
    assert known_hooks(app)


@contextmanager
def flask_only(app: Flask) -> Iterator[None]:
    """Every request through Flask, as before fastread."""
    fast = app.wsgi_app
    assert isinstance(fast, FastRead)
    fast.enabled = False
    try:
        yield
    finally:
        fast.enabled = True


@pytest.mark.parametrize(("path", "query", "tenant"), [
    (PAGES, QUERY, {}),
    (MD, {}, {}),
    (MD, {}, {"x-tpc-organization-slug": "example-org"}),
    ("/api/v1/md/by-path/pricing", {}, {"x-tpc-product-id": "product_123"}),
    (PAGES, {"productId": "product_123", "status": "published", "orderBy": "updatedAt",
             "orderByDirection": "asc", "page": 2, "pageSize": 2}, {}),
])
def test_a_read_answered_in_front_of_flask_is_flasks_answer(
        app: Flask, client: FlaskClient, full_key: str, spy: Spy, path: str,
        query: dict[str, Any], tenant: dict[str, str]) -> None:
    key = {"x-api-key": full_key, **tenant}
    with flask_only(app):
        by_flask = client.get(path, query_string=query, headers=key)
    assert by_flask.status_code == 200 and spy.calls == 1
    flask_entry = last_entry(app)
    rt_of(app).reads.clear()
    answers = [client.get(path, query_string=query, headers=key) for _ in range(2)]  # miss, hit
    assert spy.calls == 1, "both answered in front of Flask"
    for answer in answers:
        assert answer.status_code == 200 and answer.get_data() == by_flask.get_data()
        assert list(answer.headers.keys()) == list(by_flask.headers.keys())
        assert [v for k, v in answer.headers.items() if k != "x-request-id"] == \
            [v for k, v in by_flask.headers.items() if k != "x-request-id"]
        assert answer.headers["x-request-id"] != by_flask.headers["x-request-id"]
    assert [{k: v for k, v in e.items() if k not in VARYING}
            for e in list(rt_of(app).journal)[-2:]] == [flask_entry, flask_entry]
    assert rt_of(app).journal[-1]["requestId"] == answers[1].headers["x-request-id"]


def test_a_clients_request_id_is_kept(client: FlaskClient, full_key: str, spy: Spy) -> None:
    again = client.get(PAGES, query_string=QUERY,
                       headers={"x-api-key": full_key, "X-Request-Id": "trace-42"})
    assert spy.calls == 0 and again.headers["x-request-id"] == "trace-42"


def test_last_request_and_the_rate_limit_count_each_request_once(fresh_app: Any) -> None:
    app = fresh_app(rate_limit="3/60")
    client = app.test_client()
    key = client.get("/__mock/fixtures").get_json()["data"]["apiKeys"][0]
    headers = {"x-api-key": key["key"]}
    fast = app.wsgi_app
    counted = Spy(fast)
    fast.flask = counted
    try:
        answers = [client.get(PAGES, query_string=QUERY, headers=headers) for _ in range(4)]
    finally:
        fast.flask = counted.flask
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert counted.calls == 0, "all four answered in front of Flask"
    body = assert_error(answers[3], 429, "TOO_MANY_REQUESTS", "rate_limited")
    assert body["details"]["limit"] == 3 and answers[3].headers["Retry-After"]
    journal = list(rt_of(app).journal)
    assert [e["status"] for e in journal[-4:]] == [200, 200, 200, 429]
    stored = rt_of(app).store.get("apiKeys", key["id"])
    assert journal[-2]["at"] <= stored["lastRequest"] <= journal[-1]["at"]  # the fourth's


def _no_scope_key(client: FlaskClient) -> str:
    created = client.post("/__mock/api-keys", json={
        "organizationId": "org_123", "name": "no read", "scopes": ["content:write"]})
    assert created.status_code == 201, created.get_json()
    return str(created.get_json()["data"]["key"])


def _kept(entry: dict[str, Any]) -> Any:
    kept = dict(entry[ANSWER])
    kept["headers"] = [(k, v) for k, v in kept["headers"] if k != "x-request-id"]
    return kept


@pytest.mark.parametrize(("case", "status", "code"), [
    ("revoked key", 401, "UNAUTHORIZED"),
    ("unknown key", 401, "UNAUTHORIZED"),
    ("other organization", 404, "NOT_FOUND"),
    ("no content:read", 403, "FORBIDDEN"),
    ("pageSize 0", 422, "VALIDATION_ERROR"),
    ("unknown product", 404, "NOT_FOUND"),
    ("draft markdown", 404, "NOT_FOUND"),
])
def test_a_refusal_is_flasks_refusal(
        app: Flask, client: FlaskClient, creds: dict[str, Any], full_key: str, spy: Spy,
        case: str, status: int, code: str) -> None:
    keys = creds["apiKeys"]
    key = {"revoked key": keys[2]["key"], "unknown key": "tpc_nope",
           "other organization": keys[3]["key"]}.get(case, full_key)
    if case == "no content:read":
        key = _no_scope_key(client)
    path, query = PAGES, dict(QUERY)
    if case == "pageSize 0":
        query["pageSize"] = 0
    elif case == "unknown product":
        query["productId"] = "product_nope"
    elif case == "draft markdown":
        listed = client.get(PAGES, headers={"x-api-key": full_key}, query_string={
            "productId": "product_123", "status": "draft", "pageSize": 1}).get_json()["data"]
        assert listed["items"], "the seed has a draft page"
        path, query = f"/api/v1/md/{listed['items'][0]['id']}", {}
    calls = spy.calls
    with flask_only(app):
        by_flask = client.get(path, query_string=query, headers={"x-api-key": key})
    flask_entry = rt_of(app).journal[-1]
    refused = client.get(path, query_string=query, headers={"x-api-key": key})
    assert spy.calls == calls + 1, "only the Flask-only request reached Flask"
    body = assert_error(refused, status, code)
    assert body == by_flask.get_json()
    assert [(k, v) for k, v in refused.headers.items() if k != "x-request-id"] == \
        [(k, v) for k, v in by_flask.headers.items() if k != "x-request-id"]
    entry = rt_of(app).journal[-1]
    assert entry["requestId"] == refused.headers["x-request-id"]
    assert {k: v for k, v in entry.items() if k not in (*VARYING, ANSWER)} == \
        {k: v for k, v in flask_entry.items() if k not in (*VARYING, ANSWER)}
    assert _kept(entry) == _kept(flask_entry)


def test_what_it_does_not_handle_goes_to_flask(
        app: Flask, client: FlaskClient, full_key: str, spy: Spy) -> None:
    key = {"x-api-key": full_key}
    assert client.get(PAGES, query_string=QUERY, headers=key).status_code == 200
    origin = client.get(PAGES, query_string=QUERY,
                        headers={**key, "Origin": "http://localhost:5173"})
    assert origin.headers.get("Access-Control-Allow-Origin") == "http://localhost:5173"
    head = client.head(PAGES, query_string=QUERY, headers=key)
    assert head.status_code == 200 and head.get_data() == b""
    bad_host = client.get(PAGES, query_string=QUERY, headers={**key, "Host": "evil.example"})
    assert_error(bad_host, 400, "BAD_REQUEST", "invalid host header")
    assert spy.calls == 3
    client.post("/__mock/faults", json={"path": PAGES, "status": 503, "times": 1})
    calls = spy.calls
    assert_error(client.get(PAGES, query_string=QUERY, headers=key), 503, "SERVICE_UNAVAILABLE")
    assert spy.calls == calls + 1
    assert client.get(PAGES, query_string=QUERY, headers=key).status_code == 200
    assert spy.calls == calls + 1, "the fault was used up: served in front of Flask again"


def test_an_open_console_gets_the_answer_kept_in_the_journal(
        app: Flask, client: FlaskClient, full_key: str, spy: Spy) -> None:
    key = {"x-api-key": full_key}
    assert client.get(PAGES, query_string=QUERY, headers=key).status_code == 200
    rt_of(app).console_until = float("inf")
    assert client.get(PAGES, query_string=QUERY, headers=key).status_code == 200
    assert spy.calls == 1
    kept = rt_of(app).journal[-1][ANSWER]
    assert kept["body"] and ("Content-Type", "application/json") in kept["headers"]


def test_a_write_makes_the_next_read_fresh(
        app: Flask, client: FlaskClient, full_key: str) -> None:
    key = {"x-api-key": full_key}
    before = client.get(PAGES, query_string=QUERY, headers=key).get_json()["data"]["total"]
    created = client.post(PAGES, headers=key, json={"productId": "product_123", "pages": [
        {"slug": "fast/new", "title": "Fresh", "content": "c"}]})
    assert created.status_code == 200
    after = client.get(PAGES, query_string=QUERY, headers=key).get_json()["data"]
    assert after["total"] == before + 1 and len(rt_of(app).reads) == 1
    assert after["items"][0]["title"] == "Fresh"


def test_an_app_with_a_hook_it_does_not_know_is_served_by_flask_alone() -> None:
    app = create_app({"in_memory": True})

    @app.after_request
    def stamp(response: Any) -> Any:
        response.headers["X-Stamp"] = "1"
        return response

    assert not known_hooks(app)
    fast = FastRead(app, app.extensions["tpc_mock"])
    assert not fast.enabled
