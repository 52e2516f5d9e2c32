"""Idempotency for the API's writes: a repeated `Idempotency-Key` replays the stored answer.

It checks a replay against the operation's declared scopes (`tpc_scopes`, which the
registry puts on the view it registers), so it lives in the API layer with the registry.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, g, request

from ..auth.resolve import Caller
from ..envelope import Conflict, UnsupportedMediaType
from ..jsonbody import loads_body
from ..runtime import Runtime
from ..web import current_caller, runtime

F = TypeVar("F", bound=Callable[..., Any])


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
        caller = current_caller(wrapper.tpc_scopes)  # type: ignore[attr-defined]  # a replay too
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
    wrapper.tpc_scopes = ()  # type: ignore[attr-defined]  # the registry declares them
    return wrapper  # type: ignore[return-value]
