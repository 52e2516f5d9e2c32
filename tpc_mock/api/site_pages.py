"""/api/v1/site/pages: list with filters and paging; batch create, update, soft delete."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint

from ..auth.resolve import Caller
from ..auth.secrets import new_token
from ..clock import iso
from ..envelope import ValidationError
from ..runtime import Runtime
from ..store import declare_ordered_index
from .registry import operation
from .scope import domain_refs, pages_at, product_domains, reachable_product, scope_of, source_url
from .site_page_models import (
    CreateSitePagesBody,
    DeleteSitePagesBody,
    ListSitePagesQuery,
    PageChange,
    UpdateSitePagesBody,
)

bp = Blueprint("site_pages", __name__)
class ItemFailed(Exception):
    """One batch item cannot be applied; it goes to `failed[]`."""


# -- model functions ------------------------------------------------------
def normalize_path(path: str) -> str:
    return "/".join(part for part in path.strip().split("/") if part)


# Filters the list answers from an index of their own instead of a scan.
FACETS = ("status", "type", "isManual")
Facet = tuple[str, Any] | None


def _listing_partitions(page: Mapping[str, Any]) -> list[tuple[str, str, Facet]]:
    """(product, archived state or "all", one facet value or None) for every list a page is in."""
    state = "active" if page.get("deletedAt") is None else "archived"
    facets: list[Facet] = [None, *((name, page.get(name)) for name in FACETS)]
    return [(page["productId"], where, facet) for where in (state, "all") for facet in facets]


# A product's pages per archivedStatus (and facet), in the order of every `orderBy` field;
# an ordering is built the first time a list asks for it.
LISTING = "listing"
declare_ordered_index("pages", LISTING, ("createdAt", "updatedAt", "deletedAt"), "productId",
                      _listing_partitions)


def _page_filter(args: ListSitePagesQuery, text: str | None, domains: dict[str, Any]
                 ) -> tuple[Facet, Callable[[Mapping[str, Any]], bool] | None]:
    """The facet whose index answers the list, and a predicate for the other filters."""
    given = {"status": args.status, "type": args.type, "isManual": args.isManual}
    facet = next(((name, value) for name, value in given.items() if value is not None), None)
    status, kind, manual = (None if facet and facet[0] == name else value
                            for name, value in given.items())
    prefix = normalize_path(args.pathPrefix) if args.pathPrefix else None
    domain_names = {d["domain"].lower(): i for i, d in domains.items()}
    needle = text.lower() if text else None
    wanted_domain = domain_names.get(args.domain.lower()) if args.domain else None
    if not (needle or status or kind or manual is not None or prefix
            or args.hasContent is not None or args.domainId or args.domain):
        return facet, None

    def keep(page: Mapping[str, Any]) -> bool:
        if needle and needle not in (page["title"] + " " + page["filePath"]).lower():
            return False
        if status and page["status"] != status:
            return False
        if kind and page["type"] != kind:
            return False
        if manual is not None and page["isManual"] != manual:
            return False
        if prefix and not page["filePath"].startswith(prefix):
            return False
        if args.hasContent is not None and bool(page.get("content")) != args.hasContent:
            return False
        if args.domainId and args.domainId not in (page.get("domainIds") or []):
            return False
        return not (args.domain and wanted_domain not in (page.get("domainIds") or []))

    return facet, keep


def _window(rt: Runtime, product_id: str, args: ListSitePagesQuery, facet: Facet,
            keep: Callable[[Mapping[str, Any]], bool] | None) -> tuple[int, list[dict[str, Any]]]:
    """(total, the requested page of items): an index slice, or one in-order filtered scan."""
    start = (args.page - 1) * args.pageSize
    stop = start + args.pageSize
    where = (product_id, args.archivedStatus, facet)
    desc = args.orderByDirection == "desc"
    if keep is None:
        return rt.store.ordered("pages", LISTING, where, args.orderBy, start=start, stop=stop,
                                descending=desc)
    matched, window = 0, []

    def visit(page: dict[str, Any]) -> None:
        nonlocal matched
        if keep(page):
            if start <= matched < stop:
                window.append(page)
            matched += 1

    rt.store.scan_ordered("pages", LISTING, where, args.orderBy, descending=desc, visit=visit)
    return matched, window


def list_pages(rt: Runtime, caller: Caller, args: ListSitePagesQuery) -> dict[str, Any]:
    """Filter, sort and page a product's pages."""
    if (args.productId is None) == (args.productSlug is None):
        raise ValidationError("validation failed", {"issues": [
            {"path": "productId", "message": "provide exactly one of productId or productSlug"}]})
    product = reachable_product(rt, caller, args.productId, args.productSlug)
    domains = product_domains(rt, product["id"])
    text = (args.query if args.query is not None else args.q) or None
    total, window = _window(rt, product["id"], args, *_page_filter(args, text, domains))
    return {
        "scope": scope_of(rt, product),
        "page": args.page,
        "pageSize": args.pageSize,
        "query": text,
        "status": args.status,
        "type": args.type,
        "isManual": args.isManual,
        "pathPrefix": args.pathPrefix,
        "hasContent": args.hasContent,
        "domainId": args.domainId,
        "domain": args.domain,
        "archivedStatus": args.archivedStatus,
        "orderBy": args.orderBy,
        "orderByDirection": args.orderByDirection,
        "total": total,
        "totalPages": math.ceil(total / args.pageSize),
        "items": [page_item(p, product, domains) for p in window],
    }


def page_item(page: dict[str, Any], product: dict[str, Any], domains: dict[str, Any]) -> dict[str, Any]:
    """A page as the list endpoint shows it."""
    return {
        "id": page["id"],
        "title": page["title"],
        "filePath": page["filePath"],
        "sourceUrl": source_url(page, product, domains),
        "status": page["status"],
        "type": page["type"],
        "isManual": page["isManual"],
        "metaTitle": page.get("metaTitle"),
        "metaDescription": page.get("metaDescription"),
        "publishedAt": page.get("publishedAt"),
        "deletedAt": page.get("deletedAt"),
        "createdAt": page["createdAt"],
        "updatedAt": page["updatedAt"],
        "domains": domain_refs(page, domains),
    }


def _path_owner(rt: Runtime, product_id: str) -> Callable[[str], str | None]:
    """Who holds a path among the product's live pages (the index sees this batch's writes)."""
    def owner(path: str) -> str | None:
        found = pages_at(rt, product_id, [path])
        return str(found[0]["id"]) if found else None

    return owner


def _usable_domains(ids: list[str], domains: dict[str, dict[str, Any]]) -> list[str]:
    for domain_id in ids:
        domain = domains.get(domain_id)
        if domain is None or domain.get("status") != "active" or domain.get("type") != "web":
            raise ItemFailed(f"domain {domain_id} is not an active web domain of this product")
    return list(dict.fromkeys(ids))


def create_pages(rt: Runtime, caller: Caller, body: CreateSitePagesBody) -> dict[str, Any]:
    """Create up to 25 pages; item failures go to `failed[]`, the rest are written at once."""
    with rt.store.transaction():
        product = reachable_product(rt, caller, body.productId)
        domains = product_domains(rt, product["id"])
        taken = _path_owner(rt, product["id"])
        now = iso(rt.clock.now())
        created, failed = [], []
        for item in body.pages:
            path = normalize_path(item.slug)
            try:
                if not path:
                    raise ItemFailed("slug must not be empty")
                if taken(path) is not None:
                    raise ItemFailed(f"a page with slug '{path}' already exists")
                attached = _usable_domains(item.domainIds or [], domains)
                canonical = item.canonicalDomainId
                if canonical is not None and canonical not in attached:
                    raise ItemFailed(f"canonical domain {canonical} is not attached to the page")
            except ItemFailed as exc:
                failed.append({"slug": item.slug, "message": str(exc)})
                continue
            page = {
                "id": "page_" + new_token(20).lower(), "productId": product["id"],
                "organizationId": product["organizationId"], "title": item.title,
                "filePath": path, "status": "published", "type": "page", "isManual": True,
                "metaTitle": item.metaTitle, "metaDescription": item.metaDescription,
                "description": item.description, "content": item.content, "noIndex": False,
                "redirectToUrl": None, "publishedAt": now, "deletedAt": None, "createdAt": now,
                "updatedAt": now, "domainIds": attached,
                "canonicalDomainId": canonical or (attached[0] if attached else None),
            }
            rt.store.insert("pages", page)
            created.append({"id": page["id"], "slug": path, "title": page["title"],
                            "sourceUrl": source_url(page, product, domains),
                            "status": page["status"], "domains": domain_refs(page, domains)})
    return {"scope": scope_of(rt, product), "createdCount": len(created),
            "failedCount": len(failed), "created": created, "failed": failed}


def _apply_change(
    page: dict[str, Any], change: PageChange, domains: dict[str, Any],
    taken: Callable[[str], str | None], now: str,
) -> dict[str, Any]:
    given = change.model_fields_set
    fields: dict[str, Any] = {
        name: getattr(change, name)
        for name in ("title", "content", "description", "metaTitle", "metaDescription",
                     "isManual", "noIndex", "redirectToUrl")
        if name in given
    }
    if "filePath" in given:
        path = normalize_path(change.filePath)
        if not path:
            raise ItemFailed("filePath must not be empty")
        if taken(path) not in (None, page["id"]):
            raise ItemFailed(f"a page with slug '{path}' already exists")
        fields["filePath"] = path
    if "status" in given and change.status != page["status"]:
        fields["status"] = change.status
        fields["publishedAt"] = now if change.status == "published" else None
    attached = list(page.get("domainIds") or [])
    if "attachDomainIds" in given:
        attached += [d for d in _usable_domains(change.attachDomainIds, domains) if d not in attached]
    if "detachDomainIds" in given:
        attached = [d for d in attached if d not in set(change.detachDomainIds)]
    canonical = page.get("canonicalDomainId")
    if canonical not in attached:
        canonical = None
    if "canonicalDomainId" in given:
        if change.canonicalDomainId not in attached:
            raise ItemFailed(f"canonical domain {change.canonicalDomainId} is not attached to the page")
        canonical = change.canonicalDomainId
    fields.update(domainIds=attached, canonicalDomainId=canonical, updatedAt=now)
    return fields


def update_pages(rt: Runtime, caller: Caller, body: UpdateSitePagesBody) -> dict[str, Any]:
    """Apply up to 25 page changes; unknown or foreign pages go to `failed[]`."""
    with rt.store.transaction():
        product = reachable_product(rt, caller, body.productId)
        domains = product_domains(rt, product["id"])
        taken = _path_owner(rt, product["id"])
        now = iso(rt.clock.now()) or ""
        updated, failed = [], []
        for change in body.pages:
            page = rt.store.get("pages", change.id)
            try:
                if page is None or page["productId"] != product["id"] or page.get("deletedAt"):
                    raise ItemFailed("page not found")
                fields = _apply_change(page, change, domains, taken, now)
            except ItemFailed as exc:
                failed.append({"id": change.id, "message": str(exc)})
                continue
            page = rt.store.update("pages", page["id"], fields)
            updated.append({"id": page["id"], "title": page["title"], "filePath": page["filePath"],
                            "sourceUrl": source_url(page, product, domains),
                            "status": page["status"], "isManual": page["isManual"],
                            "domains": domain_refs(page, domains)})
    return {"scope": scope_of(rt, product), "updatedCount": len(updated),
            "failedCount": len(failed), "updated": updated, "failed": failed}


def delete_pages(rt: Runtime, caller: Caller, body: DeleteSitePagesBody) -> dict[str, Any]:
    """Soft-delete up to 50 pages (they move to archivedStatus=archived)."""
    with rt.store.transaction():
        product = reachable_product(rt, caller, body.productId)
        now = iso(rt.clock.now())
        deleted, failed = [], []
        for page_id in dict.fromkeys(body.pageIds):
            page = rt.store.get("pages", page_id)
            if page is None or page["productId"] != product["id"]:
                failed.append({"id": page_id, "message": "page not found"})
            elif page.get("deletedAt"):
                failed.append({"id": page_id, "slug": page["filePath"],
                               "message": "page already deleted"})
            else:
                rt.store.update("pages", page_id, {"deletedAt": now, "updatedAt": now})
                deleted.append({"id": page_id, "title": page["title"]})
    return {"scope": scope_of(rt, product), "deletedCount": len(deleted),
            "failedCount": len(failed), "deleted": deleted, "failed": failed}


# -- views ----------------------------------------------------------------
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
