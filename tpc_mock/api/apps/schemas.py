"""Request models of /api/v1/apps: apps, their config, resources and domains (they also build
the OpenAPI entries)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..models import OMITTED, Model

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
