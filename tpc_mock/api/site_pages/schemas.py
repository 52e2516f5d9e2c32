"""/api/v1/site/pages: request models and answer shapes (they also build its OpenAPI entries)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import NotRequired, TypedDict

from ..models import OMITTED, Model, QueryInt
from ..schemas import DomainRef, PageScope, Timestamp

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


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
class SitePage(TypedDict):
    """A page as the list shows it."""

    id: str
    title: str
    filePath: str
    sourceUrl: str
    status: str
    type: str
    isManual: bool
    metaTitle: str | None
    metaDescription: str | None
    publishedAt: Timestamp | None
    deletedAt: Timestamp | None
    createdAt: Timestamp
    updatedAt: Timestamp
    domains: list[DomainRef]


class SitePageList(TypedDict):
    """One page of a product's pages, with the filters it was asked for echoed."""

    scope: PageScope
    page: int
    pageSize: int
    query: str | None
    status: str | None
    type: str | None
    isManual: bool | None
    pathPrefix: str | None
    hasContent: bool | None
    domainId: str | None
    domain: str | None
    archivedStatus: Literal["active", "archived", "all"]
    orderBy: Literal["createdAt", "updatedAt", "deletedAt"]
    orderByDirection: Literal["asc", "desc"]
    total: int
    totalPages: int
    items: list[SitePage]


class CreatedSitePage(TypedDict):
    id: str
    slug: str
    title: str
    sourceUrl: str
    status: str
    domains: list[DomainRef]


class SitePageCreateFailure(TypedDict):
    """A page of a create batch that was not written, and why."""

    slug: str
    message: str


class SitePageFailure(TypedDict):
    """A page of an update or delete batch that was not changed, and why."""

    id: str
    slug: NotRequired[str]
    message: str


class SitePagesCreated(TypedDict):
    scope: PageScope
    createdCount: int
    failedCount: int
    created: list[CreatedSitePage]
    failed: list[SitePageCreateFailure]


class UpdatedSitePage(TypedDict):
    id: str
    title: str
    filePath: str
    sourceUrl: str
    status: str
    isManual: bool
    domains: list[DomainRef]


class SitePagesUpdated(TypedDict):
    scope: PageScope
    updatedCount: int
    failedCount: int
    updated: list[UpdatedSitePage]
    failed: list[SitePageFailure]


class DeletedSitePage(TypedDict):
    id: str
    title: str


class SitePagesDeleted(TypedDict):
    scope: PageScope
    deletedCount: int
    failedCount: int
    deleted: list[DeletedSitePage]
    failed: list[SitePageFailure]
