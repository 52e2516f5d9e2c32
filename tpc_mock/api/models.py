"""Shared pydantic shapes of the public API (requests and responses)."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")

# Default of a body field that may be left out but, when sent, must not be null
# (`title: str = OMITTED`); `model_fields_set` tells what was sent.
OMITTED: Any = None


class Model(BaseModel):
    """Unknown fields are ignored, as TPC's validators strip them."""

    model_config = ConfigDict(extra="ignore")


class Envelope(BaseModel, Generic[T]):
    ok: Literal[True]
    data: T


class ErrorEnvelope(BaseModel):
    ok: Literal[False]
    code: str
    message: str
    details: Any = None


class ProductRef(BaseModel):
    id: str
    name: str
    slug: str | None


class OrganizationRef(BaseModel):
    id: str
    name: str
    slug: str


class Scope(BaseModel):
    product: ProductRef
    organization: OrganizationRef


class DomainRef(BaseModel):
    id: str
    domain: str
    isCanonical: bool


class Failure(BaseModel):
    id: str | None = None
    slug: str | None = None
    message: str
