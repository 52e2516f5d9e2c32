"""create_app: config, runtime, blueprints, CORS, request ids, the journal and error handlers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

from .config import Config, load_config
from .envelope import ApiError, UnexpectedError, error_for
from .explain import ANSWER, keep_answer
from .jsonprovider import OrjsonProvider
from .requestlog import journal_entry, request_id_for
from .runtime import Runtime
from .web import error_response

HTTP_CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
              405: "METHOD_NOT_ALLOWED", 406: "NOT_ACCEPTABLE", 408: "REQUEST_TIMEOUT",
              409: "CONFLICT", 410: "GONE", 413: "PAYLOAD_TOO_LARGE",
              415: "UNSUPPORTED_MEDIA_TYPE", 422: "UNPROCESSABLE_ENTITY",
              429: "TOO_MANY_REQUESTS", 500: "INTERNAL", 501: "NOT_IMPLEMENTED",
              502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE", 504: "GATEWAY_TIMEOUT"}
HTTP_MESSAGES = {404: "not found", 405: "method not allowed", 413: "payload too large",
                 415: "unsupported media type", 400: "bad request"}
CORS_HEADERS = ["content-type", "x-api-key", "authorization", "idempotency-key",
                "x-request-id", r"x-tpc-.*"]
EXPOSED_HEADERS = ["x-request-id", "retry-after", "x-idempotent-replay"]
log = logging.getLogger("tpc_mock")


class SyncFlask(Flask):
    """Flask for an app without async views: hooks and views are called as they are.

    Flask's `ensure_sync` checks every hook and view for a coroutine on every request
    (ten `inspect` calls per request here); none of this app's functions is async.
    """

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return func


def create_app(config: Config | Mapping[str, Any] | None = None) -> Flask:
    """Build the emulator's Flask app; `config` is a Config or overrides for load_config."""
    if not isinstance(config, Config):
        config = load_config(config)
    app = SyncFlask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body
    app.url_map.merge_slashes = False  # no 308 redirects under /api for `//`
    app.json = OrjsonProvider(app)
    # Blueprint modules first: importing them declares their store indexes.
    from .api import blueprints
    from .api.registry import ResourceId
    from .auth import device, oauth_routes, organization, routes, tokens
    from .dashboard import consent_page, device_page, landing, pages

    api = blueprints()  # before the runtime builds the store

    app.url_map.converters["id"] = ResourceId
    rt = Runtime.from_config(config)
    app.extensions["tpc_mock"] = rt
    for blueprint in (*api, routes.bp, device.bp, tokens.bp, pages.bp, device_page.bp,
                      landing.bp, organization.bp, oauth_routes.bp, consent_page.bp):
        app.register_blueprint(blueprint)
    if config.control:
        from . import console, control

        app.register_blueprint(control.bp)
        app.register_blueprint(console.bp)

    app.after_request(_full_allow_headers)  # registered first, so it runs after flask-cors
    CORS(app, resources={r"/api/*": {}}, origins=list(config.cors_origins),
         supports_credentials=True, allow_headers=CORS_HEADERS, expose_headers=EXPOSED_HEADERS,
         methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
         vary_header=False, always_send=False)  # _finish_request adds Vary: Origin once
    _skip_cors_without_origin(app)

    from . import guard

    app.before_request(_assign_request_id)
    guard.init_app(app)  # Host and /__mock checks, before any injected fault
    app.before_request(rt.sweeper.before_request)  # expired codes and sessions, when due
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    from .fastread import FastRead

    app.wsgi_app = FastRead(app, rt)  # type: ignore[method-assign]  # last: it reads the hooks
    return app


def _skip_cors_without_origin(app: Flask) -> None:
    """flask-cors adds nothing to an answer whose request has no Origin (always_send is
    off), yet matches the path and formats its debug log on every request; skip it then."""
    funcs = app.after_request_funcs[None]
    for index, func in enumerate(funcs):
        if func.__name__ == "cors_after_request":
            def only_with_origin(response: Response, cors: Any = func) -> Response:
                if "Origin" in request.headers:
                    cors_response: Response = cors(response)
                    return cors_response
                return response

            funcs[index] = only_with_origin


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith(("/api/", "/__mock"))


def _assign_request_id() -> None:
    g.request_id = request_id_for(request.environ)
    g.started = time.monotonic()


def _start_request() -> Response | None:
    req = request._get_current_object()  # type: ignore[attr-defined]
    path, method = req.path, req.method
    if path.startswith("/__mock") or method == "OPTIONS":
        return None
    rt: Runtime = _runtime()
    if not rt.faults:  # the usual case: nothing injected, nothing to lock
        return None
    with rt.fault_lock:
        fault = next((f for f in rt.faults if f.matches(method, path)), None)
        if fault is not None and fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                rt.faults.remove(fault)
    if fault is None:
        return None
    failing = bool(fault.status and fault.status >= 400)
    view = current_app.view_functions.get(request.endpoint or "")
    if (fault.delay_ms and not failing and request.headers.get("Idempotency-Key")
            and getattr(view, "tpc_idempotent", False)):
        g.tpc_stall_ms = fault.delay_ms  # stall after claiming the key: "still in flight"
    elif fault.delay_ms:
        time.sleep(fault.delay_ms / 1000)
    if failing:
        code = fault.code or HTTP_CODES.get(fault.status) or (
            "BAD_REQUEST" if fault.status < 500 else "INTERNAL")
        g.tpc_reason = "injected fault"
        g.tpc_fault = fault.id
        message = fault.message or f"injected fault: {code.lower()}"
        return error_response(error_for(code, message, fault.status))
    return None


def _runtime() -> Runtime:
    from flask import current_app

    rt: Runtime = current_app.extensions["tpc_mock"]
    return rt


def _full_allow_headers(response: Response) -> Response:
    """A preflight lists every allowed header, not only the ones the browser asked for."""
    if (request.method == "OPTIONS" and "Access-Control-Allow-Origin" in response.headers
            and request.headers.get("Access-Control-Request-Method")):
        asked = [h.strip().lower() for h in
                 request.headers.get("Access-Control-Request-Headers", "").split(",")]
        names = [*CORS_HEADERS[:-1], "x-tpc-*", *(h for h in asked if h.startswith("x-tpc-"))]
        response.headers["Access-Control-Allow-Headers"] = ", ".join(dict.fromkeys(names))
    return response


def _finish_request(response: Response) -> Response:
    req = request._get_current_object()  # type: ignore[attr-defined]
    state = g._get_current_object()  # type: ignore[attr-defined]
    path, method, headers = req.path, req.method, response.headers
    request_id = headers["x-request-id"] = state.get("request_id") or request_id_for({})
    if _is_api(path):
        # flask-cors varies on Origin only when several origins are configured.
        if "Vary" in headers:
            response.vary.add("Origin")
        else:
            headers["Vary"] = "Origin"
    if path.startswith("/__mock") or method == "OPTIONS":
        return response
    rt = _runtime()
    status, started = response.status_code, state.get("started", 0.0)
    entry = journal_entry(rt, req.environ, request_id=request_id, method=method, path=path,
                          status=status, caller=state.get("tpc_caller"), started=started,
                          reason=state.get("tpc_reason"), error=state.get("tpc_error"),
                          fault_id=state.get("tpc_fault"))
    if status >= 400 or rt.console_until > started:  # answers kept while a console looks
        answer = keep_answer(path, response)
        if answer is not None:
            entry[ANSWER] = answer
    rt.journal.append(entry)
    return response


def _api_error(exc: ApiError) -> Response:
    g.tpc_reason = exc.reason
    g.tpc_error = exc
    if exc.caller is not None and g.get("tpc_caller") is None:
        g.tpc_caller = exc.caller
    return error_response(exc)


def _http_error(exc: HTTPException) -> Response | HTTPException:
    status = exc.code or 500
    if not _is_api(request.path):
        return exc  # an HTML page keeps Werkzeug's own error page
    code = HTTP_CODES.get(status, "INTERNAL")
    message = HTTP_MESSAGES.get(status, (exc.description or code).split(".")[0].lower())
    g.tpc_reason = message
    headers: dict[str, str] = {}
    if status == 405:
        allow = exc.get_response().headers.get("Allow")
        if allow:
            headers["Allow"] = allow
    return error_response(error_for(code, message, status, headers))


def _unexpected_error(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    g.tpc_reason = "internal error"
    return error_response(UnexpectedError())
