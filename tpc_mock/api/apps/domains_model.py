"""/api/v1/apps/{appId}/domains over the store: the hostnames an app is served on."""

from __future__ import annotations

from typing import Any

from ...auth.resolve import Caller
from ...envelope import Conflict, not_found
from ...runtime import Runtime
from ...store import declare_index
from ..common import new_id, now_iso
from ..schemas import DeletedRecord
from .model import reachable_app
from .schemas import AppDomain, CreateAppDomainBody

declare_index("appDomains", "appId", "domain")
# Hostnames are unique across product and app domains; look product ones up by name too.
declare_index("domains", "domain")


def live_domains(rt: Runtime, app_id: str) -> list[dict[str, Any]]:
    """The app's domains that are not deleted, oldest first."""
    found = [d for d in rt.store.find("appDomains", "appId", app_id) if not d.get("deletedAt")]
    return sorted(found, key=lambda d: (d["createdAt"], d["id"]))


def domain_item(domain: dict[str, Any]) -> AppDomain:
    """An app domain's public fields, in the reference's order."""
    return {"id": domain["id"], "createdAt": domain["createdAt"],
            "updatedAt": domain["updatedAt"], "deletedAt": domain.get("deletedAt"),
            "domain": domain["domain"], "scope": domain["scope"],
            "productId": domain.get("productId"), "appId": domain["appId"],
            "cloudflareId": domain.get("cloudflareId"), "type": domain["type"],
            "origin": domain.get("origin")}


def list_domains(rt: Runtime, caller: Caller, app_id: str) -> list[AppDomain]:
    """The app's domains."""
    reachable_app(rt, caller, app_id)
    return [domain_item(d) for d in live_domains(rt, app_id)]


def hostname_taken(rt: Runtime, hostname: str) -> bool:
    """Whether a product domain or a live app domain already uses this hostname."""
    if rt.store.find("domains", "domain", hostname):
        return True
    return any(not d.get("deletedAt") for d in rt.store.find("appDomains", "domain", hostname))


def create_domain(
    rt: Runtime, caller: Caller, app_id: str, body: CreateAppDomainBody
) -> AppDomain:
    """Add a hostname to the app; a hostname in use anywhere is a conflict."""
    with rt.store.transaction():
        reachable_app(rt, caller, app_id)
        if hostname_taken(rt, body.domain):
            raise Conflict(f"domain {body.domain} is already in use")
        now = now_iso(rt)
        domain = rt.store.insert("appDomains", {
            "id": new_id("appdomain"), "appId": app_id, "domain": body.domain, "scope": "app",
            "productId": None, "cloudflareId": None, "type": body.type, "origin": body.origin,
            "createdAt": now, "updatedAt": now, "deletedAt": None})
    return domain_item(domain)


def delete_domain(rt: Runtime, caller: Caller, app_id: str, domain_id: str) -> DeletedRecord:
    """Soft-delete an app domain and drop its routing config."""
    with rt.store.transaction():
        reachable_app(rt, caller, app_id)
        domain = rt.store.get("appDomains", domain_id)
        if domain is None or domain["appId"] != app_id or domain.get("deletedAt"):
            raise not_found("domain")
        now = now_iso(rt)
        rt.store.update("appDomains", domain_id, {"deletedAt": now, "updatedAt": now})
        rt.store.remove("routingConfigs", domain_id)
    return {"id": domain_id}
