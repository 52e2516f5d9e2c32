"""Routing: request models and answer shapes of a web domain's routing config, an app's routes
and its llms.txt (they also build the OpenAPI entries)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from typing_extensions import NotRequired, TypedDict

from ..models import Model
from ..schemas import ProductRef, Timestamp

ROUTE_PATH = r"^\/?[^?#\s]*$"


class AppDestination(Model):
    type: Literal["app"]
    appId: str = Field(min_length=1)


class ProductDestination(Model):
    type: Literal["product"]
    productId: str = Field(min_length=1)


class RoutingPath(Model):
    id: str = Field(None, min_length=1, max_length=128)  # type: ignore[assignment]
    pathPrefix: str = Field(min_length=1, max_length=2048, pattern=r"^\/[^?#\s]*$")
    destination: Annotated[AppDestination | ProductDestination, Field(discriminator="type")]
    preservePathPrefix: Literal[True] = True


class FallbackOrigin(Model):
    url: str = Field(min_length=1)  # format: uri in TPC's document, no maximum length

    @field_validator("url")
    @classmethod
    def absolute_http_url(cls, value: str) -> str:
        """The fallback origin is an absolute http(s) URL."""
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL")
        return value


class RoutingConfigBody(Model):
    mode: Literal["full_shadow", "path_routing"]
    fallbackOrigin: FallbackOrigin = Field(None)  # type: ignore[assignment]
    paths: list[RoutingPath] = Field(None, max_length=100)  # type: ignore[arg-type]


class NewRoute(Model):
    path: str = Field(min_length=1, max_length=2048, pattern=ROUTE_PATH)
    targetType: Literal["product_document"] = "product_document"
    targetId: str = Field(min_length=1)


class RouteChange(Model):
    path: str = Field(None, min_length=1, max_length=2048, pattern=ROUTE_PATH)  # type: ignore[assignment]
    targetType: Literal["product_document"] = Field(None)  # type: ignore[arg-type]
    targetId: str = Field(None, min_length=1)  # type: ignore[assignment]


class RouteBatchBody(Model):
    routes: list[NewRoute] = Field(min_length=1, max_length=100)


class RouteCandidatesQuery(Model):
    productId: str = Field(None, min_length=1)  # type: ignore[assignment]
    status: Literal["draft", "published"] = "published"
    includeRouted: bool = False


class LlmsTxtQuery(Model):
    pathPrefix: str | None = None


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
class RoutingAppTarget(TypedDict):
    type: Literal["app"]
    appId: str


class RoutingProductTarget(TypedDict):
    type: Literal["product"]
    productId: str


class RoutingRule(TypedDict):
    """One path prefix of a domain and where it goes."""

    id: str
    pathPrefix: str
    destination: Annotated[RoutingAppTarget | RoutingProductTarget, Field(discriminator="type")]
    preservePathPrefix: Literal[True]


class RoutingOrigin(TypedDict):
    url: str


class RoutingConfig(TypedDict):
    """A domain's canonical routing config."""

    version: Literal[1]
    hostname: str
    mode: Literal["full_shadow", "path_routing"]
    fallbackOrigin: NotRequired[RoutingOrigin]
    paths: list[RoutingRule]


class RoutingState(TypedDict):
    """The saved (or default) config and how its last publish went."""

    config: RoutingConfig
    publishedAt: Timestamp | None
    publishedHash: str | None
    publishStatus: Literal["pending", "published", "failed"] | None
    publishError: str | None


class RoutingValidation(TypedDict):
    valid: Literal[True]
    config: RoutingConfig
    configHash: str
    kvKey: str


RouteIssue = Literal["already_routed", "duplicate_input_path", "path_conflict",
                     "product_not_available", "target_not_found"]


class RouteTarget(TypedDict):
    """The page a route serves."""

    id: str
    title: str
    filePath: str
    sourceUrl: str
    status: str
    type: str
    redirectToUrl: str | None
    productId: str


class AppRoute(TypedDict):
    """A route with its target page and the page's product."""

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
