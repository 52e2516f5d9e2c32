"""Request models of /api/v1/site/pages (they also build its OpenAPI entries)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..models import OMITTED, Model, QueryInt

MAX_SAFE_INT = 2**53 - 1


class ListSitePagesQuery(Model):
    productId: str | None = Field(None, min_length=1)
    productSlug: str | None = Field(None, min_length=1)
    page: QueryInt = Field(1, ge=1, le=MAX_SAFE_INT)
    pageSize: QueryInt = Field(20, ge=1, le=100)
    orderBy: Literal["createdAt", "updatedAt", "deletedAt"] = "createdAt"
    orderByDirection: Literal["asc", "desc"] = "desc"
    query: str | None = None
    q: str | None = None
    status: Literal["draft", "published"] | None = None
    type: str | None = None
    isManual: bool | None = None
    pathPrefix: str | None = None
    hasContent: bool | None = None
    domainId: str | None = None
    domain: str | None = None
    archivedStatus: Literal["active", "archived", "all"] = "active"


class NewPage(Model):
    slug: str = Field(description="Page slug or file path, for example 'blog/my-post'")
    title: str
    content: str
    description: str = OMITTED
    metaTitle: str = OMITTED
    metaDescription: str = OMITTED
    domainIds: list[str] = OMITTED
    canonicalDomainId: str = OMITTED


class CreateSitePagesBody(Model):
    productId: str = Field(min_length=1)
    pages: list[NewPage] = Field(min_length=1, max_length=25)


class PageChange(Model):
    id: str
    title: str = OMITTED
    content: str = OMITTED
    description: str = OMITTED
    metaTitle: str = OMITTED
    metaDescription: str = OMITTED
    filePath: str = OMITTED
    status: Literal["draft", "published"] = OMITTED
    isManual: bool = OMITTED
    noIndex: bool = OMITTED
    redirectToUrl: str | None = None
    attachDomainIds: list[str] = OMITTED
    detachDomainIds: list[str] = OMITTED
    canonicalDomainId: str = OMITTED


class UpdateSitePagesBody(Model):
    productId: str = Field(min_length=1)
    pages: list[PageChange] = Field(min_length=1, max_length=25)


class DeleteSitePagesBody(Model):
    productId: str = Field(min_length=1)
    pageIds: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1, max_length=50)
