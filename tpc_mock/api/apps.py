"""/api/v1/apps: apps, their resources, domains, config, routes and llms.txt (views)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ..envelope import ok
from ..web import current_caller, json_body, query_args, runtime, validate
from . import app_domains as domains
from . import app_llms as llms
from . import app_model as apps
from . import app_resources as resources
from . import route_model as routes
from .idempotent import idempotent
from .registry import operation

bp = Blueprint("apps", __name__)
TAG = "Apps & Publishing"
READ = ("content:read",)
WRITE = ("content:write",)
TENANT = ("x-tpc-organization-id", "x-tpc-organization-slug")
APP = "/api/v1/apps/<appId>"


def _organization() -> str:
    caller = current_caller()
    return apps.target_organization(runtime(), caller, request.headers.get(TENANT[0]),
                                    request.headers.get(TENANT[1]))


# -- apps ----------------------------------------------------------------------
@operation(bp, "/api/v1/apps", "GET", "getApps", "List Apps", TAG, scopes=READ, headers=TENANT)
def list_apps() -> Any:
    caller = current_caller(READ)
    return ok(apps.list_apps(runtime(), caller, _organization()))


@operation(bp, "/api/v1/apps", "POST", "postApps", "Create App", TAG, scopes=WRITE,
           body=apps.CreateAppBody, headers=TENANT)
@idempotent
def create_app() -> Any:
    caller = current_caller(WRITE)
    body = validate(apps.CreateAppBody, json_body())
    return ok(apps.create_app_record(runtime(), caller, _organization(), body))


@operation(bp, APP, "GET", "getAppsAppId", "Get App", TAG, scopes=READ)
def get_app(appId: str) -> Any:
    caller = current_caller(READ)
    return ok(apps.get_app_detail(runtime(), caller, appId))


@operation(bp, APP, "PATCH", "patchAppsAppId", "Update App", TAG, scopes=WRITE,
           body=apps.UpdateAppBody)
@idempotent
def update_app(appId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(apps.UpdateAppBody, json_body())
    return ok(apps.update_app(runtime(), caller, appId, body))


@operation(bp, APP, "DELETE", "deleteAppsAppId", "Delete App", TAG, scopes=WRITE)
@idempotent
def delete_app(appId: str) -> Any:
    caller = current_caller(WRITE)
    return ok(apps.delete_app(runtime(), caller, appId))


# -- resources -------------------------------------------------------------------
@operation(bp, APP + "/resources", "GET", "getAppsAppIdResources", "List App resources", TAG,
           scopes=READ)
def list_app_resources(appId: str) -> Any:
    caller = current_caller(READ)
    return ok(resources.list_resources(runtime(), caller, appId))


@operation(bp, APP + "/resources", "POST", "postAppsAppIdResources", "Attach App resource", TAG,
           scopes=WRITE, body=resources.AttachResourceBody)
@idempotent
def attach_app_resource(appId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(resources.AttachResourceBody, json_body())
    return ok(resources.attach_resource(runtime(), caller, appId, body))


@operation(bp, APP + "/resources", "DELETE", "deleteAppsAppIdResources", "Detach App resource",
           TAG, scopes=WRITE, body=resources.DetachResourceBody)
@idempotent
def detach_app_resource(appId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(resources.DetachResourceBody, json_body())
    return ok(resources.detach_resource(runtime(), caller, appId, body))


@operation(bp, APP + "/resources/<resourceId>", "PATCH", "patchAppsAppIdResourcesResourceId",
           "Update App resource", TAG, scopes=WRITE, body=resources.UpdateResourceBody)
@idempotent
def update_app_resource(appId: str, resourceId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(resources.UpdateResourceBody, json_body())
    return ok(resources.update_resource(runtime(), caller, appId, resourceId, body))


# -- domains -----------------------------------------------------------------------
@operation(bp, APP + "/domains", "GET", "getAppsAppIdDomains", "List App domains", TAG,
           scopes=READ)
def list_app_domains(appId: str) -> Any:
    caller = current_caller(READ)
    return ok(domains.list_domains(runtime(), caller, appId))


@operation(bp, APP + "/domains", "POST", "postAppsAppIdDomains", "Create App domain", TAG,
           scopes=WRITE, body=domains.CreateAppDomainBody)
@idempotent
def create_app_domain(appId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(domains.CreateAppDomainBody, json_body())
    return ok(domains.create_domain(runtime(), caller, appId, body))


@operation(bp, APP + "/domains/<domainId>", "DELETE", "deleteAppsAppIdDomainsDomainId",
           "Delete App domain", TAG, scopes=WRITE)
@idempotent
def delete_app_domain(appId: str, domainId: str) -> Any:
    caller = current_caller(WRITE)
    return ok(domains.delete_domain(runtime(), caller, appId, domainId))


# -- config --------------------------------------------------------------------------
@operation(bp, APP + "/app-config", "GET", "getAppsAppIdAppConfig", "Get App config", TAG,
           scopes=READ)
def get_app_config(appId: str) -> Any:
    caller = current_caller(READ)
    return ok(apps.get_config(runtime(), caller, appId))


@operation(bp, APP + "/app-config", "PATCH", "patchAppsAppIdAppConfig", "Update App config", TAG,
           scopes=WRITE, body=apps.UpdateAppConfigBody)
@idempotent
def update_app_config(appId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(apps.UpdateAppConfigBody, json_body())
    return ok(apps.update_config(runtime(), caller, appId, body))


# -- routes --------------------------------------------------------------------------
@operation(bp, APP + "/route-candidates", "GET", "getAppsAppIdRouteCandidates",
           "List App route candidates", TAG, scopes=READ, query=routes.RouteCandidatesQuery)
def list_route_candidates(appId: str) -> Any:
    caller = current_caller(READ)
    args = query_args(routes.RouteCandidatesQuery)
    return ok(routes.route_candidates(runtime(), caller, appId, args))


@operation(bp, APP + "/routes", "GET", "getAppsAppIdRoutes", "List App routes", TAG, scopes=READ)
def list_app_routes(appId: str) -> Any:
    caller = current_caller(READ)
    return ok(routes.list_routes(runtime(), caller, appId))


@operation(bp, APP + "/routes", "POST", "postAppsAppIdRoutes", "Create App route", TAG,
           scopes=WRITE, body=routes.NewRoute)
@idempotent
def create_app_route(appId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(routes.NewRoute, json_body())
    return ok(routes.create_route(runtime(), caller, appId, body))


@operation(bp, APP + "/routes/<id:routeId>", "PATCH", "patchAppsAppIdRoutesRouteId",
           "Update App route", TAG, scopes=WRITE, body=routes.RouteChange)
@idempotent
def update_app_route(appId: str, routeId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(routes.RouteChange, json_body())
    return ok(routes.update_route(runtime(), caller, appId, routeId, body))


@operation(bp, APP + "/routes/<id:routeId>", "DELETE", "deleteAppsAppIdRoutesRouteId",
           "Delete App route", TAG, scopes=WRITE)
@idempotent
def delete_app_route(appId: str, routeId: str) -> Any:
    caller = current_caller(WRITE)
    return ok(routes.delete_route(runtime(), caller, appId, routeId))


@operation(bp, APP + "/routes/import-preview", "POST", "postAppsAppIdRoutesImportPreview",
           "Preview App route import", TAG, scopes=WRITE, body=routes.RouteBatchBody)
@idempotent
def preview_route_import(appId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(routes.RouteBatchBody, json_body())
    return ok(routes.preview_import(runtime(), caller, appId, body))


@operation(bp, APP + "/routes/batch", "POST", "postAppsAppIdRoutesBatch",
           "Create App routes in batch", TAG, scopes=WRITE, body=routes.RouteBatchBody)
@idempotent
def create_app_routes_batch(appId: str) -> Any:
    caller = current_caller(WRITE)
    body = validate(routes.RouteBatchBody, json_body())
    return ok(routes.create_routes_batch(runtime(), caller, appId, body))


@operation(bp, APP + "/llms-txt", "GET", "getAppsAppIdLlmsTxt", "Generate App llms.txt", TAG,
           scopes=READ, query=llms.LlmsTxtQuery, content_type="text/plain")
def get_app_llms_txt(appId: str) -> Any:
    caller = current_caller(READ)
    args = query_args(llms.LlmsTxtQuery)
    text = llms.llms_txt(runtime(), caller, appId, args.pathPrefix)
    return Response(text, mimetype="text/plain")
