"""Flask glue shared by the blueprints: the runtime, the caller, bodies, validation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pydantic
from flask import Flask, Response, current_app, g, has_request_context, request

from .auth.resolve import Caller, require, resolve_caller
from .envelope import (
    ApiError,
    BadRequest,
    Forbidden,
    UnsupportedMediaType,
    ValidationError,
)
from .jsonbody import loads_body
from .readcache import read_key
from .runtime import Runtime

M = TypeVar("M", bound=pydantic.BaseModel)
# environ key of the caller (or the error) that `fastread` resolved before handing over
RESOLVED_CALLER = "tpc_mock.resolved_caller"


def runtime() -> Runtime:
    """The Runtime of the current app."""
    rt: Runtime = current_app.extensions["tpc_mock"]
    return rt


def error_response(error: ApiError, path: str | None = None, app: Flask | None = None) -> Response:
    """The one place an error becomes an answer, on every path (/api/v1, /api/auth, /__mock,
    HTML pages): the body the error gives for the path, its status and its headers.

    `path` and `app` default to the request's; `fastread` passes them, outside Flask.
    """
    app = app or current_app
    response: Response = app.json.response(  # type: ignore[assignment]  # app.response_class
        error.body_on(request.path if path is None else path))
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


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
        resolved = request.environ.pop(RESOLVED_CALLER, None)  # by fastread, which gave way
        if isinstance(resolved, BaseException):
            raise resolved
        if resolved is None:
            cookies = request.cookies if "HTTP_COOKIE" in request.environ else {}
            resolved = resolve_caller(rt, request.headers, cookies)
        caller = g.tpc_caller = resolved
        if caller.kind == "session" and request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("Origin")
            if origin not in trusted_origins(rt):
                raise Forbidden("invalid_origin", reason=f"untrusted origin {origin!r}")
    return require(caller, scopes)


def cached_read(caller: Caller, answer: Callable[[], Any]) -> Any:
    """The view's `answer()`, or the same bytes it gave while nothing has been written since.

    The key holds everything the answer depends on (`readcache.read_key`). A hit that
    `fastread` can see never reaches here; this serves the rest (an `Origin`, an open
    console) and fills the cache.
    """
    rt = runtime()
    req = request._get_current_object()  # type: ignore[attr-defined]
    key = read_key(req.endpoint, req.query_string, req.view_args, caller.org_ids, req.environ)
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


# pydantic's messages that speak Python: a JSON object is no "dictionary or instance of
# NewPage" to a client of a TypeScript service, and "Value error," names a Python exception.
# They get the words of the JSON type, in the style of pydantic's other messages.
OBJECT_EXPECTED = "Input should be an object"
_OBJECT_ERRORS = frozenset({"model_type", "model_attributes_type", "dict_type", "dataclass_type",
                            "dataclass_exact_type"})
_RAISED_ERRORS = frozenset({"value_error", "assertion_error"})  # a validator's own words


def _message(err: Any) -> str:
    """The issue message of one pydantic error, without the emulator's class names."""
    if err["type"] in _OBJECT_ERRORS:
        return OBJECT_EXPECTED
    if err["type"] in _RAISED_ERRORS:
        return str(err["ctx"]["error"])
    return str(err["msg"])


def _issues(exc: pydantic.ValidationError) -> list[dict[str, str]]:
    return [
        {"path": ".".join(str(p) for p in err["loc"]), "message": _message(err)}
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


def query_args(model: type[M], args: Any = None) -> M:
    """Validate the query string's `args` (the request's by default; first value of each
    name) against `model`."""
    args = request.args if args is None else args
    return validate(model, {k: v for k, v in args.items()}, strict=False)
