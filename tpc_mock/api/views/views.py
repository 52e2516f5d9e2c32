"""/api/v1/views: the operations (list, create)."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..registry import SECURITY_NO_API_KEY, operation
from .model import create_view, list_views
from .schemas import CreateViewBody, View, Views, ViewsQuery

bp = Blueprint("views", __name__)


@operation(bp, "/api/v1/views", "GET", "getViews", "List views", "Views",
           scopes=("analytics:read",), security=SECURITY_NO_API_KEY, query=ViewsQuery,
           response=Views)
def get_views(rt: Runtime, caller: Caller, args: ViewsQuery) -> Views:
    return list_views(rt, caller, args)


@operation(bp, "/api/v1/views", "POST", "postViews", "Create a view", "Views",
           scopes=("analytics:read",), security=SECURITY_NO_API_KEY, body=CreateViewBody,
           status=201, response=View)
def post_views(rt: Runtime, caller: Caller, args: CreateViewBody) -> View:
    return create_view(rt, caller, args)
