"""Hostile input: never a 5xx, never HTML under /api/, always x-request-id, never a write."""

from __future__ import annotations

import copy
import json
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from tpc_mock.api.site_pages import CreateSitePagesBody, DeleteSitePagesBody, UpdateSitePagesBody
from tpc_mock.app import create_app
from tpc_mock.envelope import ERROR_CODES
from tpc_mock.server import LiveServer

from .helpers import assert_error

PAGES = "/api/v1/site/pages"
COUNT = PAGES + "?productId=product_123&archivedStatus=all&pageSize=1"
JSON = "application/json"
MIB = 1024 * 1024
VALID: dict[str, dict[str, Any]] = {
    "POST": {"productId": "product_123",
             "pages": [{"slug": "hostile/new", "title": "New", "content": "# New"}]},
    "PATCH": {"productId": "product_123", "pages": [{"id": "page_123", "title": "Renamed"}]},
    "DELETE": {"productId": "product_123", "pageIds": ["page_123"]},
}
MODELS = {"POST": CreateSitePagesBody, "PATCH": UpdateSitePagesBody, "DELETE": DeleteSitePagesBody}
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


@pytest.fixture
def api() -> Api:
    return Api()


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


def test_body_of_exactly_one_mib_is_accepted(api: Api) -> None:
    total = api.state()[0]
    response = api.send("POST", raw=_body_of_size(MIB))
    assert response.status_code == 200 and response.get_json()["data"]["createdCount"] == 1
    assert api.state()[0] == total + 1
