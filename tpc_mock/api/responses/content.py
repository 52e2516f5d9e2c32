"""Answers of /api/v1/content and /api/v1/md (content.py and md.py build them)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from .common import AnyJson, DomainRef, Timestamp


class MarkdownDocument(TypedDict):
    """A published page as markdown (md.markdown_document)."""

    id: str
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None
    filePath: str
    title: str
    content: str
    sourceUrl: str
    isManual: bool
    productId: str
    contentType: Literal["markdown"]


class ContentText(TypedDict):
    """GET /content/{id}: a page's title and body."""

    id: str
    title: str
    content: str


class ContentRecord(TypedDict):
    """The full content record PUT and PATCH answer with (content.content_record)."""

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
