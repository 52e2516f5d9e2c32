"""/api/v1/apps: apps, their resources, domains, config, routes and llms.txt (views)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..auth.resolve import Caller
from ..runtime import Runtime
from . import app_domains as domains
from . import app_llms as llms
from . import app_model as apps
from . import app_resources as resources
from . import route_model as routes
from .registry import operation

bp = Blueprint("apps", __name__)
TAG = "Apps & Publishing"
READ = ("content:read",)
WRITE = ("content:write",)
TENANT = ("x-tpc-organization-id", "x-tpc-organization-slug")
APP = "/api/v1/apps/<appId>"


def _organization(rt: Runtime, caller: Caller, headers: dict[str, str | None]) -> str:
    """The organization a list or create works in (a tenant header, the key's, the active one)."""
    return apps.target_organization(rt, caller, headers[TENANT[0]], headers[TENANT[1]])


# -- apps ----------------------------------------------------------------------
@operation(bp, "/api/v1/apps", "GET", "getApps", "List Apps", TAG, scopes=READ, headers=TENANT)
def list_apps(rt: Runtime, caller: Caller, args: None, *,
              headers: dict[str, str | None]) -> Any:
    return apps.list_apps(rt, caller, _organization(rt, caller, headers))


@operation(bp, "/api/v1/apps", "POST", "postApps", "Create App", TAG, scopes=WRITE,
           body=apps.CreateAppBody, headers=TENANT)
def create_app(rt: Runtime, caller: Caller, args: apps.CreateAppBody, *,
               headers: dict[str, str | None]) -> Any:
    return apps.create_app_record(rt, caller, _organization(rt, caller, headers), args)


@operation(bp, APP, "GET", "getAppsAppId", "Get App", TAG, scopes=READ)
def get_app(rt: Runtime, caller: Caller, args: None, *, appId: str) -> Any:
    return apps.get_app_detail(rt, caller, appId)


@operation(bp, APP, "PATCH", "patchAppsAppId", "Update App", TAG, scopes=WRITE,
           body=apps.UpdateAppBody)
def update_app(rt: Runtime, caller: Caller, args: apps.UpdateAppBody, *, appId: str) -> Any:
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
           scopes=WRITE, body=resources.AttachResourceBody)
def attach_app_resource(rt: Runtime, caller: Caller, args: resources.AttachResourceBody, *,
                        appId: str) -> Any:
    return resources.attach_resource(rt, caller, appId, args)


@operation(bp, APP + "/resources", "DELETE", "deleteAppsAppIdResources", "Detach App resource",
           TAG, scopes=WRITE, body=resources.DetachResourceBody)
def detach_app_resource(rt: Runtime, caller: Caller, args: resources.DetachResourceBody, *,
                        appId: str) -> Any:
    return resources.detach_resource(rt, caller, appId, args)


@operation(bp, APP + "/resources/<resourceId>", "PATCH", "patchAppsAppIdResourcesResourceId",
           "Update App resource", TAG, scopes=WRITE, body=resources.UpdateResourceBody)
def update_app_resource(rt: Runtime, caller: Caller, args: resources.UpdateResourceBody, *,
                        appId: str, resourceId: str) -> Any:
    return resources.update_resource(rt, caller, appId, resourceId, args)


# -- domains -----------------------------------------------------------------------
@operation(bp, APP + "/domains", "GET", "getAppsAppIdDomains", "List App domains", TAG,
           scopes=READ)
def list_app_domains(rt: Runtime, caller: Caller, args: None, *, appId: str) -> Any:
    return domains.list_domains(rt, caller, appId)


@operation(bp, APP + "/domains", "POST", "postAppsAppIdDomains", "Create App domain", TAG,
           scopes=WRITE, body=domains.CreateAppDomainBody)
def create_app_domain(rt: Runtime, caller: Caller, args: domains.CreateAppDomainBody, *,
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
           scopes=WRITE, body=apps.UpdateAppConfigBody)
def update_app_config(rt: Runtime, caller: Caller, args: apps.UpdateAppConfigBody, *,
                      appId: str) -> Any:
    return apps.update_config(rt, caller, appId, args)


# -- routes --------------------------------------------------------------------------
@operation(bp, APP + "/route-candidates", "GET", "getAppsAppIdRouteCandidates",
           "List App route candidates", TAG, scopes=READ, query=routes.RouteCandidatesQuery)
def list_route_candidates(rt: Runtime, caller: Caller, args: routes.RouteCandidatesQuery, *,
                          appId: str) -> Any:
    return routes.route_candidates(rt, caller, appId, args)


@operation(bp, APP + "/routes", "GET", "getAppsAppIdRoutes", "List App routes", TAG, scopes=READ)
def list_app_routes(rt: Runtime, caller: Caller, args: None, *, appId: str) -> Any:
    return routes.list_routes(rt, caller, appId)


@operation(bp, APP + "/routes", "POST", "postAppsAppIdRoutes", "Create App route", TAG,
           scopes=WRITE, body=routes.NewRoute)
def create_app_route(rt: Runtime, caller: Caller, args: routes.NewRoute, *, appId: str) -> Any:
    return routes.create_route(rt, caller, appId, args)


@operation(bp, APP + "/routes/<id:routeId>", "PATCH", "patchAppsAppIdRoutesRouteId",
           "Update App route", TAG, scopes=WRITE, body=routes.RouteChange)
def update_app_route(rt: Runtime, caller: Caller, args: routes.RouteChange, *,
                     appId: str, routeId: str) -> Any:
    return routes.update_route(rt, caller, appId, routeId, args)


@operation(bp, APP + "/routes/<id:routeId>", "DELETE", "deleteAppsAppIdRoutesRouteId",
           "Delete App route", TAG, scopes=WRITE)
def delete_app_route(rt: Runtime, caller: Caller, args: None, *, appId: str, routeId: str) -> Any:
    return routes.delete_route(rt, caller, appId, routeId)


@operation(bp, APP + "/routes/import-preview", "POST", "postAppsAppIdRoutesImportPreview",
           "Preview App route import", TAG, scopes=WRITE, body=routes.RouteBatchBody)
def preview_route_import(rt: Runtime, caller: Caller, args: routes.RouteBatchBody, *,
                         appId: str) -> Any:
    return routes.preview_import(rt, caller, appId, args)


@operation(bp, APP + "/routes/batch", "POST", "postAppsAppIdRoutesBatch",
           "Create App routes in batch", TAG, scopes=WRITE, body=routes.RouteBatchBody)
def create_app_routes_batch(rt: Runtime, caller: Caller, args: routes.RouteBatchBody, *,
                            appId: str) -> Any:
    return routes.create_routes_batch(rt, caller, appId, args)


@operation(bp, APP + "/llms-txt", "GET", "getAppsAppIdLlmsTxt", "Generate App llms.txt", TAG,
           scopes=READ, query=llms.LlmsTxtQuery, content_type="text/plain")
def get_app_llms_txt(rt: Runtime, caller: Caller, args: llms.LlmsTxtQuery, *,
                     appId: str) -> str:
    return llms.llms_txt(rt, caller, appId, args.pathPrefix)
