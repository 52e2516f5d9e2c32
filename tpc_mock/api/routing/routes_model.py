"""/api/v1/apps/{appId}/routes over the store: paths on an app that serve product pages;
candidates, import preview, batch."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from ...auth.resolve import Caller
from ...envelope import BusinessLogicError, Conflict, not_found
from ...runtime import Runtime
from ...store import declare_index
from ..apps.model import live_resources, reachable_app
from ..common import new_id, normalize_path, now_iso, product_domains, ref, source_url
from ..schemas import DeletedRecord
from .schemas import (
    AppRoute,
    NewRoute,
    RouteBatchBody,
    RouteCandidate,
    RouteCandidates,
    RouteCandidatesQuery,
    RouteChange,
    RouteConflict,
    RouteImportPreview,
    RoutesCreated,
    RouteTarget,
)

declare_index("appRoutes", "appId", "targetId")


def normalize_route_path(path: str) -> str:
    """`docs//intro/` -> `/docs/intro`; the root stays `/`."""
    return "/" + normalize_path(path)


def target_item(rt: Runtime, page: dict[str, Any], product: dict[str, Any]) -> RouteTarget:
    """The page a route serves, as routes and candidates show it."""
    return {"id": page["id"], "title": page["title"], "filePath": page["filePath"],
            "sourceUrl": source_url(page, product, product_domains(rt, product["id"])),
            "status": page["status"], "type": page["type"],
            "redirectToUrl": page.get("redirectToUrl"), "productId": page["productId"]}


def route_item(rt: Runtime, route: dict[str, Any]) -> AppRoute:
    """A route with its target page and the page's product."""
    page = rt.store.get("pages", route["targetId"]) or {}
    product = rt.store.get("products", page.get("productId") or route.get("productId") or "") or {
        "id": route.get("productId") or "", "name": "", "slug": None}
    return {"id": route["id"], "appId": route["appId"], "path": route["path"],
            "targetType": route["targetType"], "targetId": route["targetId"],
            "createdAt": route["createdAt"], "updatedAt": route["updatedAt"],
            "target": target_item(rt, page, product) if page else None, "product": ref(product)}


def app_routes(rt: Runtime, app_id: str) -> list[dict[str, Any]]:
    """The app's routes ordered by path."""
    return sorted(rt.store.find("appRoutes", "appId", app_id), key=lambda r: (r["path"], r["id"]))


def _attached_products(rt: Runtime, app_id: str) -> dict[str, dict[str, Any]]:
    found = (rt.store.get("products", r["resourceId"]) for r in live_resources(rt, app_id))
    return {p["id"]: p for p in found if p is not None}


def _resolve_target(
    rt: Runtime, app: dict[str, Any], attached: dict[str, Any], page_id: str
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[str]]:
    """(page, product, issues) for a route target: it must be a live page of an attached product."""
    page = rt.store.get("pages", page_id)
    if page is None or page.get("deletedAt") or page["organizationId"] != app["organizationId"]:
        return None, None, ["target_not_found"]
    product = rt.store.get("products", page["productId"])
    if product is None:
        return None, None, ["target_not_found"]
    issues = [] if product["id"] in attached else ["product_not_available"]
    return page, product, issues


# -- list, create, update, delete ------------------------------------------
def list_routes(rt: Runtime, caller: Caller, app_id: str) -> list[AppRoute]:
    """Every route of the app."""
    reachable_app(rt, caller, app_id)
    return [route_item(rt, r) for r in app_routes(rt, app_id)]


def _raise_for(issues: Iterable[str], path: str) -> None:
    issues = set(issues)
    if "target_not_found" in issues:
        raise not_found("target")
    if "product_not_available" in issues:
        raise BusinessLogicError("the target page's product is not attached to this app",
                                 {"issues": [{"path": "targetId",
                                              "message": "product_not_available"}]})
    if "path_conflict" in issues or "already_routed" in issues:
        raise Conflict(f"a route with path '{path}' already exists in this app")


def create_route(rt: Runtime, caller: Caller, app_id: str, body: NewRoute) -> AppRoute:
    """Route one path of the app to a page of an attached product."""
    with rt.store.transaction():
        app = reachable_app(rt, caller, app_id)
        row = analyze_routes(rt, app, [body])[0]
        _raise_for(row["issues"], row["normalizedPath"])
        route = _insert_route(rt, app_id, row)
    return route_item(rt, route)


def _insert_route(rt: Runtime, app_id: str, row: dict[str, Any]) -> dict[str, Any]:
    now = now_iso(rt)
    return rt.store.insert("appRoutes", {
        "id": new_id("route"), "appId": app_id, "path": row["normalizedPath"],
        "targetType": "product_document", "targetId": row["target"]["id"],
        "productId": row["product"]["id"], "createdAt": now, "updatedAt": now})


def _app_route(rt: Runtime, app_id: str, route_id: str) -> dict[str, Any]:
    route = rt.store.get("appRoutes", route_id)
    if route is None or route["appId"] != app_id:
        raise not_found("route")
    return route


def update_route(
    rt: Runtime, caller: Caller, app_id: str, route_id: str, body: RouteChange
) -> AppRoute:
    """Move a route to another path or point it at another page."""
    with rt.store.transaction():
        app = reachable_app(rt, caller, app_id)
        route = _app_route(rt, app_id, route_id)
        given = body.model_fields_set
        fields: dict[str, Any] = {"updatedAt": now_iso(rt)}
        if "targetId" in given:
            page, product, issues = _resolve_target(
                rt, app, _attached_products(rt, app_id), body.targetId)
            _raise_for(issues, route["path"])
            assert page is not None and product is not None
            fields.update(targetId=page["id"], productId=product["id"])
        if "path" in given:
            path = normalize_route_path(body.path)
            if any(r["path"] == path and r["id"] != route_id for r in app_routes(rt, app_id)):
                raise Conflict(f"a route with path '{path}' already exists in this app")
            fields["path"] = path
        route = rt.store.update("appRoutes", route_id, fields)
    return route_item(rt, route)


def delete_route(rt: Runtime, caller: Caller, app_id: str, route_id: str) -> DeletedRecord:
    """Remove a route."""
    with rt.store.transaction():
        reachable_app(rt, caller, app_id)
        _app_route(rt, app_id, route_id)
        rt.store.remove("appRoutes", route_id)
    return {"id": route_id}


# -- candidates, import preview, batch --------------------------------------
def route_candidates(
    rt: Runtime, caller: Caller, app_id: str, args: RouteCandidatesQuery
) -> RouteCandidates:
    """Pages of the app's products that could be routed, with the path each would get."""
    reachable_app(rt, caller, app_id)
    products = _attached_products(rt, app_id)
    if args.productId is not None:
        if args.productId not in products:
            raise not_found("product")
        products = {args.productId: products[args.productId]}
    routes = app_routes(rt, app_id)
    by_target = {r["targetId"]: r for r in reversed(routes)}
    by_path = {r["path"]: r for r in routes}
    candidates: list[RouteCandidate] = []
    for product in sorted(products.values(), key=lambda p: (p["name"], p["id"])):
        pages = [p for p in rt.store.find("pages", "productId", product["id"])
                 if not p.get("deletedAt") and p["status"] == args.status]
        for page in sorted(pages, key=lambda p: (p["filePath"], p["id"])):
            path = normalize_route_path(page["filePath"])
            routed, clash = by_target.get(page["id"]), by_path.get(path)
            status: Literal["already_routed", "path_conflict", "available"] = (
                "already_routed" if routed else "path_conflict" if clash else "available")
            if routed and not args.includeRouted:
                continue
            candidates.append({
                "targetType": "product_document", "targetId": page["id"], "suggestedPath": path,
                "pathStatus": status,
                "existingRoute": {"id": routed["id"], "path": routed["path"]} if routed else None,
                "pathConflict": _conflict_ref(clash) if status == "path_conflict" else None,
                "target": target_item(rt, page, product), "product": ref(product)})
    return {"appId": app_id, "candidateCount": len(candidates), "candidates": candidates}


def _conflict_ref(route: dict[str, Any] | None) -> RouteConflict | None:
    if route is None:
        return None
    return {"id": route["id"], "path": route["path"], "targetType": route["targetType"],
            "targetId": route["targetId"]}


def analyze_routes(
    rt: Runtime, app: dict[str, Any], inputs: list[NewRoute]
) -> list[dict[str, Any]]:
    """What importing these routes would do: create, skip (already there) or conflict."""
    attached = _attached_products(rt, app["id"])
    by_path = {r["path"]: r for r in app_routes(rt, app["id"])}
    seen: set[str] = set()
    rows = []
    for item in inputs:
        path = normalize_route_path(item.path)
        page, product, issues = _resolve_target(rt, app, attached, item.targetId)
        existing = by_path.get(path)
        same = existing is not None and existing["targetId"] == item.targetId
        if same:
            issues.append("already_routed")
        elif existing is not None:
            issues.append("path_conflict")
        if path in seen:
            issues.append("duplicate_input_path")
        seen.add(path)
        action = "skip" if issues == ["already_routed"] else "conflict" if issues else "create"
        rows.append({
            "input": {"path": item.path, "targetType": item.targetType, "targetId": item.targetId},
            "action": action, "issues": issues,
            "existingRoute": {"id": existing["id"], "path": existing["path"]} if same and existing
            else None,
            "pathConflict": None if same else _conflict_ref(existing),
            "target": target_item(rt, page, product) if page and product else None,
            "product": ref(product) if product else None,
            "normalizedPath": path})
    return rows


def preview_import(
    rt: Runtime, caller: Caller, app_id: str, body: RouteBatchBody
) -> RouteImportPreview:
    """Dry run of a batch import; nothing is written."""
    app = reachable_app(rt, caller, app_id)
    rows = analyze_routes(rt, app, body.routes)
    counts = {a: sum(1 for r in rows if r["action"] == a) for a in ("create", "conflict", "skip")}
    return {"appId": app_id, "valid": counts["conflict"] == 0, "createCount": counts["create"],
            "conflictCount": counts["conflict"], "skipCount": counts["skip"],
            "routes": [{"input": r["input"], "action": r["action"], "issues": r["issues"],
                        "existingRoute": r["existingRoute"], "pathConflict": r["pathConflict"],
                        "target": r["target"], "product": r["product"]} for r in rows]}


def _issue_path(index: int, issue: str) -> str:
    field = "targetId" if issue in ("target_not_found", "product_not_available") else "path"
    return f"routes.{index}.{field}"


def create_routes_batch(
    rt: Runtime, caller: Caller, app_id: str, body: RouteBatchBody
) -> RoutesCreated:
    """Create every `create` row of the import at once; any conflict and nothing is written."""
    with rt.store.transaction():
        app = reachable_app(rt, caller, app_id)
        rows = analyze_routes(rt, app, body.routes)
        conflicts = [(i, r) for i, r in enumerate(rows) if r["action"] == "conflict"]
        if conflicts:
            raise Conflict(
                f"{len(conflicts)} route(s) cannot be created; nothing was written",
                {"conflictCount": len(conflicts),
                 "issues": [{"path": _issue_path(i, issue), "message": issue}
                            for i, row in conflicts for issue in row["issues"]
                            if issue != "already_routed"]})
        created = [_insert_route(rt, app_id, r) for r in rows if r["action"] == "create"]
    return {"createdCount": len(created), "routes": [route_item(rt, r) for r in created]}
