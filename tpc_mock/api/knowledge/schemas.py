"""/api/v1/products/{productId}/knowledge: the request model and the answer's shape (they also
build the OpenAPI entries)."""

from __future__ import annotations

from pydantic import Field
from typing_extensions import TypedDict

from ..models import OMITTED, Model


class RetrieveKnowledgeBody(Model):
    query: str = Field(min_length=1, max_length=2000)
    include: list[str] = Field(OMITTED, min_length=1, max_length=3,
                               description="Sources to search; the emulator has documents only")


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
class KnowledgeSource(TypedDict):
    documentId: str
    sourceUrl: str
    documentType: str
    chunkId: str


class KnowledgeItem(TypedDict):
    """A chunk of a product page that shares terms with the query."""

    title: str
    snippet: str
    score: float
    source: KnowledgeSource


class KnowledgeWarning(TypedDict):
    message: str
    repositoryId: str


class KnowledgeResult(TypedDict):
    items: list[KnowledgeItem]
    warnings: list[KnowledgeWarning]
