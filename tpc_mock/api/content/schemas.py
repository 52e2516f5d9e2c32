"""Request models of /api/v1/content (they also build its OpenAPI entries)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ..models import OMITTED, Model

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
