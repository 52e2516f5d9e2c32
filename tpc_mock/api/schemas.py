"""Answer shapes every resource shares: the error envelope, references to a product, an
organization or a domain, and the timestamp types. Each resource's own answers are in its
package's `schemas` module."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import WithJsonSchema
from typing_extensions import NotRequired, TypedDict

# ISO-8601 UTC with milliseconds and `Z`, as clock.iso writes it.
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
# A calendar day, `YYYY-MM-DD`.
Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
# Whatever JSON the caller stored (metadata, configs, editor documents).
AnyJson = Annotated[Any, WithJsonSchema({})]


class ErrorBody(TypedDict):
    """The failure envelope of every /api/v1 answer: `ok` false, the error code, a message
    and, when there is something to report, `details`."""

    ok: Literal[False]
    code: str
    message: str
    details: NotRequired[AnyJson]


class ProductRef(TypedDict):
    id: str
    name: str
    slug: str | None


class OrganizationRef(TypedDict):
    id: str
    name: str
    slug: str


class PageScope(TypedDict):
    """The product and organization a site-pages answer is about."""

    product: ProductRef
    organization: OrganizationRef


class DomainRef(TypedDict):
    """A domain attached to a page."""

    id: str
    domain: str
    isCanonical: bool


class DeletedRecord(TypedDict):
    """What a delete answers: the id of what is gone."""

    id: str
