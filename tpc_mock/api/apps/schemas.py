"""/api/v1/apps: request models and answer shapes of apps, their config, resources and
domains (they also build the OpenAPI entries)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from typing_extensions import NotRequired, TypedDict

from ..models import OMITTED, Model
from ..schemas import ProductRef, Timestamp

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
HOSTNAME = r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


class CreateAppBody(Model):
    name: str = Field(min_length=1, max_length=120)
    slug: str = Field(None, min_length=1, max_length=120, pattern=SLUG)  # type: ignore[assignment]
    metadata: dict[str, Any] | None = None
    config: dict[str, Any] = Field(None)  # type: ignore[arg-type]


class UpdateAppBody(Model):
    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]
    slug: str = Field(None, min_length=1, max_length=120, pattern=SLUG)  # type: ignore[assignment]
    metadata: dict[str, Any] | None = None


class UpdateAppConfigBody(Model):
    config: dict[str, Any]


class AttachResourceBody(Model):
    resourceType: Literal["product"] = "product"
    resourceId: str = Field(min_length=1)


class DetachResourceBody(AttachResourceBody):
    deleteDependentRoutes: bool = False


class UpdateResourceBody(Model):
    """The SDK's `v1.apps.resources.update` body: only the display name changes."""

    displayName: str = OMITTED


class CreateAppDomainBody(Model):
    domain: str = Field(min_length=1, max_length=253, pattern=HOSTNAME)
    type: Literal["web", "metric", "redirect"] = "web"
    origin: str = Field(None, min_length=1, max_length=2048)  # type: ignore[assignment]


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
class App(TypedDict):
    """An app as every apps answer shows it."""

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
    """A product attached to an app."""

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
