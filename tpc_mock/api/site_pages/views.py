"""/api/v1/site/pages: the operations (list, batch create, update, soft delete)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..registry import operation
from .batch_model import create_pages, delete_pages, update_pages
from .model import list_pages
from .schemas import (
    CreateSitePagesBody,
    DeleteSitePagesBody,
    ListSitePagesQuery,
    UpdateSitePagesBody,
)

bp = Blueprint("site_pages", __name__)
PATH = "/api/v1/site/pages"


@operation(bp, PATH, "GET", "getSitePages", "List site pages", "Content",
           scopes=("content:read",), query=ListSitePagesQuery, cached=True)
def list_site_pages(rt: Runtime, caller: Caller, args: ListSitePagesQuery) -> dict[str, Any]:
    return list_pages(rt, caller, args)


@operation(bp, PATH, "POST", "postSitePages", "Create site pages", "Content",
           scopes=("content:write",), body=CreateSitePagesBody)
def create_site_pages(rt: Runtime, caller: Caller, args: CreateSitePagesBody) -> dict[str, Any]:
    return create_pages(rt, caller, args)


@operation(bp, PATH, "PATCH", "patchSitePages", "Update site pages", "Content",
           scopes=("content:write",), body=UpdateSitePagesBody)
def update_site_pages(rt: Runtime, caller: Caller, args: UpdateSitePagesBody) -> dict[str, Any]:
    return update_pages(rt, caller, args)


@operation(bp, PATH, "DELETE", "deleteSitePages", "Delete site pages", "Content",
           scopes=("content:write",), body=DeleteSitePagesBody)
def delete_site_pages(rt: Runtime, caller: Caller, args: DeleteSitePagesBody) -> dict[str, Any]:
    return delete_pages(rt, caller, args)
