"""What both hostile-input test modules share: the sample bodies, `assert_safe` and `Api`."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, settings
from werkzeug.test import TestResponse

from tpc_mock.app import create_app
from tpc_mock.envelope import ERROR_CODES

from .helpers import assert_error

PAGES = "/api/v1/site/pages"
COUNT = PAGES + "?productId=product_123&archivedStatus=all&pageSize=1"
JSON = "application/json"
HTML_PAGES = ("/api/auth/error",)  # better-auth's own error page is HTML, as there
MIB = 1024 * 1024
VALID: dict[str, dict[str, Any]] = {
    "POST": {"productId": "product_123",
             "pages": [{"slug": "hostile/new", "title": "New", "content": "# New"}]},
    "PATCH": {"productId": "product_123", "pages": [{"id": "page_123", "title": "Renamed"}]},
    "DELETE": {"productId": "product_123", "pageIds": ["page_123"]},
}
# The batch writes of site pages (bodies as TPC documents them, not as the models say).
METHODS = ("POST", "PATCH", "DELETE")
HYPOTHESIS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_safe(response: TestResponse, path: str) -> Any:
    """No 5xx, an x-request-id, and under /api/ or /__mock a JSON error body, never HTML."""
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    assert response.headers.get("x-request-id"), "every response carries x-request-id"
    if not path.startswith(("/api/", "/__mock")) or path.startswith(HTML_PAGES):
        return None
    if path == "/__mock/console" and response.status_code == 200:  # the console's HTML page
        assert response.mimetype == "text/html", response.mimetype
        return None
    assert response.mimetype == JSON, (response.status_code, response.get_data()[:300])
    if 300 <= response.status_code < 400:  # better-call's redirects: JSON type, empty body
        assert response.headers.get("Location") and not response.get_data(), response.headers
        return None
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
