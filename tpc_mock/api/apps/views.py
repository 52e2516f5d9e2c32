"""/api/v1/apps: the operations on apps, their resources, domains and config (an app's routes
and llms.txt are in routing)."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..common import ORG_HEADERS, target_organization
from ..registry import operation
from ..schemas import DeletedRecord
from . import APP, READ, TAG, WRITE
from . import domains_model as domains
from . import model as apps
from . import resources_model as resources
from .schemas import (
    App,
    AppConfig,
    AppDetail,
    AppDomain,
    AppResource,
    AttachResourceBody,
    CreateAppBody,
    CreateAppDomainBody,
    CreatedApp,
    DetachedAppResource,
    DetachResourceBody,
    ListedAppResource,
    RenamedAppResource,
    UpdateAppBody,
    UpdateAppConfigBody,
    UpdateResourceBody,
)

bp = Blueprint("apps", __name__)


# -- apps ----------------------------------------------------------------------
@operation(bp, "/api/v1/apps", "GET", "getApps", "List Apps", TAG, scopes=READ,
           headers=ORG_HEADERS, response=list[App])
def list_apps(rt: Runtime, caller: Caller, args: None, *,
              headers: dict[str, str | None]) -> list[App]:
    return apps.list_apps(rt, caller, target_organization(rt, caller, headers))


@operation(bp, "/api/v1/apps", "POST", "postApps", "Create App", TAG, scopes=WRITE,
           body=CreateAppBody, headers=ORG_HEADERS, response=CreatedApp)
def create_app(rt: Runtime, caller: Caller, args: CreateAppBody, *,
               headers: dict[str, str | None]) -> CreatedApp:
    return apps.create_app_record(rt, caller, target_organization(rt, caller, headers), args)


@operation(bp, APP, "GET", "getAppsAppId", "Get App", TAG, scopes=READ, response=AppDetail)
def get_app(rt: Runtime, caller: Caller, args: None, *, appId: str) -> AppDetail:
    return apps.get_app_detail(rt, caller, appId)


@operation(bp, APP, "PATCH", "patchAppsAppId", "Update App", TAG, scopes=WRITE,
           body=UpdateAppBody, response=App)
def update_app(rt: Runtime, caller: Caller, args: UpdateAppBody, *, appId: str) -> App:
    return apps.update_app(rt, caller, appId, args)


@operation(bp, APP, "DELETE", "deleteAppsAppId", "Delete App", TAG, scopes=WRITE,
           response=DeletedRecord)
def delete_app(rt: Runtime, caller: Caller, args: None, *, appId: str) -> DeletedRecord:
    return apps.delete_app(rt, caller, appId)


# -- resources -------------------------------------------------------------------
@operation(bp, APP + "/resources", "GET", "getAppsAppIdResources", "List App resources", TAG,
           scopes=READ, response=list[ListedAppResource])
def list_app_resources(rt: Runtime, caller: Caller, args: None, *,
                       appId: str) -> list[ListedAppResource]:
    return resources.list_resources(rt, caller, appId)


@operation(bp, APP + "/resources", "POST", "postAppsAppIdResources", "Attach App resource", TAG,
           scopes=WRITE, body=AttachResourceBody, response=AppResource)
def attach_app_resource(rt: Runtime, caller: Caller, args: AttachResourceBody, *,
                        appId: str) -> AppResource:
    return resources.attach_resource(rt, caller, appId, args)


@operation(bp, APP + "/resources", "DELETE", "deleteAppsAppIdResources", "Detach App resource",
           TAG, scopes=WRITE, body=DetachResourceBody, response=DetachedAppResource)
def detach_app_resource(rt: Runtime, caller: Caller, args: DetachResourceBody, *,
                        appId: str) -> DetachedAppResource:
    return resources.detach_resource(rt, caller, appId, args)


@operation(bp, APP + "/resources/<resourceId>", "PATCH", "patchAppsAppIdResourcesResourceId",
           "Update App resource", TAG, scopes=WRITE, body=UpdateResourceBody,
           response=RenamedAppResource)
def update_app_resource(rt: Runtime, caller: Caller, args: UpdateResourceBody, *,
                        appId: str, resourceId: str) -> RenamedAppResource:
    return resources.update_resource(rt, caller, appId, resourceId, args)


# -- domains -----------------------------------------------------------------------
@operation(bp, APP + "/domains", "GET", "getAppsAppIdDomains", "List App domains", TAG,
           scopes=READ, response=list[AppDomain])
def list_app_domains(rt: Runtime, caller: Caller, args: None, *, appId: str) -> list[AppDomain]:
    return domains.list_domains(rt, caller, appId)


@operation(bp, APP + "/domains", "POST", "postAppsAppIdDomains", "Create App domain", TAG,
           scopes=WRITE, body=CreateAppDomainBody, response=AppDomain)
def create_app_domain(rt: Runtime, caller: Caller, args: CreateAppDomainBody, *,
                      appId: str) -> AppDomain:
    return domains.create_domain(rt, caller, appId, args)


@operation(bp, APP + "/domains/<domainId>", "DELETE", "deleteAppsAppIdDomainsDomainId",
           "Delete App domain", TAG, scopes=WRITE, response=DeletedRecord)
def delete_app_domain(rt: Runtime, caller: Caller, args: None, *, appId: str,
                      domainId: str) -> DeletedRecord:
    return domains.delete_domain(rt, caller, appId, domainId)


# -- config --------------------------------------------------------------------------
@operation(bp, APP + "/app-config", "GET", "getAppsAppIdAppConfig", "Get App config", TAG,
           scopes=READ, response=AppConfig)
def get_app_config(rt: Runtime, caller: Caller, args: None, *, appId: str) -> AppConfig:
    return apps.get_config(rt, caller, appId)


@operation(bp, APP + "/app-config", "PATCH", "patchAppsAppIdAppConfig", "Update App config", TAG,
           scopes=WRITE, body=UpdateAppConfigBody, response=AppConfig)
def update_app_config(rt: Runtime, caller: Caller, args: UpdateAppConfigBody, *,
                      appId: str) -> AppConfig:
    return apps.update_config(rt, caller, appId, args)
