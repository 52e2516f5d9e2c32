"""/api/v1/site/pages over the store: a product's pages listed with filters and paging."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...auth.resolve import Caller
from ...runtime import Runtime
from ...store import declare_ordered_index
from ..common import (
    domain_refs,
    invalid,
    normalize_path,
    page_count,
    product_domains,
    reachable_product,
    ref,
    source_url,
)
from ..schemas import PageScope
from .schemas import ListSitePagesQuery, SitePage, SitePageList

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


def list_pages(rt: Runtime, caller: Caller, args: ListSitePagesQuery) -> SitePageList:
    """Filter, sort and page a product's pages."""
    if (args.productId is None) == (args.productSlug is None):
        raise invalid("productId", "provide exactly one of productId or productSlug")
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
        "totalPages": page_count(total, args.pageSize),
        "items": [page_item(p, product, domains) for p in window],
    }


def page_item(page: dict[str, Any], product: dict[str, Any], domains: dict[str, Any]) -> SitePage:
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


def scope_of(rt: Runtime, product: dict[str, Any]) -> PageScope:
    """The `scope` echo every site-pages answer carries."""
    org = rt.store.get("organizations", product["organizationId"]) or {
        "id": product["organizationId"], "name": "", "slug": ""}  # a data file without it
    return {
        "product": ref(product),
        "organization": {"id": org["id"], "name": org["name"], "slug": org["slug"]},
    }
