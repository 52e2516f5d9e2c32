"""Answers of /api/v1/site/pages (site_pages.py builds them)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import NotRequired, TypedDict

from .common import DomainRef, PageScope, Timestamp


class SitePage(TypedDict):
    """A page as the list shows it (site_pages.page_item)."""

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
