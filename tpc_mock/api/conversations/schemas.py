"""Request models of /api/v1/conversation-queries (they also build the OpenAPI entries)."""

from __future__ import annotations

from pydantic import Field

from ..models import Model, OptionalQueryInt


class ConversationQueriesQuery(Model):
    page: OptionalQueryInt = Field(None, ge=1)
    pageSize: OptionalQueryInt = Field(None, ge=1, le=500)
    search: str | None = None
    limit: OptionalQueryInt = Field(None, ge=1, le=500)
    brandId: str | None = None
    viewId: str | None = None
    promptId: str | None = None
    promptIds: str | None = Field(None, description="Comma-separated prompt ids")
