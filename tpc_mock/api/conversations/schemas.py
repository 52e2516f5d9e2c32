"""Request models of /api/v1/conversation-queries (they also build the OpenAPI entries)."""

from __future__ import annotations

from pydantic import Field

from ..models import Model


class ConversationQueriesQuery(Model):
    page: int | None = Field(None, ge=1)
    pageSize: int | None = Field(None, ge=1, le=500)
    search: str | None = None
    limit: int | None = Field(None, ge=1, le=500)
    brandId: str | None = None
    viewId: str | None = None
    promptId: str | None = None
    promptIds: str | None = Field(None, description="Comma-separated prompt ids")
