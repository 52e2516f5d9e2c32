"""/api/v1/apps/{appId}/resources over the store: the products attached to an app."""

from __future__ import annotations

from typing import Any

from ...auth.resolve import Caller
from ...envelope import Conflict, not_found
from ...runtime import Runtime
from ..common import new_id, now_iso, reachable_product
from .model import listed_resource, live_resources, reachable_app, resource_item
from .schemas import (
    AppResource,
    AttachResourceBody,
    DetachedAppResource,
    DetachResourceBody,
    ListedAppResource,
    RenamedAppResource,
    UpdateResourceBody,
)


def list_resources(rt: Runtime, caller: Caller, app_id: str) -> list[ListedAppResource]:
    """The app's attached products."""
    reachable_app(rt, caller, app_id)
    return [listed_resource(rt, r) for r in live_resources(rt, app_id)]


def attach_resource(
    rt: Runtime, caller: Caller, app_id: str, body: AttachResourceBody
) -> AppResource:
    """Attach a product of the app's organization; attaching it twice is a conflict."""
    with rt.store.transaction():
        app = reachable_app(rt, caller, app_id)
        product = reachable_product(rt, caller, body.resourceId)
        if product["organizationId"] != app["organizationId"]:
            raise not_found("product")
        if any(r["resourceId"] == product["id"] for r in live_resources(rt, app_id)):
            raise Conflict(f"product {product['id']} is already attached to this app")
        now = now_iso(rt)
        resource = rt.store.insert("appResources", {
            "id": new_id("appresource"), "appId": app_id, "resourceType": body.resourceType,
            "resourceId": product["id"], "createdAt": now, "updatedAt": now, "deletedAt": None})
    return resource_item(resource)


def detach_resource(
    rt: Runtime, caller: Caller, app_id: str, body: DetachResourceBody
) -> DetachedAppResource:
    """Detach a product; routes to its pages block this unless deleteDependentRoutes is set."""
    with rt.store.transaction():
        reachable_app(rt, caller, app_id)
        resource = next((r for r in live_resources(rt, app_id)
                         if r["resourceId"] == body.resourceId
                         and r["resourceType"] == body.resourceType), None)
        if resource is None:
            raise not_found("resource")
        dependent = [r for r in rt.store.find("appRoutes", "appId", app_id)
                     if r.get("productId") == resource["resourceId"]]
        if dependent and not body.deleteDependentRoutes:
            raise Conflict(
                f"{len(dependent)} route(s) of this app point to pages of this product; "
                "delete them first or pass deleteDependentRoutes: true",
                {"dependentRouteCount": len(dependent),
                 "routeIds": [r["id"] for r in dependent]})
        for route in dependent:
            rt.store.remove("appRoutes", route["id"])
        now = now_iso(rt)
        rt.store.update("appResources", resource["id"], {"deletedAt": now, "updatedAt": now})
    return {"id": resource["id"], "deletedDependentRouteCount": len(dependent)}


def update_resource(
    rt: Runtime, caller: Caller, app_id: str, resource_id: str, body: UpdateResourceBody
) -> RenamedAppResource:
    """Rename an attached resource, named by its product id (or its own id)."""
    with rt.store.transaction():
        reachable_app(rt, caller, app_id)
        resource = next((r for r in live_resources(rt, app_id)
                         if resource_id in (r["resourceId"], r["id"])), None)
        if resource is None:
            raise not_found("resource")
        changes: dict[str, Any] = {"updatedAt": now_iso(rt)}
        if "displayName" in body.model_fields_set:
            changes["displayName"] = body.displayName
        resource = rt.store.update("appResources", resource["id"], changes)
    return {**resource_item(resource), "displayName": resource.get("displayName")}
