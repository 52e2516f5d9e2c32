"""A real headless Chromium against the emulator: CORS with credentials, sign-in, API keys."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from tests.browsers import launched_chromium, needs_chromium
from tpc_mock.app import create_app
from tpc_mock.auth.sessions import COOKIE_NAME
from tpc_mock.server import LiveServer

INVALID_KEY = {"ok": False, "code": "UNAUTHORIZED", "message": "invalid api key"}
PAGES = "/api/v1/site/pages?productId=product_123"

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]

# A front end on another origin: it signs in and reads site pages with the session cookie.
FRONT_END = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Front end</title></head>
<body><h1>Front end</h1>
<script>
window.signInAndList = async function (api, email, password) {
  const signIn = await fetch(api + "/api/auth/sign-in/email", {
    method: "POST", credentials: "include",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({email: email, password: password})
  });
  const pages = await fetch(api + "/api/v1/site/pages?productId=product_123",
                            {credentials: "include"});
  return {signIn: signIn.status, pages: pages.status, body: await pages.json()};
};
window.attempt = async function (url, options) {
  try {
    const response = await fetch(url, options);
    return "status " + response.status;
  } catch (error) {
    return "rejected " + error.name;
  }
};
</script></body></html>"""


@contextmanager
def static_site(html: str) -> Iterator[str]:
    """Serve one HTML page with the standard library on 127.0.0.1; yields its origin."""
    body = html.encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def passwords() -> dict[str, str]:
    with LiveServer() as server:
        users = requests.get(server.url + "/__mock/fixtures", timeout=10).json()["data"]["users"]
    return {u["email"]: u["password"] for u in users}


def test_front_end_on_an_allowed_origin_uses_the_cookie(page: Any,
                                                        passwords: dict[str, str]) -> None:
    with static_site(FRONT_END) as site:
        app = create_app({"in_memory": True, "cors_origins": [site]})
        with LiveServer(app=app) as api:
            page.goto(site + "/")
            result = page.evaluate("([api, e, p]) => signInAndList(api, e, p)",
                                   [api.url, "admin@example.com", passwords["admin@example.com"]])
            assert result["signIn"] == 200 and result["pages"] == 200
            assert result["body"]["ok"] is True
            assert result["body"]["data"]["scope"]["product"]["id"] == "product_123"
            cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
            assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
            assert api.runtime.journal[-1]["callerKind"] == "session"


def test_front_end_on_another_origin_is_blocked(page: Any, passwords: dict[str, str]) -> None:
    with static_site(FRONT_END) as allowed, static_site(FRONT_END) as other:
        app = create_app({"in_memory": True, "cors_origins": [allowed]})
        with LiveServer(app=app) as api:
            sessions_before = len(api.runtime.store.all("sessions"))
            page.goto(other + "/")
            body = json.dumps({"email": "admin@example.com",
                               "password": passwords["admin@example.com"]})
            sign_in = page.evaluate("([url, body]) => attempt(url, {method: 'POST', "
                                    "credentials: 'include', body: body, "
                                    "headers: {'content-type': 'application/json'}})",
                                    [api.url + "/api/auth/sign-in/email", body])
            assert sign_in == "rejected TypeError"
            assert len(api.runtime.store.all("sessions")) == sessions_before, "preflight refused"
            listing = page.evaluate("(url) => attempt(url, {credentials: 'include'})",
                                    api.url + PAGES)
            assert listing == "rejected TypeError"
            assert not [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]


def _sign_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(url + "/sign-in?next=/example-org/settings/api-keys")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/example-org/settings/api-keys")


def _create_key(page: Any, name: str, scope: str) -> str:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("checkbox", name=re.compile("^" + re.escape(scope))).check()
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_role("textbox", name="New API key secret")
    secret.wait_for(state="visible")
    value = str(secret.input_value())
    assert re.fullmatch(r"tpc_[A-Za-z]{64}", value)
    return value


def test_sign_in_create_use_and_revoke_a_key(page: Any, passwords: dict[str, str]) -> None:
    from playwright.sync_api import expect

    with LiveServer() as api:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=api.url)
        page.goto(api.url + "/sign-in")
        page.get_by_label("Email").fill("owner@example.com")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text("Invalid email or password")

        _sign_in(page, api.url, "owner@example.com", passwords["owner@example.com"])
        secret = _create_key(page, "Browser key", "content:read")
        page.get_by_role("button", name="Copy").click()
        expect(page.locator("#copy-status")).to_have_text("Copied to the clipboard.")
        assert page.evaluate("navigator.clipboard.readText()") == secret
        row = page.get_by_role("row", name=re.compile("Browser key"))
        expect(row).to_contain_text(secret[:6])
        expect(row).to_contain_text("Never used")

        used = requests.get(api.url + PAGES, headers={"x-api-key": secret}, timeout=10)
        assert used.status_code == 200 and used.json()["ok"] is True

        dialogs: list[str] = []

        def accept(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.accept()

        page.once("dialog", accept)
        page.get_by_role("button", name="Revoke Browser key").click()
        expect(row).to_have_count(0)
        assert dialogs and "Browser key" in dialogs[0]
        revoked = requests.get(api.url + PAGES, headers={"x-api-key": secret}, timeout=10)
        assert revoked.status_code == 401 and revoked.json() == INVALID_KEY


def test_rotate_replaces_the_secret(page: Any, passwords: dict[str, str]) -> None:
    from playwright.sync_api import expect

    with LiveServer() as api:
        _sign_in(page, api.url, "admin@example.com", passwords["admin@example.com"])
        old = _create_key(page, "Rotating key", "content:read")
        page.get_by_role("button", name="Done, hide it").click()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Rotate Rotating key").click()
        expect(page.get_by_role("status").first).to_contain_text("Rotated")
        new = str(page.get_by_role("textbox", name="New API key secret").input_value())
        assert new != old and new.startswith("tpc_")
        expect(page.get_by_role("row", name=re.compile("Rotating key"))).to_have_count(1)
        assert requests.get(api.url + PAGES, headers={"x-api-key": old},
                            timeout=10).json() == INVALID_KEY
        assert requests.get(api.url + PAGES, headers={"x-api-key": new},
                            timeout=10).json()["ok"] is True
        keys = [k for k in api.runtime.store.all("apiKeys") if k["name"] == "Rotating key"]
        assert len(keys) == 1 and keys[0]["scopes"] == ["content:read"]
