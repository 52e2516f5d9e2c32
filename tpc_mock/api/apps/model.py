"""/api/v1/apps over the store: the app itself, its reach, its record shapes and its config.

Attaching and detaching the app's products is in resources_model, its hostnames in
domains_model."""

from __future__ import annotations

import re
from typing import Any

from ...auth.resolve import Caller
from ...envelope import Conflict
from ...runtime import Runtime
from ...store import declare_index
from ..common import new_id, now_iso, reachable, ref
from ..schemas import DeletedRecord
from .schemas import (
    App,
    AppConfig,
    AppDetail,
    AppResource,
    CreateAppBody,
    CreatedApp,
    ListedAppResource,
    UpdateAppBody,
    UpdateAppConfigBody,
)

declare_index("apps", "organizationId")
declare_index("appResources", "appId")
declare_index("appConfigs", "appId")
declare_index("appDomains", "appId")
declare_index("appRoutes", "appId")


# -- reach ---------------------------------------------
def reachable_app(rt: Runtime, caller: Caller, app_id: str) -> dict[str, Any]:
    """A live app of one of the caller's organizations, else 404 `app not found`."""
    return reachable(rt, caller, "apps", app_id, "app", not_deleted=True)


# -- shapes: a record's public fields, in the reference's order ----------------------
def app_item(app: dict[str, Any]) -> App:
    """An app as every apps answer shows it."""
    return {"id": app["id"], "organizationId": app["organizationId"], "name": app["name"],
            "slug": app["slug"], "metadata": app.get("metadata"), "createdAt": app["createdAt"],
            "updatedAt": app["updatedAt"], "deletedAt": app.get("deletedAt")}


def config_item(record: dict[str, Any]) -> AppConfig:
    """A saved app config."""
    return {"id": record["id"], "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"], "deletedAt": record.get("deletedAt"),
            "config": record["config"], "organizationId": record.get("organizationId"),
            "productId": record.get("productId"), "appId": record["appId"]}


def resource_item(resource: dict[str, Any]) -> AppResource:
    """A resource record (a product attached to an app)."""
    return {"id": resource["id"], "appId": resource["appId"],
            "resourceType": resource["resourceType"], "resourceId": resource["resourceId"],
            "createdAt": resource["createdAt"], "updatedAt": resource["updatedAt"],
            "deletedAt": resource.get("deletedAt")}


def listed_resource(rt: Runtime, resource: dict[str, Any]) -> ListedAppResource:
    """A resource record with its product, as lists show it."""
    product = rt.store.get("products", resource["resourceId"]) or {
        "id": resource["resourceId"], "name": "", "slug": None}
    return {**resource_item(resource), "product": ref(product)}


# -- apps --------------------------------------------------------------------
def slugify(name: str) -> str:
    """`"My App!"` -> `"my-app"` (never empty)."""
    slug = "-".join(part for part in re.split(r"[^a-z0-9]+", name.lower()) if part)
    return slug[:120].strip("-") or "app"


def _live_apps(rt: Runtime, org_id: str) -> list[dict[str, Any]]:
    return [a for a in rt.store.find("apps", "organizationId", org_id) if not a.get("deletedAt")]


def _free_slug(rt: Runtime, org_id: str, wanted: str | None, name: str, own_id: str = "") -> str:
    taken = {a["slug"] for a in _live_apps(rt, org_id) if a["id"] != own_id}
    if wanted is not None:
        if wanted in taken:
            raise Conflict(f"an app with slug '{wanted}' already exists in this organization")
        return wanted
    base = slug = slugify(name)
    counter = 2
    while slug in taken:  # a slug derived from the name gets a numeric suffix
        slug = f"{base[:115]}-{counter}"
        counter += 1
    return slug


def list_apps(rt: Runtime, caller: Caller, org_id: str) -> list[App]:
    """The organization's live apps, oldest first."""
    apps = sorted(_live_apps(rt, org_id), key=lambda a: (a["createdAt"], a["id"]))
    return [app_item(a) for a in apps]


def create_app_record(
    rt: Runtime, caller: Caller, org_id: str, body: CreateAppBody
) -> CreatedApp:
    """Create an app and its config at once."""
    with rt.store.transaction():
        now = now_iso(rt)
        slug = _free_slug(rt, org_id, body.slug, body.name)
        app = rt.store.insert("apps", {
            "id": new_id("app"), "organizationId": org_id, "name": body.name, "slug": slug,
            "metadata": body.metadata, "createdAt": now, "updatedAt": now, "deletedAt": None})
        config = _insert_config(rt, app, body.config or {}, now)
    return {**app_item(app), "appConfig": config_item(config)}


def _insert_config(
    rt: Runtime, app: dict[str, Any], config: dict[str, Any], now: str
) -> dict[str, Any]:
    return rt.store.insert("appConfigs", {
        "id": new_id("appconfig"), "appId": app["id"], "organizationId": app["organizationId"],
        "productId": None, "config": config, "createdAt": now, "updatedAt": now,
        "deletedAt": None})


def get_app_detail(rt: Runtime, caller: Caller, app_id: str) -> AppDetail:
    """An app with its attached resources and its config."""
    app = reachable_app(rt, caller, app_id)
    return {**app_item(app),
            "resources": [listed_resource(rt, r) for r in live_resources(rt, app_id)],
            "appConfig": get_config(rt, caller, app_id)}


def update_app(rt: Runtime, caller: Caller, app_id: str, body: UpdateAppBody) -> App:
    """Rename, re-slug or change the metadata of an app."""
    with rt.store.transaction():
        app = reachable_app(rt, caller, app_id)
        given = body.model_fields_set
        fields: dict[str, Any] = {"updatedAt": now_iso(rt)}
        if "name" in given:
            fields["name"] = body.name
        if "slug" in given and body.slug != app["slug"]:
            fields["slug"] = _free_slug(rt, app["organizationId"], body.slug, "", app_id)
        if "metadata" in given:
            fields["metadata"] = body.metadata
        return app_item(rt.store.update("apps", app_id, fields))


def delete_app(rt: Runtime, caller: Caller, app_id: str) -> DeletedRecord:
    """Soft-delete an app; its domains are released (soft-deleted) with it."""
    with rt.store.transaction():
        reachable_app(rt, caller, app_id)
        now = now_iso(rt)
        rt.store.update("apps", app_id, {"deletedAt": now, "updatedAt": now})
        for domain in rt.store.find("appDomains", "appId", app_id):
            if domain.get("deletedAt"):
                continue
            rt.store.update("appDomains", domain["id"], {"deletedAt": now, "updatedAt": now})
            rt.store.remove("routingConfigs", domain["id"])
    return {"id": app_id}


# -- resources ---------------------------------------------------------------
def live_resources(rt: Runtime, app_id: str) -> list[dict[str, Any]]:
    """The app's attached (not detached) resources, oldest first."""
    found = [r for r in rt.store.find("appResources", "appId", app_id) if not r.get("deletedAt")]
    return sorted(found, key=lambda r: (r["createdAt"], r["id"]))


# -- config ------------------------------------------------------------------
def _config_record(rt: Runtime, app_id: str) -> dict[str, Any] | None:
    return next((c for c in rt.store.find("appConfigs", "appId", app_id)
                 if not c.get("deletedAt")), None)


def get_config(rt: Runtime, caller: Caller, app_id: str) -> AppConfig:
    """The app's config (an empty one when none was ever saved)."""
    app = reachable_app(rt, caller, app_id)
    record = _config_record(rt, app_id)
    if record is None:
        return {"config": {}, "organizationId": app["organizationId"], "productId": None,
                "appId": app_id}
    return config_item(record)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: objects merge recursively, null removes a key."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def update_config(
    rt: Runtime, caller: Caller, app_id: str, body: UpdateAppConfigBody
) -> AppConfig:
    """Merge-patch the app's config (RFC 7386), creating the record if needed."""
    with rt.store.transaction():
        app = reachable_app(rt, caller, app_id)
        record = _config_record(rt, app_id)
        now = now_iso(rt)
        if record is None:
            record = _insert_config(rt, app, {}, now)
        config = merge_patch(record["config"], body.config)
        record = rt.store.update("appConfigs", record["id"], {"config": config, "updatedAt": now})
    return config_item(record)
