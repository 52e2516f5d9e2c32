"""/api/v1/apps: the operations on apps, their resources, domains and config (an app's routes
and llms.txt are in routing)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..common import ORG_HEADERS, target_organization
from ..registry import operation
from . import APP, READ, TAG, WRITE
from . import domains_model as domains
from . import model as apps
from . import resources_model as resources
from .schemas import (
    AttachResourceBody,
    CreateAppBody,
    CreateAppDomainBody,
    DetachResourceBody,
    UpdateAppBody,
    UpdateAppConfigBody,
    UpdateResourceBody,
)

bp = Blueprint("apps", __name__)


# -- apps ----------------------------------------------------------------------
@operation(bp, "/api/v1/apps", "GET", "getApps", "List Apps", TAG, scopes=READ, headers=ORG_HEADERS)
def list_apps(rt: Runtime, caller: Caller, args: None, *,
              headers: dict[str, str | None]) -> Any:
    return apps.list_apps(rt, caller, target_organization(rt, caller, headers))


@operation(bp, "/api/v1/apps", "POST", "postApps", "Create App", TAG, scopes=WRITE,
           body=CreateAppBody, headers=ORG_HEADERS)
def create_app(rt: Runtime, caller: Caller, args: CreateAppBody, *,
               headers: dict[str, str | None]) -> Any:
    return apps.create_app_record(rt, caller, target_organization(rt, caller, headers), args)


@operation(bp, APP, "GET", "getAppsAppId", "Get App", TAG, scopes=READ)
def get_app(rt: Runtime, caller: Caller, args: None, *, appId: str) -> Any:
    return apps.get_app_detail(rt, caller, appId)


@operation(bp, APP, "PATCH", "patchAppsAppId", "Update App", TAG, scopes=WRITE,
           body=UpdateAppBody)
def update_app(rt: Runtime, caller: Caller, args: UpdateAppBody, *, appId: str) -> Any:
    return apps.update_app(rt, caller, appId, args)


@operation(bp, APP, "DELETE", "deleteAppsAppId", "Delete App", TAG, scopes=WRITE)
def delete_app(rt: Runtime, caller: Caller, args: None, *, appId: str) -> Any:
    return apps.delete_app(rt, caller, appId)


# -- resources -------------------------------------------------------------------
@operation(bp, APP + "/resources", "GET", "getAppsAppIdResources", "List App resources", TAG,
           scopes=READ)
def list_app_resources(rt: Runtime, caller: Caller, args: None, *, appId: str) -> Any:
    return resources.list_resources(rt, caller, appId)


@operation(bp, APP + "/resources", "POST", "postAppsAppIdResources", "Attach App resource", TAG,
           scopes=WRITE, body=AttachResourceBody)
def attach_app_resource(rt: Runtime, caller: Caller, args: AttachResourceBody, *,
                        appId: str) -> Any:
    return resources.attach_resource(rt, caller, appId, args)


@operation(bp, APP + "/resources", "DELETE", "deleteAppsAppIdResources", "Detach App resource",
           TAG, scopes=WRITE, body=DetachResourceBody)
def detach_app_resource(rt: Runtime, caller: Caller, args: DetachResourceBody, *,
                        appId: str) -> Any:
    return resources.detach_resource(rt, caller, appId, args)


@operation(bp, APP + "/resources/<resourceId>", "PATCH", "patchAppsAppIdResourcesResourceId",
           "Update App resource", TAG, scopes=WRITE, body=UpdateResourceBody)
def update_app_resource(rt: Runtime, caller: Caller, args: UpdateResourceBody, *,
                        appId: str, resourceId: str) -> Any:
    return resources.update_resource(rt, caller, appId, resourceId, args)


# -- domains -----------------------------------------------------------------------
@operation(bp, APP + "/domains", "GET", "getAppsAppIdDomains", "List App domains", TAG,
           scopes=READ)
def list_app_domains(rt: Runtime, caller: Caller, args: None, *, appId: str) -> Any:
    return domains.list_domains(rt, caller, appId)


@operation(bp, APP + "/domains", "POST", "postAppsAppIdDomains", "Create App domain", TAG,
           scopes=WRITE, body=CreateAppDomainBody)
def create_app_domain(rt: Runtime, caller: Caller, args: CreateAppDomainBody, *,
                      appId: str) -> Any:
    return domains.create_domain(rt, caller, appId, args)


@operation(bp, APP + "/domains/<domainId>", "DELETE", "deleteAppsAppIdDomainsDomainId",
           "Delete App domain", TAG, scopes=WRITE)
def delete_app_domain(rt: Runtime, caller: Caller, args: None, *, appId: str, domainId: str) -> Any:
    return domains.delete_domain(rt, caller, appId, domainId)


# -- config --------------------------------------------------------------------------
@operation(bp, APP + "/app-config", "GET", "getAppsAppIdAppConfig", "Get App config", TAG,
           scopes=READ)
def get_app_config(rt: Runtime, caller: Caller, args: None, *, appId: str) -> Any:
    return apps.get_config(rt, caller, appId)


@operation(bp, APP + "/app-config", "PATCH", "patchAppsAppIdAppConfig", "Update App config", TAG,
           scopes=WRITE, body=UpdateAppConfigBody)
def update_app_config(rt: Runtime, caller: Caller, args: UpdateAppConfigBody, *,
                      appId: str) -> Any:
    return apps.update_config(rt, caller, appId, args)
