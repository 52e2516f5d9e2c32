"""Answers of /api/v1/domain/{id}/routing (routing.py builds them)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import NotRequired, TypedDict

from .common import Timestamp


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
