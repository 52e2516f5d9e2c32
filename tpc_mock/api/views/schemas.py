"""Request models of /api/v1/views (they also build the OpenAPI entries)."""

from __future__ import annotations

from pydantic import Field

from ..models import OMITTED, Model, OptionalQueryInt


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
