"""/api/v1/content: the operations (one page by id or path, its edits and domains; search and
count per organization)."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..registry import operation
from .model import (
    content_by_path,
    org_pages,
    reachable_page,
    replace_content,
    search_content,
    update_domains,
    update_priority,
)
from .schemas import (
    ContentByPath,
    ContentByPathQuery,
    ContentCount,
    ContentDomains,
    ContentDomainsBody,
    ContentRecord,
    ContentSearchResult,
    ContentText,
    PatchContentBody,
    PutContentBody,
    SearchContentBody,
)

bp = Blueprint("content", __name__)
ONE = "/api/v1/content/<id:id>"


@operation(bp, ONE, "GET", "getContentId", "Get content", "Content", scopes=("content:read",),
           response=ContentText)
def get_content(rt: Runtime, caller: Caller, args: None, *, id: str) -> ContentText:
    page = reachable_page(rt, caller, id)
    return {"id": page["id"], "title": page["title"], "content": page.get("content") or ""}


@operation(bp, ONE, "PUT", "putContentId", "Replace content", "Content",
           scopes=("content:write",), body=PutContentBody, response=ContentRecord)
def put_content(rt: Runtime, caller: Caller, args: PutContentBody, *, id: str) -> ContentRecord:
    return replace_content(rt, caller, id, args)


@operation(bp, ONE, "PATCH", "patchContentId", "Update content", "Content",
           scopes=("content:write",), body=PatchContentBody, response=ContentRecord)
def patch_content(rt: Runtime, caller: Caller, args: PatchContentBody, *,
                  id: str) -> ContentRecord:
    return update_priority(rt, caller, id, args)


@operation(bp, "/api/v1/content/by-path", "GET", "getContentByPath", "Get content by path",
           "Content", scopes=("content:read",), query=ContentByPathQuery, response=ContentByPath)
def get_content_by_path(rt: Runtime, caller: Caller, args: ContentByPathQuery) -> ContentByPath:
    return content_by_path(rt, caller, args)


@operation(bp, "/api/v1/content/<id>/domains", "PATCH", "patchContentIdDomains",
           "Update content domains", "Content", scopes=("content:write",), body=ContentDomainsBody,
           response=ContentDomains)
def patch_content_domains(rt: Runtime, caller: Caller, args: ContentDomainsBody, *,
                          id: str) -> ContentDomains:
    return update_domains(rt, caller, id, args)


@operation(bp, "/api/v1/content/search/<orgId>", "POST", "postContentSearchOrgId",
           "Search content", "Content", scopes=("content:read",), body=SearchContentBody,
           response=ContentSearchResult)
def post_content_search(rt: Runtime, caller: Caller, args: SearchContentBody, *,
                        orgId: str) -> ContentSearchResult:
    return search_content(rt, caller, orgId, args)


@operation(bp, "/api/v1/content/count/<orgId>", "GET", "getContentCountOrgId", "Count content",
           "Content", scopes=("content:read",), response=ContentCount)
def get_content_count(rt: Runtime, caller: Caller, args: None, *, orgId: str) -> ContentCount:
    return {"count": len(org_pages(rt, caller, orgId))}
