"""The envelope, error codes, request ids, and JSON errors under /api/."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_error
from tpc_mock.envelope import ERROR_CLASSES, ERROR_CODES, ApiError, error_body, ok

PAGES = "/api/v1/site/pages"


def test_all_26_codes_have_a_class_and_status() -> None:
    assert len(ERROR_CODES) == 26
    for code, status in ERROR_CODES.items():
        error = ERROR_CLASSES[code]()
        assert isinstance(error, ApiError)
        assert (error.code, error.status) == (code, status)
        assert error.body() == {"ok": False, "code": code, "message": error.message}
    assert ERROR_CODES["VALIDATION_ERROR"] == 422 and ERROR_CODES["RATE_LIMITED"] == 429
    assert ERROR_CODES["LIVE_INDEX_NOT_FOUND"] == 404 and ERROR_CODES["SCOPE_INVALID"] == 422


def test_envelope_shapes() -> None:
    assert ok([1]) == {"ok": True, "data": [1]}
    assert error_body("X", "m") == {"ok": False, "code": "X", "message": "m"}
    assert error_body("X", "m", {}) == {"ok": False, "code": "X", "message": "m", "details": {}}


@pytest.mark.parametrize("incoming", ["abc-123", "a.b:c_d", "x" * 128])
def test_valid_request_id_is_echoed(client: FlaskClient, incoming: str) -> None:
    response = client.get("/api/v1/nope", headers={"x-request-id": incoming})
    assert response.headers["x-request-id"] == incoming


@pytest.mark.parametrize("incoming", ["", "x" * 129, "has space", "semi;colon", "ünï"])
def test_invalid_request_id_is_replaced_by_uuid4(client: FlaskClient, incoming: str) -> None:
    response = client.get(PAGES, headers={"x-request-id": incoming.encode().decode("latin-1")})
    assigned = response.headers["x-request-id"]
    assert assigned != incoming and uuid.UUID(assigned).version == 4


@pytest.mark.parametrize("path", ["/api/v1/site/pages", "/api/auth/get-session", "/__mock/fixtures",
                                  "/api/v1/nope", "/sign-in-nope"])
def test_every_response_has_request_id(client: FlaskClient, path: str) -> None:
    assert re.match(r"^[0-9a-f-]{36}$", client.get(path).headers["x-request-id"])


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/site/pages/extra", "/api/nothing",
                                  "/__mock/nope"])
def test_unknown_api_path_is_json_404(client: FlaskClient, path: str) -> None:
    response = assert_error(client.get(path), 404, "NOT_FOUND", "not found")
    assert response


def test_unknown_auth_path_is_json_404(client: FlaskClient) -> None:
    response = client.get("/api/auth/nope")
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["code"] == "NOT_FOUND"


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    response = client.put(PAGES)
    assert_error(response, 405, "METHOD_NOT_ALLOWED", "method not allowed")
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "POST", "PATCH", "DELETE"} <= allowed


def test_malformed_json_is_400(client: FlaskClient, full_key: str) -> None:
    response = client.post(PAGES, data='{"productId": ', content_type="application/json",
                           headers={"x-api-key": full_key})
    assert_error(response, 400, "BAD_REQUEST", "malformed JSON body")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_non_json_write_is_415(client: FlaskClient, full_key: str, content_type: Any) -> None:
    response = client.post(PAGES, data="productId=product_123", content_type=content_type,
                           headers={"x-api-key": full_key})
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_oversize_body_is_413(client: FlaskClient, full_key: str) -> None:
    body = '{"productId": "' + "x" * (1024 * 1024) + '"}'
    response = client.post(PAGES, data=body, content_type="application/json",
                           headers={"x-api-key": full_key})
    assert_error(response, 413, "PAYLOAD_TOO_LARGE", "payload too large")


def test_body_limit_is_configurable(full_key: str, fresh_app: AppFactory) -> None:

    client = fresh_app(max_body=100).test_client()
    response = client.post(PAGES, json={"productId": "p" * 200, "pages": []},
                           headers={"x-api-key": full_key})
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_html_pages_outside_api_keep_html_404(client: FlaskClient) -> None:
    response = client.get("/definitely-not-a-page/x/y")
    assert response.status_code == 404 and not response.is_json


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PATCH", "/api/v1/apps/app_123/routes/batch", {"POST"}),
    ("DELETE", "/api/v1/apps/app_123/routes/import-preview", {"POST"}),
    ("GET", "/api/v1/apps/app_123/routes/batch", {"POST"}),
    ("PUT", "/api/v1/content/by-path", {"GET"}),
])
def test_fixed_words_are_not_ids(client: FlaskClient, full_key: str, method: str, path: str,
                                 allowed: set[str]) -> None:
    response = client.open(path, method=method, json={}, headers={"x-api-key": full_key})
    assert_error(response, 405, "METHOD_NOT_ALLOWED", "method not allowed")
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_error_classes_are_declared_not_generated() -> None:
    from tpc_mock import envelope

    for code, cls in ERROR_CLASSES.items():
        assert cls.__module__ == "tpc_mock.envelope" and cls.code == code
        assert getattr(envelope, cls.__name__) is cls
    assert envelope.ValidationError().status == 422 and envelope.NotFound("x").message == "x"


def test_body_on_each_path() -> None:
    from tpc_mock.auth.device import DeviceError
    from tpc_mock.auth.oauth_common import OAuthError
    from tpc_mock.auth.sessions import InvalidEmail
    from tpc_mock.envelope import BetterAuthError, NotFound, UnexpectedError, error_for

    assert NotFound("page not found").body_on("/api/v1/site/pages") == {
        "ok": False, "code": "NOT_FOUND", "message": "page not found"}
    assert NotFound().body_on("/api/auth/x") == {"code": "NOT_FOUND", "message": "not found"}
    assert isinstance(InvalidEmail(), BetterAuthError)
    assert (InvalidEmail().status, InvalidEmail().body_on("/api/auth/sign-in/email")) == (
        400, {"code": "INVALID_EMAIL", "message": "Invalid email"})
    assert BetterAuthError(403, "X_Y", "m").body_on("/api/auth/a") == {"code": "X_Y", "message": "m"}
    assert UnexpectedError().body_on("/api/auth/a") == error_body("INTERNAL", "internal error")
    assert OAuthError("invalid_grant", "bad").body_on("/api/auth/oauth2/token") == {
        "error": "invalid_grant", "error_description": "bad"}
    assert DeviceError("slow_down", "s").body_on("/device") == {
        "error": "slow_down", "error_description": "s"}
    teapot = error_for("TEAPOT", "injected", 418, {"Allow": "GET"})
    assert (teapot.status, teapot.headers, teapot.body()) == (
        418, {"Allow": "GET"}, error_body("TEAPOT", "injected"))
