"""GET /api/v1/openapi.json: the emulator's own OpenAPI 3.1 document, built from OPERATIONS."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from .. import __version__
from ..auth.scopes import SCOPE_DESCRIPTIONS
from ..web import runtime
from .registry import OPERATIONS, SECURITY_ALL, SECURITY_NO_API_KEY, Operation

bp = Blueprint("openapi", __name__)
ERROR_STATUSES = {"400": "Bad request", "401": "Authentication required", "403": "Forbidden",
                  "404": "Not found", "409": "Conflict", "415": "Unsupported media type",
                  "422": "Validation failed", "429": "Rate limited"}


def _allows_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_allows_null(s) for s in schema.get("anyOf", []) + schema.get("oneOf", []))


def _drop_null_defaults(node: Any) -> None:
    """`OMITTED` fields may be left out but not sent as null: no `default: null` for them."""
    if isinstance(node, dict):
        if "default" in node and node["default"] is None and not _allows_null(node):
            del node["default"]
        for value in node.values():
            _drop_null_defaults(value)
    elif isinstance(node, list):
        for value in node:
            _drop_null_defaults(value)


def _schema(model: Any, defs: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    _drop_null_defaults(schema)
    defs.update(schema.pop("$defs", {}))
    return schema


def _security(op: Operation) -> list[dict[str, list[str]]]:
    scopes = list(op.scopes)
    if op.security == SECURITY_ALL:
        return [{"apiKeyAuth": scopes}, {"bearerAuth": scopes}, {"cookieAuth": []}]
    if op.security == SECURITY_NO_API_KEY:
        return [{"bearerAuth": scopes}, {"cookieAuth": []}]
    return [{"bearerAuth": []}, {"cookieAuth": []}]


def _operation(op: Operation, defs: dict[str, Any]) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in _path_names(op.path)
    ]
    if op.query is not None:
        schema = _schema(op.query, defs)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in required,
                           "schema": prop})
    params += [{"name": h, "in": "header", "required": False, "schema": {"type": "string"}}
               for h in op.headers]
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    doc: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "security": _security(op),
        "parameters": params + op.extra_params,
        "responses": {
            "200": {"description": "Successful response", "content": _success(op)},
            **{code: {"description": text, **error} for code, text in ERROR_STATUSES.items()},
        },
    }
    if op.scopes:
        doc["x-required-scopes"] = list(op.scopes)
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": _schema(op.body, defs)}}}
    return doc


def _success(op: Operation) -> dict[str, Any]:
    if op.content_type != "application/json":
        return {op.content_type: {"schema": {"type": "string"}}}
    return {"application/json": {"schema": {"$ref": "#/components/schemas/Success"}}}


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def build_document(server_url: str) -> dict[str, Any]:
    """The OpenAPI document of every operation the emulator serves."""
    defs: dict[str, Any] = {
        "Success": {"type": "object", "required": ["ok", "data"], "properties": {
            "ok": {"const": True}, "data": {}}},
        "Error": {"type": "object", "required": ["ok", "code", "message"], "properties": {
            "ok": {"const": False}, "code": {"type": "string"}, "message": {"type": "string"},
            "details": {}}},
    }
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, defs)
    scheme_text = {"x-scopes": SCOPE_DESCRIPTIONS}
    return {
        "openapi": "3.1.0",
        "info": {"title": "tpc-mock: The Prompting Company API emulator", "version": __version__},
        "servers": [{"url": server_url, "description": "This emulator"}],
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {
                "apiKeyAuth": {"type": "apiKey", "in": "header", "name": "x-api-key", **scheme_text},
                "bearerAuth": {"type": "http", "scheme": "bearer", **scheme_text},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "better-auth.session_token"},
            },
        },
    }


@bp.get("/api/v1/openapi.json")
def get_openapi_document() -> Any:
    return jsonify(build_document(runtime().config.public_url))
