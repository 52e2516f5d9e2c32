"""Answers of the internal routes /me, /organizations and /products (internal.py builds them)."""

from __future__ import annotations

from typing_extensions import TypedDict

from .common import Timestamp


class MeUser(TypedDict):
    id: str | None
    email: str | None
    name: str | None
    image: str | None
    emailVerified: bool
    createdAt: Timestamp | None


class Membership(TypedDict):
    """An organization the user belongs to, with their role in it."""

    id: str
    name: str
    slug: str
    role: str


class Me(TypedDict):
    """What `tpc auth whoami` shows."""

    user: MeUser
    organizations: list[Membership]
    activeOrganizationId: str | None
    callerKind: str
    scopes: list[str]


class Organizations(TypedDict):
    organizations: list[Membership]


class ProductSummary(TypedDict):
    id: str
    name: str
    slug: str | None
    organizationId: str
    createdAt: Timestamp | None


class Products(TypedDict):
    products: list[ProductSummary]
