"""Routing: the operations on a web domain's routing config, an app's routes (candidates,
import preview, batch) and the app's llms.txt."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..apps import APP, READ, TAG, WRITE
from ..registry import operation
from ..schemas import DeletedRecord
from . import routes_model as routes
from .llms_model import llms_txt
from .model import (
    get_routing,
    publish_routing,
    reset_routing,
    save_routing,
    validate_routing,
)
from .schemas import (
    AppRoute,
    LlmsTxtQuery,
    NewRoute,
    RouteBatchBody,
    RouteCandidates,
    RouteCandidatesQuery,
    RouteChange,
    RouteImportPreview,
    RoutesCreated,
    RoutingConfigBody,
    RoutingState,
    RoutingValidation,
)

bp = Blueprint("routing", __name__)


# -- a web domain's routing config ---------------------------------------------------
PATH = "/api/v1/domain/<id>/routing"


@operation(bp, PATH, "GET", "getDomainIdRouting", "Get web-domain routing config", TAG,
           scopes=("content:read",), response=RoutingState, errors=(422,))
def get_domain_routing(rt: Runtime, caller: Caller, args: None, *, id: str) -> RoutingState:
    return get_routing(rt, caller, id)


@operation(bp, PATH, "PUT", "putDomainIdRouting", "Save and publish web-domain routing config",
           TAG, scopes=("content:write",), body=RoutingConfigBody, response=RoutingState)
def put_domain_routing(rt: Runtime, caller: Caller, args: RoutingConfigBody, *,
                       id: str) -> RoutingState:
    return save_routing(rt, caller, id, args)


@operation(bp, PATH, "DELETE", "deleteDomainIdRouting", "Reset web-domain routing config", TAG,
           scopes=("content:write",), response=RoutingState, errors=(422,))
def delete_domain_routing(rt: Runtime, caller: Caller, args: None, *, id: str) -> RoutingState:
    return reset_routing(rt, caller, id)


@operation(bp, PATH + "/validate", "POST", "postDomainIdRoutingValidate",
           "Validate web-domain routing config", TAG, scopes=("content:write",),
           body=RoutingConfigBody, response=RoutingValidation)
def validate_domain_routing(rt: Runtime, caller: Caller, args: RoutingConfigBody, *,
                            id: str) -> RoutingValidation:
    return validate_routing(rt, caller, id, args)


@operation(bp, PATH + "/publish", "POST", "postDomainIdRoutingPublish",
           "Publish web-domain routing config", TAG, scopes=("content:write",),
           response=RoutingState, errors=(422,))
def publish_domain_routing(rt: Runtime, caller: Caller, args: None, *, id: str) -> RoutingState:
    return publish_routing(rt, caller, id)


# -- an app's routes and llms.txt -------------------------------------------------
@operation(bp, APP + "/route-candidates", "GET", "getAppsAppIdRouteCandidates",
           "List App route candidates", TAG, scopes=READ, query=RouteCandidatesQuery,
           response=RouteCandidates)
def list_route_candidates(rt: Runtime, caller: Caller, args: RouteCandidatesQuery, *,
                          appId: str) -> RouteCandidates:
    return routes.route_candidates(rt, caller, appId, args)


@operation(bp, APP + "/routes", "GET", "getAppsAppIdRoutes", "List App routes", TAG, scopes=READ,
           response=list[AppRoute])
def list_app_routes(rt: Runtime, caller: Caller, args: None, *, appId: str) -> list[AppRoute]:
    return routes.list_routes(rt, caller, appId)


@operation(bp, APP + "/routes", "POST", "postAppsAppIdRoutes", "Create App route", TAG,
           scopes=WRITE, body=NewRoute, response=AppRoute)
def create_app_route(rt: Runtime, caller: Caller, args: NewRoute, *, appId: str) -> AppRoute:
    return routes.create_route(rt, caller, appId, args)


@operation(bp, APP + "/routes/<id:routeId>", "PATCH", "patchAppsAppIdRoutesRouteId",
           "Update App route", TAG, scopes=WRITE, body=RouteChange, response=AppRoute)
def update_app_route(rt: Runtime, caller: Caller, args: RouteChange, *,
                     appId: str, routeId: str) -> AppRoute:
    return routes.update_route(rt, caller, appId, routeId, args)


@operation(bp, APP + "/routes/<id:routeId>", "DELETE", "deleteAppsAppIdRoutesRouteId",
           "Delete App route", TAG, scopes=WRITE, response=DeletedRecord)
def delete_app_route(rt: Runtime, caller: Caller, args: None, *, appId: str,
                     routeId: str) -> DeletedRecord:
    return routes.delete_route(rt, caller, appId, routeId)


@operation(bp, APP + "/routes/import-preview", "POST", "postAppsAppIdRoutesImportPreview",
           "Preview App route import", TAG, scopes=WRITE, body=RouteBatchBody,
           response=RouteImportPreview)
def preview_route_import(rt: Runtime, caller: Caller, args: RouteBatchBody, *,
                         appId: str) -> RouteImportPreview:
    return routes.preview_import(rt, caller, appId, args)


@operation(bp, APP + "/routes/batch", "POST", "postAppsAppIdRoutesBatch",
           "Create App routes in batch", TAG, scopes=WRITE, body=RouteBatchBody,
           response=RoutesCreated)
def create_app_routes_batch(rt: Runtime, caller: Caller, args: RouteBatchBody, *,
                            appId: str) -> RoutesCreated:
    return routes.create_routes_batch(rt, caller, appId, args)


@operation(bp, APP + "/llms-txt", "GET", "getAppsAppIdLlmsTxt", "Generate App llms.txt", TAG,
           scopes=READ, query=LlmsTxtQuery, content_type="text/plain")
def get_app_llms_txt(rt: Runtime, caller: Caller, args: LlmsTxtQuery, *,
                     appId: str) -> str:
    return llms_txt(rt, caller, appId, args.pathPrefix)
