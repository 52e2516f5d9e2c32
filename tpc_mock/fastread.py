"""Reads of cached operations answered in front of Flask: the same checks, bytes and journal.

A read operation (`cached=True`: the site-pages list, markdown) is most of what clients
send, and Flask's part of such a request (request context, URL matching, ten hooks, a
Response) cost more than the answer itself. This WSGI layer serves those reads with the
functions the Flask path uses, in its order: the Host (`guard`), no sweep due and no
fault injected, the route, the caller (`resolve_caller`: lastRequest, the rate limit), its
security and scopes (`registry.admit`), the cached bytes (`readcache.read_key`) or else the
handler's answer (`registry.run_handler`, query validated by `web.query_args`, bytes by
the app's JSON provider, then cached), and the request id and journal entry (`requestlog`)
with the headers `_finish_request` gives. An ApiError on the way (401, 403, 404, 422, 429)
is answered by `web.error_response`, the one renderer, and journaled as `app._api_error`
has it.

At the first thing it does not handle (another method, an `Origin`, an open console, an
answer other than a 200, an unexpected exception) it hands the request to Flask
untouched; a read has nothing to undo, so the view simply runs again there. A caller it
already resolved, or the exception resolving it raised, goes along in the environ
(`web.RESOLVED_CALLER`), so no credential is resolved twice and the rate limit counts
each request once. It serves only
while the app's hooks are the ones it knows leave such an answer alone (`HOOKS`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Request

from .api.registry import JSON, Operation, admit, run_handler
from .auth.resolve import Caller, resolve_caller
from .envelope import ApiError, ok
from .explain import ANSWER, keep_answer
from .guard import allowed_host_names, host_is_allowed
from .readcache import read_key
from .requestlog import journal_entry, request_id_for
from .runtime import Runtime
from .web import RESOLVED_CALLER, error_response, query_args

StartResponse = Callable[..., Any]
Route = tuple[Operation, str, dict[str, Any]]
ROUTES_KEPT = 4096  # paths remembered (md/{path} takes any path: bounded)

# App-wide hooks that leave a 200 GET under /api/v1 without an Origin as it is (or, before
# the view, that fastread runs itself). A hook added to the app turns fastread off until it
# is reviewed and listed here (`test_fastread` checks it is on); a blueprint with hooks of
# its own keeps its routes on Flask.
HOOKS = {
    "before": ("enforce_trusted_origin", "_assign_request_id", "refuse_foreign_host",
               "guard_control_api", "before_request", "_start_request"),
    "after": ("expose_auth_token", "retry_after_on_injected_429", "_full_allow_headers",
              "only_with_origin", "_finish_request"),
}


def known_hooks(app: Flask) -> bool:
    """True when the app-wide request hooks are exactly those fastread accounts for."""
    before = [f.__name__ for f in app.before_request_funcs.get(None, ())]
    after = [f.__name__ for f in app.after_request_funcs.get(None, ())]
    return (before == list(HOOKS["before"]) and after == list(HOOKS["after"])
            and not app.url_value_preprocessors.get(None)
            and not app.teardown_request_funcs.get(None))


def _hooked_blueprints(app: Flask) -> set[str]:
    """Blueprints with hooks of their own: their routes are left to Flask."""
    tables = (app.before_request_funcs, app.after_request_funcs,
              app.url_value_preprocessors, app.teardown_request_funcs)
    return {name for table in tables for name, funcs in table.items() if name and funcs}


class FastRead:
    """The app's WSGI entry: cached reads answered here, everything else by Flask."""

    def __init__(self, app: Flask, rt: Runtime) -> None:
        self.flask = app.wsgi_app
        self.rt = rt
        self.enabled = known_hooks(app)
        self._app = app
        self._views = app.view_functions
        self._hooked = _hooked_blueprints(app)
        self._adapter = app.url_map.bind("localhost")  # path-only: no host or subdomain rules
        self._routes: dict[str, Route | None] = {}
        self._json = app.json.mimetype  # type: ignore[attr-defined]
        self._dumps = app.json.body  # type: ignore[attr-defined]  # OrjsonProvider's bytes
        self._debug = app.debug

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        rt = self.rt
        if (not self.enabled or environ.get("REQUEST_METHOD") != "GET"
                or "HTTP_ORIGIN" in environ or rt.faults):
            return self.flask(environ, start_response)
        started = time.monotonic()
        route = self._route(environ.get("PATH_INFO", ""))
        if (route is None or rt.console_until > started or rt.sweeper.due()
                or not host_is_allowed(environ.get("HTTP_HOST", ""),
                                       allowed_host_names(rt.config))):
            return self.flask(environ, start_response)
        op, endpoint, view_args = route
        try:
            cookie = environ.get("HTTP_COOKIE")
            caller = resolve_caller(rt, EnvironHeaders(environ),
                                    parse_cookie(cookie) if cookie else {})
        except ApiError as exc:  # 401, 429: refused as the Flask path refuses
            return self._refuse(environ, start_response, exc, exc.caller, started)
        except Exception as exc:  # noqa: BLE001  # Flask raises it where it would have:
            # its 500 and log line, and the credential checked once
            environ[RESOLVED_CALLER] = exc
            return self.flask(environ, start_response)
        try:
            admit(caller, op.security, op.scopes)
            key = read_key(endpoint, environ.get("QUERY_STRING", "").encode("latin-1"),
                           view_args, caller.org_ids, environ)
            version = rt.store.version  # before the answer is worked out, as web.cached_read
            body = rt.reads.get(key, version)
            if body is None:
                body = self._answer(op, environ, caller, view_args)
                if body is None:
                    environ[RESOLVED_CALLER] = caller
                    return self.flask(environ, start_response)
                rt.reads.put(key, version, body)
        except ApiError as exc:
            return self._refuse(environ, start_response, exc, caller, started)
        request_id = request_id_for(environ)
        start_response("200 OK", [("Content-Type", self._json),
                                  ("Content-Length", str(len(body))),
                                  ("x-request-id", request_id), ("Vary", "Origin")])
        rt.journal.append(journal_entry(
            rt, environ, request_id=request_id, method="GET", path=_path(environ),
            status=200, caller=caller, started=started))
        return [body]

    def _answer(self, op: Operation, environ: dict[str, Any], caller: Caller,
                view_args: dict[str, Any]) -> bytes | None:
        """The body the view answers with 200 (its ApiError raised as it is), or None to leave it
        to Flask: an answer that is not a plain 200 JSON one, or an unexpected error (the
        view raises it again there, with its 500 and log line; a read has nothing to undo)."""
        if op.content_type != JSON or op.status != 200 or op.body is not None or self._debug:
            return None
        request = Request(environ)
        try:
            args = query_args(op.query, request.args) if op.query is not None else None
            data = run_handler(op, self.rt, caller, args, request.headers, view_args)
            return self._dumps(ok(data))
        except ApiError:
            raise
        except Exception:  # noqa: BLE001
            return None

    def _refuse(self, environ: dict[str, Any], start_response: StartResponse, error: ApiError,
                caller: Caller | None, started: float) -> Iterable[bytes]:
        """The error as the Flask path answers and journals it (`app._api_error`, then
        `_finish_request`): the one renderer, the answer kept for the console."""
        path = _path(environ)
        response = error_response(error, path, self._app)
        request_id = response.headers["x-request-id"] = request_id_for(environ)
        response.headers["Vary"] = "Origin"
        entry = journal_entry(self.rt, environ, request_id=request_id, method="GET", path=path,
                              status=error.status, caller=caller, started=started,
                              reason=error.reason, error=error)
        answer = keep_answer(path, response)
        if answer is not None:
            entry[ANSWER] = answer
        self.rt.journal.append(entry)
        return response(environ, start_response)

    def _route(self, path_info: str) -> Route | None:
        """The cached operation at this path, with its endpoint and path values, or None."""
        if path_info in self._routes:
            return self._routes[path_info]
        route: Route | None = None
        try:
            endpoint, view_args = self._adapter.match(_decoded(path_info), method="GET")
        except HTTPException:  # 404, 405, or a redirect (RequestRedirect): Flask answers it
            pass
        else:
            op = getattr(self._views.get(endpoint), "tpc_operation", None)
            blueprints = endpoint.split(".")[:-1]  # nested: "parent.child.view"
            hooked = any(".".join(blueprints[:n]) in self._hooked
                         for n in range(1, len(blueprints) + 1))
            if isinstance(op, Operation) and op.cached and not hooked:
                route = (op, endpoint, dict(view_args))
        if len(self._routes) >= ROUTES_KEPT:
            self._routes.clear()
        self._routes[path_info] = route
        return route


def _decoded(path_info: str) -> str:
    """PATH_INFO as Werkzeug reads it (WSGI gives bytes as latin-1; the URL is UTF-8)."""
    return path_info.encode("latin-1").decode("utf-8", "replace")


def _path(environ: dict[str, Any]) -> str:
    """`request.path`, as Flask's journal entry names it."""
    return "/" + _decoded(environ.get("PATH_INFO", "")).lstrip("/")
