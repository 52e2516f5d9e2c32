"""The control API (/__mock): fixtures, reset, clock, journal, faults, snapshots."""

from __future__ import annotations

import builtins
import json
import pathlib
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_error
from tpc_mock.clock import parse_iso

PAGES = "/api/v1/site/pages?productId=product_123"


def data(response: Any, status: int = 200) -> Any:
    """The `data` of a successful control response."""
    body = response.get_json()
    assert response.status_code == status, (response.status_code, body)
    assert body["ok"] is True, body
    return body["data"]


def rt_of(app: Flask) -> Any:
    return app.extensions["tpc_mock"]


# -- fixtures, reset, clock ---------------------------------------------------------
def test_fixtures_list_plaintext_credentials(client: FlaskClient) -> None:
    fixtures = data(client.get("/__mock/fixtures"))
    assert {o["id"] for o in fixtures["organizations"]} >= {"org_123"}
    assert fixtures["apiKeys"][0]["key"].startswith("tpc_")
    assert fixtures["sessions"][0]["cookie"].startswith("better-auth.session_token=")


def test_reset_restores_data_and_clears_journal_faults_and_clock(app: Flask, client: FlaskClient,
                                                                 full_key: str) -> None:
    rt = rt_of(app)
    rt.store.update("pages", "page_123", {"title": "Changed"})
    data(client.post("/__mock/faults", json={"path": "/nowhere", "status": 500}), 201)
    data(client.post("/__mock/clock", json={"advance": 3600}))
    client.get(PAGES, headers={"x-api-key": full_key})
    assert rt.journal and rt.faults
    body = data(client.post("/__mock/reset"))
    assert body["reset"] is True
    assert rt.store.get("pages", "page_123")["title"] == "Pricing"
    assert not rt.journal and not rt.faults
    assert abs(parse_iso(body["now"]).timestamp() - time.time()) < 60


def test_reset_reads_no_file(app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    rt_of(app).store.update("pages", "page_123", {"title": "Changed"})

    def no_files(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("reset must not read a file")

    monkeypatch.setattr(builtins, "open", no_files)
    monkeypatch.setattr(pathlib.Path, "read_text", no_files)
    monkeypatch.setattr(pathlib.Path, "read_bytes", no_files)
    data(client.post("/__mock/reset"))
    monkeypatch.undo()
    assert rt_of(app).store.get("pages", "page_123")["title"] == "Pricing"


def test_clock_advance_set_and_reset(client: FlaskClient) -> None:
    start = parse_iso(data(client.get("/__mock/clock"))["now"])
    later = parse_iso(data(client.post("/__mock/clock", json={"advance": 86400}))["now"])
    assert 86399 < (later - start).total_seconds() < 86460
    moved = data(client.post("/__mock/clock", json={"set": "2030-01-01T00:00:00.000Z"}))["now"]
    assert moved.startswith("2030-01-01T00:00:0")
    back = parse_iso(data(client.post("/__mock/clock", json={"reset": True}))["now"])
    assert abs(back.timestamp() - time.time()) < 60


@pytest.mark.parametrize("body, path", [({"advance": "soon"}, "advance"), ({"advance": True}, "advance"),
                                        ({"set": "yesterday"}, "set"), ({"sideways": 1}, "")])
def test_clock_bad_input_is_422(client: FlaskClient, body: dict[str, Any], path: str) -> None:
    error = assert_error(client.post("/__mock/clock", json=body), 422, "VALIDATION_ERROR",
                         "validation failed")
    assert error["details"]["issues"][0]["path"] == path


# -- the journal --------------------------------------------------------------------
def test_journal_lists_requests_newest_last_with_caller_and_reason(client: FlaskClient,
                                                                   full_key: str) -> None:
    client.get(PAGES, headers={"x-api-key": full_key, "x-request-id": "req-1"})
    client.get("/api/v1/site/pages")
    client.get("/api/v1/nowhere", headers={"x-api-key": "tpc_" + "x" * 64})
    client.get("/__mock/fixtures")  # control calls are not journaled
    entries = data(client.get("/__mock/requests"))
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/api/v1/site/pages", 200), ("GET", "/api/v1/site/pages", 401),
        ("GET", "/api/v1/nowhere", 404)]
    first, second, third = entries
    assert first["requestId"] == "req-1"
    assert (first["callerKind"], first["callerId"]) == ("apiKey", full_key[:6])
    assert "reason" not in first
    assert (second["callerKind"], second["callerId"], second["reason"]) == ("none", None,
                                                                            "no credential")
    assert third["reason"] == "not found"
    assert abs(parse_iso(first["at"]).timestamp() - time.time()) < 60


def test_journal_never_holds_secrets(client: FlaskClient, creds: dict[str, Any], full_key: str,
                                     bearer: str, session_cookie: str) -> None:
    name, _, value = session_cookie.partition("=")
    session_token = creds["sessions"][0]["token"]
    client.get(f"{PAGES}&apiKey={full_key}&token={bearer}", headers={"x-api-key": full_key})
    client.get(PAGES, headers={"Authorization": f"Bearer {bearer}"})
    client.post("/api/v1/site/pages", json={"password": "hunter2", "key": full_key},
                headers={"Authorization": full_key})
    client.set_cookie(name, value)
    client.get("/api/v1/me")
    journal = data(client.get("/__mock/requests"))
    assert [e["callerKind"] for e in journal] == ["apiKey", "bearer", "apiKey", "session"]
    text = json.dumps(journal)
    for secret in (full_key, full_key[:10], bearer, value, session_token, "hunter2", "apiKey="):
        assert secret not in text
    assert journal[0]["callerId"] == full_key[:6]
    assert journal[1]["callerId"].startswith("session_")


def test_journal_filters(client: FlaskClient, full_key: str) -> None:
    client.get(PAGES, headers={"x-api-key": full_key})
    client.post("/api/v1/site/pages", json={})
    client.get("/api/v1/me")
    client.get("/api/v1/site/pages")

    def paths(query: str) -> list[tuple[str, int]]:
        return [(e["method"], e["status"]) for e in data(client.get("/__mock/requests" + query))]

    assert paths("?method=post") == [("POST", 401)]
    assert paths("?path=/api/v1/site/*") == [("GET", 200), ("POST", 401), ("GET", 401)]
    assert paths("?path=/api/v1/me&status=401") == [("GET", 401)]
    assert paths("?status=401&limit=2") == [("GET", 401), ("GET", 401)]
    assert paths("?path=/api/v1/site") == []


@pytest.mark.parametrize("query", ["status=abc", "status=99", "limit=0", "method=G%20T", "colour=red"])
def test_journal_bad_filter_is_422(client: FlaskClient, query: str) -> None:
    error = assert_error(client.get("/__mock/requests?" + query), 422, "VALIDATION_ERROR",
                         "validation failed")
    assert error["details"]["issues"][0]["path"] == query.split("=")[0]


def test_journal_delete_clears_it(client: FlaskClient) -> None:
    client.get("/api/v1/me")
    client.get("/api/v1/me")
    assert data(client.delete("/__mock/requests")) == {"cleared": 2}
    assert data(client.get("/__mock/requests")) == []


def test_journal_is_bounded_by_journal_size(fresh_app: AppFactory) -> None:
    client = fresh_app(journal_size=3).test_client()
    for n in range(5):
        client.get(f"/api/v1/nowhere/{n}")
    entries = data(client.get("/__mock/requests"))
    assert [e["path"] for e in entries] == [f"/api/v1/nowhere/{n}" for n in (2, 3, 4)]


# -- faults -------------------------------------------------------------------------
def test_fault_fails_the_next_matching_requests_times_then_vanishes(client: FlaskClient,
                                                                     full_key: str) -> None:
    fault = data(client.post("/__mock/faults", json={"path": "/api/v1/site/pages", "status": 503,
                                                     "times": 2}), 201)
    assert fault["id"].startswith("fault_")
    assert {k: fault[k] for k in ("method", "path", "status", "code", "times", "delayMs")} == {
        "method": None, "path": "/api/v1/site/pages", "status": 503, "code": "SERVICE_UNAVAILABLE",
        "times": 2, "delayMs": 0}
    for _ in range(2):
        assert_error(client.get(PAGES, headers={"x-api-key": full_key}), 503, "SERVICE_UNAVAILABLE",
                     "injected fault: service_unavailable")
    assert data(client.get(PAGES, headers={"x-api-key": full_key}))["total"] >= 1
    assert data(client.get("/__mock/faults")) == []
    assert [e["status"] for e in data(client.get("/__mock/requests"))] == [503, 503, 200]
    assert data(client.get("/__mock/requests?status=503"))[0]["reason"] == "injected fault"


def test_fault_with_method_code_message_and_prefix(client: FlaskClient, full_key: str) -> None:
    data(client.post("/__mock/faults", json={"method": "post", "path": "/api/v1/site/*",
                                             "status": 429, "code": "RATE_LIMITED",
                                             "message": "slow down"}), 201)
    assert client.get(PAGES, headers={"x-api-key": full_key}).status_code == 200
    for _ in range(3):  # no `times`: until cleared
        assert_error(client.post("/api/v1/site/pages", json={}, headers={"x-api-key": full_key}),
                     429, "RATE_LIMITED", "slow down")
    assert data(client.get("/__mock/faults"))[0]["method"] == "POST"


def test_fault_default_codes_follow_the_status(client: FlaskClient) -> None:
    codes = {status: data(client.post("/__mock/faults", json={"path": "/x", "status": status}),
                          201)["code"] for status in (400, 404, 418, 422, 500, 502, 599)}
    assert codes == {400: "BAD_REQUEST", 404: "NOT_FOUND", 418: "BAD_REQUEST",
                     422: "UNPROCESSABLE_ENTITY", 500: "INTERNAL", 502: "BAD_GATEWAY",
                     599: "INTERNAL"}


def test_fault_delay_only_stalls_then_answers(client: FlaskClient, full_key: str) -> None:
    fault = data(client.post("/__mock/faults", json={"path": "/api/v1/site/pages", "delayMs": 300,
                                                     "times": 1}), 201)
    assert (fault["status"], fault["code"]) == (0, None)
    started = time.monotonic()
    response = client.get(PAGES, headers={"x-api-key": full_key})
    assert time.monotonic() - started >= 0.3
    assert data(response)["total"] >= 1
    started = time.monotonic()
    client.get(PAGES, headers={"x-api-key": full_key})
    assert time.monotonic() - started < 0.3


def test_control_routes_are_never_faulted(client: FlaskClient) -> None:
    data(client.post("/__mock/faults", json={"path": "/*", "status": 500}), 201)
    assert len(data(client.get("/__mock/faults"))) == 1
    assert_error(client.get("/api/v1/me"), 500, "INTERNAL", "injected fault: internal")


def test_delete_one_fault_and_all_faults(client: FlaskClient) -> None:
    ids = [data(client.post("/__mock/faults", json={"path": f"/p{n}", "status": 500}), 201)["id"]
           for n in range(3)]
    assert data(client.delete(f"/__mock/faults/{ids[1]}"))["path"] == "/p1"
    assert [f["id"] for f in data(client.get("/__mock/faults"))] == [ids[0], ids[2]]
    assert_error(client.delete(f"/__mock/faults/{ids[1]}"), 404, "NOT_FOUND", "fault not found")
    assert data(client.delete("/__mock/faults")) == {"cleared": 2}
    assert data(client.get("/__mock/faults")) == []


@pytest.mark.parametrize("body, path", [
    ({"status": 500}, "path"),
    ({"path": "api/v1", "status": 500}, "path"),
    ({"path": "/x", "status": 200}, ""),
    ({"path": "/x", "status": 600}, ""),
    ({"path": "/x", "status": "500"}, "status"),
    ({"path": "/x"}, ""),
    ({"path": "/x", "delayMs": 30001}, "delayMs"),
    ({"path": "/x", "delayMs": -1}, "delayMs"),
    ({"path": "/x", "status": 500, "times": 0}, "times"),
    ({"path": "/x", "status": 500, "code": "lower case"}, "code"),
    ({"path": "/x", "delayMs": 10, "code": "INTERNAL"}, ""),
    ({"path": "/x", "status": 500, "delay_ms": 10}, "delay_ms"),
    ({"path": "/x", "status": 500, "method": "GET /"}, "method"),
    ([{"path": "/x"}], ""),
])
def test_fault_bad_input_is_422(client: FlaskClient, body: Any, path: str) -> None:
    error = assert_error(client.post("/__mock/faults", json=body), 422, "VALIDATION_ERROR",
                         "validation failed")
    assert error["details"]["issues"][0]["path"] == path
    assert data(client.get("/__mock/faults")) == []


def test_fault_body_must_be_json(client: FlaskClient) -> None:
    assert_error(client.post("/__mock/faults", data="path=/x"), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_error(client.post("/__mock/faults", data="{", content_type="application/json"), 400,
                 "BAD_REQUEST", "malformed JSON body")


# -- snapshots ----------------------------------------------------------------------
def test_snapshot_and_restore_the_data(app: Flask, client: FlaskClient) -> None:
    rt = rt_of(app)
    rt.store.update("pages", "page_123", {"title": "Snapshotted"})
    snap = data(client.post("/__mock/snapshot"), 201)
    rt.store.update("pages", "page_123", {"title": "Later"})
    rt.store.remove("products", "product_123")
    assert data(client.post("/__mock/restore", json={"id": snap["id"]})) == {
        "id": snap["id"], "restored": True}
    assert rt.store.get("pages", "page_123")["title"] == "Snapshotted"
    assert rt.store.find("pages", "productId", "product_123")  # indexes rebuilt too


def test_snapshots_survive_reset(app: Flask, client: FlaskClient) -> None:
    rt = rt_of(app)
    rt.store.update("pages", "page_123", {"title": "Kept"})
    snap = data(client.post("/__mock/snapshot"), 201)["id"]
    data(client.post("/__mock/reset"))
    assert rt.store.get("pages", "page_123")["title"] == "Pricing"
    data(client.post("/__mock/restore", json={"id": snap}))
    assert rt.store.get("pages", "page_123")["title"] == "Kept"


@pytest.mark.parametrize("body, status, code, path", [
    ({"id": "snap_nope"}, 404, "NOT_FOUND", None),
    ({}, 422, "VALIDATION_ERROR", "id"),
    ({"id": 7}, 422, "VALIDATION_ERROR", "id"),
    ("snap_x", 422, "VALIDATION_ERROR", ""),
])
def test_restore_bad_input(client: FlaskClient, body: Any, status: int, code: str,
                           path: str | None) -> None:
    error = assert_error(client.post("/__mock/restore", json=body), status, code)
    if path is None:
        assert error["message"] == "snapshot not found"
    else:
        assert error["details"]["issues"][0]["path"] == path


def test_clock_refuses_a_body_that_is_not_an_object(fresh_app: AppFactory) -> None:
    from tests.helpers import assert_error

    client = fresh_app().test_client()
    before = client.get("/__mock/clock").get_json()["data"]["now"]
    response = client.post("/__mock/clock", json=[1])
    assert_error(response, 422, "VALIDATION_ERROR")
    assert client.get("/__mock/clock").get_json()["data"]["now"][:16] == before[:16]
