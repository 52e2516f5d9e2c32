"""/api/v1/site/pages: the operations (list, batch create, update, soft delete)."""

from __future__ import annotations

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
    SitePageList,
    SitePagesCreated,
    SitePagesDeleted,
    SitePagesUpdated,
    UpdateSitePagesBody,
)

bp = Blueprint("site_pages", __name__)
PATH = "/api/v1/site/pages"


@operation(bp, PATH, "GET", "getSitePages", "List site pages", "Content",
           scopes=("content:read",), query=ListSitePagesQuery, cached=True, response=SitePageList)
def list_site_pages(rt: Runtime, caller: Caller, args: ListSitePagesQuery) -> SitePageList:
    return list_pages(rt, caller, args)


@operation(bp, PATH, "POST", "postSitePages", "Create site pages", "Content",
           scopes=("content:write",), body=CreateSitePagesBody, response=SitePagesCreated)
def create_site_pages(rt: Runtime, caller: Caller, args: CreateSitePagesBody) -> SitePagesCreated:
    return create_pages(rt, caller, args)


@operation(bp, PATH, "PATCH", "patchSitePages", "Update site pages", "Content",
           scopes=("content:write",), body=UpdateSitePagesBody, response=SitePagesUpdated)
def update_site_pages(rt: Runtime, caller: Caller, args: UpdateSitePagesBody) -> SitePagesUpdated:
    return update_pages(rt, caller, args)


@operation(bp, PATH, "DELETE", "deleteSitePages", "Delete site pages", "Content",
           scopes=("content:write",), body=DeleteSitePagesBody, response=SitePagesDeleted)
def delete_site_pages(rt: Runtime, caller: Caller, args: DeleteSitePagesBody) -> SitePagesDeleted:
    return delete_pages(rt, caller, args)
