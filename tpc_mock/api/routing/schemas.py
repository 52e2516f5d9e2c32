"""Request models of routing: a web domain's routing config, an app's routes and its llms.txt
(they also build the OpenAPI entries)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from ..models import Model

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
    url: str = Field(min_length=1, max_length=2048)

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
