"""/api/v1/views over the store: list and create views, each with its live conversationCount,
bounded by the caller's organizations."""

from __future__ import annotations

from typing import Any

from ...auth.resolve import Caller
from ...runtime import Runtime
from ...store import declare_index
from ..common import invalid_issues, live, new_id, now_iso, page_count, paged, reachable_brand, ref
from .schemas import CreateViewBody, View, Views, ViewsQuery

declare_index("views", "brandId", "organizationId")
declare_index("conversationQueries", "brandId")


def view_query_ids(view: dict[str, Any]) -> set[str] | None:
    """The queries a view holds; None for a default view (all of its brand's)."""
    ids = view.get("conversationQueryIds")
    return None if view.get("isDefault") or ids is None else set(ids)


def view_item(rt: Runtime, view: dict[str, Any], brand: dict[str, Any]) -> View:
    """A view as the API shows it, with its live conversation count."""
    held = view_query_ids(view)
    if held is None:
        count = len(live(rt.store.find("conversationQueries", "brandId", brand["id"])))
    else:
        count = len(live(q for q in (rt.store.get("conversationQueries", i) for i in held) if q))
    return {"id": view["id"], "name": view["name"], "description": view.get("description"),
            "brandId": view["brandId"], "organizationId": view.get("organizationId"),
            "isDefault": view["isDefault"], "createdAt": view["createdAt"],
            "updatedAt": view["updatedAt"], "deletedAt": view.get("deletedAt"),
            "conversationCount": count, "brand": ref(brand)}


def list_views(rt: Runtime, caller: Caller, args: ViewsQuery) -> Views:
    """Live views of one brand, or of every brand the caller reaches."""
    if args.brandId is not None:
        views = rt.store.find("views", "brandId", reachable_brand(rt, caller, args.brandId)["id"])
    else:
        views = [v for org in sorted(caller.org_ids) for v in rt.store.find("views", "organizationId", org)]
    needle = (args.search or "").strip().casefold()
    views = [v for v in live(views)
             if not needle or needle in f"{v['name']} {v.get('description') or ''}".casefold()]
    views.sort(key=lambda v: (v["createdAt"], v["id"]), reverse=True)
    views.sort(key=lambda v: not v["isDefault"])
    size = args.pageSize or 20
    brands: dict[str, dict[str, Any]] = {}
    items: list[View] = []
    for view in paged(views, args.page or 1, size):
        brand = brands.setdefault(view["brandId"], rt.store.get("brands", view["brandId"]) or {})
        items.append(view_item(rt, view, brand))
    return {"data": items, "totalPages": page_count(len(views), size), "totalItems": len(views)}


def create_view(rt: Runtime, caller: Caller, body: CreateViewBody) -> View:
    """A new (non-default) view over some of a brand's conversation queries."""
    with rt.store.transaction():
        brand = reachable_brand(rt, caller, body.brandId)
        ids = list(dict.fromkeys(body.conversationQueryIds or []))
        issues = []
        for index, query_id in enumerate(body.conversationQueryIds or []):
            query = rt.store.get("conversationQueries", query_id)
            if query is None or query.get("deletedAt") or query["brandId"] != brand["id"]:
                issues.append({"path": f"conversationQueryIds.{index}",
                               "message": f"conversation query {query_id} not found for this brand"})
        if issues:
            raise invalid_issues(issues)
        now = now_iso(rt)
        view = rt.store.insert("views", {
            "id": new_id("view"), "name": body.name,
            "description": body.description, "brandId": brand["id"],
            "organizationId": brand["organizationId"], "isDefault": False,
            "conversationQueryIds": ids, "createdAt": now, "updatedAt": now, "deletedAt": None})
    return view_item(rt, view, brand)
