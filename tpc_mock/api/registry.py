"""Operations: one declaration drives the Flask route, validation and the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint
from pydantic import BaseModel
from werkzeug.routing import BaseConverter

# Who may call: every credential, no API keys, internal (no API keys, not in TPC's
# public document), or markdown (keys in either header).
SECURITY_ALL = "all"
SECURITY_NO_API_KEY = "no-api-key"
SECURITY_INTERNAL = "internal"


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    scopes: tuple[str, ...] = ()
    security: str = SECURITY_ALL
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    headers: tuple[str, ...] = ()
    content_type: str = "application/json"
    extra_params: list[dict[str, Any]] = field(default_factory=list)


class ResourceId(BaseConverter):
    """A path id that is never one of the API's fixed words, so that a wrong method on
    `/content/by-path` or `/routes/batch` is 405, not a lookup of an id named so."""

    regex = r"(?!(?:by-path|batch|import-preview)$)[^/]+"


OPERATIONS: list[Operation] = []
_BY_ID: dict[str, Operation] = {}


def operation_for(endpoint: str | None) -> Operation | None:
    """The declared operation behind a Flask endpoint (`blueprint.operationId`)."""
    return _BY_ID.get((endpoint or "").rsplit(".", 1)[-1])


def openapi_path(rule: str) -> str:
    """`/api/v1/md/<path:path>` -> `/api/v1/md/{path}`."""
    return re.sub(r"<(?:[a-z]+:)?([A-Za-z_]+)>", r"{\1}", rule)


def operation(
    bp: Blueprint, rule: str, method: str, operation_id: str, summary: str, tag: str, **meta: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view under `rule` and record it for the OpenAPI document."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        op = Operation(method, openapi_path(rule), operation_id, summary, tag, **meta)
        OPERATIONS.append(op)
        _BY_ID[operation_id] = op
        bp.add_url_rule(rule, endpoint=operation_id, view_func=view, methods=[method])
        return view

    return decorate
