"""The internal routes: the request model and the answers' shapes (they also build the OpenAPI
entries)."""

from __future__ import annotations

from pydantic import Field
from typing_extensions import TypedDict

from ..models import Model
from ..schemas import Timestamp


class ListProductsQuery(Model):
    organizationId: str | None = Field(None, min_length=1)


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
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
