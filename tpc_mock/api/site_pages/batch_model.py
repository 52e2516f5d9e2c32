"""/api/v1/site/pages over the store: batch create, update and soft delete; a failing item
goes to `failed[]` and the rest are written at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..common import (
    domain_refs,
    new_id,
    normalize_path,
    now_iso,
    pages_at,
    product_domains,
    reachable_product,
    source_url,
)
from .model import scope_of
from .schemas import (
    CreatedSitePage,
    CreateSitePagesBody,
    DeletedSitePage,
    DeleteSitePagesBody,
    PageChange,
    SitePageCreateFailure,
    SitePageFailure,
    SitePagesCreated,
    SitePagesDeleted,
    SitePagesUpdated,
    UpdatedSitePage,
    UpdateSitePagesBody,
)


class ItemFailed(Exception):
    """One batch item cannot be applied; it goes to `failed[]`."""


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


def create_pages(rt: Runtime, caller: Caller, body: CreateSitePagesBody) -> SitePagesCreated:
    """Create up to 25 pages; item failures go to `failed[]`, the rest are written at once."""
    with rt.store.transaction():
        product = reachable_product(rt, caller, body.productId)
        domains = product_domains(rt, product["id"])
        taken = _path_owner(rt, product["id"])
        now = now_iso(rt)
        created: list[CreatedSitePage] = []
        failed: list[SitePageCreateFailure] = []
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
                "id": new_id("page"), "productId": product["id"],
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


def update_pages(rt: Runtime, caller: Caller, body: UpdateSitePagesBody) -> SitePagesUpdated:
    """Apply up to 25 page changes; unknown or foreign pages go to `failed[]`."""
    with rt.store.transaction():
        product = reachable_product(rt, caller, body.productId)
        domains = product_domains(rt, product["id"])
        taken = _path_owner(rt, product["id"])
        now = now_iso(rt)
        updated: list[UpdatedSitePage] = []
        failed: list[SitePageFailure] = []
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


def delete_pages(rt: Runtime, caller: Caller, body: DeleteSitePagesBody) -> SitePagesDeleted:
    """Soft-delete up to 50 pages (they move to archivedStatus=archived)."""
    with rt.store.transaction():
        product = reachable_product(rt, caller, body.productId)
        now = now_iso(rt)
        deleted: list[DeletedSitePage] = []
        failed: list[SitePageFailure] = []
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
