"""/api/v1/views: request models and answer shapes (they also build the OpenAPI entries)."""

from __future__ import annotations

from pydantic import Field
from typing_extensions import TypedDict

from ..models import OMITTED, Model, OptionalQueryInt
from ..schemas import Timestamp


class ViewsQuery(Model):
    page: OptionalQueryInt = Field(None, ge=1)
    pageSize: OptionalQueryInt = Field(None, ge=1, le=500)
    search: str | None = None
    brandId: str | None = None


class CreateViewBody(Model):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(OMITTED, max_length=500)
    brandId: str = Field(min_length=1)
    conversationQueryIds: list[str] = OMITTED


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
class BrandRef(TypedDict):
    id: str
    name: str
    slug: str | None


class View(TypedDict):
    """A view with its live conversation count."""

    id: str
    name: str
    description: str | None
    brandId: str
    organizationId: str | None
    isDefault: bool
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None
    conversationCount: int
    brand: BrandRef


class Views(TypedDict):
    data: list[View]
    totalPages: int
    totalItems: int
