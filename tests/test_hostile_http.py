"""Hostile HTTP: headers, methods, paths, every route, raw bytes through waitress.

Never a 5xx, never HTML under /api/, always x-request-id, never a write. Bodies and query
strings are fuzzed in test_hostile.py.
"""

from __future__ import annotations

import json
import re
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpc_mock.app import create_app
from tpc_mock.server import LiveServer

from .helpers import assert_error
from .hostile_helpers import HYPOTHESIS, JSON, METHODS, MIB, PAGES, VALID, Api, assert_safe

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")  # SPEC section 1


@pytest.fixture(scope="module")
def api() -> Api:
    """One app for the module: every test compares the state before and after itself."""
    return Api()


# Hypothesis runs many examples per test: they share one app (each example checks its own state).
_SHARED = Api()


# -- credentials, tenant and request-id headers, methods, unknown paths ----------------
@pytest.mark.parametrize(("headers", "message"), [
    ({"x-api-key": "tpc_\u00fc\u2603\x01"}, "invalid api key"),
    ({"x-api-key": "\x00"}, "invalid api key"),
    ({"x-api-key": "tpc_" + "a" * 100_000}, "invalid api key"),
    ({"authorization": "Bearer \u00fc\u2603\x01"}, "authentication required"),
    ({"authorization": "Bearer " + "\x7f" * 10_000}, "authentication required"),
    ({"authorization": "\x00"}, "authentication required"),
    ({"authorization": "Basic \u00fc"}, "authentication required"),
])
def test_hostile_credentials_are_401(api: Api, headers: dict[str, str], message: str) -> None:
    response = api.client.get("/api/v1/md/page_123", headers=headers)
    assert_safe(response, "/api/v1/md/page_123")
    assert_error(response, 401, "UNAUTHORIZED", message)


@pytest.mark.parametrize("name", ["x-tpc-organization-id", "x-tpc-organization-slug",
                                  "x-tpc-product-id", "x-tpc-product-slug"])
def test_hostile_tenant_headers_are_404(api: Api, name: str) -> None:
    response = api.client.get("/api/v1/md/page_123",
                              headers={"x-api-key": api.key, name: "\u00fc\u2603\x01\x00"})
    assert_safe(response, "/api/v1/md/page_123")
    assert_error(response, 404, "NOT_FOUND", "document not found")


REQUEST_ID = st.text(st.characters(blacklist_characters="\r\n"), max_size=200)


@HYPOTHESIS
@given(incoming=REQUEST_ID)
def test_request_id_is_echoed_only_when_safe(incoming: str) -> None:
    client = _SHARED.client
    for path in ("/api/v1/md/page_123", "/api/v1/nope", "/api/auth/nope", "/__mock/nope"):
        response = client.get(path, headers={"x-request-id": incoming})
        assert_safe(response, path)
        echoed = response.headers["x-request-id"]
        if REQUEST_ID_RE.match(incoming):
            assert echoed == incoming
        else:
            assert uuid.UUID(echoed).version == 4 and str(uuid.UUID(echoed)) == echoed


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PUT", PAGES, "DELETE, GET, HEAD, OPTIONS, PATCH, POST"),
    ("TRACE", PAGES, "DELETE, GET, HEAD, OPTIONS, PATCH, POST"),
    ("PATCH", "/api/v1/md/page_123", "GET, HEAD, OPTIONS"),
    ("DELETE", "/api/v1/openapi.json", "GET, HEAD, OPTIONS"),
    ("PUT", "/api/auth/device/code", "OPTIONS, POST"),
    ("TRACE", "/__mock/reset", "OPTIONS, POST"),
    ("PUT", "/__mock/clock", "GET, HEAD, OPTIONS, POST"),
])
def test_wrong_method_is_405_with_allow(api: Api, method: str, path: str, allowed: str) -> None:
    before = api.state()
    response = api.send(method, path, raw=json.dumps(VALID["POST"]))
    assert response.status_code == 405
    assert response.get_json()["code"] == "METHOD_NOT_ALLOWED"
    allow = sorted(m.strip() for m in response.headers["Allow"].split(","))
    assert allow == allowed.split(", ")
    assert api.state() == before


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/", "/api/v1", "/api/v1/site/pages/x",
                                  "/api/v1/md/", "/api/v2/site/pages", "/api/", "/api/auth/nope",
                                  "/api/auth/device/code/extra", "/__mock/nope", "/__mock/",
                                  "/api/v1/%00", "/api/v1/\u00fc\u2603"])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_paths_are_404_in_the_right_shape(api: Api, path: str, method: str) -> None:
    response = api.send(method, path, raw="{")
    assert response.status_code == 404, (path, response.get_data()[:200])
    body = response.get_json()
    assert body["code"] == "NOT_FOUND" and body["message"] == "not found"
    assert ("ok" not in body) if path.startswith("/api/auth") else body["ok"] is False


# -- every write route of the app, with the same hostile bodies -----------------------
HOSTILE_BODIES: list[tuple[str | None, str | bytes | None]] = [
    (JSON, "{"), (JSON, "[" * 100_000), (JSON, "[]"), (JSON, "null"), (JSON, '"x"'),
    (JSON, "1e309"), (JSON, ""), (JSON, b"\xff\xfe"), (JSON, "[" * (2 * MIB)),
    (JSON, json.dumps(dict(zip(
        ["email", "password", "client_id", "scope", "grant_type", "device_code", "userCode",
         "name", "organizationId", "scopes", "keyId", "token", "advance", "set", "path",
         "status", "productId", "pages", "pageIds"],
        [[], {}, [1], 5, None, True, 1e300, {"a": [None]}, 10**30, "x", -1, [[]], "NaN",
         "\x00", "\u00fc\u2603", 10**30, {}, 1.5, [{}]], strict=True)))),
    ("text/plain", "hello"), ("application/x-www-form-urlencoded", "a=%zz&b=\x00&c"),
    ("multipart/form-data; boundary=x", "--x\r\ngarbage"), (None, None),
]


def _write_routes() -> list[tuple[str, str]]:
    routes = set()
    for rule in create_app({"in_memory": True}).url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/__mock")):
            path = re.sub(r"<[^>]+>", "x", rule.rule)
            routes |= {(m, path) for m in (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}}
    return sorted(routes)


@pytest.mark.parametrize(("method", "path"), _write_routes())
def test_every_write_route_survives_hostile_bodies(method: str, path: str) -> None:
    api = Api()
    fixtures = api.client.get("/__mock/fixtures").get_json()["data"]
    name, _, value = fixtures["sessions"][0]["cookie"].partition("=")
    api.client.set_cookie(name, value)
    for content_type, raw in HOSTILE_BODIES:
        api.send(method, path, raw=raw, content_type=content_type,
                 headers={"Origin": "http://localhost:3000"})


HOSTILE_QUERIES = [
    "", f"page={10**30}&pageSize=-1&limit=1e309&offset=-5&days=nan",
    "from=%00&to=9999-99-99&startDate=1e309&endDate=0001-01-01T00:00:00Z&since=-1",
    "productId=%00&productSlug=%zz&organizationId=%ED%A0%80&domainId=%01&appId=%ff&id=%",
    "cursor=%ff%fe&sort=%00&order=x&status=%00&type=%00&q=%F0%9F%92%A9&page=1&page=x",
]


def _read_routes() -> list[str]:
    rules = create_app({"in_memory": True}).url_map.iter_rules()
    return sorted({re.sub(r"<[^>]+>", "x%00", r.rule) for r in rules
                   if r.rule.startswith(("/api/", "/__mock")) and "GET" in (r.methods or ())})


@pytest.mark.parametrize("path", _read_routes())
def test_every_read_route_survives_hostile_queries(api: Api, path: str) -> None:
    bearer = api.client.get("/__mock/fixtures").get_json()["data"]["bearerTokens"][0]["token"]
    for headers in ({"x-api-key": api.key, "x-tpc-product-id": "product_123"},
                    {"authorization": f"Bearer {bearer}"}):
        for query in HOSTILE_QUERIES:
            for product in ("", "productId=product_123&"):
                response = api.client.get(path, query_string=product + query, headers=headers)
                assert_safe(response, path)


# -- through waitress, raw bytes the test client would normalise ----------------------
@pytest.fixture(scope="module")
def live() -> Iterator[tuple[LiveServer, str]]:
    with LiveServer(config={"rate_limit": "0"}) as server:
        yield server, server.app.test_client().get("/__mock/fixtures").get_json()["data"][
            "apiKeys"][0]["key"]


def exchange(server: LiveServer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes on a fresh connection; (status, lower-cased headers, body)."""
    chunks: list[bytes] = []
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        try:
            sock.sendall(request)
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, BrokenPipeError):
            pass  # waitress closes early on requests it refuses; its answer is already read
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines)}
    return int(status_line.split()[1]), headers, body


def _request(key: str, line: bytes, headers: bytes = b"", body: bytes = b"") -> bytes:
    """A raw HTTP/1.1 request with the key, unless `headers` brings its own."""
    own = b"" if b"x-api-key" in headers else b"x-api-key: " + key.encode() + b"\r\n"
    return line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + own + headers + b"\r\n" + body


BIG_CHUNKED = b"".join(b"10000\r\n" + b"[" * 0x10000 + b"\r\n" for _ in range(20)) + b"0\r\n\r\n"
RAW_CASES = [
    ("trace", b"TRACE /api/v1/site/pages HTTP/1.1", b"", b"", 405, "METHOD_NOT_ALLOWED"),
    ("unknown-method", b"FOO /api/v1/site/pages HTTP/1.1", b"", b"", 405, "METHOD_NOT_ALLOWED"),
    ("bad-percent-path", b"GET /api/v1/md/%zz%%G0 HTTP/1.1", b"", b"", 404, "NOT_FOUND"),
    ("bad-percent-query", b"GET /api/v1/site/pages?productId=%zz%&q=%ff HTTP/1.1", b"", b"", 404,
     "NOT_FOUND"),
    ("nul-in-path", b"GET /api/v1/md/a\x00b HTTP/1.1", b"", b"", 404, "NOT_FOUND"),
    ("absolute-uri", b"GET http://evil.example/api/v1/nope HTTP/1.1", b"", b"", 404, "NOT_FOUND"),
    ("utf8-api-key", b"GET /api/v1/md/page_123 HTTP/1.1", "x-api-key: tpc_\u00fc\r\n".encode(),
     b"", 401, "UNAUTHORIZED"),
    ("chunked-over-1mib", b"POST /api/v1/site/pages HTTP/1.1",
     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", BIG_CHUNKED, 413,
     "PAYLOAD_TOO_LARGE"),
    ("length-over-1mib", b"POST /api/v1/site/pages HTTP/1.1",
     b"Content-Type: application/json\r\nContent-Length: 2000000\r\n", b"{" * 2_000_000, 413,
     "PAYLOAD_TOO_LARGE"),
    ("duplicate-host", b"GET /api/v1/md/page_123 HTTP/1.1", b"Host: evil.example\r\n", b"", 400,
     "BAD_REQUEST"),
    ("100k-url", b"GET /api/v1/site/pages?productId=product_123&q=" + b"a" * 100_000
     + b" HTTP/1.1", b"", b"", 200, None),
]


@pytest.mark.parametrize(("line", "headers", "body", "status", "code"),
                         [pytest.param(*case[1:], id=case[0]) for case in RAW_CASES])
def test_raw_requests_through_waitress(live: tuple[LiveServer, str], line: bytes, headers: bytes,
                                       body: bytes, status: int, code: str | None) -> None:
    server, key = live
    pages_before = len(server.runtime.store.all("pages"))
    got, response_headers, raw = exchange(server, _request(key, line, headers, body))
    assert got == status, raw[:300]
    assert response_headers["content-type"] == JSON and response_headers.get("x-request-id")
    parsed = json.loads(raw)
    assert parsed["ok"] is (code is None) and parsed.get("code") == code
    if status == 405:
        assert "GET" in response_headers["allow"]
    assert len(server.runtime.store.all("pages")) == pages_before


def test_raw_utf8_request_id_is_replaced(live: tuple[LiveServer, str]) -> None:
    server, key = live
    for value in ("\u00fc\u2603".encode(), b"a b", b"x" * 129, b"ok-id:1.2_3"):
        _, headers, _ = exchange(server, _request(key, b"GET /api/v1/md/page_123 HTTP/1.1",
                                                  b"x-request-id: " + value + b"\r\n"))
        if value == b"ok-id:1.2_3":
            assert headers["x-request-id"] == "ok-id:1.2_3"
        else:
            assert uuid.UUID(headers["x-request-id"]).version == 4


@pytest.mark.parametrize(("line", "headers", "status"), [
    pytest.param("GET /api/v1/md/\u00fc HTTP/1.1".encode(), b"", 400, id="raw-utf8-path"),
    pytest.param(b"GET /api/v1/md/page_123 HTTP/1.1", b"x-request-id: a\x01b\r\n", 400,
                 id="control-char-header"),
    pytest.param(b"GET /api/v1/site/pages?q=" + b"a" * 270_000 + b" HTTP/1.1", b"", 431,
                 id="url-over-256kib"),
    pytest.param(b"GET /api/v1/md/page_123 HTTP/1.1", b"x-big: " + b"a" * 270_000 + b"\r\n", 431,
                 id="headers-over-256kib"),
    pytest.param(b"GARBAGE", b"", 400, id="bad-request-line"),
    pytest.param(b"get /api/v1/md/page_123 HTTP/1.1", b"", 400, id="lowercase-method"),
    pytest.param(b"GET /api/v1/md/page_123 HTTP/1.1", b"bad name: x\r\n", 400,
                 id="bad-header-name"),
    pytest.param(b"POST /api/v1/site/pages HTTP/1.1", b"Content-Length: -1\r\n", 400,
                 id="negative-content-length"),
    pytest.param(b"POST /api/v1/site/pages HTTP/1.1", b"Content-Length: 1e3\r\n", 400,
                 id="non-numeric-content-length"),
    pytest.param(b"POST /api/v1/site/pages HTTP/1.1", b"Transfer-Encoding: gzip\r\n", 501,
                 id="unknown-transfer-encoding"),
    pytest.param(b"POST /api/v1/site/pages HTTP/1.1", b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
                 400, id="bad-chunk-size"),
])
def test_waitress_refusals_are_plain_text_not_html(live: tuple[LiveServer, str], line: bytes,
                                                   headers: bytes, status: int) -> None:
    """Waitress answers these before the app runs: a 4xx in plain text (no x-request-id)."""
    server, key = live
    got, response_headers, raw = exchange(server, _request(key, line, headers))
    assert got == status
    assert response_headers["content-type"].startswith("text/plain")
    assert b"<html" not in raw.lower()


# -- bugs these tests found: lone surrogates and clock overflows ----------------------
SURROGATE_BODIES = {
    "POST": '{"productId":"product_123","pages":[{"slug":"s","title":"\\ud800","content":"c"}]}',
    "PATCH": '{"productId":"product_123","pages":[{"id":"page_123","title":"\\udfff"}]}',
    "DELETE": '{"productId":"product_123","pageIds":["\\ud800"]}',
}


@pytest.mark.parametrize("method", METHODS)
def test_lone_surrogate_is_rejected_without_writing(method: str) -> None:
    api = Api()
    api.rejected(method, 400, "BAD_REQUEST", raw=SURROGATE_BODIES[method])
    response = api.client.get(PAGES + "?productId=product_123", headers={"x-api-key": api.key})
    assert_safe(response, PAGES)


def test_lone_surrogate_does_not_break_a_file_backed_store(tmp_path: Any) -> None:
    app = create_app({"data": tmp_path / "db.json", "rate_limit": "0"})
    client = app.test_client()
    key = client.get("/__mock/fixtures").get_json()["data"]["apiKeys"][0]["key"]
    assert_safe(client.post("/api/auth/device/code", data='{"client_id":"\\ud800"}',
                            content_type=JSON), "/api/auth/device/code")
    response = client.post(PAGES, json=VALID["POST"], headers={"x-api-key": key})
    assert_safe(response, PAGES)
    assert response.status_code == 200


@pytest.mark.parametrize("moves", [[{"advance": float("nan")}], [{"advance": 1e10}] * 30,
                                   [{"set": "9999-12-31T23:59:59Z"}]],
                         ids=["nan", "advance-past-year-9999", "set-year-9999"])
def test_clock_moves_never_break_the_server(moves: list[dict[str, Any]]) -> None:
    api = Api()
    for move in moves:
        assert_safe(api.client.post("/__mock/clock", data=json.dumps(move), content_type=JSON),
                    "/__mock/clock")
    assert_safe(api.client.post("/api/auth/device/code", json={"client_id": "x"}),
                "/api/auth/device/code")
    assert_safe(api.client.get(PAGES + "?productId=product_123",
                               headers={"x-api-key": api.key}), PAGES)
