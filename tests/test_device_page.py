"""GET /device: the verification page, as HTML and driven in a real Chromium."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.browsers import EXECUTABLE, needs_chromium
from tests.test_device import GRANT, approve, sign_in, start
from tpc_mock.auth.scopes import SCOPE_DESCRIPTIONS
from tpc_mock.auth.sessions import COOKIE_NAME, create_session, session_cookie_value
from tpc_mock.runtime import Runtime
from tpc_mock.server import LiveServer


@pytest.fixture
def rt(app: Flask) -> Runtime:
    runtime: Runtime = app.extensions["tpc_mock"]
    return runtime


def page(client: FlaskClient, user_code: str | None = None) -> tuple[int, str]:
    url = "/device" if user_code is None else f"/device?user_code={user_code}"
    response = client.get(url)
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_data(as_text=True)


def test_signed_out_visitors_get_a_sign_in_link_that_comes_back(client: FlaskClient) -> None:
    code = start(client)["user_code"]
    status, html = page(client, code)
    assert status == 200
    assert f'href="/sign-in?next=%2Fdevice%3Fuser_code%3D{code}"' in html
    assert 'id="approve"' not in html and "tpc-cli" not in html  # nothing about the request


def test_the_code_form_has_a_labelled_input(client: FlaskClient, rt: Runtime) -> None:
    sign_in(client, rt)
    status, html = page(client)
    assert status == 200
    assert '<html lang="en">' in html and "<main>" in html
    assert '<form method="get" action="/device"' in html
    assert '<label for="user_code">' in html and 'id="user_code" name="user_code"' in html
    assert 'aria-describedby="code-hint"' in html
    assert "owner@example.com" in html
    assert "<script src" not in html and "<link" not in html  # self-contained


def test_a_pending_code_shows_the_client_the_scopes_and_the_buttons(client: FlaskClient,
                                                                    rt: Runtime) -> None:
    code = start(client, "content:read analytics:read", client_id="acme-cli")["user_code"]
    sign_in(client, rt)
    status, html = page(client, f"{code[:4].lower()}-{code[4:]}")
    assert status == 200
    assert f'data-user-code="{code}"' in html and f"{code[:4]}-{code[4:]}" in html
    assert '<strong id="client-id">acme-cli</strong>' in html
    for scope in ("content:read", "analytics:read"):
        assert f"<code>{scope}</code> — {SCOPE_DESCRIPTIONS[scope]}" in html
    assert "content:write" not in html
    assert '<button type="button" class="primary" id="approve"' in html
    assert 'id="deny"' in html and 'role="status"' in html and 'role="alert"' in html
    assert rt.store.find_one("deviceCodes", "userCode", code)["userId"] is None  # type: ignore[index]


@pytest.mark.parametrize(("advance", "status", "message"), [
    (0, 404, "We could not find that code."),
    (1801, 410, "This code has expired."),
])
def test_unknown_and_expired_codes_say_so(client: FlaskClient, rt: Runtime, advance: int,
                                          status: int, message: str) -> None:
    code = start(client)["user_code"] if advance else "NOPE1234"
    sign_in(client, rt)
    rt.clock.advance(advance)
    got, html = page(client, code)
    assert got == status
    assert f'<p class="alert" role="alert" id="page-error">{message}' in html
    assert f'value="{code}"' in html and 'aria-invalid="true"' in html  # the form, prefilled


def test_a_decided_code_and_another_users_claim(client: FlaskClient, app: Flask, rt: Runtime) -> None:
    done = start(client)["user_code"]
    sign_in(client, rt)
    approve(client, done)
    status, html = page(client, done)
    assert status == 200 and "already approved" in html and 'id="approve"' not in html
    claimed = start(app.test_client())["user_code"]  # the CLI side has no cookie
    other = app.test_client()
    sign_in(other, rt, "user_admin")
    other.get(f"/api/auth/device?user_code={claimed}")
    status, html = page(client, claimed)
    assert status == 403 and "Another account is confirming this code" in html


def test_the_page_counts_guesses_too(client: FlaskClient, rt: Runtime) -> None:
    sign_in(client, rt)
    for n in range(10):
        assert page(client, f"GUESS{n:03d}")[0] == 404
    status, html = page(client, "GUESS999")
    assert status == 429 and "Too many attempts" in html


def test_markup_is_escaped(client: FlaskClient, rt: Runtime) -> None:
    sign_in(client, rt)
    _, html = page(client, "<script>alert(1)</script>")
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.browser
@needs_chromium
def test_chromium_approves_a_code_on_the_page() -> None:
    from playwright.sync_api import sync_playwright

    with LiveServer() as server, sync_playwright() as pw:
        rt: Runtime = server.runtime
        code: dict[str, Any] = requests.post(f"{server.url}/api/auth/device/code",
                                             data={"client_id": "tpc-cli", "scope": "content:read"},
                                             timeout=10).json()
        token, _ = create_session(rt, "user_owner")
        browser = pw.chromium.launch(executable_path=EXECUTABLE, args=[
            "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        try:
            context = browser.new_context()
            context.add_cookies([{"name": COOKIE_NAME, "value": session_cookie_value(rt, token),
                                  "url": server.url}])
            tab = context.new_page()
            tab.goto(code["verification_uri_complete"])
            assert tab.locator("#client-id").inner_text() == "tpc-cli"
            assert tab.locator("#scopes li").count() == 1
            tab.get_by_role("button", name="Approve").click()
            tab.locator("#result").filter(has_text="Device approved").wait_for(timeout=10000)
            assert tab.locator("#failure").is_hidden()
        finally:
            browser.close()
        row = rt.store.find_one("deviceCodes", "userCode", code["user_code"])
        assert row is not None and (row["status"], row["userId"]) == ("approved", "user_owner")
        granted = requests.post(f"{server.url}/api/auth/device/token", timeout=10, data={
            "grant_type": GRANT, "device_code": code["device_code"], "client_id": "tpc-cli"})
        assert granted.status_code == 200 and granted.json()["scope"] == "content:read"
