"""The OpenAPI document: every answer described from the shapes the handlers return,
errors derived from each declaration, valid 3.1, and a client generated from it works."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any, get_type_hints

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tpc_mock.api.openapi import error_statuses
from tpc_mock.api.registry import JSON, OPERATIONS


def _document(client: FlaskClient) -> dict[str, Any]:
    doc: dict[str, Any] = client.get("/api/v1/openapi.json").get_json()
    return doc


def _operation(doc: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return next(op for item in doc["paths"].values() for op in item.values()
                if op["operationId"] == operation_id)


def test_every_json_operation_names_the_shape_of_its_answer(client: FlaskClient) -> None:
    doc = _document(client)
    for op in OPERATIONS:
        responses = _operation(doc, op.operation_id)["responses"]
        assert [s for s in responses if s.startswith("2")] == [str(op.status)], op.operation_id
        if op.content_type == JSON:
            assert op.response is not None, op.operation_id
            schema = responses[str(op.status)]["content"][JSON]["schema"]
            assert schema["required"] == ["ok", "data"]
            assert schema["properties"]["data"], op.operation_id
        else:
            assert op.response is None, op.operation_id


def test_each_handler_returns_the_shape_it_declares(app: Flask) -> None:
    """mypy holds a handler's body to its return annotation; this holds the annotation to the
    `response=` the document is built from (a text answer's handler returns str)."""
    assert len(OPERATIONS) > 40
    wrong = []
    for op in OPERATIONS:
        assert op.handler is not None, op.operation_id
        returns = get_type_hints(op.handler)["return"]
        declared = op.response if op.content_type == JSON else str
        if returns != declared:
            wrong.append((op.operation_id, returns, declared))
    assert wrong == []


def test_answer_descriptions_name_no_module(client: FlaskClient) -> None:
    """A shape's docstring is its public description: it says what the shape is, not which
    of the emulator's functions builds it (`(app_model.app_item)`)."""
    schemas = _document(client)["components"]["schemas"]
    named = {name: s["description"] for name, s in schemas.items()
             if re.search(r"\([a-z_]+\.[a-z_]+\)", s.get("description", ""))}
    assert named == {}


def _declare(**meta: Any) -> None:
    from flask import Blueprint

    from tpc_mock.api.registry import operation

    operation(Blueprint("scratch", __name__), "/scratch", "GET", "getScratch", "s", "t",
              **meta)(lambda rt, caller, args: None)


def test_an_operation_cannot_forget_the_shape_of_its_answer() -> None:
    """Refused when declared (at import), so no operation reaches the document without one."""
    before = len(OPERATIONS)
    with pytest.raises(TypeError, match="getScratch: a JSON answer declares its shape"):
        _declare()
    with pytest.raises(TypeError, match="a text answer none"):
        _declare(content_type="text/plain", response=dict[str, str])
    assert len(OPERATIONS) == before


def test_answers_are_named_types_with_their_fields(client: FlaskClient) -> None:
    doc = _document(client)
    schemas = doc["components"]["schemas"]
    data = _operation(doc, "getSitePages")["responses"]["200"]["content"][JSON]["schema"]
    assert data["properties"]["data"] == {"$ref": "#/components/schemas/SitePageList"}
    item = schemas["SitePage"]
    assert item["properties"]["publishedAt"]["anyOf"] == [
        {"type": "string", "format": "date-time"}, {"type": "null"}]
    assert "metaTitle" in item["required"] and "domains" in item["required"]
    apps = _operation(doc, "getApps")["responses"]["200"]["content"][JSON]["schema"]
    assert apps["properties"]["data"] == {"type": "array",
                                          "items": {"$ref": "#/components/schemas/App"}}
    failure = schemas["SitePageFailure"]
    assert "slug" not in failure["required"]  # NotRequired: present only when known
    assert _operation(doc, "postViews")["responses"]["201"]


def test_error_answers_follow_the_declaration(client: FlaskClient) -> None:
    doc = _document(client)

    def statuses(operation_id: str) -> set[str]:
        return {s for s in _operation(doc, operation_id)["responses"] if not s.startswith("2")}

    assert statuses("getMe") == {"401", "403", "429"}
    assert statuses("getApps") == {"401", "403", "404", "429"}  # the tenant headers
    assert statuses("getSitePages") == {"401", "403", "404", "422", "429"}
    assert statuses("deleteAppsAppId") == {"401", "403", "404", "409", "413", "415", "429"}
    assert statuses("postSitePages") == {"400", "401", "403", "404", "409", "413", "415",
                                         "422", "429"}
    assert "400" in statuses("getMdByPath") and "422" in statuses("postDomainIdRoutingPublish")
    error = _operation(doc, "getSitePages")["responses"]["404"]["content"][JSON]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorBody"}
    body = doc["components"]["schemas"]["ErrorBody"]
    assert body["required"] == ["ok", "code", "message"] and "details" in body["properties"]


def test_forbidden_describes_who_is_refused() -> None:
    by_id = {op.operation_id: op for op in OPERATIONS}
    assert "content:read" in error_statuses(by_id["getSitePages"])[403]
    assert "auth_method_not_allowed" in error_statuses(by_id["getViews"])[403]
    assert "public_api_only" in error_statuses(by_id["getMe"])[403]


def test_the_document_is_built_once_per_base_url(client: FlaskClient) -> None:
    first = client.get("/api/v1/openapi.json")
    second = client.get("/api/v1/openapi.json")
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert first.mimetype == JSON


def test_a_generated_client_imports_and_reads_answers(app: Flask, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      creds: dict[str, Any]) -> None:
    # Not installed on Python 3.10: the code it generates needs 3.11 (pyproject).
    pytest.importorskip("openapi_python_client")
    httpx = pytest.importorskip("httpx")
    (tmp_path / "openapi.json").write_bytes(app.test_client().get("/api/v1/openapi.json").data)
    done = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", "openapi.json",
         "--meta", "none", "--output-path", "tpc_client", "--fail-on-warning"],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "tpc_client" or m.startswith("tpc_client.")]:
        monkeypatch.delitem(sys.modules, name)
    from tpc_client import AuthenticatedClient  # type: ignore[import-not-found]
    from tpc_client.api.apps_publishing import get_apps_app_id  # type: ignore[import-not-found]
    from tpc_client.api.content import get_site_pages  # type: ignore[import-not-found]
    from tpc_client.models import (  # type: ignore[import-not-found]
        AppDetail,
        ErrorBody,
        RoutingState,
        SitePage,
    )

    assert ErrorBody and RoutingState
    transport = httpx.WSGITransport(app=app)
    with AuthenticatedClient(base_url="http://127.0.0.1", token=creds["bearerTokens"][0]["token"],
                             httpx_args={"transport": transport}) as api:
        pages = get_site_pages.sync(client=api, product_id="product_123", page_size=5)
        app_detail = get_apps_app_id.sync("app_123", client=api)
        missing = get_apps_app_id.sync("app_missing", client=api)
    assert pages is not None and len(pages.data.items) == 5
    assert isinstance(pages.data.items[0], SitePage)
    assert pages.data.items[0].created_at.tzinfo is not None  # a typed datetime
    assert isinstance(app_detail.data, AppDetail) and app_detail.data.id == "app_123"
    assert isinstance(missing, ErrorBody) and missing.code == "NOT_FOUND"
