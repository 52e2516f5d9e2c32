"""/api/v1/md over the store: published markdown by id or path, held to the tenant headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...auth.resolve import Caller
from ...envelope import BadRequest, not_found
from ...runtime import Runtime
from ..common import pages_at, product_domains, reachable_product, source_url
from .schemas import MarkdownDocument

TENANT_HEADERS = ("x-tpc-organization-id", "x-tpc-organization-slug",
                  "x-tpc-product-id", "x-tpc-product-slug")


def tenant_of(headers: Mapping[str, str | None]) -> dict[str, str | None]:
    """The tenant headers sent, blank ones as None."""
    return {name: (headers.get(name) or "").strip() or None for name in TENANT_HEADERS}


def _matches_tenant(rt: Runtime, product: dict[str, Any], tenant: dict[str, str | None]) -> bool:
    org = rt.store.get("organizations", product["organizationId"]) or {}
    checks = (
        (tenant["x-tpc-organization-id"], org.get("id")),
        (tenant["x-tpc-organization-slug"], org.get("slug")),
        (tenant["x-tpc-product-id"], product["id"]),
        (tenant["x-tpc-product-slug"], product.get("slug")),
    )
    return all(wanted is None or wanted == actual for wanted, actual in checks)


def markdown_document(rt: Runtime, page: dict[str, Any], product: dict[str, Any]
                      ) -> MarkdownDocument:
    """A published page as markdown."""
    return {
        "id": page["id"], "createdAt": page["createdAt"], "updatedAt": page["updatedAt"],
        "deletedAt": page.get("deletedAt"), "filePath": page["filePath"], "title": page["title"],
        "content": page.get("content") or "",
        "sourceUrl": source_url(page, product, product_domains(rt, product["id"])),
        "isManual": page["isManual"], "productId": page["productId"], "contentType": "markdown",
    }


def _is_public(page: dict[str, Any] | None) -> bool:
    return page is not None and page["status"] == "published" and page.get("deletedAt") is None


def markdown_by_id(rt: Runtime, caller: Caller, page_id: str, tenant: dict[str, Any]
                   ) -> MarkdownDocument:
    """A published page the caller reaches, by id, if it belongs to the named tenant."""
    page = rt.store.get("pages", page_id)
    if page is None or not _is_public(page) or not caller.can_reach(page["organizationId"]):
        raise not_found("document")
    product = rt.store.get("products", page["productId"]) or {}
    if not _matches_tenant(rt, product, tenant):
        raise not_found("document")
    return markdown_document(rt, page, product)


def tenant_product(rt: Runtime, caller: Caller, tenant: dict[str, Any]) -> dict[str, Any]:
    """The product named by the tenant headers (by-path needs one)."""
    if not tenant["x-tpc-product-id"] and not tenant["x-tpc-product-slug"]:
        raise BadRequest("x-tpc-product-id or x-tpc-product-slug header is required")
    if tenant["x-tpc-product-id"]:
        product = reachable_product(rt, caller, tenant["x-tpc-product-id"])
    else:
        product = reachable_product(rt, caller, slug=tenant["x-tpc-product-slug"])
    if not _matches_tenant(rt, product, tenant):
        raise not_found("product")
    return product


def markdown_by_path(rt: Runtime, caller: Caller, path: str, tenant: dict[str, Any]
                     ) -> MarkdownDocument:
    """The tenant product's published page at `path` (`.md` optional; empty is the index)."""
    product = tenant_product(rt, caller, tenant)
    wanted = "/".join(p for p in path.split("/") if p)
    wanted = wanted.removesuffix(".md")
    for page in pages_at(rt, product["id"], [wanted] if wanted else ["", "index"]):
        if _is_public(page):
            return markdown_document(rt, page, product)
    raise not_found("document")
