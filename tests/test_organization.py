"""/api/auth/organization/*: better-auth 1.7.25's organization plugin over the seed."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_auth_error
from tpc_mock.auth.secrets import digest, sign_cookie_value
from tpc_mock.auth.sessions import COOKIE_NAME, create_session
from tpc_mock.runtime import Runtime

ORIGIN = "http://localhost:3000"
BASE = "/api/auth/organization"
ORG_FIELDS = {"id", "name", "slug", "logo", "createdAt", "metadata"}
OTHER_ORG = "org_m34crn8le4y4afc3"  # user_outsider's; user_owner is not a member
SECOND_ORG = "org_zlgvumnfooin3nft"  # user_owner is a plain member there


def rt_of(app: Flask) -> Runtime:
    rt: Runtime = app.extensions["tpc_mock"]
    return rt


def session_for(app: Flask, user_id: str = "user_owner") -> tuple[str, dict[str, str]]:
    """A fresh session token and its bearer header."""
    token, _ = create_session(rt_of(app), user_id)
    return token, {"Authorization": f"Bearer {token}"}


def active_of(app: Flask, token: str) -> str | None:
    row = rt_of(app).store.find_one("sessions", "tokenHash", digest(token))
    assert row is not None
    value: str | None = row.get("activeOrganizationId")
    return value


def set_active(client: FlaskClient, headers: dict[str, str], body: Any) -> Any:
    """The client keeps the cookie set-active sets, so later writes need a trusted Origin."""
    return client.post(f"{BASE}/set-active", json=body, headers={"Origin": ORIGIN, **headers})


def test_list_answers_the_users_organizations(app: Flask, client: FlaskClient) -> None:
    _, headers = session_for(app)
    orgs = client.get(f"{BASE}/list", headers=headers).get_json()
    assert sorted(o["id"] for o in orgs) == ["org_123", SECOND_ORG]
    example = next(o for o in orgs if o["id"] == "org_123")
    assert set(example) == ORG_FIELDS
    assert (example["name"], example["slug"], example["logo"]) == ("Example Org", "example-org", None)


def test_set_active_by_slug_returns_the_organization_and_the_cookie(app: Flask,
                                                                   client: FlaskClient) -> None:
    token, headers = session_for(app)
    response = set_active(client, headers, {"organizationSlug": "vazquez-llc"})
    assert response.status_code == 200
    assert response.get_json()["id"] == SECOND_ORG and set(response.get_json()) == ORG_FIELDS
    assert active_of(app, token) == SECOND_ORG
    signed = sign_cookie_value(rt_of(app).config.secret, token)
    assert response.headers.getlist("Set-Cookie") == [
        f"{COOKIE_NAME}={signed}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"]
    assert response.headers["set-auth-token"].startswith(token + ".")
    session = client.get("/api/auth/get-session", headers=headers).get_json()["session"]
    assert session["activeOrganizationId"] == SECOND_ORG


def test_set_active_by_id_with_the_cookie(app: Flask) -> None:
    token, _ = create_session(rt_of(app), "user_owner")
    browser = app.test_client()
    browser.set_cookie(COOKIE_NAME, sign_cookie_value(rt_of(app).config.secret, token))
    response = set_active(browser, {"Origin": ORIGIN}, {"organizationId": SECOND_ORG})
    assert response.get_json()["slug"] == "vazquez-llc" and active_of(app, token) == SECOND_ORG
    refused = set_active(browser, {"Origin": "http://evil.test"}, {"organizationId": "org_123"})
    assert_auth_error(refused, 403, "INVALID_ORIGIN")
    assert active_of(app, token) == SECOND_ORG


def test_set_active_on_a_foreign_organization_is_403_and_clears(app: Flask,
                                                               client: FlaskClient) -> None:
    token, headers = session_for(app)
    assert active_of(app, token) == "org_123"
    for body in ({"organizationId": OTHER_ORG}, {"organizationId": "org_nope"}):
        response = set_active(client, headers, body)
        error = assert_auth_error(response, 403, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION")
        assert error["message"] == "User is not a member of the organization"
        assert "Set-Cookie" not in response.headers
        assert active_of(app, token) is None


def test_set_active_unknown_slug_null_and_empty(app: Flask, client: FlaskClient) -> None:
    token, headers = session_for(app)
    error = assert_auth_error(set_active(client, headers, {"organizationSlug": "nope"}), 400,
                              "ORGANIZATION_NOT_FOUND")
    assert error["message"] == "Organization not found"
    empty = set_active(client, headers, {})  # no id or slug: the active one again
    assert empty.get_json()["id"] == "org_123"
    cleared = set_active(client, headers, {"organizationId": None})
    assert cleared.status_code == 200 and cleared.get_json() is None
    assert active_of(app, token) is None and "Set-Cookie" in cleared.headers
    again = set_active(client, headers, {"organizationId": None})
    assert again.get_json() is None and "Set-Cookie" not in again.headers
    assert set_active(client, headers, {}).get_json() is None
    bad = assert_auth_error(set_active(client, headers, {"organizationId": 5}), 400,
                            "VALIDATION_ERROR")
    assert bad["message"] == ("[body.organizationId] Invalid input: expected string, "
                              "received number")


def test_full_organization(app: Flask, client: FlaskClient) -> None:
    token, headers = session_for(app)
    full = client.get(f"{BASE}/get-full-organization", headers=headers).get_json()
    assert full["id"] == "org_123" and full["invitations"] == []
    assert [m["userId"] for m in full["members"]] == ["user_owner", "user_admin", "user_member"]
    owner = full["members"][0]
    assert set(owner) == {"id", "organizationId", "userId", "role", "createdAt", "user"}
    assert owner["user"] == {"id": "user_owner", "name": owner["user"]["name"],
                             "email": "owner@example.com", "image": None}
    by_slug = client.get(f"{BASE}/get-full-organization?organizationSlug=vazquez-llc&membersLimit=1",
                         headers=headers).get_json()
    assert by_slug["id"] == SECOND_ORG and len(by_slug["members"]) == 1
    assert_auth_error(client.get(f"{BASE}/get-full-organization?organizationSlug=nope",
                                 headers=headers), 400, "ORGANIZATION_NOT_FOUND")
    foreign = client.get(f"{BASE}/get-full-organization?organizationId={OTHER_ORG}", headers=headers)
    assert_auth_error(foreign, 403, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION")
    assert active_of(app, token) is None
    assert client.get(f"{BASE}/get-full-organization", headers=headers).get_json() is None


def test_list_members(app: Flask, client: FlaskClient) -> None:
    _, headers = session_for(app)
    listed = client.get(f"{BASE}/list-members", headers=headers).get_json()
    assert listed["total"] == 3 and len(listed["members"]) == 3
    page = client.get(f"{BASE}/list-members?limit=1&offset=1&sortBy=role&sortDirection=desc",
                      headers=headers).get_json()
    assert page["total"] == 3 and [m["role"] for m in page["members"]] == ["member"]
    admins = client.get(f"{BASE}/list-members?filterField=role&filterValue=admin",
                        headers=headers).get_json()
    assert admins["total"] == 1 and admins["members"][0]["userId"] == "user_admin"
    by_slug = client.get(f"{BASE}/list-members?organizationSlug=vazquez-llc",
                         headers=headers).get_json()
    assert by_slug["total"] == 2
    foreign = client.get(f"{BASE}/list-members?organizationId={OTHER_ORG}", headers=headers)
    error = assert_auth_error(foreign, 403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION")
    assert error["message"] == "You are not a member of this organization"


def test_active_member(app: Flask, client: FlaskClient) -> None:
    _, headers = session_for(app, "user_admin")
    member = client.get(f"{BASE}/get-active-member", headers=headers).get_json()
    assert (member["userId"], member["organizationId"], member["role"]) == (
        "user_admin", "org_123", "admin")
    assert member["user"]["email"] == "admin@example.com"


def test_members_routes_without_an_active_organization(app: Flask, client: FlaskClient) -> None:
    token, headers = session_for(app)
    set_active(client, headers, {"organizationId": None})
    assert active_of(app, token) is None
    for route in ("get-active-member", "list-members"):
        error = assert_auth_error(client.get(f"{BASE}/{route}", headers=headers), 400,
                                  "NO_ACTIVE_ORGANIZATION")
        assert error["message"] == "No active organization"


@pytest.mark.parametrize("route", ["list", "get-full-organization", "list-members",
                                   "get-active-member"])
def test_no_session_or_an_api_key_is_unauthorized(client: FlaskClient, full_key: str,
                                                  route: str) -> None:
    assert_auth_error(client.get(f"{BASE}/{route}"), 401, "UNAUTHORIZED")
    assert_auth_error(client.get(f"{BASE}/{route}", headers={"x-api-key": full_key}), 401,
                      "UNAUTHORIZED")
    assert_auth_error(client.get(f"{BASE}/{route}", headers={"Authorization": full_key}), 401,
                      "UNAUTHORIZED")


def test_set_active_needs_a_session(client: FlaskClient, full_key: str) -> None:
    assert_auth_error(set_active(client, {}, {}), 401, "UNAUTHORIZED")
    assert_auth_error(set_active(client, {"x-api-key": full_key}, {"organizationId": "org_123"}),
                      401, "UNAUTHORIZED")
