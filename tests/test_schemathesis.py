"""schemathesis over the whole OpenAPI document: for every operation, generated requests
(half of them aimed at seeded records) never get a 5xx, and every answer has a documented
status, content type and, for JSON, the documented shape.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import _app_for
from tests.helpers import AppFactory
from tpc_mock.api.registry import OPERATIONS, Operation

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 15  # per operation: the 51 operations take ~30 s on a busy 2-core machine
SEEDED_QUERY = {"productId": "product_123", "brandId": "brand_123", "organizationId": "org_123",
                "path": "pricing"}
SEEDED_BODY = {"productId": "product_123", "brandId": "brand_123", "resourceId": "product_123"}
SEEDED_HEADERS = {"x-tpc-organization-id": "org_123", "x-tpc-product-id": "product_123"}


def _seeded_ids(app: Flask) -> dict[str, str]:
    """A seeded record for every path parameter (by name; `id` depends on the path)."""
    store = app.extensions["tpc_mock"].store
    route = min(r["id"] for r in store.find("appRoutes", "appId", "app_123"))
    return {"appId": "app_123", "id": "page_123", "orgId": "org_123", "routeId": route,
            "domainId": "appdomain_123", "resourceId": "product_123",
            "productId": "product_123", "path": "pricing",
            "routing": next(iter(store.all("routingConfigs")))["id"]}


def _aim_at_seed(case: Any, op: Operation, ids: dict[str, str]) -> None:
    """Point the case's ids at seeded records (and name the tenant), so that it can succeed."""
    for name in case.path_parameters or {}:
        key = "routing" if name == "id" and "/domain/" in case.path else name
        case.path_parameters[name] = ids[key]
    fields = op.query.model_fields if op.query is not None else {}
    query = {k: v for k, v in (case.query or {}).items() if k != "productSlug"}
    case.query = {**query, **{k: v for k, v in SEEDED_QUERY.items() if k in fields}}
    headers = {k: v for k, v in (case.headers or {}).items() if not k.startswith("x-tpc-")}
    case.headers = {**headers, **{k: v for k, v in SEEDED_HEADERS.items() if k in op.headers}}
    if isinstance(case.body, dict):
        for name, value in SEEDED_BODY.items():
            if name in case.body:
                case.body[name] = value


def _authenticated(case: Any, bearer: str) -> None:
    """The seeded all-scopes bearer token, alone: it is accepted by every operation, and a
    generated API key or cookie would take precedence over it (or be ignored)."""
    headers = {k: v for k, v in (case.headers or {}).items()
               if k.lower() not in ("x-api-key", "authorization", "cookie")}
    case.headers = {**headers, "Authorization": f"Bearer {bearer}"}
    case.cookies = {}


# The suite's default app, the one `fresh_app()` hands out (reset); building it declares
# every operation, so the parameters below are known at collection.
DEFAULT_APP = _app_for({"in_memory": True})


@pytest.fixture(scope="module")
def schema() -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", DEFAULT_APP)


@pytest.mark.parametrize("operation_id", sorted(op.operation_id for op in OPERATIONS))
def test_operation_conforms_to_the_document(operation_id: str, schema: Any,
                                            fresh_app: AppFactory) -> None:
    app = fresh_app()
    rt = app.extensions["tpc_mock"]
    bearer = str(app.test_client().get("/__mock/fixtures").get_json()
                 ["data"]["bearerTokens"][0]["token"])
    ids = _seeded_ids(app)
    operation = schema.find_operation_by_id(operation_id)
    declared = next(op for op in OPERATIONS if op.operation_id == operation_id)

    @given(case=operation.as_strategy(), aimed=st.booleans())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def conforms(case: Any, aimed: bool) -> None:
        rt.reset()  # every example starts from the seed (a delete does not starve the rest)
        if aimed:
            _aim_at_seed(case, declared, ids)
        _authenticated(case, bearer)
        case.validate_response(case.call(), checks=CHECKS)

    conforms()
