"""/api/v1/domain/{id}/routing over the store: a web domain's routing config, validated, saved
and published."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from typing_extensions import TypedDict

from ...auth.resolve import Caller
from ...envelope import BusinessLogicError, ValidationError, not_found
from ...runtime import Runtime
from ...store import declare_index
from ..common import invalid_issues, now_iso
from .schemas import (
    AppDestination,
    RoutingAppTarget,
    RoutingConfig,
    RoutingConfigBody,
    RoutingOrigin,
    RoutingPath,
    RoutingProductTarget,
    RoutingRule,
    RoutingState,
    RoutingValidation,
)

declare_index("routingConfigs", "domainId")


class _Fallback(TypedDict, total=False):
    """A config's fallback origin, when it has one (before its paths, as TPC answers)."""

    fallbackOrigin: RoutingOrigin


def routed_domain(rt: Runtime, caller: Caller, domain_id: str) -> dict[str, Any]:
    """`{id, hostname, organizationId}` of a reachable web domain (product or app domain)."""
    domain = rt.store.get("domains", domain_id)
    if domain is not None:
        product = rt.store.get("products", domain.get("productId") or "") or {}
        org_id = domain.get("organizationId") or product.get("organizationId") or ""
    else:
        domain = rt.store.get("appDomains", domain_id)
        app = rt.store.get("apps", domain["appId"]) if domain else None
        if domain is None or domain.get("deletedAt") or app is None or app.get("deletedAt"):
            raise not_found("domain")
        org_id = app["organizationId"]
    if not caller.can_reach(org_id):
        raise not_found("domain")
    if domain.get("type", "web") != "web":
        raise BusinessLogicError("routing is only available for web domains")
    return {"id": domain_id, "hostname": domain["domain"], "organizationId": org_id}


def config_hash(config: Mapping[str, object]) -> str:
    """SHA-256 (hex) of the config's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_state(hostname: str) -> RoutingState:
    """What an unconfigured web domain answers: everything shadowed, nothing published."""
    return {"config": {"version": 1, "hostname": hostname, "mode": "full_shadow", "paths": []},
            "publishedAt": None, "publishedHash": None, "publishStatus": None,
            "publishError": None}


def _state(record: dict[str, Any]) -> RoutingState:
    return {"config": record["config"], "publishedAt": record.get("publishedAt"),
            "publishedHash": record.get("publishedHash"),
            "publishStatus": record.get("publishStatus"),
            "publishError": record.get("publishError")}


def _destination_issues(
    rt: Runtime, org_id: str, index: int, path: RoutingPath
) -> list[dict[str, str]]:
    where = f"paths.{index}.destination"
    target = path.destination
    if isinstance(target, AppDestination):
        app = rt.store.get("apps", target.appId)
        if app is None or app.get("deletedAt") or app["organizationId"] != org_id:
            return [{"path": where + ".appId", "message": "app not found"}]
    else:
        product = rt.store.get("products", target.productId)
        if product is None or product["organizationId"] != org_id:
            return [{"path": where + ".productId", "message": "product not found"}]
    return []


def build_config(rt: Runtime, domain: dict[str, Any], body: RoutingConfigBody) -> RoutingConfig:
    """The canonical config for the domain; 422 with every issue when it cannot be used."""
    paths = body.paths or []
    issues: list[dict[str, str]] = []
    if body.mode == "path_routing" and not paths:
        issues.append({"path": "paths", "message": "path_routing needs at least one path"})
    prefixes: set[str] = set()
    ids: set[str] = set()
    built: list[RoutingRule] = []
    for index, path in enumerate(paths):
        path_id = path.id or "path_" + hashlib.sha256(path.pathPrefix.encode()).hexdigest()[:12]
        if path.pathPrefix in prefixes:
            issues.append({"path": f"paths.{index}.pathPrefix", "message": "duplicate pathPrefix"})
        if path_id in ids:
            issues.append({"path": f"paths.{index}.id", "message": "duplicate path id"})
        prefixes.add(path.pathPrefix)
        ids.add(path_id)
        issues += _destination_issues(rt, domain["organizationId"], index, path)
        target = path.destination
        destination: RoutingAppTarget | RoutingProductTarget = (
            {"type": "app", "appId": target.appId} if isinstance(target, AppDestination)
            else {"type": "product", "productId": target.productId})
        built.append({"id": path_id, "pathPrefix": path.pathPrefix, "destination": destination,
                      "preservePathPrefix": True})
    if issues:
        raise invalid_issues(issues)
    origin: _Fallback = ({} if body.fallbackOrigin is None
                         else {"fallbackOrigin": {"url": body.fallbackOrigin.url}})
    return {"version": 1, "hostname": domain["hostname"], "mode": body.mode, **origin,
            "paths": built}


def get_routing(rt: Runtime, caller: Caller, domain_id: str) -> RoutingState:
    """The saved routing state, or the default for an unconfigured domain."""
    domain = routed_domain(rt, caller, domain_id)
    record = rt.store.get("routingConfigs", domain_id)
    return _state(record) if record else default_state(domain["hostname"])


def validate_routing(
    rt: Runtime, caller: Caller, domain_id: str, body: RoutingConfigBody
) -> RoutingValidation:
    """Check a config without saving it; answer its canonical form, hash and KV key."""
    domain = routed_domain(rt, caller, domain_id)
    config = build_config(rt, domain, body)
    return {"valid": True, "config": config, "configHash": config_hash(config),
            "kvKey": f"routing:v1:{domain['hostname']}"}


def _published(rt: Runtime, config: RoutingConfig) -> dict[str, Any]:
    return {"config": config, "publishedAt": now_iso(rt), "publishedHash": config_hash(config),
            "publishStatus": "published", "publishError": None, "updatedAt": now_iso(rt)}


def save_routing(
    rt: Runtime, caller: Caller, domain_id: str, body: RoutingConfigBody
) -> RoutingState:
    """Save the config and publish it."""
    with rt.store.transaction():
        domain = routed_domain(rt, caller, domain_id)
        fields = _published(rt, build_config(rt, domain, body))
        if rt.store.get("routingConfigs", domain_id) is None:
            record = rt.store.insert("routingConfigs", {
                "id": domain_id, "domainId": domain_id, "createdAt": now_iso(rt), **fields})
        else:
            record = rt.store.update("routingConfigs", domain_id, fields)
    return _state(record)


def publish_routing(rt: Runtime, caller: Caller, domain_id: str) -> RoutingState:
    """Republish the saved config; a destination gone since marks the publish `failed`."""
    with rt.store.transaction():
        domain = routed_domain(rt, caller, domain_id)
        record = rt.store.get("routingConfigs", domain_id)
        if record is None:
            raise BusinessLogicError("no routing config is saved for this domain; PUT one first")
        saved = {k: v for k, v in record["config"].items() if k not in ("version", "hostname")}
        try:
            config = build_config(rt, domain, RoutingConfigBody.model_validate(saved))
            fields = _published(rt, config)
        except ValidationError as exc:
            issues = (exc.details or {}).get("issues", [])
            error = "; ".join(f"{i['path']}: {i['message']}" for i in issues) or exc.message
            fields = {"publishStatus": "failed", "publishError": error, "updatedAt": now_iso(rt)}
        record = rt.store.update("routingConfigs", domain_id, fields)
    return _state(record)


def reset_routing(rt: Runtime, caller: Caller, domain_id: str) -> RoutingState:
    """Forget the saved config; the domain answers the default again."""
    with rt.store.transaction():
        domain = routed_domain(rt, caller, domain_id)
        rt.store.remove("routingConfigs", domain_id)
    return default_state(domain["hostname"])
