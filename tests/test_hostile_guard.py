"""Hostile web pages: DNS rebinding (foreign `Host`) and cross-origin calls to `/__mock`.

A page the developer visits can post to the emulator without a preflight and can rebind a
name it owns to 127.0.0.1; neither may read the dev credentials or wipe the data.
"""

from __future__ import annotations

import json
import re
import socket
from typing import Any

import pytest
import requests
from flask import Flask

from tpc_mock.app import create_app
from tpc_mock.config import load_config
from tpc_mock.guard import allowed_host_names, host_is_allowed
from tpc_mock.server import LiveServer

from .helpers import AppFactory, assert_auth_error, assert_error
from .hostile_helpers import JSON, assert_safe

EVIL = "http://evil.example"
PAGE = {"productId": "product_123", "pages": [{"slug": "guard/kept", "title": "Kept", "content": "c"}]}


def _control_routes() -> list[tuple[str, str]]:
    routes = set()
    for rule in create_app({"in_memory": True}).url_map.iter_rules():
        if rule.rule.startswith("/__mock"):
            path = re.sub(r"<[^>]+>", "x", rule.rule)
            routes |= {(m, path) for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    return sorted(routes)


def _with_a_written_page(app: Flask) -> str:
    client = app.test_client()
    key = client.get("/__mock/fixtures").get_json()["data"]["apiKeys"][0]["key"]
    created = client.post("/api/v1/site/pages", json=PAGE, headers={"x-api-key": key})
    return str(created.get_json()["data"]["created"][0]["id"])


@pytest.mark.parametrize(("method", "path"), _control_routes())
@pytest.mark.parametrize("origin", [EVIL, "null", "http://localhost:3000.evil.example",
                                    "http://127.0.0.1:1"])
def test_control_api_refuses_untrusted_origins(method: str, path: str, origin: str,
                                               fresh_app: AppFactory) -> None:
    app = fresh_app()
    page_id = _with_a_written_page(app)
    for content_type, body in ((JSON, "{}"), ("text/plain", "x"), (None, None)):
        response = app.test_client().open(path, method=method, data=body,
                                          content_type=content_type, headers={"Origin": origin})
        assert_safe(response, path)
        assert_error(response, 403, "FORBIDDEN", "invalid_origin")
    assert app.extensions["tpc_mock"].store.get("pages", page_id) is not None


@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://127.0.0.1:5173",
                                    "http://localhost", None])
def test_control_api_serves_trusted_origins_and_no_origin(origin: str | None,
                                                          fresh_app: AppFactory) -> None:
    client = fresh_app().test_client()
    headers = {"Origin": origin} if origin else {}
    assert client.get("/__mock/fixtures", headers=headers).status_code == 200
    assert client.post("/__mock/reset", headers=headers).status_code == 200
    assert client.post("/__mock/clock", json={"advance": 1}, headers=headers).status_code == 200


@pytest.mark.parametrize(("content_type", "body"), [
    ("text/plain", "x"), ("application/x-www-form-urlencoded", "advance=1"),
    ("multipart/form-data; boundary=b", "--b--"), ("text/plain", ""),
])
@pytest.mark.parametrize("path", ["/__mock/reset", "/__mock/clock", "/__mock/faults",
                                  "/__mock/requests", "/__mock/restore"])
def test_control_writes_that_are_not_json_are_415(content_type: str, body: str, path: str,
                                                  fresh_app: AppFactory) -> None:
    app = fresh_app()
    page_id = _with_a_written_page(app)
    method = "DELETE" if path == "/__mock/requests" else "POST"
    response = app.test_client().open(path, method=method, data=body, content_type=content_type)
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert app.extensions["tpc_mock"].store.get("pages", page_id) is not None


def test_the_issue_reproductions_over_http() -> None:
    """`curl -XPOST $U/__mock/reset -H 'Origin: http://evil.example' -H 'Content-Type:
    text/plain' -d x` wiped the data; a rebinding `Host` read every password."""
    with LiveServer() as server:
        page_id = _with_a_written_page(server.app)
        wipe = requests.post(f"{server.url}/__mock/reset", data="x", timeout=10,
                             headers={"Origin": EVIL, "Content-Type": "text/plain"})
        assert_error(wipe, 403, "FORBIDDEN", "invalid_origin")
        steal = requests.get(f"{server.url}/__mock/fixtures", timeout=10,
                             headers={"Host": f"rebind.evil.example:{server.port}"})
        assert_error(steal, 400, "BAD_REQUEST", "invalid host header")
        assert "password" not in steal.text
        assert server.runtime.store.get("pages", page_id) is not None
        assert requests.get(f"{server.url}/__mock/fixtures", timeout=10).status_code == 200


ROUTES = ["/__mock/fixtures", "/api/v1/site/pages?productId=product_123", "/api/v1/openapi.json",
          "/api/v1/nope", "/sign-in", "/device", "/example-org/settings/api-keys", "/"]


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("host", ["rebind.evil.example:8765", "evil.example", "localhost.evil:80",
                                  "127.0.0.1.nip.io:8765", "a:b", "[::1", "[::1]x", "x:"])
def test_foreign_host_is_400_on_every_route(path: str, host: str, fresh_app: AppFactory) -> None:
    client = fresh_app().test_client()
    response = client.get(path, headers={"Host": host, "x-request-id": "rebind-1"})
    assert response.headers["x-request-id"] == "rebind-1"
    assert_error(response, 400, "BAD_REQUEST", "invalid host header")


def test_foreign_host_under_api_auth_keeps_better_auths_shape(fresh_app: AppFactory) -> None:
    client = fresh_app().test_client()
    response = client.get("/api/auth/get-session", headers={"Host": "evil.example"})
    assert_auth_error(response, 400, "BAD_REQUEST")


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "LOCALHOST.:9", "[::1]:8765",
                                  "localhost", "10.1.2.3:8765", "192.168.0.7", "[fe80::1]:80",
                                  "[::ffff:127.0.0.1]:1"])
def test_own_names_and_ip_literals_are_served(host: str, fresh_app: AppFactory) -> None:
    client = fresh_app().test_client()
    assert client.get("/__mock/fixtures", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(("settings", "host", "allowed"), [
    ({"base_url": "http://mock.test:9000"}, "mock.test:9000", True),
    ({"base_url": "http://mock.test:9000"}, "other.test:9000", False),
    ({"allowed_hosts": ("tpc-mock",)}, "tpc-mock:8765", True),
    ({"allowed_hosts": ("tpc-mock",)}, "TPC-Mock:8765", True),
    ({"allowed_hosts": ("tpc-mock",)}, "tpc-mock.evil:8765", False),
    ({"allowed_hosts": (".dev.test",)}, "api.dev.test", True),
    ({"allowed_hosts": (".dev.test",)}, "dev.test", True),
    ({"allowed_hosts": (".dev.test",)}, "evildev.test", False),
    ({"allowed_hosts": ("*",)}, "anything.example", True),
    ({"host": "my-box.lan"}, "my-box.lan:8765", True),
])
def test_allowed_hosts_setting(settings: dict[str, Any], host: str, allowed: bool) -> None:
    config = load_config(settings, env={})
    assert host_is_allowed(host, allowed_host_names(config)) is allowed


def test_allowed_hosts_from_the_environment() -> None:
    config = load_config(env={"TPC_MOCK_ALLOWED_HOSTS": "tpc-mock  mock.internal,other"})
    assert config.allowed_hosts == ("tpc-mock", "mock.internal", "other")
    client = create_app(config).test_client()
    assert client.get("/__mock/fixtures", headers={"Host": "tpc-mock:8765"}).status_code == 200


def test_http10_request_without_host_is_served() -> None:
    with LiveServer() as server, socket.create_connection((server.host, server.port), 10) as sock:
        sock.sendall(b"GET /api/v1/openapi.json HTTP/1.0\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    assert head.split()[1] == b"200" and json.loads(body)["openapi"].startswith("3.1")
