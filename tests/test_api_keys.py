"""API-key management under /api/auth/api-key/* and the /{orgSlug}/settings/api-keys page."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_auth_error, assert_error
from tpc_mock.auth.api_keys import PUBLIC_FIELDS
from tpc_mock.auth.scopes import SCOPES
from tpc_mock.auth.secrets import digest, sign_cookie_value
from tpc_mock.auth.sessions import COOKIE_NAME, create_session, session_cookie_value
from tpc_mock.clock import iso, parse_iso
from tpc_mock.server import LiveServer

ORIGIN = "http://localhost:3000"
DAY = 24 * 3600
INVALID_KEY = {"ok": False, "code": "UNAUTHORIZED", "message": "invalid api key"}
PAGES = "/api/v1/site/pages?productId=product_123"


class Dashboard:
    """A signed-in browser-like client: session cookie plus a trusted Origin on writes."""

    def __init__(self, app: Flask, user_id: str) -> None:
        self.rt = app.extensions["tpc_mock"]
        token, _record = create_session(self.rt, user_id)
        self.client = app.test_client()
        self.client.set_cookie(COOKIE_NAME, session_cookie_value(self.rt, token))

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.post("/api/auth/api-key/" + path, json=body,
                                headers={"Origin": ORIGIN, **headers})

    def get(self, path: str, **query: str) -> Any:
        return self.client.get("/api/auth/api-key/" + path, query_string=query)

    def create(self, name: str = "ci", scopes: list[str] | None = None, **extra: Any) -> Any:
        body = {"name": name, "organizationId": "org_123",
                "scopes": scopes or ["content:read"], **extra}
        return self.post("create", body)


@pytest.fixture
def owner(app: Flask) -> Dashboard:
    return Dashboard(app, "user_owner")


@pytest.fixture
def admin(app: Flask) -> Dashboard:
    return Dashboard(app, "user_admin")


@pytest.fixture
def member(app: Flask) -> Dashboard:
    return Dashboard(app, "user_member")


@pytest.fixture
def outsider(app: Flask) -> Dashboard:
    return Dashboard(app, "user_outsider")


def stored_keys(app: Flask) -> list[dict[str, Any]]:
    keys: list[dict[str, Any]] = app.extensions["tpc_mock"].store.all("apiKeys")
    return keys


def use(client: FlaskClient, key: str) -> Any:
    return client.get(PAGES, headers={"x-api-key": key})


# -- create, list, get ------------------------------------------------------------------------

def test_create_returns_the_secret_once_and_stores_its_digest(
        app: Flask, client: FlaskClient, owner: Dashboard) -> None:
    response = owner.create("Deploy bot", ["content:read", "content:write", "content:read"])
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == set(PUBLIC_FIELDS) | {"key"}
    key = body["key"]
    assert re.fullmatch(r"tpc_[A-Za-z]{64}", key)
    assert body["start"] == key[:6] and body["prefix"] == "tpc_"
    assert body["scopes"] == ["content:read", "content:write"] and body["enabled"] is True
    assert body["organizationId"] == "org_123" and body["expiresAt"] is None
    assert body["lastRequest"] is None
    record = app.extensions["tpc_mock"].store.get("apiKeys", body["id"])
    assert record["hash"] == digest(key) and record["userId"] == "user_owner"
    assert key not in json.dumps(stored_keys(app)), "the plaintext key is never stored"
    assert use(client, key).status_code == 200


def test_list_and_get_never_show_the_key_or_hash(owner: Dashboard) -> None:
    created = owner.create("Listed").get_json()
    listed = owner.get("list", organizationId="org_123")
    body = listed.get_json()
    assert listed.status_code == 200 and set(body) == {"apiKeys", "total"}
    assert body["total"] == len(body["apiKeys"]) >= 3
    assert body["apiKeys"][0]["id"] == created["id"], "newest first"
    assert body["apiKeys"]
    assert all(set(k) == set(PUBLIC_FIELDS) for k in body["apiKeys"])
    assert {k["organizationId"] for k in body["apiKeys"]} == {"org_123"}
    got = owner.get("get", id=created["id"])
    assert got.status_code == 200
    assert got.get_json() == {k: v for k, v in created.items() if k != "key"}


def test_last_request_shows_up_in_the_list(app: Flask, client: FlaskClient,
                                           owner: Dashboard) -> None:
    rt = app.extensions["tpc_mock"]
    created = owner.create("Used").get_json()
    before = rt.clock.advance(3 * 3600)  # the emulated clock, not the wall clock
    assert use(client, created["key"]).status_code == 200
    after = rt.clock.now()
    listed = owner.get("list", organizationId="org_123").get_json()["apiKeys"]
    used = parse_iso(next(k for k in listed if k["id"] == created["id"])["lastRequest"])
    assert before - timedelta(milliseconds=1) <= used <= after


# -- update and delete --------------------------------------------------------------------------

def test_update_renames_disables_and_rescopes(client: FlaskClient, owner: Dashboard) -> None:
    created = owner.create("Before").get_json()
    renamed = owner.post("update", {"keyId": created["id"], "name": "After"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "After"
    assert "key" not in renamed.get_json()
    disabled = owner.post("update", {"keyId": created["id"], "enabled": False}).get_json()
    assert disabled["enabled"] is False
    assert use(client, created["key"]).get_json() == INVALID_KEY
    owner.post("update", {"keyId": created["id"], "enabled": True, "scopes": ["analytics:read"]})
    assert_error(use(client, created["key"]), 403, "FORBIDDEN", "insufficient_scope")
    assert owner.get("get", id=created["id"]).get_json()["scopes"] == ["analytics:read"]


def test_update_without_changes(owner: Dashboard) -> None:
    created = owner.create().get_json()
    body = assert_auth_error(owner.post("update", {"keyId": created["id"]}), 400,
                             "NO_VALUES_TO_UPDATE")
    assert body["message"] == "No values to update."


def test_delete_revokes_at_once(app: Flask, client: FlaskClient, owner: Dashboard) -> None:
    created = owner.create().get_json()
    assert use(client, created["key"]).status_code == 200
    response = owner.post("delete", {"keyId": created["id"]})
    assert response.status_code == 200 and response.get_json() == {"success": True}
    assert app.extensions["tpc_mock"].store.get("apiKeys", created["id"]) is None
    revoked = use(client, created["key"])
    assert revoked.status_code == 401 and revoked.get_json() == INVALID_KEY
    assert_auth_error(owner.post("delete", {"keyId": created["id"]}), 404, "KEY_NOT_FOUND")


def test_key_expires_with_the_clock(app: Flask, client: FlaskClient, owner: Dashboard) -> None:
    created = owner.create("Short", expiresIn=DAY).get_json()
    now = app.extensions["tpc_mock"].clock.now()
    assert abs((parse_iso(created["expiresAt"]) - now).total_seconds() - DAY) < 5
    assert use(client, created["key"]).status_code == 200
    app.extensions["tpc_mock"].clock.advance(DAY + 1)
    assert use(client, created["key"]).get_json() == INVALID_KEY
    listed = owner.get("list", organizationId="org_123").get_json()["apiKeys"]
    assert created["id"] in {k["id"] for k in listed}, "expired keys stay listed"


# -- roles and organizations ------------------------------------------------------------------

def test_member_reads_but_cannot_change(app: Flask, owner: Dashboard, member: Dashboard) -> None:
    created = owner.create().get_json()
    assert member.get("list", organizationId="org_123").status_code == 200
    assert member.get("get", id=created["id"]).get_json()["id"] == created["id"]
    before = len(stored_keys(app))
    for response in (member.create(), member.post("update", {"keyId": created["id"], "name": "x"}),
                     member.post("delete", {"keyId": created["id"]})):
        body = assert_auth_error(response, 403, "INSUFFICIENT_API_KEY_PERMISSIONS")
        assert body["message"] == (
            "You do not have permission to perform this action on organization API keys.")
    assert len(stored_keys(app)) == before
    assert owner.get("get", id=created["id"]).get_json()["name"] == created["name"]


def test_admin_manages_keys(admin: Dashboard) -> None:
    created = admin.create("Admin made").get_json()
    assert admin.post("update", {"keyId": created["id"], "name": "Renamed"}).status_code == 200
    assert admin.post("delete", {"keyId": created["id"]}).get_json() == {"success": True}


@pytest.mark.parametrize("organization_id", ["org_123", "org_does_not_exist"])
def test_non_member_organization_is_403(app: Flask, outsider: Dashboard,
                                        organization_id: str) -> None:
    before = len(stored_keys(app))
    for response in (outsider.post("create", {"name": "x", "organizationId": organization_id,
                                              "scopes": ["content:read"]}),
                     outsider.get("list", organizationId=organization_id)):
        body = assert_auth_error(response, 403, "USER_NOT_MEMBER_OF_ORGANIZATION")
        assert body["message"] == "You are not a member of the organization that owns this API key."
    assert len(stored_keys(app)) == before


def test_foreign_key_ids_are_404(app: Flask, owner: Dashboard, creds: dict[str, Any]) -> None:
    foreign = next(k for k in creds["apiKeys"] if k["organizationId"] != "org_123")["id"]
    for response in (owner.get("get", id=foreign),
                     owner.post("update", {"keyId": foreign, "enabled": False}),
                     owner.post("delete", {"keyId": foreign}),
                     owner.get("get", id="apikey_unknown")):
        body = assert_auth_error(response, 404, "KEY_NOT_FOUND")
        assert body["message"] == "API Key not found"
    assert app.extensions["tpc_mock"].store.get("apiKeys", foreign)["enabled"] is True


# -- validation -----------------------------------------------------------------------------------

def test_unknown_scope_is_scope_invalid(app: Flask, owner: Dashboard) -> None:
    before = len(stored_keys(app))
    body = assert_auth_error(owner.create("x", ["content:read", "content:delete"]), 422,
                             "SCOPE_INVALID")
    assert body["message"] == "unknown scope: content:delete"
    assert len(stored_keys(app)) == before
    created = owner.create().get_json()
    body = assert_auth_error(owner.post("update", {"keyId": created["id"], "scopes": ["root"]}),
                             422, "SCOPE_INVALID")
    assert "root" in body["message"]


@pytest.mark.parametrize("body,status,code,message", [
    ({"organizationId": "org_123", "scopes": ["content:read"]}, 400, "NAME_REQUIRED",
     "API Key name is required."),
    ({"name": "n" * 101, "organizationId": "org_123", "scopes": ["content:read"]}, 400,
     "INVALID_NAME_LENGTH", "The name length is either too large or too small."),
    ({"name": "x", "scopes": ["content:read"]}, 400, "ORGANIZATION_ID_REQUIRED",
     "Organization ID is required for organization-owned API keys."),
    ({"name": "x", "organizationId": "org_123"}, 400, "VALIDATION_ERROR",
     "[body.scopes] Invalid input: expected array, received undefined"),
    ({"name": "x", "organizationId": "org_123", "scopes": []}, 400, "VALIDATION_ERROR",
     "[body.scopes] Too small: expected array to have >=1 items"),
    ({"name": "x", "organizationId": "org_123", "scopes": [1]}, 400, "VALIDATION_ERROR",
     "[body.scopes.0] Invalid input: expected string, received number"),
    ({"name": 5, "organizationId": "org_123", "scopes": ["content:read"]}, 400,
     "VALIDATION_ERROR", "[body.name] Invalid input: expected string, received number"),
    ({"name": "x", "organizationId": "org_123", "scopes": ["content:read"], "expiresIn": "9"},
     400, "VALIDATION_ERROR", "[body.expiresIn] Invalid input: expected number, received string"),
    ({"name": "x", "organizationId": "org_123", "scopes": ["content:read"], "expiresIn": 0},
     400, "VALIDATION_ERROR", "[body.expiresIn] Too small: expected number to be >=1"),
    ({"name": "x", "organizationId": "org_123", "scopes": ["content:read"], "expiresIn": 1.5},
     400, "VALIDATION_ERROR", "[body.expiresIn] Invalid input: expected int, received number"),
    ({"name": "x", "organizationId": "org_123", "scopes": ["content:read"], "expiresIn": 60},
     400, "EXPIRES_IN_IS_TOO_SMALL", "The expiresIn is smaller than the predefined minimum value."),
    ({"name": "x", "organizationId": "org_123", "scopes": ["content:read"],
      "expiresIn": 366 * DAY}, 400, "EXPIRES_IN_IS_TOO_LARGE",
     "The expiresIn is larger than the predefined maximum value."),
])
def test_bad_create_bodies(app: Flask, owner: Dashboard, body: dict[str, Any], status: int,
                           code: str, message: str) -> None:
    before = len(stored_keys(app))
    assert assert_auth_error(owner.post("create", body), status, code)["message"] == message
    assert len(stored_keys(app)) == before


def test_bad_lookups(owner: Dashboard) -> None:
    body = assert_auth_error(owner.get("get"), 400, "VALIDATION_ERROR")
    assert body["message"] == "[query.id] Invalid input: expected string, received undefined"
    assert_auth_error(owner.get("list"), 400, "ORGANIZATION_ID_REQUIRED")
    body = assert_auth_error(owner.post("delete", {}), 400, "VALIDATION_ERROR")
    assert body["message"] == "[body.keyId] Invalid input: expected string, received undefined"
    body = assert_auth_error(owner.post("update", {"keyId": "k", "enabled": "no"}), 400,
                             "VALIDATION_ERROR")
    assert body["message"] == "[body.enabled] Invalid input: expected boolean, received string"


# -- who may call -----------------------------------------------------------------------------------

def _create_body() -> dict[str, Any]:
    return {"name": "x", "organizationId": "org_123", "scopes": ["content:read"]}


@pytest.mark.parametrize("header", ["x-api-key", "Authorization", "Bearer"])
def test_api_keys_cannot_manage_keys(app: Flask, client: FlaskClient, full_key: str,
                                     header: str) -> None:
    headers = ({"x-api-key": full_key} if header == "x-api-key" else
               {"Authorization": full_key if header == "Authorization" else "Bearer " + full_key})
    before = len(stored_keys(app))
    for response in (client.post("/api/auth/api-key/create", json=_create_body(), headers=headers),
                     client.get("/api/auth/api-key/list?organizationId=org_123",
                                headers=headers)):
        body = assert_auth_error(response, 401, "UNAUTHORIZED_SESSION")
        assert body["message"] == "Unauthorized or invalid session"
    assert len(stored_keys(app)) == before
    record = next(k for k in stored_keys(app) if k["hash"] == digest(full_key))
    assert record["lastRequest"] is None, "the key was not even used"


def test_an_api_key_decides_even_beside_a_session_cookie(owner: Dashboard, full_key: str) -> None:
    response = owner.get("list", organizationId="org_123")
    assert response.status_code == 200
    with_key = owner.client.get("/api/auth/api-key/list?organizationId=org_123",
                                headers={"x-api-key": full_key})
    assert_auth_error(with_key, 401, "UNAUTHORIZED_SESSION")


def test_no_tampered_or_expired_session_is_401(app: Flask, client: FlaskClient,
                                               owner: Dashboard) -> None:
    assert_auth_error(client.get("/api/auth/api-key/list?organizationId=org_123"), 401,
                      "UNAUTHORIZED_SESSION")
    forged = app.test_client()
    forged.set_cookie(COOKIE_NAME, sign_cookie_value("wrong-secret", "some-token"))
    assert_auth_error(forged.get("/api/auth/api-key/list?organizationId=org_123"), 401,
                      "UNAUTHORIZED_SESSION")
    app.extensions["tpc_mock"].clock.advance(7 * DAY + 1)
    assert_auth_error(owner.get("list", organizationId="org_123"), 401, "UNAUTHORIZED_SESSION")
    assert_auth_error(owner.create(), 401, "UNAUTHORIZED_SESSION")


def test_cookie_writes_need_a_trusted_origin(app: Flask, owner: Dashboard) -> None:
    before = len(stored_keys(app))
    no_origin = owner.client.post("/api/auth/api-key/create", json=_create_body())
    assert_auth_error(no_origin, 403, "MISSING_OR_NULL_ORIGIN")
    evil = owner.client.post("/api/auth/api-key/create", json=_create_body(),
                             headers={"Origin": "http://evil.test"})
    assert_auth_error(evil, 403, "INVALID_ORIGIN")
    assert len(stored_keys(app)) == before


def test_bearer_with_products_write_manages_keys(client: FlaskClient, bearer: str) -> None:
    headers = {"Authorization": "Bearer " + bearer}  # no cookie: no Origin needed
    created = client.post("/api/auth/api-key/create", json=_create_body(), headers=headers)
    assert created.status_code == 200 and created.get_json()["key"].startswith("tpc_")


def test_bearer_without_products_write_is_403(app: Flask, client: FlaskClient) -> None:
    rt = app.extensions["tpc_mock"]
    token, record = create_session(rt, "user_owner")
    rt.store.update("sessions", record["id"], {"scopes": [s for s in SCOPES
                                                           if s != "products:write"]})
    response = client.post("/api/auth/api-key/create", json=_create_body(),
                           headers={"Authorization": "Bearer " + token})
    assert assert_auth_error(response, 403, "FORBIDDEN")["message"] == "insufficient_scope"


# -- end to end over HTTP -----------------------------------------------------------------------

def test_create_use_delete_over_http(creds: dict[str, Any]) -> None:
    password = next(u for u in creds["users"] if u["id"] == "user_owner")["password"]
    with LiveServer() as server, requests.Session() as http:
        http.headers["Origin"] = ORIGIN
        signed = http.post(server.url + "/api/auth/sign-in/email",
                           json={"email": "owner@example.com", "password": password}, timeout=10)
        assert signed.status_code == 200
        created = http.post(server.url + "/api/auth/api-key/create", json=_create_body(),
                            timeout=10).json()
        used = requests.get(server.url + PAGES, headers={"x-api-key": created["key"]}, timeout=10)
        assert used.status_code == 200 and used.json()["ok"] is True
        deleted = http.post(server.url + "/api/auth/api-key/delete",
                            json={"keyId": created["id"]}, timeout=10)
        assert deleted.json() == {"success": True}
        again = requests.get(server.url + PAGES, headers={"x-api-key": created["key"]}, timeout=10)
        assert again.status_code == 401 and again.json() == INVALID_KEY
        assert server.runtime.journal[-1]["status"] == 401
        assert created["key"] not in json.dumps(list(server.runtime.journal))


# -- the settings page -----------------------------------------------------------------------------

def test_settings_page_needs_a_session(client: FlaskClient) -> None:
    response = client.get("/example-org/settings/api-keys")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/example-org/settings/api-keys"


def test_settings_page_of_a_foreign_org_is_404(outsider: Dashboard) -> None:
    for slug in ("example-org", "no-such-org"):
        response = outsider.client.get(f"/{slug}/settings/api-keys")
        assert response.status_code == 404 and response.mimetype == "text/html"
        assert "<h1>Not found</h1>" in response.get_data(as_text=True)


def test_settings_page_for_an_owner(owner: Dashboard) -> None:
    response = owner.client.get("/example-org/settings/api-keys")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Example Org" in html
    assert html.count('type="checkbox"') == len(SCOPES)
    for index, scope in enumerate(SCOPES, start=1):
        assert f'<label for="scope-{index}"><code>{scope}</code>' in html
    assert '<label for="key-name">Name</label>' in html and "Create key" in html
    assert "/api/auth/api-key/list" in html and 'credentials: "include"' in html
    assert "navigator.clipboard" in html and "window.confirm" in html
    assert "<link" not in html and "src=" not in html, "no external assets"


def test_settings_page_for_a_member_has_no_create_form(member: Dashboard) -> None:
    html = member.client.get("/example-org/settings/api-keys").get_data(as_text=True)
    assert 'id="create-key"' not in html and '"canWrite": false' in html


def test_settings_home_redirects_to_an_organization(admin: Dashboard) -> None:
    response = admin.client.get("/settings/api-keys")
    assert response.status_code == 302
    assert response.headers["Location"] == "/example-org/settings/api-keys"


def test_seeded_last_request_is_iso(app: Flask, client: FlaskClient, full_key: str,
                                    owner: Dashboard) -> None:
    assert use(client, full_key).status_code == 200
    listed = owner.get("list", organizationId="org_123").get_json()["apiKeys"]
    used = next(k for k in listed if k["start"] == full_key[:6])
    assert used["lastRequest"] == iso(parse_iso(used["lastRequest"]))


def test_guessed_keys_do_not_grow_the_digest_memo(client: FlaskClient) -> None:
    from tpc_mock.auth import api_keys

    for n in range(api_keys.DIGESTS_KEPT + 50):
        response = client.get("/api/v1/site/pages?productId=product_123",
                              headers={"x-api-key": f"tpc_guess{n}"})
        assert_error(response, 401, "UNAUTHORIZED", "invalid api key")
    assert 0 < len(api_keys._DIGESTS) <= api_keys.DIGESTS_KEPT
