"""Request models of /api/v1/products/{productId}/knowledge (they also build the OpenAPI
entries)."""

from __future__ import annotations

from pydantic import Field

from ..models import OMITTED, Model


class RetrieveKnowledgeBody(Model):
    query: str = Field(min_length=1, max_length=2000)
    include: list[str] = Field(OMITTED, min_length=1, max_length=3,
                               description="Sources to search; the emulator has documents only")
