"""The journal's explanation fields and each refusal explained in words (explain.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tpc_mock.auth.sessions import cookie_name, create_session, session_cookie_value
from tpc_mock.explain import ANSWER, explain

from .helpers import AppFactory

PAGES = "/api/v1/site/pages?productId=product_123"
BAD_KEY = "tpc_" + "x" * 64


def last(client: FlaskClient) -> dict[str, Any]:
    """The newest journal entry, as GET /__mock/requests?explain=true lists it."""
    response = client.get("/__mock/requests?explain=true&limit=1")
    assert response.status_code == 200, response.get_json()
    entries = response.get_json()["data"]
    assert len(entries) == 1
    return dict(entries[0])


def with_cookie(client: FlaskClient, creds: dict[str, Any]) -> None:
    name, _, value = creds["sessions"][0]["cookie"].partition("=")
    client.set_cookie(name, value)


def test_no_credential(client: FlaskClient) -> None:
    client.get(PAGES)
    entry = last(client)
    assert (entry["status"], entry["code"], entry["reason"]) == (401, "UNAUTHORIZED", "no credential")
    assert "decidedBy" not in entry
    assert entry["explanation"].startswith("No credential was sent")


def test_invalid_key_decides_and_the_cookie_is_ignored(client: FlaskClient,
                                                       creds: dict[str, Any]) -> None:
    with_cookie(client, creds)
    client.get(PAGES, headers={"x-api-key": BAD_KEY})
    entry = last(client)
    assert (entry["decidedBy"], entry["ignoredCredentials"]) == ("x-api-key", ["cookie"])
    assert entry["callerKind"] == "none" and entry["callerId"] is None
    assert "unknown, revoked, disabled or expired" in entry["explanation"]
    assert ("The x-api-key header decided; the session cookie was ignored"
            in entry["explanation"])
    assert BAD_KEY[:10] not in json.dumps(entry)


def test_a_valid_key_over_a_cookie_explains_the_ignored_cookie(client: FlaskClient,
                                                               creds: dict[str, Any],
                                                               full_key: str) -> None:
    with_cookie(client, creds)
    client.get(PAGES, headers={"x-api-key": full_key})
    entry = last(client)
    assert entry["status"] == 200 and "reason" not in entry and "code" not in entry
    assert entry["explanation"].startswith("The x-api-key header decided; the session cookie")


def test_an_unmixed_success_has_no_explanation(client: FlaskClient, full_key: str) -> None:
    client.get(PAGES, headers={"x-api-key": full_key})
    entry = last(client)
    assert entry["decidedBy"] == "x-api-key" and "ignoredCredentials" not in entry
    assert entry["explanation"] is None
    assert isinstance(entry["durationMs"], float) and entry["durationMs"] >= 0


@pytest.mark.parametrize(("headers", "words"), [
    ({"Authorization": "Bearer nope"}, "The bearer token is unknown, expired or revoked"),
    ({"Authorization": "Basic abc"}, "neither `Bearer <token>` nor an API key"),
    ({}, "signature does not match"),
])
def test_bearer_and_cookie_refusals(client: FlaskClient, headers: dict[str, str],
                                    words: str) -> None:
    if not headers:
        client.set_cookie("better-auth.session_token", "abc.def")
    client.get(PAGES, headers=headers)
    entry = last(client)
    assert entry["status"] == 401
    assert words in entry["explanation"]


def test_an_expired_session(app: Flask, client: FlaskClient) -> None:
    rt = app.extensions["tpc_mock"]
    token, _ = create_session(rt, "user_owner")
    client.set_cookie(cookie_name(rt), session_cookie_value(rt, token))
    client.post("/__mock/clock", json={"advance": 8 * 86400})
    client.get(PAGES)
    entry = last(client)
    assert (entry["status"], entry["decidedBy"]) == (401, "cookie")
    assert entry["clockOffset"] == 8 * 86400
    assert "unknown or expired" in entry["explanation"]
    assert "The session cookie decided." in entry["explanation"]


def test_missing_scopes_required_vs_missing(client: FlaskClient, read_key: str) -> None:
    client.post("/api/v1/site/pages", json={}, headers={"x-api-key": read_key})
    entry = last(client)
    assert (entry["status"], entry["reason"]) == (403, "missing scopes content:write")
    assert (entry["requiredScopes"], entry["missingScopes"]) == (["content:write"],
                                                                  ["content:write"])
    assert entry["explanation"].startswith(
        f"Missing scopes: the route requires content:write and the API key {read_key[:6]}… "
        "lacks content:write")


def test_outside_the_keys_reach_is_404_by_design(client: FlaskClient, other_org_key: str) -> None:
    client.get(PAGES, headers={"x-api-key": other_org_key})
    entry = last(client)
    assert entry["status"] == 404 and entry["callerKind"] == "apiKey"
    assert "outside the API key" in entry["explanation"]
    assert "404 by design" in entry["explanation"]


def test_untrusted_origin_on_a_cookie_write(client: FlaskClient, creds: dict[str, Any]) -> None:
    with_cookie(client, creds)
    client.post("/api/v1/site/pages", json={}, headers={"Origin": "http://evil.example"})
    entry = last(client)
    assert (entry["status"], entry["decidedBy"]) == (403, "cookie")
    assert "needs a trusted Origin" in entry["explanation"]
    assert "http://evil.example" in entry["explanation"]


def test_rate_limit_names_the_window_reset(fresh_app: AppFactory) -> None:
    client = fresh_app(rate_limit="1/60").test_client()
    key = client.get("/__mock/fixtures").get_json()["data"]["apiKeys"][0]["key"]
    client.get(PAGES, headers={"x-api-key": key})
    client.get(PAGES, headers={"x-api-key": key})
    entry = last(client)
    assert entry["status"] == 429 and entry["rateLimit"]["limit"] == 1
    assert f"went over 1 requests in its window; the window resets at {entry['rateLimit']['resetAt']}" \
        in entry["explanation"]
    assert entry["callerId"] == key[:6]


def test_an_injected_fault(client: FlaskClient, full_key: str) -> None:
    fault = client.post("/__mock/faults", json={"path": "/api/v1/site/pages", "status": 503}
                        ).get_json()["data"]
    client.get(PAGES, headers={"x-api-key": full_key})
    entry = last(client)
    assert (entry["status"], entry["faultId"]) == (503, fault["id"])
    assert entry["explanation"].startswith(f"An injected fault answered (fault {fault['id']}")


def test_validation_issues_are_listed(client: FlaskClient, full_key: str) -> None:
    client.post("/api/v1/site/pages", json={"productId": 3}, headers={"x-api-key": full_key})
    entry = last(client)
    assert entry["code"] == "VALIDATION_ERROR"
    assert {"path": "pages", "message": "Field required"} in entry["issues"]
    assert entry["explanation"].startswith("Validation failed: ")
    assert "pages: Field required" in entry["explanation"]


@pytest.mark.parametrize(("method", "path", "words"), [
    ("GET", "/api/v1/me", "An internal route: API keys are refused (public_api_only)"),
    ("GET", "/api/v1/views?productId=product_123", "This route takes no API key"),
    ("GET", "/api/v1/nowhere", "No route matches GET /api/v1/nowhere."),
    ("PUT", "/api/v1/site/pages", "PUT is not allowed on this path"),
])
def test_route_refusals(client: FlaskClient, full_key: str, method: str, path: str,
                        words: str) -> None:
    client.open(path, method=method, headers={"x-api-key": full_key})
    assert words in last(client)["explanation"]


def test_an_unknown_reason_falls_back_to_the_reason() -> None:
    entry = {"status": 418, "reason": "teapot says no", "method": "GET", "path": "/x"}
    assert explain(entry) == "Teapot says no."
    assert explain({"status": 500}) == "Status 500."
    assert explain({"status": 502, "code": "BAD_GATEWAY"}) == "Bad gateway."


# -- what the journal keeps -------------------------------------------------------------
def test_answers_of_refusals_are_kept_but_never_listed(app: Flask, client: FlaskClient,
                                                       full_key: str) -> None:
    client.get(PAGES)
    client.get(PAGES, headers={"x-api-key": full_key})
    refused, served = app.extensions["tpc_mock"].journal
    assert json.loads(refused[ANSWER]["body"])["message"] == "authentication required"
    assert ("x-request-id", refused["requestId"]) in [tuple(h) for h in refused[ANSWER]["headers"]]
    assert ANSWER not in served, "no console open: a success keeps no answer"
    listed = client.get("/__mock/requests").get_json()["data"]
    assert len(listed) >= 2, listed
    assert all(ANSWER not in e for e in listed)


def test_an_open_console_keeps_successful_answers(app: Flask, client: FlaskClient,
                                                  full_key: str) -> None:
    client.get("/__mock/console/feed")
    client.get(PAGES, headers={"x-api-key": full_key})
    kept = app.extensions["tpc_mock"].journal[-1][ANSWER]
    assert json.loads(kept["body"])["data"]["scope"]["product"]["id"] == "product_123"


def test_auth_answers_are_never_kept(app: Flask, client: FlaskClient,
                                     creds: dict[str, Any]) -> None:
    client.get("/__mock/console/feed")
    user = next(u for u in creds["users"] if u["id"] == "user_owner")
    signed = client.post("/api/auth/sign-in/email",
                         json={"email": user["email"], "password": user["password"]})
    assert signed.status_code == 200
    entry = app.extensions["tpc_mock"].journal[-1]
    assert entry["path"] == "/api/auth/sign-in/email" and entry[ANSWER]["body"] is None
    names = {name.lower() for name, _ in entry[ANSWER]["headers"]}
    assert "set-cookie" not in names and "set-auth-token" not in names
    assert signed.get_json()["token"] not in json.dumps(list(app.extensions["tpc_mock"].journal))
