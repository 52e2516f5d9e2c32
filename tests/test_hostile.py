"""Hostile input: never a 5xx, never HTML under /api/, always x-request-id, never a write."""

from __future__ import annotations

import copy
import json
import re
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from werkzeug.test import TestResponse

from tpc_mock.api.site_page_models import (
    CreateSitePagesBody,
    DeleteSitePagesBody,
    UpdateSitePagesBody,
)
from tpc_mock.app import create_app
from tpc_mock.envelope import ERROR_CODES
from tpc_mock.server import LiveServer

from .helpers import assert_error

PAGES = "/api/v1/site/pages"
COUNT = PAGES + "?productId=product_123&archivedStatus=all&pageSize=1"
JSON = "application/json"
MIB = 1024 * 1024
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")  # SPEC section 1
VALID: dict[str, dict[str, Any]] = {
    "POST": {"productId": "product_123",
             "pages": [{"slug": "hostile/new", "title": "New", "content": "# New"}]},
    "PATCH": {"productId": "product_123", "pages": [{"id": "page_123", "title": "Renamed"}]},
    "DELETE": {"productId": "product_123", "pageIds": ["page_123"]},
}
MODELS: dict[str, type[BaseModel]] = {
    "POST": CreateSitePagesBody, "PATCH": UpdateSitePagesBody, "DELETE": DeleteSitePagesBody}
HYPOTHESIS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# One value of each JSON type, keyed by its JSON-schema type name.
SAMPLES: dict[str, list[Any]] = {"null": [None], "boolean": [True], "integer": [7, 10**30],
                                 "number": [1.5], "string": ["text"], "array": [[]],
                                 "object": [{}]}


def assert_safe(response: TestResponse, path: str) -> Any:
    """No 5xx, an x-request-id, and under /api/ or /__mock a JSON error body, never HTML."""
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    assert response.headers.get("x-request-id"), "every response carries x-request-id"
    if not path.startswith(("/api/", "/__mock")):
        return None
    assert response.mimetype == JSON, (response.status_code, response.get_data()[:300])
    body = response.get_json()
    if response.status_code >= 400:
        if path.startswith("/api/auth"):  # better-auth `{code, message}` or RFC 8628 `{error}`
            assert isinstance(body.get("code", body.get("error")), str), body
        else:
            assert body["ok"] is False and body["code"] in ERROR_CODES, body
            assert isinstance(body["message"], str) and body["message"], body
    return body


class Api:
    """The app with rate limiting off, its test client and the full-access key."""

    def __init__(self) -> None:
        self.app: Flask = create_app({"in_memory": True, "rate_limit": "0"})
        self.client = self.app.test_client()
        keys = self.client.get("/__mock/fixtures").get_json()["data"]["apiKeys"]
        self.key = next(k["key"] for k in keys if k["enabled"] and "content:write" in k["scopes"]
                        and k["organizationId"] == "org_123")

    def state(self) -> tuple[int, str]:
        """Page total (archived included) over the API, and the pages table itself."""
        total = self.client.get(COUNT, headers={"x-api-key": self.key}).get_json()["data"]["total"]
        pages = self.app.extensions["tpc_mock"].store.all("pages")
        return total, json.dumps(sorted(pages, key=lambda p: p["id"]), sort_keys=True)

    def send(self, method: str, path: str = PAGES, *, raw: str | bytes | None = None,
             body: Any = None, content_type: str | None = JSON,
             headers: dict[str, str] | None = None) -> TestResponse:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self.client.open(path, method=method, data=data, content_type=content_type,
                                    headers={"x-api-key": self.key, **(headers or {})})
        assert_safe(response, path)
        return response

    def rejected(self, method: str, status: int, code: str, message: str | None = None,
                 **kwargs: Any) -> dict[str, Any]:
        """Send, assert the error envelope, and assert nothing was written."""
        before = self.state()
        body = assert_error(self.send(method, **kwargs), status, code, message)
        assert self.state() == before, "a rejected request changed the pages"
        return body


@pytest.fixture(scope="module")
def api() -> Api:
    """One app for the module: every test compares the state before and after itself."""
    return Api()


# Hypothesis runs many examples per test: they share one app (each example checks its own state).
_SHARED = Api()


# -- wrong JSON types for every field of the site-pages bodies ------------------------
def _allowed(prop: dict[str, Any]) -> set[str]:
    types = {prop["type"]} if "type" in prop else {o.get("type") for o in prop.get("anyOf", [])}
    return types | ({"integer"} if "number" in types else set())


def _wrong_values(prop: dict[str, Any], defs: dict[str, Any]) -> list[Any]:
    allowed = _allowed(prop)
    values = [v for kind, vs in SAMPLES.items() if kind not in allowed for v in vs]
    if "enum" in prop:
        values.append("not-a-" + prop["enum"][0])
    if prop.get("type") == "array":
        items = prop["items"]
        item_type = defs[items["$ref"].split("/")[-1]]["type"] if "$ref" in items else items["type"]
        values += [[v] for kind, vs in SAMPLES.items() if kind != item_type for v in vs[:1]]
    return values


def wrong_type_cases() -> Iterator[Any]:
    """(method, dotted path, value) for every field of every body, read off the JSON schema."""
    for method, model in MODELS.items():
        schema = model.model_json_schema()
        defs = schema.get("$defs", {})
        for name, prop in schema["properties"].items():
            for value in _wrong_values(prop, defs):
                yield pytest.param(method, name, value, id=f"{method}-{name}-{json.dumps(value)}")
            ref = prop.get("items", {}).get("$ref")
            for field, sub in (defs[ref.split("/")[-1]]["properties"].items() if ref else []):
                for value in _wrong_values(sub, defs):
                    yield pytest.param(method, f"{name}.0.{field}", value,
                                       id=f"{method}-{name}.0.{field}-{json.dumps(value)}")


def _put(body: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    *parents, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    target: Any = body
    for part in parents:
        target = target[part]
    target[last] = value
    return body


@pytest.mark.parametrize(("method", "field", "value"), list(wrong_type_cases()))
def test_wrong_json_type_is_a_validation_error(api: Api, method: str, field: str,
                                               value: Any) -> None:
    body = api.rejected(method, 422, "VALIDATION_ERROR", "validation failed",
                        body=_put(VALID[method], field, value))
    assert any(i["path"].startswith(field) for i in body["details"]["issues"]), body


@pytest.mark.parametrize("method", MODELS)
@pytest.mark.parametrize("raw", ["[]", '"pages"', "null", "0", "true", "1e309", "-1e309", "NaN",
                                 "Infinity", "[" + json.dumps(VALID["POST"]) + "]"])
def test_body_that_is_not_an_object(api: Api, method: str, raw: str) -> None:
    api.rejected(method, 422, "VALIDATION_ERROR", "validation failed", raw=raw)


@pytest.mark.parametrize("method", MODELS)
@pytest.mark.parametrize("number", ["1e309", "-1e309", "NaN", "Infinity", str(10**30), "-0.0"])
def test_huge_and_special_numbers_in_bodies(api: Api, method: str, number: str) -> None:
    raw = json.dumps(VALID[method]).replace('"product_123"', number, 1)
    body = api.rejected(method, 422, "VALIDATION_ERROR", raw=raw)
    assert body["details"]["issues"][0]["path"] == "productId"


@pytest.mark.parametrize("method", MODELS)
def test_empty_json_body_lists_the_missing_fields(api: Api, method: str) -> None:
    body = api.rejected(method, 422, "VALIDATION_ERROR", raw="")
    assert {i["path"] for i in body["details"]["issues"]} == set(VALID[method])


@pytest.mark.parametrize("method", MODELS)
@pytest.mark.parametrize("raw", [
    "{", '{"productId":}', "{'productId': 'product_123'}", "[1,]", '{"a":1}{"b":2}',
    b"\xff\xfe{}", "[" * 100_000, "[" * 100_000 + "]" * 100_000,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
], ids=["open", "no-value", "single-quotes", "trailing-comma", "two-docs", "not-utf8",
        "100k-open", "100k-nested-arrays", "50k-nested-objects"])
def test_malformed_json_is_bad_request(api: Api, method: str, raw: str | bytes) -> None:
    api.rejected(method, 400, "BAD_REQUEST", "malformed JSON body", raw=raw)


@pytest.mark.parametrize("method", MODELS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml",
                                          "text/json", None])
def test_non_json_content_type_is_415(api: Api, method: str, content_type: str | None) -> None:
    api.rejected(method, 415, "UNSUPPORTED_MEDIA_TYPE", content_type=content_type,
                 raw=json.dumps(VALID[method]))


def _body_of_size(size: int) -> str:
    body = copy.deepcopy(VALID["POST"])
    body["pages"][0]["content"] = ""
    body["pages"][0]["content"] = "x" * (size - len(json.dumps(body)))
    return json.dumps(body)


@pytest.mark.parametrize("method", MODELS)
def test_body_over_one_mib_is_413(api: Api, method: str) -> None:
    assert len(_body_of_size(MIB + 1)) == MIB + 1
    api.rejected(method, 413, "PAYLOAD_TOO_LARGE", "payload too large", raw=_body_of_size(MIB + 1))
    api.rejected(method, 413, "PAYLOAD_TOO_LARGE", raw="[" * (2 * MIB))


def test_body_of_exactly_one_mib_is_accepted() -> None:
    api = Api()
    total = api.state()[0]
    response = api.send("POST", raw=_body_of_size(MIB))
    assert response.status_code == 200 and response.get_json()["data"]["createdCount"] == 1
    assert api.state()[0] == total + 1


# -- query strings, paths, headers, methods ------------------------------------------
@pytest.mark.parametrize(("query", "field"), [
    (f"page={10**30}", "page"), ("page=0", "page"), ("page=-1", "page"), ("page=1e309", "page"),
    ("page=nan", "page"), ("page=inf", "page"), ("page=1.5", "page"), ("pageSize=-1", "pageSize"),
    ("pageSize=0", "pageSize"), ("pageSize=101", "pageSize"), ("pageSize=1e309", "pageSize"),
    (f"pageSize={10**30}", "pageSize"), ("isManual=maybe", "isManual"),
    ("archivedStatus=%00", "archivedStatus"), ("orderBy=title", "orderBy"),
])
def test_hostile_numbers_and_enums_in_the_query(api: Api, query: str, field: str) -> None:
    response = api.client.get(f"{PAGES}?productId=product_123&{query}",
                              headers={"x-api-key": api.key})
    assert_safe(response, PAGES)
    body = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
    assert [i["path"] for i in body["details"]["issues"]] == [field]


def test_last_safe_page_is_empty_not_an_error(api: Api) -> None:
    response = api.client.get(f"{PAGES}?productId=product_123&page={2**53 - 1}&pageSize=100",
                              headers={"x-api-key": api.key})
    data = assert_safe(response, PAGES)["data"]
    assert response.status_code == 200 and data["items"] == [] and data["total"] > 0


HOSTILE_TEXT = ["%00", "%01%1f%7f", "%C3%BC%E2%98%83", "%zz", "%", "%ff%fe", "%ED%A0%80",
                "%F0%9F%92%A9" * 500, "..%2F..%2Fetc%2Fpasswd", "%0d%0aSet-Cookie:%20x=1"]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_control_and_unicode_characters_in_query_and_path(api: Api, text: str) -> None:
    headers = {"x-api-key": api.key}
    response = api.client.get(PAGES, query_string=f"productId={text}", headers=headers)
    assert_safe(response, PAGES)
    assert_error(response, 404, "NOT_FOUND", "product not found")
    response = api.client.get(PAGES, query_string=f"productId=product_123&q={text}&pathPrefix="
                              f"{text}&type={text}&domain={text}", headers=headers)
    assert assert_safe(response, PAGES)["data"]["items"] == []
    assert response.status_code == 200
    response = api.client.get(f"/api/v1/md/{text}", headers=headers)
    assert_safe(response, "/api/v1/md/")
    message = assert_error(response, 404, "NOT_FOUND")["message"]
    assert message == ("not found" if "%2F" in text else "document not found")


def test_duplicate_query_parameters_use_the_first(api: Api) -> None:
    response = api.client.get(f"{PAGES}?productId=product_123&productId=nope&page=1&page=x"
                              "&pageSize=2&pageSize=500", headers={"x-api-key": api.key})
    data = assert_safe(response, PAGES)["data"]
    assert response.status_code == 200
    assert (data["scope"]["product"]["id"], data["page"], data["pageSize"]) == ("product_123", 1, 2)


def test_very_long_query_string(api: Api) -> None:
    response = api.client.get(f"{PAGES}?productId=product_123&q={'a' * 200_000}",
                              headers={"x-api-key": api.key})
    assert response.status_code == 200 and assert_safe(response, PAGES)["data"]["total"] == 0


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


# -- generated bodies and queries ------------------------------------------------------
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                  max_size=4),
    max_leaves=10)


def _field_paths(method: str) -> list[str]:
    schema = MODELS[method].model_json_schema()
    item: dict[str, Any] = next(iter(schema.get("$defs", {}).values()), {"properties": {}})
    return [*schema["properties"], *(f"pages.0.{name}" for name in item["properties"])]


@st.composite
def mutated_bodies(draw: st.DrawFn) -> tuple[str, Any]:
    """A valid body with one field replaced, dropped or set to text, or any JSON at all."""
    method = draw(st.sampled_from(list(MODELS)))
    kind = draw(st.sampled_from(["replace", "drop", "text", "whole"]))
    if kind == "whole":
        return method, draw(JSON_VALUES)
    path = draw(st.sampled_from(_field_paths(method)))
    if kind == "drop":
        body = copy.deepcopy(VALID[method])
        parent, _, last = path.rpartition(".")
        (body["pages"][0] if parent else body).pop(last, None)
        return method, body
    value = draw(JSON_VALUES if kind == "replace" else st.text(max_size=60))
    return method, _put(VALID[method], path, value)


@HYPOTHESIS
@given(case=mutated_bodies())
def test_generated_bodies_never_fail_or_write_when_rejected(case: tuple[str, Any]) -> None:
    method, body = case
    before = _SHARED.state()
    response = _SHARED.send(method, raw=json.dumps(body))
    assert response.status_code in (200, 404, 422), response.get_json()
    data = response.get_json().get("data") or {}
    done = sum(data.get(k, 0) for k in ("createdCount", "updatedCount", "deletedCount"))
    if response.status_code != 200 or done == 0:
        assert _SHARED.state() == before, "a rejected request or failed item wrote something"


QUERY_NAMES = st.sampled_from([
    "productId", "productSlug", "page", "pageSize", "orderBy", "orderByDirection", "query", "q",
    "status", "type", "isManual", "pathPrefix", "hasContent", "domainId", "domain",
    "archivedStatus"]) | st.text(max_size=8)


@HYPOTHESIS
@given(query=st.dictionaries(QUERY_NAMES, st.text(max_size=40), max_size=6),
       product=st.sampled_from(["product_123", None]))
def test_generated_queries_never_fail(query: dict[str, str], product: str | None) -> None:
    if product:
        query.setdefault("productId", product)
    response = _SHARED.client.get(PAGES, query_string=query, headers={"x-api-key": _SHARED.key})
    assert_safe(response, PAGES)
    assert response.status_code in (200, 404, 422), response.get_json()


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


@pytest.mark.parametrize("method", MODELS)
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
