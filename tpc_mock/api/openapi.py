"""GET /api/v1/openapi.json: the emulator's own OpenAPI 3.1 document, built from OPERATIONS."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, current_app
from pydantic import TypeAdapter

from .. import __version__
from ..auth.scopes import SCOPE_DESCRIPTIONS
from ..web import runtime
from .registry import (
    JSON,
    OPERATIONS,
    SECURITY_ALL,
    SECURITY_NO_API_KEY,
    Operation,
    method_writes,
)
from .schemas import ErrorBody

bp = Blueprint("openapi", __name__)
REF = "#/components/schemas/{model}"
ERROR_REF = {"$ref": REF.format(model="ErrorBody")}


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
    schema: dict[str, Any] = model.model_json_schema(ref_template=REF)
    _drop_null_defaults(schema)
    _add_defs(defs, schema.pop("$defs", {}))
    return schema


def _add_defs(defs: dict[str, Any], new: dict[str, Any]) -> None:
    """Add named schemas; one name for two different shapes would mislead a client."""
    for name, schema in new.items():
        if defs.setdefault(name, schema) != schema:
            raise ValueError(f"two different schemas are named {name!r}")


def shape_schema(shape: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of an answer's shape (a TypedDict, or a list of one), its named parts
    moved to `defs` and referred to there."""
    schema: dict[str, Any] = TypeAdapter(shape).json_schema(ref_template=REF,
                                                            mode="serialization")
    _add_defs(defs, schema.pop("$defs", {}))
    name = schema.get("title")
    if schema.get("type") == "object" and name:  # a TypedDict: named, so clients name it
        _add_defs(defs, {name: schema})
        return {"$ref": REF.format(model=name)}
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
    error = {"content": {"application/json": {"schema": ERROR_REF}}}
    doc: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "security": _security(op),
        "parameters": params + op.extra_params,
        "responses": {
            str(op.status): {"description": "Successful response", "content": _success(op, defs)},
            **{str(code): {"description": text, **error}
               for code, text in sorted(error_statuses(op).items())},
        },
    }
    if op.scopes:
        doc["x-required-scopes"] = list(op.scopes)
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": _schema(op.body, defs)}}}
    return doc


def _success(op: Operation, defs: dict[str, Any]) -> dict[str, Any]:
    if op.content_type != JSON:
        return {op.content_type: {"schema": {"type": "string"}}}
    return {JSON: {"schema": {
        "type": "object", "required": ["ok", "data"],
        "properties": {"ok": {"const": True}, "data": shape_schema(op.response, defs)}}}}


def error_statuses(op: Operation) -> dict[int, str]:
    """The error statuses `op` can answer, derived from its declaration (plus `op.errors`)."""
    scopes = ", ".join(op.scopes)
    forbidden = {SECURITY_ALL: f"Missing scope ({scopes}) or untrusted Origin",
                 SECURITY_NO_API_KEY: f"An API key (auth_method_not_allowed), or missing scope "
                                      f"({scopes}) or untrusted Origin",
                 }.get(op.security, "An API key (public_api_only) or untrusted Origin")
    found = {401: "Missing, invalid or expired credential", 403: forbidden,
             429: "Rate limited (API keys: requests per window)"}
    writes = method_writes(op.method) if op.idempotent is None else op.idempotent
    if writes:
        found.update({409: "Idempotency-Key reused with another request, or a conflict",
                      413: "Body too large", 415: "Body is not JSON"})
    if op.body is not None:
        found[400] = "Malformed JSON body"
    if _path_names(op.path) or op.query or op.body or op.headers:
        found[404] = "Not found (a record the path, query, body or headers name)"
    if op.query or op.body:
        found[422] = "Validation failed (details.issues)"
    for code in op.errors:
        found.setdefault(code, {400: "Bad request", 422: "Business rule refused"}.get(code, "Error"))
    return found


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def build_document(server_url: str) -> dict[str, Any]:
    """The OpenAPI document of every operation the emulator serves."""
    defs: dict[str, Any] = {}
    shape_schema(ErrorBody, defs)
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


@lru_cache(maxsize=8)
def _document_text(server_url: str, operations: int) -> bytes:
    """The document as sent, built once per base URL (and set of operations): building the
    schemas of every answer takes a moment, and nothing in it changes while serving."""
    return current_app.json.dumps(build_document(server_url)).encode()


@bp.get("/api/v1/openapi.json")
def get_openapi_document() -> Any:
    text = _document_text(runtime().config.public_url, len(OPERATIONS))
    return Response(text, mimetype="application/json")
