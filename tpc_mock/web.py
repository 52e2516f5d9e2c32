"""Flask glue shared by the blueprints: the runtime, the caller, bodies, validation."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pydantic
from flask import Response, current_app, g, has_request_context, jsonify, request

from .api.registry import operation_for
from .auth.resolve import Caller, require, resolve_caller
from .envelope import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    UnsupportedMediaType,
    ValidationError,
)
from .jsonbody import loads_body
from .runtime import Runtime

M = TypeVar("M", bound=pydantic.BaseModel)
F = TypeVar("F", bound=Callable[..., Any])


def runtime() -> Runtime:
    """The Runtime of the current app."""
    rt: Runtime = current_app.extensions["tpc_mock"]
    return rt


def trusted_origins(rt: Runtime) -> set[str]:
    """Origins allowed to send cookie-carrying writes: the CORS list and the server itself.

    "The server itself" is the configured base URL and, inside a request, the origin the
    client actually reached (a page served by tpc-mock calling tpc-mock is same-origin).
    """
    trusted = set(rt.config.cors_origins) | {rt.config.public_url}
    if has_request_context():
        trusted.add(request.host_url.rstrip("/"))
    return trusted


def current_caller(scopes: Iterable[str] = ()) -> Caller:
    """Resolve (once per request) and scope-check the caller."""
    caller: Caller | None = g.get("tpc_caller")
    if caller is None:
        rt = runtime()
        caller = resolve_caller(rt, request.headers, request.cookies)
        g.tpc_caller = caller
        if caller.kind == "session" and request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("Origin")
            if origin not in trusted_origins(rt):
                raise Forbidden("invalid_origin", reason=f"untrusted origin {origin!r}")
    return require(caller, scopes)


def cached_read(caller: Caller, answer: Callable[[], Any]) -> Any:
    """The view's `answer()`, or the same bytes it gave while nothing has been written since.

    The key holds everything a read operation's answer depends on: the operation, its
    path and query, the organizations the caller reaches, and the tenant headers.
    """
    rt = runtime()
    req = request._get_current_object()  # type: ignore[attr-defined]
    key = (req.endpoint, req.query_string, tuple(sorted((req.view_args or {}).items())),
           caller.org_ids, tuple(sorted((k, v) for k, v in req.environ.items()
                                        if k.startswith("HTTP_X_TPC_"))))
    version = rt.store.version
    body = rt.reads.get(key, version)
    if body is not None:
        return current_app.response_class(body, mimetype=current_app.json.mimetype)  # type: ignore[attr-defined]
    response = current_app.make_response(answer())
    if response.status_code == 200:
        rt.reads.put(key, version, response.get_data())
    return response


def json_body() -> Any:
    """The request's JSON body: 415 when it is not JSON, 400 when it is malformed."""
    if not request.is_json:
        raise UnsupportedMediaType("unsupported media type: send application/json")
    raw = request.get_data(cache=True)
    try:
        return loads_body(raw) if raw else None
    except (ValueError, RecursionError) as exc:
        raise BadRequest("malformed JSON body", {"error": str(exc)[:200]}) from exc


def _issues(exc: pydantic.ValidationError) -> list[dict[str, str]]:
    return [
        {"path": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
        for err in exc.errors(include_url=False)
    ]


def validate(model: type[M], data: Any, *, strict: bool = True) -> M:
    """Validate `data` against `model`; 422 VALIDATION_ERROR with details.issues on failure."""
    if data is None:
        data = {}
    try:
        return model.model_validate(data, strict=strict)
    except pydantic.ValidationError as exc:
        raise ValidationError("validation failed", {"issues": _issues(exc)}) from exc
    except (RecursionError, ValueError, TypeError) as exc:
        raise ValidationError("validation failed", {"issues": [{"path": "", "message": str(exc)}]})


def query_args(model: type[M]) -> M:
    """Validate the query string (first value of each name) against `model`."""
    return validate(model, {k: v for k, v in request.args.items()}, strict=False)


def _body_or_none() -> Any:
    """The JSON body if it parses, else None: the view itself answers 400 or 415 for it."""
    if not request.is_json:
        return None
    try:
        return loads_body(request.get_data(cache=True))
    except (ValueError, RecursionError):  # get_json(silent=True) lets RecursionError out
        return None


def _idempotency_scope(rt: Runtime, caller: Caller) -> str:
    """The organization a write targets: the key's, else the product's or app's, else the user."""
    if caller.organization_id:
        return caller.organization_id
    body = _body_or_none()
    product_id = body.get("productId") if isinstance(body, dict) else None
    app_id = (request.view_args or {}).get("appId")
    target = (rt.store.get("products", product_id) if isinstance(product_id, str) else None) or (
        rt.store.get("apps", app_id) if isinstance(app_id, str) else None)
    return str(target["organizationId"]) if target else f"user:{caller.user_id}"


def idempotent(view: F) -> F:
    """Replay a stored success for a repeated `Idempotency-Key` (409 on a mismatch).

    Non-GET operations wear it, so it also refuses a body that is not JSON (415).
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_caller()  # 401 before 415, as the views order them
        if request.content_length and not request.is_json:
            raise UnsupportedMediaType("unsupported media type: send application/json")
        key = request.headers.get("Idempotency-Key")
        if not key:
            return view(*args, **kwargs)
        op = operation_for(request.endpoint)
        caller = current_caller(op.scopes if op else ())  # a replay is scope-checked too
        rt = runtime()
        rule = request.url_rule.rule if request.url_rule else request.path
        slot = (key, rule, request.method, _idempotency_scope(rt, caller))
        claim = rt.idempotency.begin(slot, rt.idempotency.body_hash(request.get_data(cache=True)))
        if claim == "conflict":
            raise Conflict("idempotency key reused with a different request or still in flight")
        if not isinstance(claim, str):
            replay = Response(claim.response, status=claim.status or 200,
                              mimetype="application/json")
            replay.headers["x-idempotent-replay"] = "true"
            return replay
        stall = g.pop("tpc_stall_ms", 0)  # an injected delay, taken while the key is claimed
        if stall:
            time.sleep(stall / 1000)
        status = 500
        try:
            response = current_app.make_response(view(*args, **kwargs))
            status = response.status_code
            rt.idempotency.finish(slot, status, response.get_data())
            return response
        except BaseException:
            rt.idempotency.finish(slot, status, b"")
            raise

    wrapper.tpc_idempotent = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def error_response(exc: ApiError, body: dict[str, Any]) -> Response:
    """A JSON error response with the error's status and headers."""
    response = jsonify(body)
    response.status_code = exc.status
    for name, value in exc.headers.items():
        response.headers[name] = value
    return response
