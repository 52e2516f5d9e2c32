"""Request models of the internal routes (they also build the OpenAPI entries)."""

from __future__ import annotations

from pydantic import Field

from ..models import Model


class ListProductsQuery(Model):
    organizationId: str | None = Field(None, min_length=1)
