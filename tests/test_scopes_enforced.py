"""Every declared operation enforces exactly the scopes its OpenAPI entry declares."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tpc_mock.api import blueprints
from tpc_mock.api.registry import OPERATIONS, SECURITY_ALL, SECURITY_NO_API_KEY, Operation
from tpc_mock.auth.secrets import digest
from tpc_mock.auth.sessions import create_session

PARAMS = {"appId": "app_123", "id": "page_123", "orgId": "org_123", "routeId": "route_x",
          "domainId": "domain_x", "path": "pricing", "resourceId": "product_123",
          "productId": "product_123"}
blueprints()  # every operation declared
SCOPED = [op for op in OPERATIONS if op.scopes and op.security in (SECURITY_ALL,
                                                                   SECURITY_NO_API_KEY)]


def _url(op: Operation) -> str:
    path = re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], op.path)
    if op.path.startswith("/api/v1/domain/"):
        path = path.replace("page_123", "domain_123")
    return path


def _unscoped_headers(app: Flask, op: Operation) -> dict[str, str]:
    rt = app.extensions["tpc_mock"]
    if op.security == SECURITY_NO_API_KEY:
        token, record = create_session(rt, "user_owner")
        rt.store.update("sessions", record["id"], {"scopes": []})
        return {"Authorization": f"Bearer {token}"}
    key = "tpc_" + "n" * 64
    if rt.store.find_one("apiKeys", "hash", digest(key)) is None:
        rt.store.insert("apiKeys", {"id": "apikey_none", "name": "none", "start": key[:6],
                                    "prefix": "tpc_", "hash": digest(key),
                                    "organizationId": "org_123", "scopes": [], "enabled": True,
                                    "expiresAt": None})
    return {"x-api-key": key}


def test_every_public_operation_is_covered() -> None:
    assert len(SCOPED) >= 45


@pytest.mark.parametrize("op", SCOPED, ids=lambda op: op.operation_id)
def test_operation_enforces_its_declared_scopes(app: Flask, client: FlaskClient,
                                                op: Operation) -> None:
    response = client.open(_url(op), method=op.method, json={},
                           headers=_unscoped_headers(app, op))
    body: dict[str, Any] = assert_error(response, 403, "FORBIDDEN", "insufficient_scope")
    assert body["details"] == {"requiredScopes": list(op.scopes),
                               "missingScopes": list(op.scopes)}


def test_a_handler_takes_a_query_or_a_body_model_not_both() -> None:
    from flask import Blueprint
    from pydantic import BaseModel

    from tpc_mock.api.registry import operation

    class Nothing(BaseModel):
        pass

    before = len(OPERATIONS)
    with pytest.raises(TypeError, match="not both"):
        operation(Blueprint("scratch", __name__), "/scratch", "POST", "postScratch", "s", "t",
                  query=Nothing, body=Nothing)(lambda rt, caller, args: None)
    assert len(OPERATIONS) == before
