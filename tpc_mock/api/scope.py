"""Product and organization lookups bounded by what the caller may reach."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..auth.resolve import Caller
from ..envelope import not_found
from ..runtime import Runtime
from ..store import declare_index

declare_index("pages", "filePath")  # paths repeat across products rarely: no tuple keys


def reachable_product(
    rt: Runtime, caller: Caller, product_id: str | None = None, slug: str | None = None
) -> dict[str, Any]:
    """The product by id or slug if the caller reaches its organization, else 404."""
    product = None
    if product_id is not None:
        product = rt.store.get("products", product_id)
    elif slug is not None:
        for org_id in sorted(caller.org_ids):
            product = next(
                (p for p in rt.store.find("products", "organizationId", org_id) if p["slug"] == slug),
                None,
            )
            if product:
                break
    if product is None or not caller.can_reach(product["organizationId"]):
        raise not_found("product")
    return product


def scope_of(rt: Runtime, product: dict[str, Any]) -> dict[str, Any]:
    """The `scope` echo every site-pages answer carries."""
    org = rt.store.get("organizations", product["organizationId"]) or {}
    return {
        "product": {"id": product["id"], "name": product["name"], "slug": product.get("slug")},
        "organization": {"id": org.get("id"), "name": org.get("name"), "slug": org.get("slug")},
    }


def pages_at(rt: Runtime, product_id: str, paths: Iterable[str]) -> list[dict[str, Any]]:
    """The product's live (not deleted) pages at any of `paths`, by id, through the path index."""
    found = [page for path in set(paths) for page in rt.store.find("pages", "filePath", path)
             if page["productId"] == product_id and not page.get("deletedAt")]
    return sorted(found, key=lambda page: str(page["id"]))


def product_domains(rt: Runtime, product_id: str) -> dict[str, dict[str, Any]]:
    """The product's domains by id."""
    return {d["id"]: d for d in rt.store.find("domains", "productId", product_id)}


def domain_refs(page: dict[str, Any], domains: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """`[{id, domain, isCanonical}]` for the domains attached to a page."""
    return [
        {"id": d, "domain": domains[d]["domain"], "isCanonical": d == page.get("canonicalDomainId")}
        for d in page.get("domainIds") or []
        if d in domains
    ]


def source_url(page: dict[str, Any], product: dict[str, Any], domains: dict[str, Any]) -> str:
    """The page's public URL: as set through /content, else on its canonical domain,
    else on the product's TPC host."""
    if page.get("sourceUrl"):
        return str(page["sourceUrl"])
    canonical = domains.get(page.get("canonicalDomainId") or "")
    host = canonical["domain"] if canonical else f"{product.get('slug') or product['id']}.tpc.page"
    return f"https://{host}/{page['filePath']}".rstrip("/")
