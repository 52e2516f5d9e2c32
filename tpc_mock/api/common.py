"""What the resources share: ids, the emulated time, 422 bodies, paging, reach checks (the
documented 404) and a product's pages and domains as every answer shows them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from ..auth.resolve import Caller
from ..auth.secrets import new_token
from ..clock import iso
from ..envelope import ValidationError, not_found
from ..runtime import Runtime
from ..store import declare_index
from .schemas import DomainRef, ProductRef

# The lookups below, declared beside them (every resource model imports this module).
declare_index("pages", "filePath")  # paths repeat across products rarely: no tuple keys
declare_index("brands", "productId", "organizationId")

# The tenant headers that name the organization a list or create works in.
ORG_HEADERS = ("x-tpc-organization-id", "x-tpc-organization-slug")
T = TypeVar("T")
Record = dict[str, Any]


# -- ids and time ----------------------------------------------------------------
def new_id(prefix: str) -> str:
    """A fresh record id like `app_k3j...`."""
    return f"{prefix}_{new_token(20).lower()}"


def now_iso(rt: Runtime) -> str:
    """The emulated time (the runtime's clock) as TPC writes timestamps."""
    return iso(rt.clock.now()) or ""


def today(rt: Runtime) -> date:
    """The emulated day (UTC)."""
    return rt.clock.now().date()


# -- 422 -----------------------------------------------------------------------------
def invalid_issues(issues: list[dict[str, str]]) -> ValidationError:
    """422 VALIDATION_ERROR listing every issue as `{path, message}`."""
    return ValidationError("validation failed", {"issues": issues})


def invalid(path: str, message: str) -> ValidationError:
    """422 VALIDATION_ERROR naming one parameter."""
    return invalid_issues([{"path": path, "message": message}])


# -- paging --------------------------------------------------------------------------
def paged(items: list[T], page: int, size: int) -> list[T]:
    """One page of `items` (empty past the end)."""
    start = (page - 1) * size
    return items[start:start + size]


def page_count(total: int, size: int) -> int:
    """How many pages of `size` hold `total` items."""
    return math.ceil(total / size)


# -- reach ---------------------------------------------------------------------------
def live(rows: Iterable[Record]) -> list[Record]:
    """The rows that are not soft-deleted."""
    return [r for r in rows if r.get("deletedAt") is None]


def reachable(rt: Runtime, caller: Caller, table: str, doc_id: str, what: str, *,
              not_deleted: bool = False) -> Record:
    """A record of one of the caller's organizations (not deleted if so asked), else 404."""
    doc = rt.store.get(table, doc_id)
    if (doc is None or (not_deleted and doc.get("deletedAt"))
            or not caller.can_reach(doc["organizationId"])):
        raise not_found(what)
    return doc


def reachable_product(
    rt: Runtime, caller: Caller, product_id: str | None = None, slug: str | None = None
) -> Record:
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


def reachable_brand(rt: Runtime, caller: Caller, ref: str, what: str = "brand") -> Record:
    """A brand by its id or its product's id, if the caller reaches it; else 404."""
    brand = rt.store.get("brands", ref) or rt.store.find_one("brands", "productId", ref)
    if brand is None or not caller.can_reach(brand["organizationId"]):
        raise not_found(what)
    return brand


def target_organization(rt: Runtime, caller: Caller, headers: Mapping[str, str | None]) -> str:
    """The organization a list/create works in: one named by ORG_HEADERS, the key's, or the
    session's active one."""
    org_id, org_slug = (headers.get(name) for name in ORG_HEADERS)
    if org_id or org_slug:
        org = (rt.store.get("organizations", org_id) if org_id
               else rt.store.find_one("organizations", "slug", org_slug))
        if org is None or not caller.can_reach(org["id"]) or (
                org_slug and org["slug"] != org_slug):
            raise not_found("organization")
        return str(org["id"])
    if caller.organization_id:
        return caller.organization_id
    session = rt.store.get("sessions", caller.session_id) if caller.session_id else None
    active = (session or {}).get("activeOrganizationId")
    if active and caller.can_reach(active):
        return str(active)
    if not caller.org_ids:
        raise not_found("organization")
    return min(caller.org_ids)


def ref(doc: Record) -> ProductRef:
    """`{id, name, slug}` of a product, brand or organization."""
    return {"id": doc["id"], "name": doc["name"], "slug": doc.get("slug")}


# -- pages and domains ---------------------------------------------------------------
def normalize_path(path: str) -> str:
    """` /docs//intro/` -> `docs/intro`."""
    return "/".join(part for part in path.strip().split("/") if part)


def pages_at(rt: Runtime, product_id: str, paths: Iterable[str]) -> list[Record]:
    """The product's live (not deleted) pages at any of `paths`, by id, through the path index."""
    found = [page for path in set(paths) for page in rt.store.find("pages", "filePath", path)
             if page["productId"] == product_id and not page.get("deletedAt")]
    return sorted(found, key=lambda page: str(page["id"]))


def product_domains(rt: Runtime, product_id: str) -> dict[str, Record]:
    """The product's domains by id."""
    return {d["id"]: d for d in rt.store.find("domains", "productId", product_id)}


def domain_refs(page: Record, domains: dict[str, Record]) -> list[DomainRef]:
    """`[{id, domain, isCanonical}]` for the domains attached to a page."""
    return [
        {"id": d, "domain": domains[d]["domain"], "isCanonical": d == page.get("canonicalDomainId")}
        for d in page.get("domainIds") or []
        if d in domains
    ]


def source_url(page: Record, product: Record, domains: dict[str, Any]) -> str:
    """The page's public URL: as set through /content, else on its canonical domain,
    else on the product's TPC host."""
    if page.get("sourceUrl"):
        return str(page["sourceUrl"])
    canonical = domains.get(page.get("canonicalDomainId") or "")
    host = canonical["domain"] if canonical else f"{product.get('slug') or product['id']}.tpc.page"
    return f"https://{host}/{page['filePath']}".rstrip("/")
