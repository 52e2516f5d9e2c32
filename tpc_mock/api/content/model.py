"""/api/v1/content over the store: one page by id or path, its edits and domains; search and
count per organization.

Content is the same `pages` table /api/v1/site/pages and /api/v1/md serve, so every
edit here shows there at once, and the other way round.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ...auth.resolve import Caller
from ...envelope import Conflict, not_found
from ...runtime import Runtime
from ...store import declare_index
from ..common import (
    domain_refs,
    invalid,
    invalid_issues,
    normalize_path,
    now_iso,
    pages_at,
    product_domains,
    reachable,
    reachable_brand,
    source_url,
)
from .schemas import (
    ContentByPath,
    ContentByPathQuery,
    ContentDomains,
    ContentDomainsBody,
    ContentRecord,
    ContentSearchMetadata,
    ContentSearchResult,
    PatchContentBody,
    PutContentBody,
    SearchContentBody,
)

declare_index("pages", "organizationId")
SEARCH_LIMIT = 10
# Page fields only the content API edits; the rest are shared with site pages.
EXTRA_FIELDS = ("cssSelector", "cssExcludeSelector", "tiptapJson", "descriptionForAgent",
                "canonicalUrl", "ogTitle", "ogDescription", "ogImage", "twitterTitle",
                "twitterDescription", "twitterImage", "tags", "sourceUrl")
PAGE_FIELDS = ("title", "content", "description", "metaTitle", "metaDescription", "noIndex",
               "redirectToUrl")


def reachable_page(rt: Runtime, caller: Caller, page_id: str) -> dict[str, Any]:
    """A live page the caller reaches, else 404."""
    return reachable(rt, caller, "pages", page_id, "content", not_deleted=True)


def _source_url(rt: Runtime, page: dict[str, Any]) -> str:
    product = rt.store.get("products", page["productId"]) or {"id": page["productId"]}
    return page.get("sourceUrl") or source_url(page, product, product_domains(rt, product["id"]))


def content_record(rt: Runtime, page: dict[str, Any]) -> ContentRecord:
    """The full content record PUT and PATCH answer with."""
    brand = rt.store.find_one("brands", "productId", page["productId"])
    crawled = not page["isManual"]
    text = page.get("content") or ""
    get = page.get
    return {
        "id": page["id"], "createdAt": page["createdAt"], "updatedAt": page["updatedAt"],
        "deletedAt": get("deletedAt"), "filePath": page["filePath"], "title": page["title"],
        "content": text, "sourceUrl": _source_url(rt, page), "cssSelector": get("cssSelector"),
        "sourceChecksum": hashlib.sha256(text.encode()).hexdigest() if crawled else None,
        "brandId": brand["id"] if brand else page["productId"],
        "cssExcludeSelector": get("cssExcludeSelector"), "isManual": page["isManual"],
        "lastIndexedAt": page["updatedAt"] if crawled else None,
        "canonicalUrl": get("canonicalUrl"), "description": get("description"),
        "image": get("ogImage"), "metaDescription": get("metaDescription"),
        "metaTitle": get("metaTitle"), "metadata": get("metadata"), "noIndex": get("noIndex"),
        "ogDescription": get("ogDescription"), "ogImage": get("ogImage"), "ogTitle": get("ogTitle"),
        "twitterDescription": get("twitterDescription"), "twitterImage": get("twitterImage"),
        "twitterTitle": get("twitterTitle"), "tiptapJson": get("tiptapJson"),
        "descriptionForAgent": get("descriptionForAgent"), "type": page["type"],
        "tags": get("tags"), "currentDraftId": get("currentDraftId"),
        "publishedAt": get("publishedAt"), "status": page["status"], "priority": get("priority"),
        "promptId": get("promptId"), "redirectToUrl": get("redirectToUrl"),
    }


def _free_path(rt: Runtime, page: dict[str, Any], raw: str) -> str:
    path = normalize_path(raw)
    if not path:
        raise invalid("filePath", "filePath must name a path")
    if any(other["id"] != page["id"] for other in pages_at(rt, page["productId"], [path])):
        raise Conflict(f"a page with path '{path}' already exists")
    return path


def replace_content(rt: Runtime, caller: Caller, page_id: str, body: PutContentBody
                    ) -> ContentRecord:
    """Set the given fields of one page (fields left out keep their value)."""
    with rt.store.transaction():
        page = reachable_page(rt, caller, page_id)
        given = body.model_fields_set
        fields = {name: getattr(body, name) for name in PAGE_FIELDS + EXTRA_FIELDS if name in given}
        if "filePath" in given:
            fields["filePath"] = _free_path(rt, page, body.filePath)
        if "priority" in given:
            fields["priority"] = None if body.priority is None else round(body.priority)
        if fields:
            page = rt.store.update("pages", page["id"], fields | {"updatedAt": now_iso(rt)})
    return content_record(rt, page)


def update_priority(rt: Runtime, caller: Caller, page_id: str, body: PatchContentBody
                    ) -> ContentRecord:
    """Change a page's priority."""
    with rt.store.transaction():
        page = reachable_page(rt, caller, page_id)
        if "priority" in body.model_fields_set:
            page = rt.store.update("pages", page["id"], {"priority": round(body.priority),
                                                         "updatedAt": now_iso(rt)})
    return content_record(rt, page)


def update_domains(rt: Runtime, caller: Caller, page_id: str, body: ContentDomainsBody
                   ) -> ContentDomains:
    """Attach and detach domains of the page's product; set the canonical one."""
    with rt.store.transaction():
        page = reachable_page(rt, caller, page_id)
        domains = product_domains(rt, page["productId"])
        given = body.model_fields_set
        issues = [{"path": f"attach.{i}", "message": f"domain {d} is not an active web domain of this product"}
                  for i, d in enumerate(body.attach or [])
                  if domains.get(d, {}).get("status") != "active" or domains[d].get("type") != "web"]
        attached = list(dict.fromkeys((page.get("domainIds") or []) + (body.attach or [])))
        attached = [d for d in attached if d not in set(body.detach or [])]
        canonical = page.get("canonicalDomainId") if page.get("canonicalDomainId") in attached else None
        if "canonicalDomainId" in given:
            if body.canonicalDomainId not in attached:
                issues.append({"path": "canonicalDomainId",
                               "message": "the canonical domain must be attached to the page"})
            canonical = body.canonicalDomainId
        if issues:
            raise invalid_issues(issues)
        if given:
            page = rt.store.update("pages", page["id"], {
                "domainIds": attached, "canonicalDomainId": canonical,
                "updatedAt": now_iso(rt)})
    return {"id": page["id"], "domains": domain_refs(page, domains)}


def content_by_path(rt: Runtime, caller: Caller, args: ContentByPathQuery) -> ContentByPath:
    """A live page of the brand's product by its path (`/` is the index page)."""
    brand = reachable_brand(rt, caller, args.brandId)
    wanted = normalize_path(args.path)
    for page in pages_at(rt, brand["productId"], [wanted] if wanted else ["", "index"]):
        return {"id": page["id"], "title": page["title"], "content": page.get("content") or "",
                "filePath": page["filePath"], "sourceUrl": _source_url(rt, page),
                "description": page.get("description")}
    raise not_found("content")


def org_pages(rt: Runtime, caller: Caller, org_id: str) -> list[dict[str, Any]]:
    """The live pages of an organization the caller reaches, else 404."""
    if rt.store.get("organizations", org_id) is None or not caller.can_reach(org_id):
        raise not_found("organization")
    return [p for p in rt.store.find("pages", "organizationId", org_id) if not p.get("deletedAt")]


def _distance(page: dict[str, Any], terms: list[str]) -> float:
    """0 for a page whose title holds every term, 1 for one that holds none."""
    body = " ".join(str(page.get(f) or "") for f in ("filePath", "description", "content")).lower()
    title = page["title"].lower()
    found = sum(1 for t in terms if t in title or t in body) / len(terms)
    in_title = sum(1 for t in terms if t in title) / len(terms)
    return round(1.0 - 0.7 * found - 0.3 * in_title, 4)


def search_content(rt: Runtime, caller: Caller, org_id: str, body: SearchContentBody
                   ) -> ContentSearchResult:
    """The organization's pages nearest the query, in a vector-store style result."""
    pages = org_pages(rt, caller, org_id)
    terms = re.findall(r"\w+", body.query.lower()) or [body.query.lower()]
    scored = sorted(((d, p) for p in pages if (d := _distance(p, terms)) < 1.0),
                    key=lambda pair: (pair[0], pair[1]["id"]))[:SEARCH_LIMIT]
    brands: dict[str, Any] = {}
    metadatas: list[ContentSearchMetadata] = []
    urls: list[str] = []
    for _, page in scored:
        brand = brands.setdefault(page["productId"],
                                  rt.store.find_one("brands", "productId", page["productId"]))
        urls.append(_source_url(rt, page))
        metadatas.append({"pageId": page["id"], "productId": page["productId"],
                          "brandId": brand["id"] if brand else None, "title": page["title"],
                          "filePath": page["filePath"], "sourceUrl": urls[-1],
                          "status": page["status"]})
    return {"ids": [[p["id"] for _, p in scored]], "distances": [[d for d, _ in scored]],
            "metadatas": [metadatas], "embeddings": None,
            "documents": [[p.get("content") or "" for _, p in scored]], "uris": [urls],
            "data": None, "included": ["distances", "documents", "metadatas", "uris"]}


