"""The console in a real headless Chromium: each panel walked as a developer would."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browsers import launched_chromium, needs_chromium
from tpc_mock.auth.sessions import cookie_name, create_session, session_cookie_value
from tpc_mock.server import LiveServer

PAGES = "/api/v1/site/pages?productId=product_123"

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def api() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


@pytest.fixture
def console(browser: Any, api: LiveServer) -> Iterator[Any]:
    api.runtime.reset()
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=api.url)
    page = context.new_page()
    page.goto(api.url + "/__mock/console")
    yield page
    context.close()


def test_a_refused_request_appears_explained_within_two_seconds(console: Any,
                                                               api: LiveServer) -> None:
    from playwright.sync_api import expect

    key = api.runtime.credentials["apiKeys"][1]["key"]  # read-only
    console.get_by_label("Path prefix").fill("/api/")  # not the browser's /favicon.ico
    requests.post(api.url + "/api/v1/site/pages", json={}, headers={"x-api-key": key},
                  timeout=10)
    row = console.locator("#request-rows .row").first
    expect(row).to_contain_text("POST", timeout=2_000)
    expect(row).to_contain_text("403")
    expect(row).to_contain_text(f"apiKey {key[:6]}")
    expect(row.locator(".why")).to_contain_text(
        "Missing scopes: the route requires content:write", timeout=2_000)
    assert key not in console.content()

    row.click()
    body = console.locator(".answer-body")
    expect(body).to_contain_text('"insufficient_scope"')
    expect(body).to_contain_text('"missingScopes"')

    console.locator("#request-filters").get_by_label("Status").select_option("5xx")
    expect(console.locator("#request-rows .row")).to_have_count(0)
    expect(console.locator("#no-requests")).to_be_visible()


def test_a_fault_added_in_the_console_fails_the_next_call(console: Any, api: LiveServer) -> None:
    from playwright.sync_api import expect

    console.get_by_role("tab", name="Clock, faults, state").click()
    form = console.locator("#fault-form")
    form.get_by_label("Path").fill("/api/v1/site/pages")
    form.get_by_label("Status").fill("503")
    form.get_by_label("Times").fill("1")
    console.get_by_role("button", name="Add fault").click()
    expect(console.locator("#fault-rows tr")).to_have_count(1)
    key = api.runtime.credentials["apiKeys"][0]["key"]
    failed = requests.get(api.url + PAGES, headers={"x-api-key": key}, timeout=10)
    assert failed.status_code == 503 and failed.json()["code"] == "SERVICE_UNAVAILABLE"
    assert requests.get(api.url + PAGES, headers={"x-api-key": key}, timeout=10).status_code == 200

    console.get_by_role("tab", name="Requests").click()
    why = console.locator("#request-rows .row").nth(1).locator(".why")
    expect(why).to_contain_text("An injected fault answered", timeout=2_000)

    console.get_by_role("tab", name="Clock, faults, state").click()
    console.get_by_role("button", name="Add fault").click()
    console.get_by_role("button", name="Remove fault on /api/v1/site/pages").click()
    expect(console.locator("#no-faults")).to_be_visible()
    assert not api.runtime.faults


def test_advancing_the_clock_expires_a_session(console: Any, api: LiveServer) -> None:
    from playwright.sync_api import expect

    rt = api.runtime
    token, _ = create_session(rt, "user_owner")
    cookies = {cookie_name(rt): session_cookie_value(rt, token)}
    assert requests.get(api.url + PAGES, cookies=cookies, timeout=10).status_code == 200

    console.get_by_role("tab", name="Clock, faults, state").click()
    console.get_by_role("button", name="+8 d").click()
    expect(console.locator("#clock-offset")).to_contain_text("+8 d")
    expired = requests.get(api.url + PAGES, cookies=cookies, timeout=10)
    assert expired.status_code == 401

    console.get_by_role("tab", name="Requests").click()
    row = console.locator("#request-rows .row").first
    expect(row.locator(".why")).to_contain_text("unknown or expired", timeout=2_000)
    expect(row).to_contain_text("wall")

    console.get_by_role("tab", name="Clock, faults, state").click()
    console.get_by_role("button", name="Back to real time").click()
    expect(console.locator("#clock-offset")).to_contain_text("none (real time)")


def test_a_copied_curl_command_works(console: Any, api: LiveServer) -> None:
    from playwright.sync_api import expect

    console.get_by_role("tab", name="Credentials").click()
    expect(console.locator("#snippet-curl")).to_contain_text("x-api-key: tpc_")
    console.get_by_role("button", name="Copy curl").click()
    expect(console.locator("#toast")).to_contain_text("Copied")
    command = str(console.evaluate("navigator.clipboard.readText()"))
    assert command.startswith("curl ")
    ran = subprocess.run([*shlex.split(command), "-sS"], capture_output=True, text=True,
                         timeout=30, check=False)
    assert ran.returncode == 0, ran.stderr
    assert '"ok":true' in ran.stdout and "product_123" in ran.stdout


def test_mint_a_key_in_the_console(console: Any, api: LiveServer) -> None:
    from playwright.sync_api import expect

    console.get_by_role("tab", name="Credentials").click()
    form = console.locator("#mint-key")
    for box in form.locator("input[name=scope]").all():
        box.uncheck()
    form.get_by_label("content:read").check()
    console.get_by_role("button", name="Mint API key").click()
    minted = console.get_by_role("textbox", name="minted API key")
    expect(minted).to_have_value(re.compile(r"^tpc_[A-Za-z]{64}$"))
    key = str(minted.input_value())
    assert requests.get(api.url + PAGES, headers={"x-api-key": key}, timeout=10).status_code == 200
    write = requests.post(api.url + "/api/v1/site/pages", json={}, headers={"x-api-key": key},
                          timeout=10)
    assert write.status_code == 403

    console.get_by_role("button", name="Mint bearer token").click()
    bearer = console.get_by_role("textbox", name="minted bearer token")
    expect(bearer).not_to_have_value("")
    auth = {"Authorization": "Bearer " + str(bearer.input_value())}
    assert requests.get(api.url + "/api/v1/me", headers=auth, timeout=10).status_code == 200


def test_data_browser_pages_filters_and_hides_secrets(console: Any, api: LiveServer) -> None:
    from playwright.sync_api import expect

    console.get_by_role("tab", name="Data").click()
    console.get_by_label("Table").select_option("pages")
    expect(console.locator("#page-info")).to_have_text("page 1 of 3 · 60 records")
    expect(console.locator("#table-rows .row")).to_have_count(25)
    console.get_by_role("button", name="Next").click()
    expect(console.locator("#page-info")).to_have_text("page 2 of 3 · 60 records")
    console.get_by_label("Text filter").fill("page_123")
    expect(console.locator("#page-info")).to_contain_text("page 1 of 1")
    console.locator("#table-rows .row").first.click()
    expect(console.locator(".record-json")).to_contain_text('"id": "page_123"')

    console.get_by_label("Text filter").fill("")
    console.get_by_label("Table").select_option("apiKeys")
    expect(console.locator("#table-rows .row")).to_have_count(3)
    console.locator("#table-rows .row").first.click()
    expect(console.locator(".record-json")).to_contain_text('"hash": "(hidden)"')
    for key in api.runtime.credentials["apiKeys"]:
        assert key["key"] not in console.content()


def test_reset_and_snapshots(console: Any, api: LiveServer) -> None:
    from playwright.sync_api import expect

    console.get_by_role("tab", name="Clock, faults, state").click()
    console.get_by_role("button", name="Take a snapshot").click()
    expect(console.locator("#snapshot-rows li")).to_have_count(1)
    rt = api.runtime
    requests.post(api.url + "/__mock/api-keys", json={"name": "after snapshot"}, timeout=10)
    count = rt.store.count("apiKeys")
    console.locator("#snapshot-rows button").first.click()
    expect(console.locator("#toast")).to_contain_text("Restored")
    assert rt.store.count("apiKeys") == count - 1
    requests.post(api.url + "/__mock/clock", json={"advance": 3600}, timeout=10)
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="Reset to the seed").click()
    expect(console.locator("#clock-offset")).to_contain_text("none (real time)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_usable_at_390_px_in_light_and_dark(browser: Any, api: LiveServer, scheme: str) -> None:
    from playwright.sync_api import expect

    api.runtime.reset()
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(api.url + "/__mock/console")
        requests.get(api.url + "/api/v1/" + "very-long-path-segment/" * 8, timeout=10)
        page.get_by_label("Path prefix").fill("/api/")
        expect(page.locator("#request-rows .row")).to_have_count(1, timeout=2_000)
        for tab in ("Requests", "Data", "Credentials", "Clock, faults, state"):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(200)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{tab} panel is {width} px wide"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        dark = background == "rgb(12, 17, 29)"
        assert dark == (scheme == "dark"), background
    finally:
        context.close()
