"""Answers of /api/v1/apps: apps, their resources, domains and config (app_model.py,
app_resources.py and app_domains.py build them)."""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import NotRequired, TypedDict

from .common import ProductRef, Timestamp


class App(TypedDict):
    """An app as every apps answer shows it (app_model.app_item)."""

    id: str
    organizationId: str
    name: str
    slug: str
    metadata: dict[str, Any] | None
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None


class AppConfig(TypedDict):
    """An app's config; an app that never saved one answers it without the record fields."""

    id: NotRequired[str]
    createdAt: NotRequired[Timestamp]
    updatedAt: NotRequired[Timestamp]
    deletedAt: NotRequired[Timestamp | None]
    config: dict[str, Any]
    organizationId: str | None
    productId: str | None
    appId: str


class CreatedApp(App):
    appConfig: AppConfig | None


class AppResource(TypedDict):
    """A product attached to an app (app_model.resource_item)."""

    id: str
    appId: str
    resourceType: Literal["product"]
    resourceId: str
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None


class ListedAppResource(AppResource):
    product: ProductRef | None


class RenamedAppResource(AppResource):
    displayName: str | None


class AppDetail(App):
    resources: list[ListedAppResource]
    appConfig: AppConfig | None


class DetachedAppResource(TypedDict):
    id: str
    deletedDependentRouteCount: int


class AppDomain(TypedDict):
    """A hostname an app is served on."""

    id: str
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None
    domain: str
    scope: Literal["app"]
    productId: None
    appId: str
    cloudflareId: str | None
    type: Literal["web", "metric", "redirect"]
    origin: str | None
