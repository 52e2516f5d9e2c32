"""Answers of /api/v1/apps/{appId}/routes and route-candidates (route_model.py builds them)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from .common import ProductRef, Timestamp

RouteIssue = Literal["already_routed", "duplicate_input_path", "path_conflict",
                     "product_not_available", "target_not_found"]


class RouteTarget(TypedDict):
    """The page a route serves (route_model.target_item)."""

    id: str
    title: str
    filePath: str
    sourceUrl: str
    status: str
    type: str
    redirectToUrl: str | None
    productId: str


class AppRoute(TypedDict):
    """A route with its target page and the page's product (route_model.route_item)."""

    id: str
    appId: str
    path: str
    targetType: Literal["product_document"]
    targetId: str
    createdAt: Timestamp
    updatedAt: Timestamp
    target: RouteTarget | None
    product: ProductRef | None


class RouteRef(TypedDict):
    id: str
    path: str


class RouteConflict(TypedDict):
    """The route that already holds a path."""

    id: str
    path: str
    targetType: str
    targetId: str


class RouteCandidate(TypedDict):
    targetType: Literal["product_document"]
    targetId: str
    suggestedPath: str
    pathStatus: Literal["already_routed", "path_conflict", "available"]
    existingRoute: RouteRef | None
    pathConflict: RouteConflict | None
    target: RouteTarget
    product: ProductRef


class RouteCandidates(TypedDict):
    appId: str
    candidateCount: int
    candidates: list[RouteCandidate]


class RouteInput(TypedDict):
    path: str
    targetType: Literal["product_document"]
    targetId: str


class RouteImportRow(TypedDict):
    """What importing one route would do."""

    input: RouteInput
    action: Literal["create", "conflict", "skip"]
    issues: list[RouteIssue]
    existingRoute: RouteRef | None
    pathConflict: RouteConflict | None
    target: RouteTarget | None
    product: ProductRef | None


class RouteImportPreview(TypedDict):
    appId: str
    valid: bool
    createCount: int
    conflictCount: int
    skipCount: int
    routes: list[RouteImportRow]


class RoutesCreated(TypedDict):
    createdCount: int
    routes: list[AppRoute]
