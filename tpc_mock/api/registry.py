"""Operations: one declaration drives the Flask route, the caller and scope check, validation,
idempotency, the envelope and the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, request
from pydantic import BaseModel
from werkzeug.datastructures import Headers
from werkzeug.routing import BaseConverter

from ..auth.resolve import Caller, reject_api_keys, require
from ..envelope import ok
from ..runtime import Runtime
from ..web import cached_read, current_caller, json_body, query_args, runtime, validate
from .idempotent import idempotent

# Who may call: every credential, no API keys, internal (no API keys, not in TPC's
# public document), or markdown (keys in either header).
SECURITY_ALL = "all"
SECURITY_NO_API_KEY = "no-api-key"
SECURITY_INTERNAL = "internal"
JSON = "application/json"


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
    content_type: str = JSON  # anything else: the handler returns the text to send
    extra_params: list[dict[str, Any]] = field(default_factory=list)
    cached: bool = False  # a read answered from the read cache while nothing is written
    idempotent: bool | None = None  # Idempotency-Key replays; None: every write
    status: int = 200  # a handler's success status
    # The shape of the answer's `data` (a TypedDict from the resource's schemas, or a list of
    # one); the OpenAPI document's 2xx schema comes from it. Required for a JSON answer.
    response: Any = None
    errors: tuple[int, ...] = ()  # error statuses the declaration does not show
    # The function `operation` registered, whose return annotation is `response` (a test
    # holds the two together).
    handler: Callable[..., Any] | None = field(default=None, repr=False, compare=False)


class ResourceId(BaseConverter):
    """A path id that is never one of the API's fixed words, so that a wrong method on
    `/content/by-path` or `/routes/batch` is 405, not a lookup of an id named so."""

    regex = r"(?!(?:by-path|batch|import-preview)$)[^/]+"


OPERATIONS: list[Operation] = []


def openapi_path(rule: str) -> str:
    """`/api/v1/md/<path:path>` -> `/api/v1/md/{path}`."""
    return re.sub(r"<(?:[a-z]+:)?([A-Za-z_]+)>", r"{\1}", rule)


def operation(
    bp: Blueprint, rule: str, method: str, operation_id: str, summary: str, tag: str, **meta: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the handler of an operation under `rule` and record it for the OpenAPI document.

    The handler takes `(rt, caller, args, **path)` and gets everything the declaration says:
    the caller resolved and held to `security` and `scopes`, `args` validated from `query` or
    `body` (else None), the request headers it declares as `headers=`, idempotency for
    writes, the read cache when `cached`. It returns data, which is wrapped in `ok(...)` and
    answered with `status` (or text, sent as `content_type` when that is not JSON).
    """

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        op = Operation(method, openapi_path(rule), operation_id, summary, tag, handler=handler,
                       **meta)
        view = _handled(op, handler)  # refuses a declaration it cannot serve, before recording it
        OPERATIONS.append(op)
        view.tpc_scopes = op.scopes  # type: ignore[attr-defined]  # what idempotency replays check
        bp.add_url_rule(rule, endpoint=operation_id, view_func=view, methods=[method])
        return handler

    return decorate


def _args(op: Operation) -> Any:
    """The operation's validated input: its query model, else its body model, else None."""
    if op.query is not None:
        return query_args(op.query)
    if op.body is not None:
        return validate(op.body, json_body())
    return None


def _handled(op: Operation, handler: Callable[..., Any]) -> Callable[..., Any]:
    """The Flask view that runs `handler` the way `op` declares."""
    if op.query is not None and op.body is not None:
        raise TypeError(f"{op.operation_id}: a handler takes a query or a body model, not both")
    if (op.response is None) == (op.content_type == JSON):
        raise TypeError(f"{op.operation_id}: a JSON answer declares its shape as `response=`, "
                        "a text answer none")
    scopes = list(op.scopes)

    def answer(caller: Caller, path: dict[str, Any]) -> Any:
        data = run_handler(op, runtime(), caller, _args(op), request.headers, path)
        if op.content_type != JSON:  # a text answer, as it is, outside the envelope
            return Response(data, status=op.status, mimetype=op.content_type)
        body = ok(data)
        return (body, op.status) if op.status != 200 else body

    def view(**path: Any) -> Any:
        caller = _caller(op.security, scopes)
        if op.cached:  # looked up after the caller is resolved; input validated on a miss
            return cached_read(caller, lambda: answer(caller, path))
        return answer(caller, path)

    view.__name__ = view.__qualname__ = handler.__name__
    view.__doc__ = handler.__doc__
    view.tpc_operation = op  # type: ignore[attr-defined]  # what fastread serves by
    writes = method_writes(op.method) if op.idempotent is None else op.idempotent
    return idempotent(view) if writes else view


def run_handler(op: Operation, rt: Runtime, caller: Caller, args: Any,
                headers: Headers, path: Mapping[str, Any]) -> Any:
    """The data `op`'s handler answers with, given its validated `args` and the request's
    `headers` (it gets those it declares)."""
    assert op.handler is not None
    extra = {"headers": {n: headers.get(n) for n in op.headers}} if op.headers else {}
    return op.handler(rt, caller, args, **extra, **path)


def _caller(security: str, scopes: Sequence[str]) -> Caller:
    """The request's caller, refused when `security` excludes its kind or it lacks `scopes`."""
    return admit(current_caller(), security, scopes)


def admit(caller: Caller, security: str, scopes: Sequence[str]) -> Caller:
    """`caller`, or the error when `security` excludes its kind or it lacks `scopes`."""
    if security == SECURITY_ALL:
        return require(caller, scopes)
    if security == SECURITY_NO_API_KEY:  # refused before any scope check
        reject_api_keys(caller, "auth_method_not_allowed")
    else:
        reject_api_keys(caller)
    return require(caller, scopes)


def method_writes(method: str) -> bool:
    """Whether an operation with this method changes something (and so takes idempotency)."""
    return method not in ("GET", "HEAD", "OPTIONS")
