"""/api/v1/content: request models and answer shapes (they also build its OpenAPI entries)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict

from ..models import OMITTED, Model
from ..schemas import AnyJson, DomainRef, Timestamp

NonEmpty = Annotated[str, Field(min_length=1)]


class PutContentBody(Model):
    filePath: str = Field(OMITTED, min_length=1)
    title: str = Field(OMITTED, min_length=1)
    content: str = OMITTED
    sourceUrl: str = OMITTED
    cssSelector: str | None = None
    cssExcludeSelector: str | None = None
    redirectToUrl: str | None = None
    tiptapJson: Any = None
    description: str | None = None
    descriptionForAgent: str | None = None
    metaTitle: str | None = None
    metaDescription: str | None = None
    canonicalUrl: str | None = None
    ogTitle: str | None = None
    ogDescription: str | None = None
    ogImage: str | None = None
    twitterTitle: str | None = None
    twitterDescription: str | None = None
    twitterImage: str | None = None
    noIndex: bool = OMITTED
    tags: list[str] = OMITTED
    priority: float | None = Field(None, ge=0, le=100)


class PatchContentBody(Model):
    priority: float = Field(OMITTED, ge=0, le=100)


class ContentDomainsBody(Model):
    attach: list[NonEmpty] = OMITTED
    detach: list[NonEmpty] = OMITTED
    canonicalDomainId: str = Field(OMITTED, min_length=1)


class ContentByPathQuery(Model):
    brandId: str = Field(min_length=1)
    path: str = Field(min_length=1)


class SearchContentBody(Model):
    query: str = Field(min_length=1)


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
class ContentText(TypedDict):
    """GET /content/{id}: a page's title and body."""

    id: str
    title: str
    content: str


class ContentRecord(TypedDict):
    """The full content record PUT and PATCH answer with."""

    id: str
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None
    filePath: str
    title: str
    content: str
    sourceUrl: str
    cssSelector: str | None
    sourceChecksum: str | None
    brandId: str
    cssExcludeSelector: str | None
    isManual: bool
    lastIndexedAt: Timestamp | None
    canonicalUrl: str | None
    description: str | None
    image: str | None
    metaDescription: str | None
    metaTitle: str | None
    metadata: AnyJson
    noIndex: bool | None
    ogDescription: str | None
    ogImage: str | None
    ogTitle: str | None
    twitterDescription: str | None
    twitterImage: str | None
    twitterTitle: str | None
    tiptapJson: AnyJson
    descriptionForAgent: str | None
    type: str
    tags: list[str] | None
    currentDraftId: str | None
    publishedAt: Timestamp | None
    status: str
    priority: int | None
    promptId: str | None
    redirectToUrl: str | None


class ContentByPath(TypedDict):
    id: str
    title: str
    content: str
    filePath: str
    sourceUrl: str
    description: str | None


class ContentDomains(TypedDict):
    """A page's domains after PATCH /content/{id}/domains."""

    id: str
    domains: list[DomainRef]


class ContentSearchMetadata(TypedDict):
    pageId: str
    productId: str
    brandId: str | None
    title: str
    filePath: str
    sourceUrl: str
    status: str


class ContentSearchResult(TypedDict):
    """A vector-store style result: one list per query (there is one query)."""

    ids: list[list[str]]
    distances: list[list[float]]
    metadatas: list[list[ContentSearchMetadata]]
    embeddings: None
    documents: list[list[str]]
    uris: list[list[str]]
    data: None
    included: list[str]


class ContentCount(TypedDict):
    count: int
