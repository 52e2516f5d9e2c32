"""/api/v1/md: the operations (published markdown by id or path, with tenant headers)."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..registry import operation
from .model import TENANT_HEADERS, markdown_by_id, markdown_by_path, tenant_of
from .schemas import MarkdownDocument

bp = Blueprint("md", __name__)


@operation(bp, "/api/v1/md/by-path", "GET", "getMdByPath", "Get root public markdown content",
           "Markdown", scopes=("content:read",), headers=TENANT_HEADERS, cached=True,
           response=MarkdownDocument, errors=(400,))
def get_root_markdown(rt: Runtime, caller: Caller, args: None, *,
                      headers: dict[str, str | None]) -> MarkdownDocument:
    return markdown_by_path(rt, caller, "", tenant_of(headers))


@operation(bp, "/api/v1/md/by-path/<path:path>", "GET", "getMdByPathPath",
           "Get public markdown content by path", "Markdown", scopes=("content:read",),
           headers=TENANT_HEADERS, cached=True, response=MarkdownDocument, errors=(400,))
def get_markdown_by_path(rt: Runtime, caller: Caller, args: None, *,
                         headers: dict[str, str | None], path: str) -> MarkdownDocument:
    return markdown_by_path(rt, caller, path, tenant_of(headers))


@operation(bp, "/api/v1/md/<id>", "GET", "getMdId", "Get public markdown content by ID",
           "Markdown", scopes=("content:read",), headers=TENANT_HEADERS, cached=True,
           response=MarkdownDocument)
def get_markdown(rt: Runtime, caller: Caller, args: None, *,
                 headers: dict[str, str | None], id: str) -> MarkdownDocument:
    return markdown_by_id(rt, caller, id, tenant_of(headers))
